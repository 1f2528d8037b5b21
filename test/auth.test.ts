// The four ways in, against a fake platform whose tokens really expire: each works, tokens are
// fetched once and shared, renewed before and after expiry with exactly one repeat, and no secret
// (password, client secret, fetched or given token) shows anywhere in an error.
import {
  createOperationsManagerClient,
  OperationsManagerError,
  type OperationsManagerClientOptions,
} from "../src/index";
import { shiftedClock } from "./support/clock";
import { closedAfterEach } from "./support/closed-after-each";
import { everythingShown, failure } from "./support/failure";
import { startFakePlatform, type FakePlatform as Platform } from "./support/fake-platform";
import { startRecordingServer, type Handler } from "./support/recording-server";
import { TASK_ID, JOB_ID, TASK_KEY } from "./support/constants";

const platform = closedAfterEach(startFakePlatform);
const recordingServer = closedAfterEach(startRecordingServer);

/** Answers the OAuth token step (200, `token()` its JSON) and any other request with `other`. */
const tokenFirst =
  (token: () => string, other: Handler): Handler =>
  (req, res) => {
    if (req.url === "/oauth/token") return res.writeHead(200, { "Content-Type": "application/json" }).end(token());
    other(req, res);
  };

const client = (
  p: Platform,
  auth: OperationsManagerClientOptions["auth"],
  extra: Partial<OperationsManagerClientOptions> = {},
) => createOperationsManagerClient({ baseUrl: p.url, auth, timeoutMs: 5_000, ...extra });
const oauth = (p: Platform) => ({ clientId: p.options.clientId, clientSecret: p.options.clientSecret });
const login = (p: Platform) => ({
  username: p.options.username,
  password: p.options.password,
  method: "login" as const,
});

