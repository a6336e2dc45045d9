// A route segment as text: a malformed %-escape is "", which no id or version matches.
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}
