-- CreateIndex
CREATE INDEX "LoginFailure_at_idx" ON "LoginFailure"("at");

