-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "deployConcurrency" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "hostSlot" INTEGER;


-- One deploying deployment per place on its host: a host runs at most deployConcurrency at once.
UPDATE "Deployment" SET "hostSlot" = 0 WHERE "status" = 'deploying';
DROP INDEX "Deployment_one_deploying_per_host";
CREATE UNIQUE INDEX "Deployment_one_deploying_per_host_slot" ON "Deployment"("hostId", "hostSlot") WHERE "status" = 'deploying';
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_deploying_has_slot" CHECK ("status" <> 'deploying' OR "hostSlot" IS NOT NULL);
ALTER TABLE "Host" ADD CONSTRAINT "Host_deployConcurrency_range" CHECK ("deployConcurrency" BETWEEN 1 AND 8);
