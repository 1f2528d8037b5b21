// om.use / om.eject: openapi-fetch middleware on the typed calls. It sees each operation's request
// (a real Request) and answer, never a token step's; one that throws ends the call with our error
// of the stage it threw in, scrubbed of the call's secrets.
import type { Middleware } from "openapi-fetch";
import { createOperationsManagerClient, OperationsManagerError, type AuthOptions } from "../src/index";
import { claimAnswer, finishAnswer, JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";
import { startRecordingServer } from "./support/recording-server";

let platform: Awaited<ReturnType<typeof startRecordingServer>>;
const SECRET = "client-s3cret-for-middleware";
const PASSWORD = "p4ssword-for-middleware";
const TOKEN = "t0ken-for-middleware";

beforeAll(async () => {
  platform = await startRecordingServer();
});
afterAll(() => platform.close());
beforeEach(() => {
  platform.requests.length = 0;
  platform.answer((req, res) => {
    const send = (status: number, type: string, body: string) =>
      res.writeHead(status, { "Content-Type": type }).end(body);
    if (req.url === "/oauth/token")
      send(200, "application/json", JSON.stringify({ access_token: TOKEN, token_type: "bearer", expires_in: 3600 }));
    else if (req.url === "/login") send(200, "text/plain", TOKEN);
    else if (req.url.includes("/claim")) send(200, "application/json", JSON.stringify(claimAnswer));
    else send(200, "application/json", JSON.stringify(finishAnswer));
  });
});

const ways: Array<[string, AuthOptions]> = [
  ["OAuth", { clientId: "svc", clientSecret: SECRET }],
  ["login", { username: "automation", password: PASSWORD, method: "login" }],
  ["Basic", { username: "automation", password: PASSWORD }],
];
/** The secrets a client with these credentials knows, in the forms a middleware may hold them. */
const secretsOf = (auth: AuthOptions): string[] =>
  "clientSecret" in auth
    ? [SECRET, TOKEN]
    : "method" in auth
      ? [PASSWORD, TOKEN]
      : [PASSWORD, Buffer.from(`automation:${PASSWORD}`).toString("base64")];

describe("om.use", () => {
  it.each(ways)(
    "with %s, a logging middleware sees both operations' requests and answers, never a token step's",
    async (_name, auth) => {
      const seen: string[] = [];
      const bodies: string[] = [];
      const logging: Middleware = {
        async onRequest({ request }) {
          seen.push(`${request.method} ${new URL(request.url).pathname}`);
          bodies.push(await request.clone().text());
        },
        onResponse({ request, response }) {
          seen.push(`${response.status} ${new URL(request.url).pathname}`);
        },
      };
      const om = createOperationsManagerClient({ baseUrl: platform.url, auth });
      om.use(logging);
      await om.claimTask(TASK_ID);
      await om.finishManualTask(JOB_ID, TASK_KEY, { taskData: { finish_state: "success" } });
      const claim = `/operations-manager/tasks/${TASK_ID}/claim`;
      const finish = `/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`;
      expect(seen).toEqual([`POST ${claim}`, `200 ${claim}`, `POST ${finish}`, `200 ${finish}`]);
      expect(bodies).toEqual(["", JSON.stringify({ taskData: { finish_state: "success" } })]);
      // The token step did happen, unseen.
      if ("clientId" in auth) expect(platform.requests.map((r) => r.url)).toContain("/oauth/token");
      if ("method" in auth) expect(platform.requests.map((r) => r.url)).toContain("/login");
    },
  );

  it("a middleware may change the request: what it returns is what is sent", async () => {
    const om = createOperationsManagerClient({
      baseUrl: platform.url,
      auth: { clientId: "svc", clientSecret: SECRET },
    });
    om.use({
      onRequest({ request }) {
        const headers = new Headers(request.headers);
        headers.set("X-Trace-Id", "trace-1");
        return new Request(request, { headers });
      },
    });
    await om.claimTask(TASK_ID);
    const claim = platform.requests.find((r) => r.url.includes("/claim"))!;
    expect(claim.headers["x-trace-id"]).toBe("trace-1");
    expect(claim.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(platform.requests.find((r) => r.url === "/oauth/token")!.headers["x-trace-id"]).toBeUndefined();
  });

  it("eject removes a middleware; one never added is ignored", async () => {
    let calls = 0;
    const counting: Middleware = { onRequest: () => void calls++ };
    const om = createOperationsManagerClient({ baseUrl: platform.url, auth: { username: "a", password: PASSWORD } });
    om.use(counting);
    om.use(counting); // the same middleware twice runs twice, as openapi-fetch does
    await om.claimTask(TASK_ID);
    expect(calls).toBe(2);
    om.eject(counting, { onRequest: () => undefined }); // one use removed
    await om.claimTask(TASK_ID);
    expect(calls).toBe(3);
    om.eject(counting);
    await om.claimTask(TASK_ID);
    expect(calls).toBe(3);
  });

  it.each([null, 42, "x", {}, { onRequest: "no" }])(
    "a middleware that is not one (%p) is a TypeError naming it",
    (bad) => {
      const om = createOperationsManagerClient({ baseUrl: platform.url, auth: { username: "a", password: PASSWORD } });
      expect(() => om.use(bad as unknown as Middleware)).toThrow(TypeError);
      expect(() => om.use(bad as unknown as Middleware)).toThrow(
        /middleware 1 must be an object with onRequest, onResponse or onError/,
      );
    },
  );
});

describe("a middleware that throws ends the call with our error, of its stage, scrubbed", () => {
  /** A middleware hook that throws an error carrying the request's credentials. */
  const leaky = (hook: "onRequest" | "onResponse" | "onError", secrets: string[] = []): Middleware =>
    ({
      [hook]: ({ request }: { request: Request }) => {
        throw new Error(
          `boom with ${request.headers.get("authorization")} ${request.headers.get("cookie")} ${secrets.join(" ")}`,
        );
      },
    }) as unknown as Middleware;

  it.each(ways)("onRequest (%s): invalid-request, the operation never sent", async (_name, auth) => {
    const om = createOperationsManagerClient({ baseUrl: platform.url, auth });
    om.use(leaky("onRequest", secretsOf(auth)));
    const error = await om.claimTask(TASK_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationsManagerError);
    expect(error).toMatchObject({ kind: "invalid-request", operationId: "claimTask" });
    expect((error as Error).message).toMatch(/a middleware's onRequest threw \(.*boom/);
    expect(platform.requests.filter((r) => r.url.includes("/claim"))).toEqual([]);
    const shown = JSON.stringify(error) + (error as Error).message + String((error as { cause?: unknown }).cause);
    expect(shown).toContain("boom with");
    for (const secret of secretsOf(auth)) expect(shown).not.toContain(secret);
  });

  it.each([
    [200, "invalid-response"],
    [500, "http"],
  ] as const)("onResponse on a %i: kind %s, with the status", async (status, kind) => {
    platform.json(status, { message: "x", data: {} });
    const om = createOperationsManagerClient({
      baseUrl: platform.url,
      auth: { username: "automation", password: PASSWORD },
    });
    om.use(leaky("onResponse", [PASSWORD]));
    const error = await om.finishManualTask(JOB_ID, TASK_KEY).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, status, operationId: "finishManualTask" });
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it("onError (no server): network", async () => {
    const om = createOperationsManagerClient({
      baseUrl: "http://127.0.0.1:9",
      auth: { username: "automation", password: PASSWORD },
    });
    om.use(leaky("onError"));
    const error = await om.claimTask(TASK_ID).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", operationId: "claimTask" });
    expect((error as Error).message).toMatch(/onError threw/);
  });
});

describe("a middleware reading the answer reads it through maxResponseBytes too", () => {
  it.each([
    ["response.clone().text()", (response: Response) => response.clone().text()],
    ["response.clone().json()", (response: Response) => response.clone().json()],
    ["response.blob()", (response: Response) => response.blob()],
  ])(
    "%s of an endless 200 answer stops past the bound: invalid-response, the rest never pulled",
    async (_how, read) => {
      let pulled = 0;
      const endless = () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulled++;
              controller.enqueue(new Uint8Array(1024).fill(0x20));
            },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        );
      const om = createOperationsManagerClient({
        baseUrl: "https://om.example.com",
        auth: { token: TOKEN },
        maxResponseBytes: 16 * 1024,
        fetch: () => Promise.resolve(endless()),
      });
      om.use({
        async onResponse({ response }) {
          await read(response);
        },
      });
      const error = await om.claimTask(TASK_ID).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "invalid-response", status: 200 });
      expect((error as Error).message).toMatch(/maxResponseBytes/);
      expect(pulled).toBeLessThan(64);
    },
  );
});
