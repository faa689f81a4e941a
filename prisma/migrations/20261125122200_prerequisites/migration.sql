-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'prerequisites';

-- AlterEnum
ALTER TYPE "OperationStatus" ADD VALUE 'blocked';

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "prereqCheckedAt" TIMESTAMP(3),
ADD COLUMN     "prereqProfile" TEXT,
ADD COLUMN     "prereqState" TEXT;

-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "params" JSONB;

