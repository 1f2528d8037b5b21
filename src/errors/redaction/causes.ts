// What an error keeps of a cause: a fresh Error with only its scrubbed words, never the original.
import type { Redactor } from "./redactor.js";

/**
 * What an error may keep as its cause: a fresh Error carrying only the scrubbed name, message,
 * stack and code of the original (and of its causes, in the message). The original is never kept:
 * whatever it holds besides (a request's headers, a config object, a cause that is no Error)
 * would show in util.inspect.
 */
export function safeCause(cause: unknown, redact: Redactor): unknown {
  // Any getter or Proxy trap of a hostile error may throw: what cannot be read is not shown.
  try {
    if (!(cause instanceof Error)) return redact(typeof cause === "string" ? cause : safeString(cause));
    const copy = new Error(describeCause(cause, redact));
    copy.name = redact(safeString(cause.name));
    copy.stack = redact(typeof cause.stack === "string" ? cause.stack : "");
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === "string") Object.assign(copy, { code: redact(code) });
    return copy;
  } catch {
    return new Error(UNSHOWABLE);
  }
}

/** An error in a line: its message and, for fetch's "fetch failed", the code of what lay beneath. */
export function describeCause(cause: unknown, redact: Redactor): string {
  try {
    if (!(cause instanceof Error)) return redact(safeString(cause));
    const inner =
      cause.cause instanceof Error
        ? `: ${safeString((cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message)}`
        : "";
    return redact(`${safeString(cause.message)}${inner}`);
  } catch {
    return UNSHOWABLE;
  }
}

const UNSHOWABLE = "(an error that cannot be shown)";

/** String(value), for a value that may be a Proxy or have a throwing toString. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "(a value that cannot be shown)";
  }
}
