// How the client gets in: the four ways a platform accepts (see the spec's security schemes), the
// check of the `auth` option, and the Authenticator each way becomes. The tokens two of them fetch
// are tokens.ts's; the headers each sends, credential-headers.ts's.
import type { Client } from "openapi-fetch";
import { credentialHeaders } from "./credential-headers.js";
import { optionError } from "../errors/operations-manager-error.js";
import { fetchLoginToken, fetchOAuthToken, givenToken, tokenSource, usableToken } from "./tokens.js";
import type { paths } from "../contract/types.js";
import type { AuthOptions, Authenticator, TokenAuth } from "./types.js";

export { credentialHeaders } from "./credential-headers.js";
export type {
  AuthOptions,
  Authenticator,
  BasicAuth,
  ClientCredentialsAuth,
  Credential,
  LoginAuth,
  TokenAuth,
  TokenStep,
} from "./types.js";

type Engine = Client<paths>;

const refuse = optionError;

/**
 * Checks `auth` and says which way it is, without ever naming a secret's value. Returns a copy
 * read once, so a getter or Proxy cannot give one value to the check and another to the request.
 */
export function checkAuth(auth: unknown): AuthOptions {
  const ways =
    '{ username, password }, { username, password, method: "login" }, { clientId, clientSecret } or { token }';
  if (!auth || typeof auth !== "object") throw refuse(`auth is required: ${ways}`);
  const given = ["username", "clientId", "token"].filter(
    (key) => key in auth || (key === "clientId" && "clientSecret" in auth),
  );
  if (given.length !== 1)
    throw refuse(`auth must be exactly one of ${ways}; got ${given.length ? given.join(" and ") : "none of them"}`);
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
    if (!usableToken(nonEmpty("token", token)))
      throw refuse("auth.token must be visible ASCII without spaces, as a header carries it");
    return { token: token as string };
  }
  const username = nonEmpty("username", a.username);
  const password = a.password;
  const method = a.method;
  if (typeof password !== "string") throw refuse("auth.password must be a string");
  if (method !== undefined && method !== "basic" && method !== "login") {
    throw refuse(
      `auth.method must be "basic" or "login", got ${typeof method === "string" ? JSON.stringify(method.slice(0, 40)) : typeof method}`,
    );
  }
  if (method === "login") return { username, password, method };
  if (username.includes(":")) throw refuse("auth.username must not contain ':' (HTTP Basic)");
  return method === "basic" ? { username, password, method } : { username, password };
}

export function createAuthenticator(auth: AuthOptions, engine: () => Engine, timeoutMs: number): Authenticator {
  if ("clientId" in auth) {
    // The pair too, as client_secret_basic would send it (base64 of id:secret): a server may echo that.
    const secrets = [auth.clientSecret, `${auth.clientId}:${auth.clientSecret}`];
    return {
      kind: "token",
      step: "getOAuthToken",
      secrets,
      ...tokenSource("getOAuthToken", secrets, (known) => fetchOAuthToken(engine(), auth, timeoutMs, known)),
    };
  }
  if ("token" in auth) return givenToken(auth.token);
  if (auth.method === "login") {
    const secrets = [auth.password, `${auth.username}:${auth.password}`];
    return {
      kind: "token",
      step: "login",
      secrets,
      ...tokenSource(
        "login",
        secrets,
        (known) => fetchLoginToken(engine(), auth, timeoutMs, known),
        credentialHeaders.loginCookie,
      ),
    };
  }
  const headers = credentialHeaders.basic(auth.username, auth.password);
  return {
    kind: "basic",
    headers,
    secrets: [auth.password, headers.Authorization.slice("Basic ".length), `${auth.username}:${auth.password}`],
  };
}
