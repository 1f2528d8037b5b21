// The headers each way in sends, in one place: the client, verify, the bench and the tests all
// build them here.

export const credentialHeaders = {
  /** `Authorization: Basic <base64(username:password)>`, the user id and password as UTF-8 (RFC 7617). */
  basic: (username: string, password: string) => ({ Authorization: `Basic ${base64(`${username}:${password}`)}` }),
  /** `Authorization: Bearer <token>`: an OAuth access token, or a token you manage. */
  bearer: (token: string) => ({ Authorization: `Bearer ${token}` }),
  /** `Cookie: token=<token>`: the login session token (percent-encoded only where RFC 6265 forbids a character). */
  loginCookie: (token: string) => ({
    Cookie: `token=${/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/.test(token) ? token : encodeURIComponent(token)}`,
  }),
};

function base64(text: string): string {
  // RFC 7617: user-id and password are encoded as UTF-8.
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
