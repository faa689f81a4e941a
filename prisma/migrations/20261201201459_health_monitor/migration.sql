-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('healthy', 'degraded', 'down');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "health" "HealthStatus",
ADD COLUMN     "healthCheckedAt" TIMESTAMP(3),
ADD COLUMN     "healthReason" TEXT,
ADD COLUMN     "healthSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "HealthEvent" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "status" "HealthStatus" NOT NULL,
    "previous" "HealthStatus",
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HealthEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" BIGSERIAL NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestsRunning" DOUBLE PRECISION,
    "requestsWaiting" DOUBLE PRECISION,
    "kvCacheUsage" DOUBLE PRECISION,
    "promptTokensPerS" DOUBLE PRECISION,
    "generationTokensPerS" DOUBLE PRECISION,
    "ttftP50" DOUBLE PRECISION,
    "ttftP95" DOUBLE PRECISION,
    "e2eP50" DOUBLE PRECISION,
    "e2eP95" DOUBLE PRECISION,
    "interTokenP50" DOUBLE PRECISION,
    "interTokenP95" DOUBLE PRECISION,
    "snapshot" JSONB NOT NULL,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HealthEvent_deploymentId_at_idx" ON "HealthEvent"("deploymentId", "at");

-- CreateIndex
CREATE INDEX "MetricSample_deploymentId_at_idx" ON "MetricSample"("deploymentId", "at");

-- CreateIndex
CREATE INDEX "MetricSample_at_idx" ON "MetricSample"("at");

-- AddForeignKey
ALTER TABLE "HealthEvent" ADD CONSTRAINT "HealthEvent_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

