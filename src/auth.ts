// How the client gets in: the four ways a platform accepts (see the spec's security schemes), and
// the tokens two of them fetch. Tokens are fetched through openapi-fetch like every other call,
// cached, shared by concurrent calls (one request in flight), and renewed before they expire.
import type { Client } from "openapi-fetch";
import { refusalError, type Answer } from "./answers.js";
import { OperationsManagerError, optionError } from "./errors.js";
import { createRedactor, describeCause, noRedaction, safeCause } from "./redaction.js";
import type { paths } from "./types.js";
import { isPlainObject, kindOf } from "./values.js";

/** HTTP Basic on every call (the reference pages' way; the platform accepts it only over TLS). */
export interface BasicAuth {
  username: string;
  password: string;
  method?: "basic";
}
/** `POST /login` once, then the session token as the cookie `token`; logs in again when it times out. */
export interface LoginAuth {
  username: string;
  password: string;
  method: "login";
}
/** OAuth 2 client credentials: `POST /oauth/token`, then `Authorization: Bearer`; renewed before it expires. */
export interface ClientCredentialsAuth {
  clientId: string;
  clientSecret: string;
}
/**
 * A bearer token you manage yourself. A function is called for every call (cache in it as you
 * like); after a `401` it is called once more, and the call repeated once if it gives another token.
 */
export interface TokenAuth {
  token: string | (() => string | Promise<string>);
}
export type AuthOptions = BasicAuth | LoginAuth | ClientCredentialsAuth | TokenAuth;

/** What one call is sent with: its headers, and the token they carry (to drop it after a 401, and to scrub it from that call's errors). */
export interface Credential {
  readonly headers: Record<string, string>;
  readonly token: string;
}

/** Which request gets a token: OAuth 2's token endpoint, or the platform's login. */
export type TokenStep = "getOAuthToken" | "login";

/**
 * How a client gets in, by kind. `secrets` are the fixed credentials, for redaction; a token
 * method's tokens are scrubbed from each call's errors through the credential that call used.
 */
export type Authenticator =
  /** The same headers on every call (Basic): set once on the openapi-fetch client. */
  | { readonly kind: "basic"; readonly headers: Record<string, string>; readonly secrets: readonly string[] }
  | {
      readonly kind: "token";
      /** The token request it makes, if any (none for a token you manage). */
      readonly step?: TokenStep;
      /** The credential for the next call. Rejects with kind "auth" when none can be had. */
      credential(): Promise<Credential>;
      /** After a 401 answered to `used`: forgets it, and says whether asking again may give another. */
      renew(used: Credential): boolean;
      readonly secrets: readonly string[];
    };

type Engine = Client<paths>;
type Fetched = { token: string; expiresAt: number };

/** Renew this much before `expires_in` runs out: a tenth of the lifetime, at most a minute. */
const renewMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 10);
/** A token request never waits longer than this, even for a client with no timeout: it is shared. */
const TOKEN_TIMEOUT_MS = 30_000;
/** What a header can carry as a token: visible ASCII, no spaces (RFC 6750's b64token is narrower). */
const usableToken = (token: unknown): token is string => typeof token === "string" && /^[\x21-\x7e]+$/.test(token);

const refuse = optionError;

/**
 * Checks `auth` and says which way it is, without ever naming a secret's value. Returns a copy
 * read once, so a getter or Proxy cannot give one value to the check and another to the request.
 */
export function checkAuth(auth: unknown): AuthOptions {
  const ways = "{ username, password }, { username, password, method: \"login\" }, { clientId, clientSecret } or { token }";
  if (!auth || typeof auth !== "object") throw refuse(`auth is required: ${ways}`);
  const given = ["username", "clientId", "token"].filter((key) => key in auth || (key === "clientId" && "clientSecret" in auth));
  if (given.length !== 1) throw refuse(`auth must be exactly one of ${ways}; got ${given.length ? given.join(" and ") : "none of them"}`);
  const a = auth as Record<string, unknown>;
  const nonEmpty = (key: string, value: unknown): string => {
    if (typeof value !== "string" || value === "") throw refuse(`auth.${key} must be a non-empty string`);
    return value;
  };
  if (given[0] === "clientId") {
    return { clientId: nonEmpty("clientId", a.clientId), clientSecret: nonEmpty("clientSecret", a.clientSecret) };
  }
  if (given[0] === "token") {
    const token = a.token;
    if (typeof token === "function") return { token: token as TokenAuth["token"] };
    if (!usableToken(nonEmpty("token", token))) throw refuse("auth.token must be visible ASCII without spaces, as a header carries it");
    return { token: token as string };
  }
  const username = nonEmpty("username", a.username);
  const password = a.password;
  const method = a.method;
  if (typeof password !== "string") throw refuse("auth.password must be a string");
  if (method !== undefined && method !== "basic" && method !== "login") {
    throw refuse(`auth.method must be "basic" or "login", got ${typeof method === "string" ? JSON.stringify(method.slice(0, 40)) : typeof method}`);
  }
  if (method === "login") return { username, password, method };
  if (username.includes(":")) throw refuse("auth.username must not contain ':' (HTTP Basic)");
  return method === "basic" ? { username, password, method } : { username, password };
}

