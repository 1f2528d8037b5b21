// How the client gets in: the four ways a platform accepts (see the spec's security schemes), and
// the tokens two of them fetch. Tokens are fetched through openapi-fetch like every other call,
// cached, shared by concurrent calls (one request in flight), and renewed before they expire.
import type { Client } from "openapi-fetch";
import { OperationsManagerError, optionError } from "./errors.js";
import { describeCause, safeCause, type Redactor } from "./secrets.js";
import type { paths } from "./types.js";

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

/** What one call is sent with: its headers, and the token they carry (to drop it after a 401). */
export interface Credential {
  readonly headers: Record<string, string>;
  readonly token: string;
}

export interface Authenticator {
  /** Headers for every call, when they never change (Basic): set once on the openapi-fetch client. */
  readonly fixedHeaders?: Record<string, string>;
  /** The credential for the next call; absent for Basic. Rejects with kind "auth" when none can be had. */
  readonly credential?: () => Promise<Credential>;
  /** After a 401 answered to `used`: forgets it, and says whether asking again may give another. */
  readonly renew?: (used: Credential) => boolean;
  /** Every secret the client has held, for redaction: credentials and the tokens fetched. */
  readonly secrets: () => readonly string[];
}

type Engine = Client<paths>;
type Fetched = { token: string; expiresAt: number };

/** Renew this much before `expires_in` runs out: a tenth of the lifetime, at most a minute. */
const renewMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 10);
/** Tokens kept for redaction: the current one and those it replaced (a token function may mint one a call). */
const REMEMBERED_TOKENS = 64;
/** A token request never waits longer than this, even for a client with no timeout: it is shared. */
const TOKEN_TIMEOUT_MS = 30_000;
/** What a header can carry as a token: visible ASCII, no spaces (RFC 6750's b64token is narrower). */
const usableToken = (token: unknown): token is string => typeof token === "string" && /^[\x21-\x7e]+$/.test(token);

const refuse = optionError;

/** Checks `auth` and says which way it is, without ever naming a secret's value. */
export function checkAuth(auth: unknown): AuthOptions {
  const ways = "{ username, password }, { username, password, method: \"login\" }, { clientId, clientSecret } or { token }";
  if (!auth || typeof auth !== "object") throw refuse(`auth is required: ${ways}`);
  const a = auth as Record<string, unknown>;
  const given = ["username", "clientId", "token"].filter((key) => key in a || (key === "clientId" && "clientSecret" in a));
  if (given.length !== 1) throw refuse(`auth must be exactly one of ${ways}; got ${given.length ? given.join(" and ") : "none of them"}`);
  const nonEmpty = (key: string) => {
    if (typeof a[key] !== "string" || a[key] === "") throw refuse(`auth.${key} must be a non-empty string`);
  };
  if (given[0] === "clientId") {
    nonEmpty("clientId");
    nonEmpty("clientSecret");
  } else if (given[0] === "token") {
    if (typeof a.token !== "function") {
      nonEmpty("token");
      if (!usableToken(a.token)) throw refuse("auth.token must be visible ASCII without spaces, as a header carries it");
    }
  } else {
    nonEmpty("username");
    if (typeof a.password !== "string") throw refuse("auth.password must be a string");
    if (a.method !== undefined && a.method !== "basic" && a.method !== "login") {
      throw refuse(`auth.method must be "basic" or "login", got ${JSON.stringify(String(a.method))}`);
    }
    if (a.method !== "login" && (a.username as string).includes(":")) throw refuse("auth.username must not contain ':' (HTTP Basic)");
  }
  return auth as AuthOptions;
}

