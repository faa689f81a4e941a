-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "runToken" TEXT;

