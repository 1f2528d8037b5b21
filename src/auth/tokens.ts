// Tokens: the two requests that get one (OAuth 2 client credentials, the platform's login), each
// through openapi-fetch like every other call and with its own time limit; a cache that shares one
// request among concurrent calls and renews before expiry; and a token the caller manages. Every
// failure here is kind "auth", scrubbed with the credentials it was asked with. What a token step
// received is a credential or holds one: its errors describe it (status, content type, shape),
// never show it; a refusal keeps the platform's own words of why.
import type { Client } from "openapi-fetch";
import { mediaTypeOf, platformMessage, type Answer } from "../http/response.js";
import type { Authenticator, ClientCredentialsAuth, Credential, LoginAuth, TokenAuth, TokenStep } from "./types.js";
import { credentialHeaders } from "./credential-headers.js";
import { OperationsManagerError } from "../errors/operations-manager-error.js";
import { createRedactor, scrubJoined } from "../errors/redaction/redactor.js";
import { describeCause, safeCause } from "../errors/redaction/causes.js";
import { schemaValidators } from "../../generated/request-validators.js";
import { tooLarge } from "../http/transport.js";
import type { paths } from "../contract/types.js";
import { declaredBy } from "../contract/validation.js";
import { isPlainObject, kindOf, parseJson, shapeOf } from "../util/values.js";

type Engine = Client<paths>;
type Fetched = { token: string; expiresAt: number };
const { bearer } = credentialHeaders;

/** What a header can carry as a token: the spec's HeaderToken (visible ASCII, no spaces), by its generated validator. */
export const usableToken = (token: unknown): token is string =>
  typeof token === "string" && schemaValidators.HeaderToken(token);
/** Renew this much before `expires_in` runs out: a tenth of the lifetime, at most a minute. */
const renewMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 10);
/** A token request never waits longer than this, even for a client with no timeout: it is shared. */
const TOKEN_TIMEOUT_MS = 30_000;

/**
 * A cached token, fetched by one request however many calls wait for it, renewed before expiry.
 * `fetchToken` is told the secrets its errors must not show: the credentials, and the token it
 * replaces (a platform may name the token it refused or revoked).
 */
export function tokenSource(
  step: TokenStep,
  secrets: readonly string[],
  fetchToken: (secrets: readonly string[]) => Promise<Fetched>,
  headersFor: (token: string) => Record<string, string> = bearer,
) {
  let current: (Fetched & Credential) | undefined;
  let replaced: string | undefined;
  let inFlight: Promise<Credential> | undefined;
  const credential = (): Promise<Credential> => {
    if (current && Date.now() < current.expiresAt) return Promise.resolve(current);
    if (current) replaced = current.token;
    const known = replaced === undefined ? secrets : [...secrets, replaced];
    inFlight ??= fetchToken(known).then(
      (fetched) => {
        inFlight = undefined;
        current = { ...fetched, headers: headersFor(fetched.token) };
        return current;
      },
      (error: unknown) => {
        inFlight = undefined;
        // Whatever failed, it failed at the token step.
        throw error instanceof OperationsManagerError
          ? error
          : authError(step, `failed (${describeCause(error, createRedactor(known))})`, {}, known, error);
      },
    );
    return inFlight;
  };
  const renew = (used: Credential) => {
    // Only the token that was refused is dropped: a concurrent call may have renewed it already.
    if (current?.token === used.token) {
      replaced = used.token;
      current = undefined;
    }
    return true;
  };
  return { credential, renew };
}

/** How many of the tokens a token function gave are scrubbed from what it throws later. */
const GIVEN_KEPT = 8;

export function givenToken(token: TokenAuth["token"]): Authenticator {
  if (typeof token === "string") {
    const credential = { token, headers: bearer(token) };
    return { kind: "token", secrets: [token], credential: () => Promise.resolve(credential), renew: () => false };
  }
  // The tokens it gave lately: what it throws later (a vault's "lease for <token> expired") may name them.
  const given: string[] = [];
  const credential = async (): Promise<Credential> => {
    let value: unknown;
    try {
      value = await token();
    } catch (cause) {
      const known = [...given];
      throw authError(
        undefined,
        `auth.token() failed (${describeCause(cause, createRedactor(known))})`,
        {},
        known,
        cause,
      );
    }
    if (!usableToken(value)) {
      const what =
        typeof value === "string" && value !== ""
          ? "a string with spaces or characters a header cannot carry"
          : kindOf(value);
      // A string it gave is scrubbed too: it was meant as a secret, usable or not.
      throw authError(
        undefined,
        `auth.token() must give a non-empty string of visible ASCII, got ${what}`,
        {},
        typeof value === "string" ? [value] : [],
      );
    }
    if (!given.includes(value) && given.push(value) > GIVEN_KEPT) given.shift();
    return { token: value, headers: bearer(value) };
  };
  // Asking again helps only when the function then gives another token: the client compares.
  return { kind: "token", secrets: [], credential, renew: () => true };
}

