// A hostile fake platform on 127.0.0.1: it issues tokens full of characters that need escaping,
// and answers operations however a test says, typically echoing back every credential the
// request carried in every encoding a server might use. Built on the recording server.
import { randomBytes } from "node:crypto";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { ServerResponse } from "node:http";
import { secretForms } from "./failure";
import { startRecordingServer, type Recorded } from "./recording-server";

export const CLIENT_ID = "svc-hostile";
export const CLIENT_SECRET = 'cl/ient~se cret+<&>"9';
export const USERNAME = "automation";
export const PASSWORD = 'pa/ss~w ord+<&>é"7';

/** A token a header can carry (visible ASCII) with every character JSON, URLs and pointers escape. */
export const hostileToken = () => `Lg/Tok+en~0<&>=${randomBytes(9).toString("base64url")}`;

export type OperationAnswer = (req: Recorded, secrets: string[], res: ServerResponse) => void;

export interface HostileOptions {
  /** `expires_in` of each OAuth token (seconds); 0 makes every call fetch a new one. */
  expiresIn?: number;
  /** How operations answer; default: a 500 echoing the request's secrets. */
  operation?: OperationAnswer;
  /** How the token endpoints answer; default: a fresh hostile token. */
  token?: (req: Recorded, res: ServerResponse) => void;
}

/** Every secret a request carried: Basic's password (and user:password), a bearer token, the cookie token, a form's client_secret. */
export function secretsOf(req: Recorded): string[] {
  const found: string[] = [];
  const authorization = req.headers.authorization ?? "";
  if (authorization.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    found.push(decoded, decoded.slice(decoded.indexOf(":") + 1), authorization.slice(6));
  }
  if (authorization.startsWith("Bearer ")) found.push(authorization.slice(7));
  const cookie = /(?:^|;\s*)token=([^;]*)/.exec(req.headers.cookie ?? "");
  if (cookie) found.push(decodeURIComponent(cookie[1]!));
  const form = new URLSearchParams(req.body);
  if (form.get("client_secret")) found.push(form.get("client_secret")!);
  return found;
}

/** A text that holds each secret in each form a server may echo it in. */
export function echo(secrets: readonly string[]): string {
  return secrets.flatMap((s) => secretForms(s).map((form) => `[${form}]`)).join(" ");
}

/** A started hostile platform. */
export type HostilePlatform = Awaited<ReturnType<typeof startHostilePlatform>>;

export async function startHostilePlatform(options: HostileOptions = {}) {
  const server = await startRecordingServer();
  const issued: string[] = [];
  const operation: OperationAnswer =
    options.operation ??
    ((_req, secrets, res) =>
      res
        .writeHead(500, { "Content-Type": "application/json" })
        .end(JSON.stringify({ message: `refused ${echo(secrets)}`, data: null })));
  server.answer((req, res) => {
    if (req.url === "/oauth/token" || req.url === "/login") {
      if (options.token) return options.token(req, res);
      const token = hostileToken();
      issued.push(token);
      if (req.url === "/login") return res.writeHead(200, { "Content-Type": "text/plain" }).end(token);
      return res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: options.expiresIn ?? 3600 }));
    }
    operation(req, secretsOf(req), res);
  });
  return { ...server, issued };
}

/** Answers `body` with `status`, encoded as given (gzip, br, or none), with a Content-Length or chunked. */
export function encodedAnswer(
  status: number,
  body: string | Buffer,
  encoding: "identity" | "gzip" | "br",
  framing: "length" | "chunked",
  type = "application/json",
): (res: ServerResponse) => void {
  const raw = typeof body === "string" ? Buffer.from(body) : body;
  const wire = encoding === "gzip" ? gzipSync(raw) : encoding === "br" ? brotliCompressSync(raw) : raw;
  return (res) => {
    const headers: Record<string, string> = { "Content-Type": type };
    if (encoding !== "identity") headers["Content-Encoding"] = encoding;
    if (framing === "length") headers["Content-Length"] = String(wire.length);
    res.writeHead(status, headers);
    if (framing === "length") return res.end(wire);
    // Chunked: in pieces, as a server streaming its answer would.
    for (let at = 0; at < wire.length; at += 16_384) res.write(wire.subarray(at, at + 16_384));
    res.end();
  };
}

