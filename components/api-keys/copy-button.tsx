"use client";
// Copies a just-created key to the clipboard: the value is never rendered as text.
// navigator.clipboard exists only in secure contexts (https, localhost); on a plain http://
// origin we fall back to a hidden textarea + execCommand("copy"), removed right after.
import { useEffect, useState } from "react";
import { iconLinkButton } from "@/components/ui/button-styles";
import { RowIcon } from "./row-icons";

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // permission refused or unsupported: try the old way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.setAttribute("aria-hidden", "true");
  area.style.position = "fixed";
  area.style.opacity = "0";
  area.style.left = "-9999px";
  document.body.appendChild(area);
  try {
    area.select();
    return document.execCommand("copy");
  } finally {
    area.value = "";
    area.remove();
  }
}

export function CopyButton({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <span className="relative">
      <button
        type="button"
        className={iconLinkButton}
        onClick={async () => setCopied(await copyText(secret))}
      >
        <RowIcon name="copy" />
        Copy
      </button>
      {copied ? (
        <span role="status" className="absolute -top-8 left-0 rounded bg-gray-800 px-2 py-1 text-xs text-white">
          Copied.
        </span>
      ) : null}
    </span>
  );
}
