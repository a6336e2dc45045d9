"use server";
// Upload Package's Verify step: Submit and Cancel. Each re-checks the session user; the upload
// id comes in by `.bind` and the data layer only ever finds it among the user's own.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { fail, type ActionState } from "@/lib/action-state";
import { db } from "@/lib/db";
import { discardPendingUpload, submitPendingUpload } from "@/lib/packages/pending-uploads";
import { requireUser } from "@/lib/session";

const UPLOAD_PATH = "/packages/manage/upload";

export async function submitUploadAction(uploadId: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser(UPLOAD_PATH);
  if (typeof uploadId !== "string") return fail("This upload is no longer waiting to be submitted.");
  const owner = form.get("owner");
  const result = await submitPendingUpload(db, user.id, uploadId, typeof owner === "string" && owner ? owner.slice(0, 256) : null);
  if (!result.ok) {
    revalidatePath(UPLOAD_PATH);
    return fail(result.message);
  }
  redirect(`/packages/${encodeURIComponent(result.packageId)}/${encodeURIComponent(result.version)}`);
}

export async function cancelUploadAction(uploadId: unknown): Promise<void> {
  const user = await requireUser(UPLOAD_PATH);
  if (typeof uploadId === "string") await discardPendingUpload(db, user.id, uploadId);
  revalidatePath(UPLOAD_PATH);
  redirect(UPLOAD_PATH);
}
