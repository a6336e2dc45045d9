// POST /packages/manage/upload/file: Upload Package's first step. The body is the .nupkg itself
// (sent by XMLHttpRequest for its upload progress), its name in X-File-Name (URI-encoded).
// server/main.ts refuses another origin's post (CSRF) and hands this one body to Next unread;
// here it is streamed to a file at the pushes' pace and size cap, in one of as many slots as
// pushes have, then checked as a push and kept as the user's pending upload.
import { readFile } from "node:fs/promises";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import { createSlots, maxConcurrentPushes } from "@/lib/nuget/push-slots";
import { drainBody, maxPackageBytes, UploadTooSlow } from "@/lib/nuget/read-body";
import { checkUpload, receiveUpload, stagePendingUpload } from "@/lib/packages/pending-uploads";
import { fileProblem, UPLOAD_MESSAGES } from "@/lib/packages/upload-messages";
import { removeFile } from "@/lib/packages/upload-files";
import { getOptionalUser } from "@/lib/session";

export const dynamic = "force-dynamic";

const slots = createSlots(maxConcurrentPushes());

function answer(status: number, body: { ok: true } | { error: string }): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

function fileNameOf(request: Request): string {
  try {
    return decodeURIComponent(request.headers.get("x-file-name") ?? "").slice(0, 256);
  } catch {
    return "";
  }
}

export async function POST(request: Request): Promise<Response> {
  const user = await getOptionalUser();
  const limit = maxPackageBytes();
  const body = request.body as unknown as AsyncIterable<Uint8Array> | null;
  // A refused body is read (and thrown away, within drainBody's cap and pace) before the answer,
  // as a push's refusal is: a client still sending when the answer came saw its connection
  // reset (ECONNRESET) instead of the reason.
  const refuse = async (status: number, error: string) => {
    await drainBody(body, limit);
    return answer(status, { error });
  };
  if (!user) return refuse(401, "Your session has ended. Sign in again to upload a package.");
  const fileName = fileNameOf(request);
  // a chunked body announces no length: its size is capped while it is read
  const announced = Number(request.headers.get("content-length") ?? NaN);
  const problem = body ? fileProblem({ name: fileName, size: Number.isNaN(announced) ? 1 : announced }, limit) : UPLOAD_MESSAGES.fileRequired;
  if (problem) return refuse(announced > limit ? 413 : 400, problem);

  const giveBack = await slots.take();
  try {
    let received;
    try {
      received = await receiveUpload(body!, limit);
    } catch (e) {
      if (e instanceof UploadTooSlow) return answer(408, { error: `${e.reason} Nothing was kept: upload the package again.` });
      return answer(400, { error: "The upload was interrupted. Upload the package again." });
    }
    if (!received.ok) return answer(413, { error: UPLOAD_MESSAGES.tooLarge(limit) });
    try {
      const checked = await checkUpload(db, user.id, await readFile(received.file), request.headers);
      if (!checked.ok) {
        await removeFile(received.file);
        return answer(checked.status, { error: checked.message });
      }
      await stagePendingUpload(db, user.id, received, { packageId: checked.packageId, version: checked.version, fileName });
      return answer(200, { ok: true });
    } catch (e) {
      await removeFile(received.file);
      logError("upload failed", e);
      return answer(500, { error: "The package could not be uploaded. Try again shortly." });
    }
  } finally {
    giveBack();
  }
}
