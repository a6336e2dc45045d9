-- CreateTable
CREATE TABLE "Membership" (
    "organizationId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("organizationId","memberId")
);

-- CreateTable
CREATE TABLE "MembershipRequest" (
    "organizationId" TEXT NOT NULL,
    "newMemberId" TEXT NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "tokenHash" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MembershipRequest_pkey" PRIMARY KEY ("organizationId","newMemberId")
);

-- CreateIndex
CREATE INDEX "Membership_memberId_createdAt_idx" ON "Membership"("memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MembershipRequest_tokenHash_key" ON "MembershipRequest"("tokenHash");

-- CreateIndex
CREATE INDEX "MembershipRequest_newMemberId_idx" ON "MembershipRequest"("newMemberId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipRequest" ADD CONSTRAINT "MembershipRequest_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipRequest" ADD CONSTRAINT "MembershipRequest_newMemberId_fkey" FOREIGN KEY ("newMemberId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

