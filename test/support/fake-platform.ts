// A fake Itential platform on 127.0.0.1 with real token lifetimes: `POST /oauth/token` (a form,
// never JSON), `POST /login` (the token as text or as a JSON string, and as a cookie), and the two
// operations, which accept a live bearer token, a live `token` cookie or Basic, and answer 401
// otherwise. Tokens expire on the server's clock, whatever the client thinks; `revoke()` ends them
// all at once, as a platform restart or a session time-out would.
import { randomBytes } from "node:crypto";
import { startRecordingServer, type Recorded } from "./recording-server";
import { deref, SpecValidator, type JsonObject } from "./spec";

export interface FakePlatformOptions {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** The `expires_in` the token answer reports, in seconds. */
  expiresIn?: number;
  /** How long a token really lives on the server, in ms (default: as reported). */
  livesMs?: number;
  /** How `/login` answers its token: plain text (default) or a JSON string. */
  loginAnswer?: "text" | "json";
  /** How a refused call is answered: the envelope (default) or an empty body. */
  unauthorized?: "envelope" | "empty";
  /** Delay before the token endpoints answer, in ms (lets concurrent calls pile up). */
  tokenDelayMs?: number;
}

const spec = new SpecValidator();

/** The first example of an operation's answer, from the bundled spec. */
function exampleAnswer(operationId: string, status: string): unknown {
  const { operation } = spec.operation(operationId);
  const response = deref(spec.spec, (operation.responses as JsonObject)[status]) as JsonObject;
  const media = (response.content as JsonObject)["application/json"] as JsonObject;
  const example = Object.values(media.examples as JsonObject)[0];
  return (deref(spec.spec, example) as JsonObject).value;
}

/** A started fake platform. */
export type FakePlatform = Awaited<ReturnType<typeof startFakePlatform>>;

export async function startFakePlatform(options: FakePlatformOptions = {}) {
  const o = {
    clientId: "svc-automation",
    clientSecret: "client-s3cret-9f1e8d7c",
    username: "automation",
    password: "s3cr3t-P@ss:w0rd",
    expiresIn: 3600,
    loginAnswer: "text",
    unauthorized: "envelope",
    tokenDelayMs: 0,
    ...options,
  };
  const server = await startRecordingServer();
  const live = new Map<string, number>(); // token → when it expires (server clock)
  const issued: string[] = [];
  const issue = () => {
    const token = randomBytes(18).toString("base64url");
    live.set(token, Date.now() + (o.livesMs ?? o.expiresIn * 1000));
    issued.push(token);
    return token;
  };
  const alive = (token: string | undefined) => token !== undefined && (live.get(token) ?? 0) > Date.now();
  const basic = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString("base64")}`;
  const claimAnswer = exampleAnswer("claimTask", "200");
  const finishAnswer = exampleAnswer("finishManualTask", "200");

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...headers },
  });
  const answer = (req: Recorded) => {
    const path = req.url.split("?")[0]!;
    if (req.method === "POST" && path === "/oauth/token") {
      if (!req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded"))
        return json(415, { message: "Unsupported Media Type" });
      const form = new URLSearchParams(req.body);
      if (form.get("grant_type") !== "client_credentials" || !form.get("client_id") || !form.get("client_secret"))
        return json(400, { message: "Bad Request" });
      // A careless platform echoes what it was sent: the client must scrub it.
      if (form.get("client_id") !== o.clientId || form.get("client_secret") !== o.clientSecret) {
        return json(401, {
          message: `invalid client credentials ${form.get("client_id")}:${form.get("client_secret")}`,
        });
      }
      return json(200, { access_token: issue(), token_type: "bearer", expires_in: o.expiresIn });
    }
    if (req.method === "POST" && path === "/login") {
      if (!req.headers["content-type"]?.startsWith("application/json"))
        return json(415, { message: "Unsupported Media Type" });
      let user: { username?: string; password?: string } | undefined;
      try {
        user = (JSON.parse(req.body) as { user?: typeof user }).user;
      } catch {
        return json(400, { message: "Bad Request" });
      }
      if (user?.username !== o.username || user?.password !== o.password)
        return json(401, { message: `Unauthorized: ${user?.password}` });
      const token = issue();
      const cookie = `token=${token}; Path=/; HttpOnly`;
      return o.loginAnswer === "json"
        ? json(200, token, { "Set-Cookie": cookie })
        : { status: 200, body: token, headers: { "Content-Type": "text/plain", "Set-Cookie": cookie } };
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const cookie = /(?:^|;\s*)token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const allowed = alive(bearer) || alive(cookie) || req.headers.authorization === basic;
    if (!allowed) {
      return o.unauthorized === "empty"
        ? { status: 401, body: "", headers: {} }
        : json(401, { message: "Unauthorized", data: null, metadata: {} });
    }
    if (req.method === "POST" && /^\/operations-manager\/tasks\/[^/]+\/claim$/.test(path))
      return json(200, claimAnswer);
    if (req.method === "POST" && /^\/operations-manager\/jobs\/[^/]+\/tasks\/[^/]+\/finish$/.test(path))
      return json(200, finishAnswer);
    return json(404, { message: "Not Found", data: null, metadata: {} });
  };

  server.answer((req, res) => {
    const { status, body, headers } = answer(req);
    const delay = req.url === "/oauth/token" || req.url === "/login" ? o.tokenDelayMs : 0;
    setTimeout(() => res.writeHead(status, headers).end(body), delay);
  });

  const count = (path: string) => server.requests.filter((r) => r.url === path).length;
  return {
    url: server.url,
    options: o,
    requests: server.requests,
    /** Every token handed out so far. */
    issued,
    tokenRequests: () => count("/oauth/token"),
    loginRequests: () => count("/login"),
    /** Requests to the two operations (not the token steps). */
    operationRequests: () => server.requests.filter((r) => r.url.startsWith("/operations-manager/")),
    /** Ends every token now, as a platform restart or a session time-out does. */
    revoke: () => live.clear(),
    close: server.close,
  };
}
