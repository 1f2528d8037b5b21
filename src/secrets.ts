// Whatever the server or a custom fetch hands back may echo the credentials; nothing the client
// throws may carry them.
const REDACTED = "[redacted]";

export type Redactor = <T>(value: T) => T;

/**
 * A redactor for the secrets `secrets()` names when it runs: tokens fetched later (OAuth, login)
 * are scrubbed as well as the credentials given at the start, and so are the forms in which a
 * server echoes them (percent-encoded, form-encoded, escaped inside JSON).
 */
export function createRedactor(secrets: () => readonly string[]): Redactor {
  const scrub = (text: string) => {
    const needles = new Set<string>();
    for (const s of secrets()) {
      if (s.length === 0) continue;
      needles.add(s).add(encodeURIComponent(s)).add(new URLSearchParams({ s }).toString().slice(2)).add(JSON.stringify(s).slice(1, -1));
    }
    return [...needles].sort((a, b) => b.length - a.length).reduce((out, needle) => out.split(needle).join(REDACTED), text);
  };
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

/**
 * What an error may keep as its cause: a fresh Error carrying only the scrubbed name, message,
 * stack and code of the original (and of its causes, in the message). The original is never kept:
 * whatever it holds besides (a request's headers, a config object, a cause that is no Error)
 * would show in util.inspect.
 */
export function safeCause(cause: unknown, redact: Redactor): unknown {
  if (!(cause instanceof Error)) return redact(typeof cause === "string" ? cause : String(cause));
  const copy = new Error(describeCause(cause, redact));
  copy.name = cause.name;
  copy.stack = redact(cause.stack ?? "");
  const code = (cause as NodeJS.ErrnoException).code;
  if (typeof code === "string") Object.assign(copy, { code: redact(code) });
  return copy;
}

/** An error in a line: its message and, for fetch's "fetch failed", the code of what lay beneath. */
export function describeCause(cause: unknown, redact: Redactor): string {
  if (!(cause instanceof Error)) return redact(String(cause));
  const inner = cause.cause instanceof Error ? `: ${(cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message}` : "";
  return redact(`${cause.message}${inner}`);
}
