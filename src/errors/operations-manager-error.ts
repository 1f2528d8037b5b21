import type { OperationId } from "../contract/types.js";

/** One way a value breaks the contract: `path` is a JSON pointer into it (`""` for the whole). */
export interface Violation {
  path: string;
  message: string;
}

export type OperationsManagerErrorKind =
  /** Refused before sending: a parameter or body that breaks the contract, or bad client options. */
  | "invalid-request"
  /** The server answered with a status other than 2xx. */
  | "http"
  /** No answer: the connection failed, or the caller's signal aborted the call. */
  | "network"
  /** No answer within `timeoutMs` (or the caller's signal timed out). */
  | "timeout"
  /** A 2xx answer that is not the contract's JSON envelope, or (with `validate: "throw"`) breaks the contract. */
  | "invalid-response"
  /**
   * No token could be had: `POST /oauth/token` or `POST /login` refused or failed (`operationId`
   * names the step, `status` and `body` its answer), or the caller's `auth.token()` failed.
   */
  | "auth";

export interface OperationsManagerErrorDetails {
  operationId?: OperationId;
  status?: number;
  /** The answer's body: parsed JSON when it was JSON, its text otherwise. */
  body?: unknown;
  /** How the answer's body breaks the contract (answers are checked only with `validate`). */
  violations?: Violation[];
  cause?: unknown;
}

// Shared by the ESM and CommonJS builds, so that an error from one passes `instanceof` in the other.
const BRAND = Symbol.for("operations-manager-tasks-contract@0");

/** The one error every failure of the client rejects with. It never holds credentials. */
export class OperationsManagerError extends Error {
  override readonly name = "OperationsManagerError";
  readonly kind: OperationsManagerErrorKind;
  readonly operationId?: OperationId;
  readonly status?: number;
  readonly body?: unknown;
  /** How the answer's body breaks its declared schema (JSON pointers into `body`); only with `validate`. */
  readonly violations?: Violation[];

  constructor(kind: OperationsManagerErrorKind, message: string, details: OperationsManagerErrorDetails = {}) {
    super(bounded(message), details.cause === undefined ? undefined : { cause: details.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.kind = kind;
    this.operationId = details.operationId;
    this.status = details.status;
    this.body = details.body;
    if (details.violations?.length) this.violations = details.violations;
  }
}

// `instanceof` looks for the brand. Installed here rather than declared as a `static
// [Symbol.hasInstance]` member: that would put `Symbol` in the declarations, which a consumer on
// TypeScript's default target (lib ES5, no `Symbol` value) cannot read even for `import type`.
Object.defineProperty(OperationsManagerError, Symbol.hasInstance, {
  configurable: true,
  value: function hasInstance(this: unknown, value: unknown): boolean {
    // Subclasses keep the ordinary prototype check; only this class looks for the brand.
    if (this !== OperationsManagerError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      Object.prototype.toString.call(value) === "[object Error]" && (value as { [BRAND]?: unknown })[BRAND] === true
    );
  },
});

/** An error message stays readable whatever a platform answers: at most this many characters. */
export const MAX_MESSAGE_LENGTH = 2000;

function bounded(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  const note = ` (cut from ${message.length} characters)`;
  let end = MAX_MESSAGE_LENGTH - note.length - 1;
  // Not between the two halves of a surrogate pair.
  if (/[\ud800-\udbff]/.test(message[end - 1] ?? "")) end--;
  return `${message.slice(0, end)}…${note}`;
}

export function isOperationsManagerError(value: unknown): value is OperationsManagerError {
  return value instanceof OperationsManagerError;
}

/** Bad options given to createOperationsManagerClient: refused before any call, naming what was wrong. */
/** A call refused before anything was sent (its arguments or call options): one wording for all. */
export function refusedCall(operationId: OperationId, message: string): OperationsManagerError {
  return new OperationsManagerError("invalid-request", `${operationId}: ${message}. Nothing was sent.`, {
    operationId,
  });
}

export function optionError(message: string): OperationsManagerError {
  return new OperationsManagerError("invalid-request", `createOperationsManagerClient: ${message}`);
}