export function createAuthenticator(auth: AuthOptions, engine: () => Engine, timeoutMs: number): Authenticator {
  if ("clientId" in auth) {
    const secrets = [auth.clientSecret];
    return { kind: "token", step: "getOAuthToken", secrets, ...tokenSource("getOAuthToken", secrets, () => fetchOAuthToken(engine(), auth, timeoutMs, secrets)) };
  }
  if ("token" in auth) return givenToken(auth.token);
  if (auth.method === "login") {
    const secrets = [auth.password, `${auth.username}:${auth.password}`];
    return { kind: "token", step: "login", secrets, ...tokenSource("login", secrets, () => fetchLoginToken(engine(), auth, timeoutMs, secrets), credentialHeaders.loginCookie) };
  }
  const headers = credentialHeaders.basic(auth.username, auth.password);
  return { kind: "basic", headers, secrets: [auth.password, headers.Authorization.slice("Basic ".length), `${auth.username}:${auth.password}`] };
}

/**
 * The headers each way in sends, in one place: the client, `npm run verify`, the bench and the
 * tests all build them here.
 */
export const credentialHeaders = {
  /** `Authorization: Basic <base64(username:password)>`, the user id and password as UTF-8 (RFC 7617). */
  basic: (username: string, password: string) => ({ Authorization: `Basic ${base64(`${username}:${password}`)}` }),
  /** `Authorization: Bearer <token>`: an OAuth access token, or a token you manage. */
  bearer: (token: string) => ({ Authorization: `Bearer ${token}` }),
  /** `Cookie: token=<token>`: the login session token (percent-encoded only where RFC 6265 forbids a character). */
  loginCookie: (token: string) => ({ Cookie: `token=${/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/.test(token) ? token : encodeURIComponent(token)}` }),
};
const { bearer } = credentialHeaders;

/** A cached token, fetched by one request however many calls wait for it, renewed before expiry. */
function tokenSource(step: TokenStep, secrets: readonly string[], fetchToken: () => Promise<Fetched>, headersFor: (token: string) => Record<string, string> = bearer) {
  let current: (Fetched & Credential) | undefined;
  let inFlight: Promise<Credential> | undefined;
  const credential = (): Promise<Credential> => {
    if (current && Date.now() < current.expiresAt) return Promise.resolve(current);
    inFlight ??= fetchToken().then(
      (fetched) => {
        inFlight = undefined;
        current = { ...fetched, headers: headersFor(fetched.token) };
        return current;
      },
      (error: unknown) => {
        inFlight = undefined;
        // Whatever failed, it failed at the token step.
        throw error instanceof OperationsManagerError ? error : authError(step, `failed (${describeCause(error, createRedactor(secrets))})`, {}, secrets, error);
      },
    );
    return inFlight;
  };
  const renew = (used: Credential) => {
    // Only the token that was refused is dropped: a concurrent call may have renewed it already.
    if (current?.token === used.token) current = undefined;
    return true;
  };
  return { credential, renew };
}

function givenToken(token: TokenAuth["token"]): Authenticator {
  if (typeof token === "string") {
    const credential = { token, headers: bearer(token) };
    return { kind: "token", secrets: [token], credential: () => Promise.resolve(credential), renew: () => false };
  }
  const credential = async (): Promise<Credential> => {
    let value: unknown;
    try {
      value = await token();
    } catch (cause) {
      throw authError(undefined, `auth.token() failed (${describeCause(cause, noRedaction)})`, {}, [], cause);
    }
    if (!usableToken(value)) {
      const what = typeof value === "string" && value !== "" ? "a string with spaces or characters a header cannot carry" : kindOf(value);
      // A string it gave is scrubbed too: it was meant as a secret, usable or not.
      throw authError(undefined, `auth.token() must give a non-empty string of visible ASCII, got ${what}`, {}, typeof value === "string" ? [value] : []);
    }
    return { token: value, headers: bearer(value) };
  };
  // Asking again helps only when the function then gives another token: the client compares.
  return { kind: "token", secrets: [], credential, renew: () => true };
}

