-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "revocationUrl" TEXT;

