-- AlterTable
ALTER TABLE "User" ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "emailAllowed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notifyPackagePushed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "pendingEmail" TEXT;

-- AlterTable
ALTER TABLE "PackageRegistration" ADD COLUMN     "verified" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OrganizationMigrationRequest" (
    "accountId" TEXT NOT NULL,
    "adminUserId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganizationMigrationRequest_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "PackageOwnerRequest" (
    "id" TEXT NOT NULL,
    "registrationId" TEXT NOT NULL,
    "newOwnerId" TEXT NOT NULL,
    "requestingOwnerId" TEXT NOT NULL,
    "message" TEXT,
    "tokenHash" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PackageOwnerRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReservedNamespace" (
    "id" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "valueKey" TEXT NOT NULL,
    "isPrefix" BOOLEAN NOT NULL DEFAULT true,
    "isShared" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReservedNamespace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReservedNamespaceOwner" (
    "namespaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "ReservedNamespaceOwner_pkey" PRIMARY KEY ("namespaceId","userId")
);

-- CreateTable
CREATE TABLE "KeyNotice" (
    "apiKeyId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "KeyNotice_pkey" PRIMARY KEY ("apiKeyId","kind")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrganizationMigrationRequest_tokenHash_key" ON "OrganizationMigrationRequest"("tokenHash");

-- CreateIndex
CREATE INDEX "OrganizationMigrationRequest_adminUserId_idx" ON "OrganizationMigrationRequest"("adminUserId");

-- CreateIndex
CREATE UNIQUE INDEX "PackageOwnerRequest_tokenHash_key" ON "PackageOwnerRequest"("tokenHash");

-- CreateIndex
CREATE INDEX "PackageOwnerRequest_newOwnerId_idx" ON "PackageOwnerRequest"("newOwnerId");

-- CreateIndex
CREATE UNIQUE INDEX "PackageOwnerRequest_registrationId_newOwnerId_key" ON "PackageOwnerRequest"("registrationId", "newOwnerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReservedNamespace_valueKey_isPrefix_key" ON "ReservedNamespace"("valueKey", "isPrefix");

-- CreateIndex
CREATE INDEX "ReservedNamespaceOwner_userId_idx" ON "ReservedNamespaceOwner"("userId");

-- AddForeignKey
ALTER TABLE "OrganizationMigrationRequest" ADD CONSTRAINT "OrganizationMigrationRequest_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganizationMigrationRequest" ADD CONSTRAINT "OrganizationMigrationRequest_adminUserId_fkey" FOREIGN KEY ("adminUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageOwnerRequest" ADD CONSTRAINT "PackageOwnerRequest_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "PackageRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageOwnerRequest" ADD CONSTRAINT "PackageOwnerRequest_newOwnerId_fkey" FOREIGN KEY ("newOwnerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageOwnerRequest" ADD CONSTRAINT "PackageOwnerRequest_requestingOwnerId_fkey" FOREIGN KEY ("requestingOwnerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReservedNamespaceOwner" ADD CONSTRAINT "ReservedNamespaceOwner_namespaceId_fkey" FOREIGN KEY ("namespaceId") REFERENCES "ReservedNamespace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReservedNamespaceOwner" ADD CONSTRAINT "ReservedNamespaceOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyNotice" ADD CONSTRAINT "KeyNotice_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