export async function fetchOAuthToken(
  engine: Engine,
  auth: ClientCredentialsAuth,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<Fetched> {
  const step = "getOAuthToken";
  const sentAt = Date.now();
  const { text, response } = await tokenCall(step, timeoutMs, secrets, (signal) =>
    engine.POST("/oauth/token", {
      body: { grant_type: "client_credentials", client_id: auth.clientId, client_secret: auth.clientSecret },
      // OAuth 2 takes a form, never JSON. Serialized here: openapi-fetch's default serializer
      // spots the form's content type with an instanceof check that fails across realms (jest).
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      bodySerializer: (form) => new URLSearchParams(form).toString(),
      parseAs: "text",
      signal,
    }),
  );
  const answer = parseJson(text);
  const token = isPlainObject(answer) ? answer.access_token : undefined;
  if (!usableToken(token)) throw unusableAnswer(step, unusable(token, "an access_token"), text, response, secrets);
  // Seconds; some servers send the number as a string. Without one, the token lasts until a 401.
  const expiresIn = Number((answer as Record<string, unknown>).expires_in ?? NaN);
  const lifetimeMs = expiresIn >= 0 ? expiresIn * 1000 : Infinity;
  return { token, expiresAt: sentAt + lifetimeMs - renewMargin(lifetimeMs) };
}

export async function fetchLoginToken(
  engine: Engine,
  auth: LoginAuth,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<Fetched> {
  const step = "login";
  const { text, response } = await tokenCall(step, timeoutMs, secrets, (signal) =>
    engine.POST("/login", {
      body: { user: { username: auth.username, password: auth.password } },
      parseAs: "text",
      signal,
    }),
  );
  // The token itself, as plain text or as a JSON string, depending on the platform's version.
  // A JSON object or array is no token, whatever it holds: the platform answered something else.
  const trimmed = text.trim();
  const token = trimmed.startsWith('"') ? parseJson(trimmed) : /^[[{]/.test(trimmed) ? undefined : trimmed;
  if (!usableToken(token)) {
    const why = /^[[{]/.test(trimmed) ? "with JSON that is not a session token" : unusable(token, "a session token");
    throw unusableAnswer(step, why, text, response, secrets);
  }
  // The session lasts until the platform says otherwise (a 401); no lifetime is given.
  return { token, expiresAt: Infinity };
}

/** Why a token the platform gave cannot be used: missing, or present but not something a header can carry. */
function unusable(token: unknown, what: string): string {
  if (typeof token === "string" && token.trim() !== "")
    return `with ${what} that has spaces or characters a header cannot carry`;
  return `without ${what}`;
}

/** One token request, with its own time limit: it is shared, so no single caller's signal may end it. */
async function tokenCall(
  step: TokenStep,
  timeoutMs: number,
  secrets: readonly string[],
  call: (signal?: AbortSignal) => Promise<Answer>,
) {
  const limitMs = Math.min(timeoutMs, TOKEN_TIMEOUT_MS);
  const signal = AbortSignal.timeout(limitMs);
  let answered: Answer;
  try {
    answered = await call(signal);
  } catch (cause) {
    const large = tooLarge(cause);
    if (large) {
      const why = `the platform answered ${large.status} with a body larger than maxResponseBytes (${large.maxBytes} bytes); reading stopped there`;
      throw authError(step, why, { status: large.status }, secrets);
    }
    const redact = createRedactor(secrets);
    const why = signal.aborted
      ? `no answer within ${limitMs} ms`
      : `no answer from the server (${describeCause(cause, redact)})`;
    throw authError(step, why, {}, secrets, cause);
  }
  const response = answered.response;
  if (!response.ok) {
    // A refusal: its status, the platform's own words (why it refused; scrubbed, cut) and the shape of the rest.
    const text =
      typeof answered.error === "string"
        ? answered.error
        : answered.error === undefined
          ? ""
          : JSON.stringify(answered.error);
    const redact = createRedactor(secrets);
    const said = redact(platformMessage(redact(refusalWords(text, response)), 300));
    const statusText = redact(redact(response.statusText).slice(0, 100));
    const where = status3xx(response) ? " (a redirect, not followed)" : "";
    throw authError(
      step,
      `the platform answered ${response.status}${statusText ? ` ${statusText}` : ""}${where}${said ? `: ${said}` : ""}; ${redact(bodyShape(step, text, response))}`,
      { status: response.status, body: describedBody(step, text, response) },
      secrets,
    );
  }
  return { text: typeof answered.data === "string" ? answered.data : "", response };
}

const status3xx = (response: Response) => response.status >= 300 && response.status < 400;

/**
 * What a token step received is a credential, or holds one, wherever it stands and whatever it is
 * named: an answer the client cannot use is described by its status, content type and shape
 * (member names and JSON types), never by its values.
 */
function unusableAnswer(
  step: TokenStep,
  why: string,
  text: string,
  response: Response,
  secrets: readonly string[],
): OperationsManagerError {
  const shape = createRedactor(secrets)(bodyShape(step, text, response));
  return authError(
    step,
    `the platform answered ${response.status} ${why}; ${shape}`,
    { status: response.status, body: describedBody(step, text, response) },
    secrets,
  );
}

/** A token step's answer as an error may hold it: its media type and shape. */
function describedBody(
  step: TokenStep,
  text: string,
  response: Response,
): { contentType: string | null; shape: string } {
  return { contentType: shownMediaType(step, response), shape: shapeOfAnswer(step, text, response) };
}

function bodyShape(step: TokenStep, text: string, response: Response): string {
  const type = shownMediaType(step, response);
  return `its body: ${shapeOfAnswer(step, text, response)}${type ? ` (${type})` : ""}`;
}

/** Media types any server may answer with, shown as they are besides those the contract names. */
const WELL_KNOWN_MEDIA_TYPES = new Set([
  "application/json",
  "application/problem+json",
  "application/x-www-form-urlencoded",
  "application/xml",
  "application/octet-stream",
  "text/plain",
  "text/html",
  "text/xml",
  "multipart/form-data",
]);

/**
 * The answer's media type when the contract names it for this step or it is well known; any other
 * is the server's to say (it may be the token itself, `application/<token>`): not shown.
 */
function shownMediaType(step: TokenStep, response: Response): string | null {
  const type = mediaTypeOf(response);
  if (type === null) return null;
  return declaredBy(step).mediaTypes.has(type) || WELL_KNOWN_MEDIA_TYPES.has(type) ? type : "another media type";
}

/**
 * The members a refusal names its reason with (OAuth 2's `error` and `error_description`, the
 * platform's `message`), of a JSON object or a form; undefined for anything else: a text answer
 * may be the token itself.
 */
function refusalWords(text: string, response: Response): Record<string, unknown> | undefined {
  const json = parseJson(text);
  const named = isPlainObject(json) ? json : asForm(text, response);
  return named && { message: named.message, error_description: named.error_description, error: named.error };
}

/** A form's fields (their values as strings), when the answer is or reads as one. */
function asForm(text: string, response: Response): Record<string, string> | undefined {
  const trimmed = text.trim();
  if (
    mediaTypeOf(response) !== "application/x-www-form-urlencoded" &&
    !/^[^=&\s]+=[^&\s]*(&[^=&\s]+=[^&\s]*)*$/.test(trimmed)
  )
    return undefined;
  const form = Object.create(null) as Record<string, string>;
  new URLSearchParams(trimmed).forEach((value, name) => (form[name] = value));
  return form;
}

/** `JSON {access_token: string}`, `a form {access_token: string}`, `text of 40 characters`, `an empty body`. */
function shapeOfAnswer(step: TokenStep, text: string, response: Response): string {
  if (text.trim() === "") return "an empty body";
  const json = parseJson(text);
  if (json !== undefined) return `JSON ${shapeOf(json, declaredBy(step).names)}`;
  const form = asForm(text, response);
  return form ? `a form ${shapeOf(form, declaredBy(step).names)}` : `text of ${text.length} characters`;
}

/** No token could be had: scrubbed with the credentials it was asked with (and any token-like value seen). */
function authError(
  step: TokenStep | undefined,
  why: string,
  details: { status?: number; body?: unknown },
  secrets: readonly string[],
  cause?: unknown,
): OperationsManagerError {
  const redact = createRedactor(secrets);
  const what = step ? `${step}: could not get a token` : "could not get a token";
  // `why` is put together from pieces each scrubbed already: the whole is scrubbed for what their joins may form.
  return new OperationsManagerError("auth", scrubJoined(redact, `${what}: ${why}`), {
    operationId: step,
    status: details.status,
    body: redact(details.body),
    cause: cause === undefined ? undefined : safeCause(cause, redact),
  });
}
