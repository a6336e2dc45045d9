-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "allowedCidrs" TEXT,
ADD COLUMN     "policyId" TEXT,
ADD COLUMN     "previousLastUsedAt" TIMESTAMP(3),
ADD COLUMN     "previousLookupId" TEXT,
ADD COLUMN     "previousSecretHash" TEXT,
ADD COLUMN     "previousValidUntil" TIMESTAMP(3),
ADD COLUMN     "trustedPublishingHintAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "PackageRegistration" ADD COLUMN     "description" TEXT,
ADD COLUMN     "totalDownloads" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PackageVersion" ADD COLUMN     "downloadCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pushedVia" TEXT;

-- CreateTable
CREATE TABLE "KeyActivity" (
    "id" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "packageId" TEXT,
    "version" TEXT,
    "result" TEXT NOT NULL,
    "status" INTEGER,
    "failedCheck" TEXT,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    "secret" TEXT,

    CONSTRAINT "KeyActivity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrustedPublishingPolicy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'GitHubActions',
    "criteria" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastMatchedAt" TIMESTAMP(3),
    "lastUse" TEXT,

    CONSTRAINT "TrustedPublishingPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrustedPublishingScope" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,

    CONSTRAINT "TrustedPublishingScope_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FederatedCredential" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FederatedCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingUpload" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "packageId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha512" TEXT NOT NULL,
    "fileName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingUpload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PackageSearchTerm" (
    "term" TEXT NOT NULL,
    "registrationId" TEXT NOT NULL,

    CONSTRAINT "PackageSearchTerm_pkey" PRIMARY KEY ("term","registrationId")
);

-- CreateIndex
CREATE INDEX "KeyActivity_apiKeyId_at_idx" ON "KeyActivity"("apiKeyId", "at");

-- CreateIndex
CREATE INDEX "KeyActivity_at_idx" ON "KeyActivity"("at");

-- CreateIndex
CREATE INDEX "TrustedPublishingPolicy_createdById_createdAt_idx" ON "TrustedPublishingPolicy"("createdById", "createdAt");

-- CreateIndex
CREATE INDEX "TrustedPublishingPolicy_ownerId_idx" ON "TrustedPublishingPolicy"("ownerId");

-- CreateIndex
CREATE INDEX "TrustedPublishingScope_policyId_idx" ON "TrustedPublishingScope"("policyId");

-- CreateIndex
CREATE UNIQUE INDEX "FederatedCredential_jti_key" ON "FederatedCredential"("jti");

-- CreateIndex
CREATE UNIQUE INDEX "PendingUpload_userId_key" ON "PendingUpload"("userId");

-- CreateIndex
CREATE INDEX "PendingUpload_expiresAt_idx" ON "PendingUpload"("expiresAt");

-- CreateIndex
CREATE INDEX "PackageSearchTerm_registrationId_idx" ON "PackageSearchTerm"("registrationId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_previousLookupId_key" ON "ApiKey"("previousLookupId");

-- CreateIndex
CREATE INDEX "ApiKey_expiresAt_idx" ON "ApiKey"("expiresAt");

-- CreateIndex
CREATE INDEX "ApiKey_policyId_idx" ON "ApiKey"("policyId");

-- CreateIndex
CREATE INDEX "PackageVersion_pushedByKeyId_pushedAt_idx" ON "PackageVersion"("pushedByKeyId", "pushedAt");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "TrustedPublishingPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyActivity" ADD CONSTRAINT "KeyActivity_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrustedPublishingPolicy" ADD CONSTRAINT "TrustedPublishingPolicy_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrustedPublishingPolicy" ADD CONSTRAINT "TrustedPublishingPolicy_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrustedPublishingScope" ADD CONSTRAINT "TrustedPublishingScope_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "TrustedPublishingPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PendingUpload" ADD CONSTRAINT "PendingUpload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageSearchTerm" ADD CONSTRAINT "PackageSearchTerm_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "PackageRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