/**
 * Token answers a client cannot use, each holding the live token `live` where no rule of the
 * client looks for it: [name, status, content type, body, the shape an error may show].
 */
export function unusableTokenAnswers(
  live: string,
): Array<[string, number, string, string, string | { getOAuthToken: string; login: string }]> {
  const json = (value: unknown) => JSON.stringify(value);
  // A shape shows only the member names the contract declares for the step's answers (review F3):
  // where the two steps declare different names, the expected shape is given for each.
  return [
    [
      "a form-encoded OAuth answer",
      200,
      "application/x-www-form-urlencoded",
      `access_token=${encodeURIComponent(live)}&token_type=bearer&expires_in=3600`,
      "a form {access_token: string, token_type: string, expires_in: string}",
    ],
    [
      "a form under a JSON content type",
      200,
      "application/json",
      `access_token=${encodeURIComponent(live)}&token_type=bearer`,
      "a form {access_token: string, token_type: string}",
    ],
    ["a text answer", 200, "text/plain", live, "text of"],
    ["an HTML page", 200, "text/html", `<html><body><p>Your token: <code>${live}</code></p></body></html>`, "text of"],
    [
      "JSON in the platform's envelope",
      200,
      "application/json",
      json({ message: "Token issued", data: { access_token: live, expires_in: 3600 }, metadata: {} }),
      {
        getOAuthToken: "JSON {message: string, data: {access_token: string, expires_in: number}, metadata: {}}",
        login: "JSON {message: string, data: {2 undeclared members}, metadata: {}}",
      },
    ],
    [
      "a renamed member (camelCase)",
      200,
      "application/json",
      json({ accessToken: live, tokenType: "Bearer" }),
      "JSON {2 undeclared members}",
    ],
    ["a renamed member (jwt)", 200, "application/json", json({ jwt: live }), "JSON {1 undeclared member}"],
    [
      "a member named like no token at all",
      200,
      "application/json",
      json({ value: live, kind: "bearer" }),
      "JSON {2 undeclared members}",
    ],
    [
      "a nested member",
      200,
      "application/json",
      json({ result: { auth: { credentials: { value: live } } } }),
      "JSON {1 undeclared member}",
    ],
    [
      "an array of answers",
      200,
      "application/json",
      json([{ access_token: live }]),
      { getOAuthToken: "JSON [{access_token: string}]", login: "JSON [{1 undeclared member}]" },
    ],
    ["a JSON string", 200, "application/json", json(live), "JSON string"],
    ["the token as a member name", 200, "application/json", json({ [live]: true }), "JSON {1 undeclared member}"],
    [
      "the token as a member name beside declared ones",
      200,
      "application/json",
      json({ message: "ok", data: { [live.slice(0, 30)]: { exp: 1 } } }),
      "JSON {message: string, data: {1 undeclared member}}",
    ],
    [
      "an access_token with a prefix a header cannot carry",
      200,
      "application/json",
      json({ access_token: `Bearer ${live}` }),
      { getOAuthToken: "JSON {access_token: string}", login: "JSON {1 undeclared member}" },
    ],
    ["a 201", 201, "application/json", json({ data: { token: live } }), "JSON {data: {1 undeclared member}}"],
    [
      "a 400 that holds it in data",
      400,
      "application/json",
      json({ message: "Token not saved", data: { token: live } }),
      "JSON {message: string, data: {1 undeclared member}}",
    ],
    [
      "a 500 form",
      500,
      "application/x-www-form-urlencoded",
      `error=server_error&access_token=${encodeURIComponent(live)}`,
      {
        getOAuthToken: "a form {error: string, access_token: string}",
        login: "a form {error: string, … 1 undeclared member}",
      },
    ],
  ];
}
