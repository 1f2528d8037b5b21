// JSON pointers (RFC 6901), the way violations and drift name a place in a body.

/** One member name or index as a pointer segment: `~` as `~0`, `/` as `~1`. */
export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A pointer segment back to its member name. */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}
