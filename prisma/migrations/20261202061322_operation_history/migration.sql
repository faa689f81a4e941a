-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "createdBy" TEXT;

-- CreateIndex
CREATE INDEX "Operation_createdAt_id_idx" ON "Operation"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Operation_kind_createdAt_idx" ON "Operation"("kind", "createdAt");

