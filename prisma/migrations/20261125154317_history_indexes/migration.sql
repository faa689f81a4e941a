-- CreateIndex
CREATE INDEX "Deployment_createdAt_id_idx" ON "Deployment"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Deployment_createdBy_createdAt_idx" ON "Deployment"("createdBy", "createdAt");