export function createAuthenticator(auth: AuthOptions, engine: () => Engine, timeoutMs: number, redact: Redactor): Authenticator {
  if ("clientId" in auth) {
    const source = tokenSource(() => fetchOAuthToken(engine(), auth, timeoutMs, redact));
    return { ...source, secrets: () => [auth.clientSecret, ...source.tokens()] };
  }
  if ("token" in auth) return givenToken(auth.token, redact);
  if (auth.method === "login") {
    const source = tokenSource(() => fetchLoginToken(engine(), auth, timeoutMs, redact), credentialHeaders.loginCookie);
    return { ...source, secrets: () => [auth.password, ...source.tokens()] };
  }
  const fixedHeaders = credentialHeaders.basic(auth.username, auth.password);
  const secrets = [auth.password, fixedHeaders.Authorization.slice("Basic ".length), `${auth.username}:${auth.password}`];
  return { fixedHeaders, secrets: () => secrets };
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
function tokenSource(fetchToken: () => Promise<Fetched>, headersFor: (token: string) => Record<string, string> = bearer) {
  let current: (Fetched & Credential) | undefined;
  let inFlight: Promise<Credential> | undefined;
  const seen: string[] = [];
  const credential = (): Promise<Credential> => {
    if (current && Date.now() < current.expiresAt) return Promise.resolve(current);
    inFlight ??= fetchToken().then(
      (fetched) => {
        inFlight = undefined;
        remember(seen, fetched.token);
        current = { ...fetched, headers: headersFor(fetched.token) };
        return current;
      },
      (error: unknown) => {
        inFlight = undefined;
        throw error;
      },
    );
    return inFlight;
  };
  const renew = (used: Credential) => {
    // Only the token that was refused is dropped: a concurrent call may have renewed it already.
    if (current?.token === used.token) current = undefined;
    return true;
  };
  return { credential, renew, tokens: () => seen };
}

/** Keeps a token for redaction: the newest few, each once. */
function remember(seen: string[], token: string): void {
  if (seen.includes(token)) return;
  seen.unshift(token);
  seen.length = Math.min(seen.length, REMEMBERED_TOKENS);
}

function givenToken(token: TokenAuth["token"], redact: Redactor): Authenticator {
  if (typeof token === "string") {
    const credential = { token, headers: bearer(token) };
    return { credential: () => Promise.resolve(credential), renew: () => false, secrets: () => [token] };
  }
  const seen: string[] = [];
  const credential = async (): Promise<Credential> => {
    let value: unknown;
    try {
      value = await token();
    } catch (cause) {
      throw authError(undefined, `auth.token() failed (${describeCause(cause, redact)})`, {}, cause, redact);
    }
    if (!usableToken(value)) {
      const what = typeof value === "string" && value !== "" ? "a string with spaces or characters a header cannot carry" : kindOf(value);
      throw authError(undefined, `auth.token() must give a non-empty string of visible ASCII, got ${what}`, {});
    }
    remember(seen, value);
    return { token: value, headers: bearer(value) };
  };
  // Asking again helps only when the function then gives another token: the client compares.
  return { credential, renew: () => true, secrets: () => seen };
}

async function fetchOAuthToken(engine: Engine, auth: ClientCredentialsAuth, timeoutMs: number, redact: Redactor): Promise<Fetched> {
  const step = "getOAuthToken";
  const sentAt = Date.now();
  const { text, response } = await tokenCall(step, timeoutMs, redact, (signal) =>
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
  const token = (answer as { access_token?: unknown } | undefined)?.access_token;
  if (!usableToken(token)) {
    throw authError(step, `the platform answered ${response.status} without an access_token`, { status: response.status, body: answer ?? text }, undefined, redact);
  }
  // Seconds; some servers send the number as a string. Without one, the token lasts until a 401.
  const expiresIn = Number((answer as { expires_in?: unknown }).expires_in ?? NaN);
  const lifetimeMs = expiresIn >= 0 ? expiresIn * 1000 : Infinity;
  return { token, expiresAt: sentAt + lifetimeMs - renewMargin(lifetimeMs) };
}

async function fetchLoginToken(engine: Engine, auth: LoginAuth, timeoutMs: number, redact: Redactor): Promise<Fetched> {
  const step = "login";
  const { text, response } = await tokenCall(step, timeoutMs, redact, (signal) =>
    engine.POST("/login", { body: { user: { username: auth.username, password: auth.password } }, parseAs: "text", signal }),
  );
  // The token itself, as plain text or as a JSON string, depending on the platform's version.
  // A JSON object or array is no token, whatever it holds: the platform answered something else.
  const trimmed = text.trim();
  const token = trimmed.startsWith('"') ? parseJson(trimmed) : /^[[{]/.test(trimmed) ? undefined : trimmed;
  if (!usableToken(token)) {
    throw authError(step, `the platform answered ${response.status} with a body that is not a session token`, { status: response.status, body: text }, undefined, redact);
  }
  // The session lasts until the platform says otherwise (a 401); no lifetime is given.
  return { token, expiresAt: Infinity };
}

type Answered = { data?: unknown; error?: unknown; response: Response };

/** One token request, with its own time limit: it is shared, so no single caller's signal may end it. */
async function tokenCall(step: "getOAuthToken" | "login", timeoutMs: number, redact: Redactor, call: (signal?: AbortSignal) => Promise<Answered>) {
  const limitMs = Math.min(timeoutMs, TOKEN_TIMEOUT_MS);
  const signal = AbortSignal.timeout(limitMs);
  let answered: Answered;
  try {
    answered = await call(signal);
  } catch (cause) {
    const why = signal.aborted ? `no answer within ${limitMs} ms` : `no answer from the server (${describeCause(cause, redact)})`;
    throw authError(step, why, {}, cause, redact);
  }
  const { response } = answered;
  if (!response.ok) {
    // openapi-fetch hands an error body over parsed when it is JSON, as text otherwise.
    // Scrubbed before anything is cut from it, so no part of a secret survives a cut.
    const body = redact(answered.error === "" ? undefined : answered.error);
    const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    const said = platformMessage(body) ?? (location === null ? undefined : `a redirect to ${location}, not followed`);
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    throw authError(step, `the platform refused (${status}${said ? `: ${said}` : ""})`, { status: response.status, body }, undefined, redact);
  }
  return { text: typeof answered.data === "string" ? answered.data : "", response };
}

function authError(
  step: "getOAuthToken" | "login" | undefined,
  why: string,
  details: { status?: number; body?: unknown },
  cause?: unknown,
  redact?: Redactor,
): OperationsManagerError {
  const scrub: Redactor = redact ?? ((value) => value);
  const what = step ? `${step}: could not get a token` : "could not get a token";
  return new OperationsManagerError("auth", scrub(`${what}: ${why}`), {
    operationId: step,
    status: details.status,
    body: scrub(details.body),
    cause: cause === undefined ? undefined : safeCause(cause, scrub),
  });
}

/** The platform's own words in an error body: its envelope's message, or an OAuth 2 error. */
function platformMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body.slice(0, 200);
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const said = [b.message, b.error_description, b.error].find((m): m is string => typeof m === "string" && m !== "");
  return said;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function kindOf(value: unknown): string {
  return value === null ? "null" : typeof value === "string" ? "an empty string" : typeof value;
}

function base64(text: string): string {
  // RFC 7617: user-id and password are encoded as UTF-8.
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
