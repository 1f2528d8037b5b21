// The ways in (what a caller passes as `auth`) and what the client makes of them: the types
// auth/ shares, below both the authenticator and the token requests, so neither imports the other's.

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
