// The server's log lines. Text that can come from a user (a key name in a mail's subject, an
// address, an error's message quoting a value) is written with its control characters escaped,
// so a CR/LF in it cannot split a line or forge one. Pure.

/** The text as one line: control characters (and U+2028/2029) as \xNN / \uNNNN. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

export function logInfo(...lines: string[]): void {
  console.log(lines.map(oneLine).join("\n"));
}

/** `context: message`, then the stack's frames (code locations, never user text). */
export function logError(context: string, e: unknown): void {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const stack = e instanceof Error && e.stack ? e.stack.slice(Math.max(0, e.stack.indexOf("\n    at "))) : "";
  console.error(`${oneLine(context)}: ${oneLine(message)}${stack.startsWith("\n") ? stack : ""}`);
}
