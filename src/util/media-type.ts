// A Content-Type's media type, read one way everywhere: the client's answers, the mocks' judging of
// requests and verify's tap.

/** `Application/JSON; charset=utf-8` → `application/json`; null for no header. */
export function parseMediaType(contentType: string | null | undefined): string | null {
  if (contentType === null || contentType === undefined) return null;
  return contentType.split(";")[0]!.trim().toLowerCase();
}