async function fetchOAuthToken(engine: Engine, auth: ClientCredentialsAuth, timeoutMs: number, secrets: readonly string[]): Promise<Fetched> {
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
  if (!usableToken(token)) {
    // The answer may hold a token all the same (one a header cannot carry): scrubbed with it.
    const why = unusable(token, "an access_token");
    throw authError(step, `the platform answered ${response.status} ${why}`, { status: response.status, body: answer ?? text }, typeof token === "string" ? [...secrets, token] : secrets);
  }
  // Seconds; some servers send the number as a string. Without one, the token lasts until a 401.
  const expiresIn = Number((answer as Record<string, unknown>).expires_in ?? NaN);
  const lifetimeMs = expiresIn >= 0 ? expiresIn * 1000 : Infinity;
  return { token, expiresAt: sentAt + lifetimeMs - renewMargin(lifetimeMs) };
}

async function fetchLoginToken(engine: Engine, auth: LoginAuth, timeoutMs: number, secrets: readonly string[]): Promise<Fetched> {
  const step = "login";
  const { text, response } = await tokenCall(step, timeoutMs, secrets, (signal) =>
    engine.POST("/login", { body: { user: { username: auth.username, password: auth.password } }, parseAs: "text", signal }),
  );
  // The token itself, as plain text or as a JSON string, depending on the platform's version.
  // A JSON object or array is no token, whatever it holds: the platform answered something else.
  const trimmed = text.trim();
  const token = trimmed.startsWith('"') ? parseJson(trimmed) : /^[[{]/.test(trimmed) ? undefined : trimmed;
  if (!usableToken(token)) {
    const why = /^[[{]/.test(trimmed) ? "with JSON that is not a session token" : unusable(token, "a session token");
    throw authError(step, `the platform answered ${response.status} ${why}`, { status: response.status, body: text }, typeof token === "string" ? [...secrets, token] : secrets);
  }
  // The session lasts until the platform says otherwise (a 401); no lifetime is given.
  return { token, expiresAt: Infinity };
}

/** Why a token the platform gave cannot be used: missing, or present but not something a header can carry. */
function unusable(token: unknown, what: string): string {
  if (typeof token === "string" && token.trim() !== "") return `with ${what} that has spaces or characters a header cannot carry`;
  return `without ${what}`;
}

/** One token request, with its own time limit: it is shared, so no single caller's signal may end it. */
async function tokenCall(step: TokenStep, timeoutMs: number, secrets: readonly string[], call: (signal?: AbortSignal) => Promise<Answer>) {
  const limitMs = Math.min(timeoutMs, TOKEN_TIMEOUT_MS);
  const signal = AbortSignal.timeout(limitMs);
  let answered: Answer;
  try {
    answered = await call(signal);
  } catch (cause) {
    const redact = createRedactor(secrets);
    const why = signal.aborted ? `no answer within ${limitMs} ms` : `no answer from the server (${describeCause(cause, redact)})`;
    throw authError(step, why, {}, secrets, cause);
  }
  if (!answered.response.ok) throw refusalError("auth", step, `${step}: could not get a token`, answered, createRedactor(secrets));
  return { text: typeof answered.data === "string" ? answered.data : "", response: answered.response };
}

/** No token could be had: scrubbed with the credentials it was asked with (and any token-like value seen). */
function authError(step: TokenStep | undefined, why: string, details: { status?: number; body?: unknown }, secrets: readonly string[], cause?: unknown): OperationsManagerError {
  const redact = createRedactor(secrets);
  const what = step ? `${step}: could not get a token` : "could not get a token";
  return new OperationsManagerError("auth", redact(`${what}: ${why}`), {
    operationId: step,
    status: details.status,
    body: redact(details.body),
    cause: cause === undefined ? undefined : safeCause(cause, redact),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function base64(text: string): string {
  // RFC 7617: user-id and password are encoded as UTF-8.
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
