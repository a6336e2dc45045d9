-- CreateTable
CREATE TABLE "OrganizationMigrationRequest" (
    "accountId" TEXT NOT NULL PRIMARY KEY,
    "adminUserId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OrganizationMigrationRequest_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OrganizationMigrationRequest_adminUserId_fkey" FOREIGN KEY ("adminUserId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PackageOwnerRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "registrationId" TEXT NOT NULL,
    "newOwnerId" TEXT NOT NULL,
    "requestingOwnerId" TEXT NOT NULL,
    "message" TEXT,
    "tokenHash" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PackageOwnerRequest_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "PackageRegistration" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PackageOwnerRequest_newOwnerId_fkey" FOREIGN KEY ("newOwnerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PackageOwnerRequest_requestingOwnerId_fkey" FOREIGN KEY ("requestingOwnerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReservedNamespace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "valueKey" TEXT NOT NULL,
    "isPrefix" BOOLEAN NOT NULL DEFAULT true,
    "isShared" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ReservedNamespaceOwner" (
    "namespaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("namespaceId", "userId"),
    CONSTRAINT "ReservedNamespaceOwner_namespaceId_fkey" FOREIGN KEY ("namespaceId") REFERENCES "ReservedNamespace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReservedNamespaceOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeyNotice" (
    "apiKeyId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,

    PRIMARY KEY ("apiKeyId", "kind"),
    CONSTRAINT "KeyNotice_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "usernameKey" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailConfirmedAt" DATETIME,
    "passwordHash" TEXT,
    "isOrganization" BOOLEAN NOT NULL DEFAULT false,
    "locked" BOOLEAN NOT NULL DEFAULT false,
    "emailAllowed" BOOLEAN NOT NULL DEFAULT true,
    "notifyPackagePushed" BOOLEAN NOT NULL DEFAULT true,
    "pendingEmail" TEXT,
    "deletedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("createdAt", "email", "emailConfirmedAt", "id", "isOrganization", "locked", "passwordHash", "username", "usernameKey") SELECT "createdAt", "email", "emailConfirmedAt", "id", "isOrganization", "locked", "passwordHash", "username", "usernameKey" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_usernameKey_key" ON "User"("usernameKey");
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "new_PackageRegistration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "packageId" TEXT NOT NULL,
    "idKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verified" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_PackageRegistration" ("createdAt", "id", "idKey", "packageId") SELECT "createdAt", "id", "idKey", "packageId" FROM "PackageRegistration";
DROP TABLE "PackageRegistration";
ALTER TABLE "new_PackageRegistration" RENAME TO "PackageRegistration";
CREATE UNIQUE INDEX "PackageRegistration_idKey_key" ON "PackageRegistration"("idKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