describe("each way in works against a platform", () => {
  it("HTTP Basic: the header on every call, no token request", async () => {
    const p = await platform();
    const om = client(p, { username: p.options.username, password: p.options.password });
    await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
    expect(p.requests.map((r) => r.url)).toEqual([`/operations-manager/tasks/${TASK_ID}/claim`]);
    expect(p.requests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  it("OAuth client credentials: one form-encoded token request, then Bearer on claim and finish", async () => {
    const p = await platform();
    const om = client(p, oauth(p));
    await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
    await expect(
      om.finishManualTask(JOB_ID, TASK_KEY, { taskData: { finish_state: "success" } }),
    ).resolves.toHaveProperty("_id");
    expect(p.tokenRequests()).toBe(1);
    const tokenRequest = p.requests.find((r) => r.url === "/oauth/token")!;
    expect(tokenRequest.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: "client_credentials",
      client_id: p.options.clientId,
      client_secret: p.options.clientSecret,
    });
    expect(p.operationRequests().map((r) => r.headers.authorization)).toEqual([
      `Bearer ${p.issued[0]}`,
      `Bearer ${p.issued[0]}`,
    ]);
  });

  it.each(["text", "json"] as const)(
    "login (token answered as %s): one login, then the token as the cookie `token`",
    async (loginAnswer) => {
      const p = await platform({ loginAnswer });
      const om = client(p, login(p));
      await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
      await expect(om.finishManualTask(JOB_ID, TASK_KEY)).resolves.toHaveProperty("_id");
      expect(p.loginRequests()).toBe(1);
      const loginRequest = p.requests.find((r) => r.url === "/login")!;
      expect(JSON.parse(loginRequest.body)).toEqual({
        user: { username: p.options.username, password: p.options.password },
      });
      for (const r of p.operationRequests()) {
        expect(r.headers.cookie).toBe(`token=${p.issued[0]}`);
        expect(r.url).not.toContain("token"); // never in the URL
        expect(r.headers.authorization).toBeUndefined();
      }
    },
  );

  it("a token given as a string: Bearer, no token request", async () => {
    const p = await platform();
    const token = await oauthTokenFrom(p);
    const om = client(p, { token });
    await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
    expect(p.operationRequests()[0]!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("a token function is asked for every call", async () => {
    const p = await platform();
    const token = await oauthTokenFrom(p);
    const asked = jest.fn(async () => token);
    const om = client(p, { token: asked });
    await om.claimTask(TASK_ID);
    await om.claimTask(TASK_ID);
    expect(asked).toHaveBeenCalledTimes(2);
    expect(p.operationRequests().map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
  });
});

/** A token fetched by hand, as a caller managing its own would. */
async function oauthTokenFrom(p: Platform): Promise<string> {
  const res = await fetch(`${p.url}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: p.options.clientId,
      client_secret: p.options.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe("tokens are shared, renewed and repeated for exactly as needed", () => {
  it.each([
    ["OAuth", oauth, (p: Platform) => p.tokenRequests()],
    ["login", login, (p: Platform) => p.loginRequests()],
  ] as const)("%s: 20 concurrent calls on a cold client make one token request", async (_name, auth, tokenRequests) => {
    const p = await platform({ tokenDelayMs: 50 });
    const om = client(p, auth(p));
    const results = await Promise.all(Array.from({ length: 20 }, () => om.claimTask(TASK_ID)));
    expect(results).toHaveLength(20);
    expect(tokenRequests(p)).toBe(1);
    expect(p.operationRequests()).toHaveLength(20);
  });

  it.each([
    ["OAuth", oauth, (p: Platform) => p.tokenRequests()],
    ["login", login, (p: Platform) => p.loginRequests()],
  ] as const)(
    "%s: a token the platform ended is renewed, and the call repeated exactly once",
    async (_name, auth, tokenRequests) => {
      const p = await platform();
      const om = client(p, auth(p));
      await om.claimTask(TASK_ID);
      p.revoke();
      await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
      expect(tokenRequests(p)).toBe(2);
      expect(p.operationRequests().map((r) => r.headers.authorization ?? r.headers.cookie)).toHaveLength(3); // ok, 401, ok
      expect(p.issued).toHaveLength(2);
    },
  );

  it("OAuth: concurrent calls refused together renew with one token request", async () => {
    const p = await platform({ tokenDelayMs: 20 });
    const om = client(p, oauth(p));
    await om.claimTask(TASK_ID);
    p.revoke();
    await Promise.all(Array.from({ length: 10 }, () => om.claimTask(TASK_ID)));
    expect(p.tokenRequests()).toBe(2);
  });

  it("OAuth: a token is renewed shortly before expires_in runs out (a tenth of its life), without a 401", async () => {
    const clock = shiftedClock();
    try {
      const p = await platform({ expiresIn: 100 });
      const om = client(p, oauth(p));
      await om.claimTask(TASK_ID);
      clock.advance(85_000); // within its first nine tenths: still used
      await om.claimTask(TASK_ID);
      expect(p.tokenRequests()).toBe(1);
      clock.advance(6_000); // 91 s of 100: renewed before it runs out
      await om.claimTask(TASK_ID);
      expect(p.tokenRequests()).toBe(2);
      expect(p.operationRequests()).toHaveLength(3); // no refused call in between
      expect(p.operationRequests()[2]!.headers.authorization).toBe(`Bearer ${p.issued[1]}`);
    } finally {
      clock.restore();
    }
  });

  it("OAuth: expires_in sent as a string is honoured too", async () => {
    const clock = shiftedClock();
    const server = await recordingServer();
    try {
      server.answer(
        tokenFirst(
          () => `{"access_token":"t-${server.requests.length}","expires_in":"1"}`,
          (_req, res) =>
            res.writeHead(200, { "Content-Type": "application/json" }).end('{"message":"ok","data":{},"metadata":{}}'),
        ),
      );
      const om = createOperationsManagerClient({ baseUrl: server.url, auth: { clientId: "a", clientSecret: "b" } });
      await om.claimTask(TASK_ID);
      clock.advance(1_000);
      await om.claimTask(TASK_ID);
      expect(server.requests.filter((r) => r.url === "/oauth/token")).toHaveLength(2);
    } finally {
      clock.restore();
    }
  });

  it("a second 401 is the error: one repeat, never more", async () => {
    const p = await platform({ livesMs: 0 }); // every token is dead on arrival
    const om = client(p, oauth(p));
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "http", status: 401, operationId: "claimTask" });
    expect(p.operationRequests()).toHaveLength(2);
    expect(p.tokenRequests()).toBe(2);
  });

  it("an empty 401 (as some platforms answer an expired token) is renewed the same way", async () => {
    const p = await platform({ unauthorized: "empty" });
    const om = client(p, login(p));
    await om.claimTask(TASK_ID);
    p.revoke();
    await expect(om.claimTask(TASK_ID)).resolves.toHaveProperty("_id");
    expect(p.loginRequests()).toBe(2);
  });

  it("a token string refused is not repeated; a token function is asked again and the call repeated once", async () => {
    const p = await platform();
    const first = await oauthTokenFrom(p);
    const fixed = client(p, { token: first });
    p.revoke();
    expect(await failure(fixed.claimTask(TASK_ID))).toMatchObject({ kind: "http", status: 401 });
    expect(p.operationRequests()).toHaveLength(1);

    // A function that gives the same dead token again: asked once more, and not repeated.
    const same = jest.fn(() => first);
    expect(await failure(client(p, { token: same }).claimTask(TASK_ID))).toMatchObject({ kind: "http", status: 401 });
    expect(same).toHaveBeenCalledTimes(2);
    expect(p.operationRequests()).toHaveLength(2);

    // A function that gives a new token when asked again: the call is repeated once with it.
    const fresh = await oauthTokenFrom(p);
    const renewing = jest.fn().mockReturnValueOnce(first).mockReturnValue(fresh);
    await expect(client(p, { token: renewing }).claimTask(TASK_ID)).resolves.toHaveProperty("_id");
    expect(renewing).toHaveBeenCalledTimes(2);
    expect(
      p
        .operationRequests()
        .slice(-2)
        .map((r) => r.headers.authorization),
    ).toEqual([`Bearer ${first}`, `Bearer ${fresh}`]);
  });

  it("nothing but a 401 is repeated", async () => {
    const server = await recordingServer();
    server.answer(
      tokenFirst(
        () => '{"access_token":"t0k3n-abc","token_type":"bearer","expires_in":3600}',
        (_req, res) => res.writeHead(500, { "Content-Type": "application/json" }).end('{"message":"boom"}'),
      ),
    );
    const om = createOperationsManagerClient({
      baseUrl: server.url,
      auth: { clientId: "id", clientSecret: "secret-xyz" },
    });
    expect(await failure(om.claimTask(TASK_ID))).toMatchObject({ kind: "http", status: 500 });
    expect(server.requests.map((r) => r.url)).toEqual(["/oauth/token", `/operations-manager/tasks/${TASK_ID}/claim`]);
  });

  it("a caller's signal stops its own wait for a shared token, not the token request", async () => {
    const p = await platform({ tokenDelayMs: 300 });
    const om = client(p, oauth(p));
    const impatient = failure(om.claimTask(TASK_ID, { signal: AbortSignal.timeout(20) }));
    const patient = om.claimTask(TASK_ID);
    expect(await impatient).toMatchObject({ kind: "timeout", operationId: "claimTask" });
    await expect(patient).resolves.toHaveProperty("_id");
    expect(p.tokenRequests()).toBe(1);
    expect(p.operationRequests()).toHaveLength(1);
  });
});

describe("failing to get a token is kind auth, and no secret shows", () => {
  it("a wrong client secret: getOAuthToken, 401, the platform's words scrubbed, nothing else sent", async () => {
    const p = await platform();
    const wrong = "wrong-s3cret-4b1d9e";
    const om = client(p, { clientId: p.options.clientId, clientSecret: wrong });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "auth", operationId: "getOAuthToken", status: 401 });
    expect(error.message).toMatch(/getOAuthToken.*401.*invalid client credentials/);
    expect(everythingShown(error)).not.toContain(wrong);
    expect(p.operationRequests()).toHaveLength(0);
  });

  it("a wrong password with login: login, 401, the password scrubbed from the echo", async () => {
    const p = await platform();
    const wrong = "n0t-the-P@ssword";
    const om = client(p, { username: p.options.username, password: wrong, method: "login" });
    const error = await failure(om.finishManualTask(JOB_ID, TASK_KEY));
    expect(error).toMatchObject({ kind: "auth", operationId: "login", status: 401 });
    // The platform's words of why (which echo the password) are kept, scrubbed; the body is described, not shown.
    expect(error.message).toContain("[redacted]");
    expect(error.body).toEqual({ contentType: "application/json", shape: expect.stringMatching(/^JSON \{/) });
    expect(everythingShown(error)).not.toContain(wrong);
  });

  it("no answer from the token endpoint is kind auth naming the step", async () => {
    const om = createOperationsManagerClient({
      baseUrl: "http://127.0.0.1:1",
      auth: { clientId: "id", clientSecret: "s3cret-abc" },
    });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "auth", operationId: "getOAuthToken" });
    expect(error.message).toMatch(/no answer/);
    expect(everythingShown(error)).not.toContain("s3cret-abc");
  });

  it("a token answer without access_token, or a login answer that is not a token, is kind auth", async () => {
    const server = await recordingServer();
    server.json(200, { token_type: "bearer" });
    expect(
      await failure(
        createOperationsManagerClient({ baseUrl: server.url, auth: { clientId: "a", clientSecret: "b" } }).claimTask(
          TASK_ID,
        ),
      ),
    ).toMatchObject({
      kind: "auth",
      operationId: "getOAuthToken",
      status: 200,
    });
    server.answer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end(""));
    expect(
      await failure(
        createOperationsManagerClient({
          baseUrl: server.url,
          auth: { username: "a", password: "b", method: "login" },
        }).claimTask(TASK_ID),
      ),
    ).toMatchObject({
      kind: "auth",
      operationId: "login",
    });
  });

  it("a token function that throws is kind auth, its secret scrubbed", async () => {
    const p = await platform();
    const om = client(p, {
      token: () => {
        throw new Error("vault said no to token abc");
      },
    });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "auth" });
    expect(error.message).toMatch(/auth\.token\(\) failed.*vault said no/);
    expect(p.requests).toHaveLength(0);
  });

  it("fetched and given tokens echoed by the platform are scrubbed from http errors", async () => {
    const server = await recordingServer();
    server.answer(
      tokenFirst(
        () => '{"access_token":"fetched-T0KEN-1234","expires_in":60,"token_type":"bearer"}',
        (req, res) =>
          res
            .writeHead(403, "Forbidden " + req.headers.authorization, { "Content-Type": "application/json" })
            .end(JSON.stringify({ message: `not allowed: ${req.headers.authorization}` })),
      ),
    );
    for (const auth of [
      { clientId: "a", clientSecret: "b-secret" },
      { token: "given-T0KEN-5678" },
      { token: () => "given-T0KEN-5678" },
    ]) {
      const error = await failure(createOperationsManagerClient({ baseUrl: server.url, auth }).claimTask(TASK_ID));
      expect(error).toMatchObject({ kind: "http", status: 403 });
      const shown = everythingShown(error);
      expect(shown).toContain("[redacted]");
      expect(shown).not.toMatch(/fetched-T0KEN-1234|given-T0KEN-5678/);
    }
  });
});

describe("secrets stay out of errors in every form a server or a fetch may hand them back", () => {
  const secret = 's+cr/et&x=1"\\q';

  it("a form echo (URL-encoded) and a JSON echo (escaped) of the credentials are scrubbed", async () => {
    const server = await recordingServer();
    server.answer((req, res) => res.writeHead(401, { "Content-Type": "text/plain" }).end(`refused: ${req.body}`));
    for (const auth of [
      { clientId: "id", clientSecret: secret },
      { username: "u", password: secret, method: "login" as const },
    ]) {
      const error = await failure(createOperationsManagerClient({ baseUrl: server.url, auth }).claimTask(TASK_ID));
      expect(error).toMatchObject({ kind: "auth", status: 401 });
      const shown = everythingShown(error);
      for (const form of [
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ s: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
      ]) {
        expect(shown).not.toContain(form);
      }
    }
  });

  it("no part of a secret survives when a long answer is cut for the message", async () => {
    const server = await recordingServer();
    const long = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    server.answer((_req, res) =>
      res.writeHead(401, { "Content-Type": "text/plain" }).end(`${"x".repeat(188)}secret=${long}`),
    );
    const error = await failure(
      createOperationsManagerClient({ baseUrl: server.url, auth: { clientId: "id", clientSecret: long } }).claimTask(
        TASK_ID,
      ),
    );
    expect(everythingShown(error)).not.toContain(long.slice(0, 8));
  });

  it("a fetch failure whose cause holds headers, a config or a non-Error value keeps none of it", async () => {
    const password = "Pa55-in-a-cause";
    const basic = Buffer.from(`u:${password}`).toString("base64");
    const throwers: Array<(init: RequestInit) => unknown> = [
      (init) => new Error("proxy refused", { cause: { headers: init.headers } }),
      () => new Error("vault", { cause: `password was ${password}` }),
      () => Object.assign(new Error("circular"), { config: { password }, self: undefined }),
      (init) => Object.assign(new Error("with request"), { request: { headers: new Headers(init.headers) } }),
    ];
    for (const make of throwers) {
      const fetch = async (_url: string, init: RequestInit) => {
        throw make(init);
      };
      const error = await failure(
        createOperationsManagerClient({
          baseUrl: "http://127.0.0.1:1",
          auth: { username: "u", password },
          fetch,
        }).claimTask(TASK_ID),
      );
      const shown = everythingShown(error);
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(basic);
    }
  });

  class VaultFailure {
    constructor(readonly token: string) {}
  }
  it.each([
    ["a non-Error holding it", (token: string) => new VaultFailure(token)],
    ["an Error naming it", (token: string) => new Error(`vault: lease for ${token} expired`)],
    ["an Error whose cause names it", (token: string) => new Error("vault failed", { cause: `token ${token}` })],
  ])("a token function that throws %s, a token it gave before, does not leak it", async (_what, thrown) => {
    const p = await platform();
    const token = await oauthTokenFrom(p);
    let calls = 0;
    const om = client(p, {
      token: () => {
        if (++calls === 1) return token;
        throw thrown(token);
      },
    });
    await om.claimTask(TASK_ID);
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "auth" });
    expect(everythingShown(error)).not.toContain(token);
  });

  it("a token a header cannot carry is refused, never sent: given, from a function, or answered by login", async () => {
    expect(() => createOperationsManagerClient({ baseUrl: "http://127.0.0.1", auth: { token: "tok en" } })).toThrow(
      /visible ASCII/,
    );
    const server = await recordingServer();
    const injected = await failure(
      createOperationsManagerClient({ baseUrl: server.url, auth: { token: () => "tok\r\nX-Injected: 1" } }).claimTask(
        TASK_ID,
      ),
    );
    expect(injected).toMatchObject({ kind: "auth" });
    expect(server.requests).toHaveLength(0);
    server.json(200, { token: "abc123" }); // a JSON object is no session token
    const login = await failure(
      createOperationsManagerClient({
        baseUrl: server.url,
        auth: { username: "u", password: "p", method: "login" },
      }).claimTask(TASK_ID),
    );
    expect(login).toMatchObject({ kind: "auth", operationId: "login" });
    expect(server.requests.map((r) => r.url)).toEqual(["/login"]);
  });
});

describe("options", () => {
  const fetchSpy = () => jest.fn(async () => new Response('{"message":"ok","data":{},"metadata":{}}', { status: 200 }));

  it.each([
    ["Basic", { username: "u", password: "p" }],
    ["login", { username: "u", password: "p", method: "login" as const }],
    ["OAuth", { clientId: "a", clientSecret: "b" }],
    ["a token", { token: "t" }],
  ])("%s over plain http:// to a remote host is refused before sending", (_name, auth) => {
    const fetch = fetchSpy();
    // Hosts that only look local are remote: a resolver may send *.localhost anywhere.
    for (const baseUrl of [
      "http://itential.example.com:3000",
      "http://127.0.0.1.example.com",
      "http://localhost.example.com",
      "http://mock.localhost",
    ]) {
      const create = () => createOperationsManagerClient({ baseUrl, auth, fetch });
      expect(create).toThrow(OperationsManagerError);
      expect(create).toThrow(/plain http:\/\/.*allowInsecureHttp/);
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it("allowInsecureHttp: true, https, and loopback hosts are allowed", async () => {
    for (const baseUrl of [
      "http://itential.example.com",
      "https://itential.example.com",
      "http://localhost:3000",
      "http://127.0.0.2:3000",
      "http://[::1]:3000",
    ]) {
      const fetch = fetchSpy();
      const om = createOperationsManagerClient({
        baseUrl,
        auth: { token: "t" },
        fetch,
        allowInsecureHttp: baseUrl === "http://itential.example.com",
      });
      await expect(om.claimTask(TASK_ID)).resolves.toEqual({});
      expect(fetch).toHaveBeenCalledTimes(1);
    }
  });

  it.each([
    ["two ways at once", { username: "u", password: "p", clientId: "a", clientSecret: "b" }, /exactly one of/],
    ["a client id without its secret", { clientId: "a" }, /auth.clientSecret must be a non-empty string/],
    ["an empty token", { token: "" }, /auth.token must be a non-empty string/],
    ["an unknown method", { username: "u", password: "p", method: "digest" }, /auth.method must be "basic" or "login"/],
  ])("refuses %s with a typed error naming it", (_name, auth, message) => {
    const create = () => createOperationsManagerClient({ baseUrl: "http://127.0.0.1", auth: auth as never });
    expect(create).toThrow(OperationsManagerError);
    expect(create).toThrow(message);
  });

  it("raw carries the same token, fetched once with the typed methods", async () => {
    const p = await platform();
    const om = client(p, oauth(p));
    await om.claimTask(TASK_ID);
    const { response } = await om.raw.POST("/operations-manager/tasks/{taskId}/claim", {
      params: { path: { taskId: TASK_ID } },
    });
    expect(response.status).toBe(200);
    expect(p.tokenRequests()).toBe(1);
    expect(p.operationRequests()[1]!.headers.authorization).toBe(`Bearer ${p.issued[0]}`);
  });
});
