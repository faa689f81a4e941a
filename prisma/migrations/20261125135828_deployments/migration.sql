-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('queued', 'deploying', 'running', 'failed', 'cancelled', 'blocked', 'stopped');

-- CreateEnum
CREATE TYPE "StageStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled');

-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'deploy';

-- AlterEnum
ALTER TYPE "OperationStatus" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "LogLine" ADD COLUMN     "stage" TEXT;

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'queued',
    "spec" JSONB NOT NULL,
    "specHash" TEXT NOT NULL,
    "modelName" TEXT NOT NULL,
    "installMethod" TEXT NOT NULL,
    "apiKeySealed" TEXT,
    "hfTokenSealed" TEXT,
    "dirId" TEXT NOT NULL,
    "redeployOfId" TEXT,
    "stage" TEXT,
    "error" TEXT,
    "result" JSONB,
    "createdBy" TEXT,
    "cancelRequestedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentStage" (
    "deploymentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "StageStatus" NOT NULL DEFAULT 'pending',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "detail" TEXT,

    CONSTRAINT "DeploymentStage_pkey" PRIMARY KEY ("deploymentId","name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_operationId_key" ON "Deployment"("operationId");

-- CreateIndex
CREATE INDEX "Deployment_hostId_createdAt_idx" ON "Deployment"("hostId", "createdAt");

-- CreateIndex
CREATE INDEX "Deployment_status_createdAt_idx" ON "Deployment"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_redeployOfId_fkey" FOREIGN KEY ("redeployOfId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentStage" ADD CONSTRAINT "DeploymentStage_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- One deployment at a time mutates a host: a second writer to "deploying" for the same host fails.
CREATE UNIQUE INDEX "Deployment_one_deploying_per_host" ON "Deployment"("hostId") WHERE "status" = 'deploying';
