-- CreateTable
CREATE TABLE "KeyActivity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "apiKeyId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "packageId" TEXT,
    "version" TEXT,
    "result" TEXT NOT NULL,
    "status" INTEGER,
    "failedCheck" TEXT,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    "secret" TEXT,
    CONSTRAINT "KeyActivity_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrustedPublishingPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'GitHubActions',
    "criteria" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastMatchedAt" DATETIME,
    "lastUse" TEXT,
    CONSTRAINT "TrustedPublishingPolicy_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TrustedPublishingPolicy_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrustedPublishingScope" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    CONSTRAINT "TrustedPublishingScope_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "TrustedPublishingPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FederatedCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PendingUpload" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "packageId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha512" TEXT NOT NULL,
    "fileName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "PendingUpload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PackageSearchTerm" (
    "term" TEXT NOT NULL,
    "registrationId" TEXT NOT NULL,

    PRIMARY KEY ("term", "registrationId"),
    CONSTRAINT "PackageSearchTerm_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "PackageRegistration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'apikey.v4',
    "name" TEXT NOT NULL,
    "lookupId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "expiresInDays" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revocationSource" TEXT,
    "revocationUrl" TEXT,
    "lastUsedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "previousLookupId" TEXT,
    "previousSecretHash" TEXT,
    "previousValidUntil" DATETIME,
    "previousLastUsedAt" DATETIME,
    "allowedCidrs" TEXT,
    "policyId" TEXT,
    "trustedPublishingHintAt" DATETIME,
    CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiKey_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "TrustedPublishingPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ApiKey" ("createdAt", "expiresAt", "expiresInDays", "id", "lastUsedAt", "lookupId", "name", "ownerId", "revocationSource", "revocationUrl", "revokedAt", "secretHash", "type", "userId") SELECT "createdAt", "expiresAt", "expiresInDays", "id", "lastUsedAt", "lookupId", "name", "ownerId", "revocationSource", "revocationUrl", "revokedAt", "secretHash", "type", "userId" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_lookupId_key" ON "ApiKey"("lookupId");
CREATE UNIQUE INDEX "ApiKey_previousLookupId_key" ON "ApiKey"("previousLookupId");
CREATE INDEX "ApiKey_userId_createdAt_idx" ON "ApiKey"("userId", "createdAt");
CREATE INDEX "ApiKey_expiresAt_idx" ON "ApiKey"("expiresAt");
CREATE INDEX "ApiKey_policyId_idx" ON "ApiKey"("policyId");
CREATE TABLE "new_PackageRegistration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "packageId" TEXT NOT NULL,
    "idKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT,
    "totalDownloads" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_PackageRegistration" ("createdAt", "id", "idKey", "packageId", "verified") SELECT "createdAt", "id", "idKey", "packageId", "verified" FROM "PackageRegistration";
DROP TABLE "PackageRegistration";
ALTER TABLE "new_PackageRegistration" RENAME TO "PackageRegistration";
CREATE UNIQUE INDEX "PackageRegistration_idKey_key" ON "PackageRegistration"("idKey");
CREATE TABLE "new_PackageVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "registrationId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "versionKey" TEXT NOT NULL,
    "listed" BOOLEAN NOT NULL DEFAULT true,
    "size" INTEGER NOT NULL,
    "sha512" TEXT NOT NULL,
    "pushedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pushedById" TEXT,
    "pushedByKeyId" TEXT,
    "pushedByKeyName" TEXT,
    "pushedVia" TEXT,
    "downloadCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "PackageVersion_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "PackageRegistration" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PackageVersion_pushedById_fkey" FOREIGN KEY ("pushedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "PackageVersion_pushedByKeyId_fkey" FOREIGN KEY ("pushedByKeyId") REFERENCES "ApiKey" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_PackageVersion" ("id", "listed", "pushedAt", "pushedById", "pushedByKeyId", "pushedByKeyName", "registrationId", "sha512", "size", "version", "versionKey") SELECT "id", "listed", "pushedAt", "pushedById", "pushedByKeyId", "pushedByKeyName", "registrationId", "sha512", "size", "version", "versionKey" FROM "PackageVersion";
DROP TABLE "PackageVersion";
ALTER TABLE "new_PackageVersion" RENAME TO "PackageVersion";
CREATE INDEX "PackageVersion_pushedByKeyId_pushedAt_idx" ON "PackageVersion"("pushedByKeyId", "pushedAt");
CREATE UNIQUE INDEX "PackageVersion_registrationId_versionKey_key" ON "PackageVersion"("registrationId", "versionKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

