// Whatever the server or a custom fetch hands back may echo the credentials; nothing the client
// throws may carry them.
const REDACTED = "[redacted]";

export type Redactor = <T>(value: T) => T;

/**
 * A redactor for the secrets `secrets()` names when it runs: tokens fetched later (OAuth, login)
 * are scrubbed as well as the credentials given at the start.
 */
export function createRedactor(secrets: () => readonly string[]): Redactor {
  const scrub = (text: string) =>
    secrets()
      .filter((s) => s.length > 0)
      .sort((a, b) => b.length - a.length)
      .reduce((out, needle) => out.split(needle).join(REDACTED), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), walk(v)]));
    }
    return value;
  };
  return walk as Redactor;
}

/** Keeps an error as the cause when it shows no secret; otherwise a scrubbed copy of its message. */
export function safeCause(cause: unknown, redact: Redactor): unknown {
  if (!(cause instanceof Error)) return redact(cause);
  let seen = "";
  for (let e: unknown = cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    seen += `${e.message}\n${e.stack ?? ""}\n${safeJson(e)}\n`;
  }
  if (redact(seen) === seen) return cause;
  const copy = new Error(redact(cause.message));
  copy.name = cause.name;
  copy.stack = redact(cause.stack ?? "");
  return copy;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** An error in a line: its message and, for fetch's "fetch failed", the code of what lay beneath. */
export function describeCause(cause: unknown, redact: Redactor): string {
  if (!(cause instanceof Error)) return redact(String(cause));
  const inner = cause.cause instanceof Error ? `: ${(cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message}` : "";
  return redact(`${cause.message}${inner}`);
}
