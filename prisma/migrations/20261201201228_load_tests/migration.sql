-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'load_test';

-- CreateTable
CREATE TABLE "LoadTest" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "promptWords" INTEGER NOT NULL,
    "maxTokens" INTEGER NOT NULL,
    "passed" BOOLEAN,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "errorMessages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "latencyP50Ms" DOUBLE PRECISION,
    "latencyP95Ms" DOUBLE PRECISION,
    "ttftP50Ms" DOUBLE PRECISION,
    "ttftP95Ms" DOUBLE PRECISION,
    "outputTokensPerS" DOUBLE PRECISION,
    "requestsPerS" DOUBLE PRECISION,
    "durationMs" DOUBLE PRECISION,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "LoadTest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LoadTest_operationId_key" ON "LoadTest"("operationId");

-- CreateIndex
CREATE INDEX "LoadTest_deploymentId_createdAt_idx" ON "LoadTest"("deploymentId", "createdAt");

-- AddForeignKey
ALTER TABLE "LoadTest" ADD CONSTRAINT "LoadTest_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoadTest" ADD CONSTRAINT "LoadTest_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

