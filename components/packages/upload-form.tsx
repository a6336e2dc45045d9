"use client";
// Upload Package, step 1 (nuget.org's UploadPackage view): choose a .nupkg by the file picker or
// by dropping it on the box, then Upload. The file goes by XMLHttpRequest (fetch reports no
// upload progress) as the request body to /packages/manage/upload/file, with a progress bar;
// the server's refusal is shown under the field. On success the page is rendered again, now
// at Verify. Keyboard: the picker is a native file input, Upload a button.
import { useRouter } from "next/navigation";
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { describedBy, Field } from "@/components/ui/field";
import { primaryButton } from "@/components/ui/button-styles";
import { fileProblem } from "@/lib/packages/upload-messages";

const UPLOAD_URL = "/packages/manage/upload/file";
const HINT = "A .nupkg file, dropped here or chosen with the file picker.";

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function UploadForm({ maxBytes }: { maxBytes: number }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string>();
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const uploading = progress !== null;

  function fail(message: string) {
    setProgress(null);
    setError(message);
    input.current?.focus();
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (uploading) return;
    const dropped = e.dataTransfer.files[0] ?? null;
    setFile(dropped);
    setError(undefined);
    // the input shows the dropped file too, so the picker and the drop agree
    if (dropped && input.current) {
      const list = new DataTransfer();
      list.items.add(dropped);
      input.current.files = list.files;
    }
  }

  function upload(e: FormEvent) {
    e.preventDefault();
    const problem = fileProblem(file, maxBytes);
    if (problem || !file) return fail(problem ?? "");
    setError(undefined);
    setProgress(0);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", UPLOAD_URL);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable) setProgress(Math.floor((p.loaded / p.total) * 100));
    };
    xhr.onload = () => {
      let body: { ok?: boolean; error?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // a refusal before the route (another site's post, a stalled body): its status says enough
      }
      if (xhr.status === 200 && body.ok) {
        router.refresh();
        return;
      }
      fail(body.error ?? `The upload failed (${xhr.status} ${xhr.statusText}). Try again.`);
    };
    xhr.onerror = () => fail("The upload failed: the connection to the server was lost. Try again.");
    xhr.send(file);
  }

  return (
    <form onSubmit={upload} aria-label="Upload a package" className="max-w-2xl space-y-3" noValidate>
      <div
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        className={`rounded border-2 border-dashed px-4 py-6 ${dragging ? "border-nuget-blue bg-sky-50" : "border-gray-400"}`}
      >
        <Field id="uploadFile" label="Package file (.nupkg)" message={error} hint={HINT} className="space-y-2">
          <input
            ref={input}
            id="uploadFile"
            name="uploadFile"
            type="file"
            accept=".nupkg"
            disabled={uploading}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setError(undefined);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy("uploadFile", HINT)}
            className="block w-full"
          />
        </Field>
        {file && (
          <p className="mt-2 text-sm">
            Chosen: <span className="font-semibold break-all">{file.name}</span> ({sizeText(file.size)})
          </p>
        )}
      </div>
      {uploading && (
        <div className="space-y-1">
          <label htmlFor="uploadProgress" className="block text-sm">
            Uploading… {progress}%
          </label>
          <progress id="uploadProgress" max={100} value={progress} className="h-3 w-full max-w-md" />
        </div>
      )}
      <button type="submit" className={primaryButton} disabled={uploading}>
        Upload
      </button>
    </form>
  );
}
