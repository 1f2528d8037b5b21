// What a call refuses before anything is sent (review F5, F10), for every way in: nothing reaches
// the fetch, not even a token request carrying a secret, and the refusal shows no secret even when
// the caller's own values (a getter's error, a Proxy trap's, a header name, a path parameter) hold
// one. The fetch is a recorder that answers nothing: a request reaching it fails the test.
import {
  createOperationsManagerClient,
  OperationsManagerError,
  type OperationsManagerClientOptions,
} from "../src/index";

const TOKEN = "tok123456789-secret";
const ways: Array<[string, OperationsManagerClientOptions["auth"], string]> = [
  ["basic", { username: "automation", password: TOKEN }, TOKEN],
  ["login", { username: "automation", password: TOKEN, method: "login" }, TOKEN],
  ["oauth", { clientId: "approval-bot", clientSecret: TOKEN }, TOKEN],
  ["token", { token: TOKEN }, TOKEN],
  // A short secret that is a word: scrubbed where the caller's value shows it, never in our words.
  ["token, short", { token: "keys" }, "keys"],
];

function recordingClient(auth: OperationsManagerClientOptions["auth"]) {
  const sent: string[] = [];
  const client = createOperationsManagerClient({
    baseUrl: "http://127.0.0.1:9",
    auth,
    fetch: (url) => {
      sent.push(String(url));
      return Promise.reject(new Error("nothing may be sent"));
    },
  });
  return { client, sent };
}

const UUID = "7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47";

type Client = ReturnType<typeof recordingClient>["client"];
/** A finish whose body's taskData is `taskData`. */
const finishWith = (taskData: Record<string, unknown>) => (om: Client) =>
  om.finishManualTask("6745f1c2a9b3d84e2c7f0a15", "3b7e", { taskData });
/** A taskData holding a value whose toJSON throws `thrown`. */
const toJsonThrowing = (thrown: unknown) => ({
  v: {
    toJSON: () => {
      throw thrown;
    },
  },
});

/** Each way a caller's value carries a secret into a refusal. */
const carriers: Array<[string, (secret: string) => (om: Client) => Promise<unknown>]> = [
  [
    "a taskData getter that throws",
    (s) =>
      finishWith({
        get x(): string {
          throw new Error(`getter ${s}`);
        },
      }),
  ],
  [
    "a Proxy whose ownKeys throws",
    (s) =>
      finishWith(
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error(`${s} keys`);
            },
          },
        ),
      ),
  ],
  ["a toJSON that throws", (s) => finishWith(toJsonThrowing(new TypeError(`toJSON ${s}`)))],
  ["a toJSON that throws a string", (s) => finishWith(toJsonThrowing(`${s}`))],
  ["the secret as claim's taskId", (s) => (om) => om.claimTask(s)],
  ["the secret as finish's jobId", (s) => (om) => om.finishManualTask(s, "3b7e")],
  [
    "a header named as the secret, holding no string",
    (s) => (om) => om.claimTask(UUID, { headers: { [s]: 42 as unknown as string } }),
  ],
  ["a header named as the secret, holding a newline", (s) => (om) => om.claimTask(UUID, { headers: { [s]: "a\nb" } })],
  [
    "an options getter that throws",
    (s) => (om) =>
      om.claimTask(UUID, {
        get headers(): Record<string, string> {
          throw new Error(`headers ${s}`);
        },
      }),
  ],
];

describe.each(ways)("%s: a caller's value holding the secret", (_name, auth, secret) => {
  it.each(carriers)("%s: invalid-request, nothing sent, the secret not shown", async (_carrier, make) => {
    const { client, sent } = recordingClient(auth);
    const error = await make(secret)(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OperationsManagerError);
    const e = error as OperationsManagerError;
    expect([e.kind, sent]).toEqual(["invalid-request", []]);
    const shown = `${e.message} ${JSON.stringify(e)} ${e.cause instanceof Error ? e.cause.message : String(e.cause ?? "")}`;
    expect([e.message, shown.includes(secret)]).toEqual([e.message, false]);
    expect(e.message).toMatch(/Nothing was sent\.$/);
  });
});

// Headers the transport owns: undici refuses some only as it sends (after a token request had
// gone out); the rest are hop-by-hop or framing. Each spelling, every way in.
const transport: Array<[string, string]> = [
  ["transfer-encoding", "chunked"],
  ["Keep-Alive", "timeout=5"],
  ["upgrade", "websocket"],
  ["Expect", "100-continue"],
  ["connection", "close"],
  ["CONNECTION", "upgrade"],
  ["te", "trailers"],
  ["trailer", "x-sum"],
  ["proxy-connection", "close"],
  ["host", "example.com"],
  ["content-length", "5"],
];
describe.each(ways)("%s: a header the transport owns", (_name, auth) => {
  it.each(transport)("%s: %s is refused, naming it, with nothing sent", async (name, value) => {
    for (const operation of ["claim", "finish"] as const) {
      const { client, sent } = recordingClient(auth);
      const options = { headers: { "x-trace": "t", [name]: value } };
      const call =
        operation === "claim"
          ? client.claimTask(UUID, options)
          : client.finishManualTask("6745f1c2a9b3d84e2c7f0a15", "3b7e", undefined, options);
      const error = (await call.then(
        () => undefined,
        (e: unknown) => e,
      )) as OperationsManagerError;
      expect([operation, error?.kind, sent]).toEqual([operation, "invalid-request", []]);
      expect(error.message).toContain(JSON.stringify(name));
    }
  });
});

describe("the client's options are each read once: what is checked is what is used", () => {
  const TASK = "7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47";
  const answer = () =>
    new Response(JSON.stringify({ message: "ok", data: {}, metadata: {} }), {
      headers: { "content-type": "application/json" },
    });

  it("every member of the options, through a Proxy that counts its reads, over creating a client and a call", async () => {
    const reads = new Map<PropertyKey, number>();
    const sentTo: string[] = [];
    const options = new Proxy(
      {
        baseUrl: "http://127.0.0.1:9",
        auth: { username: "u", password: "p" },
        timeoutMs: 5000,
        maxResponseBytes: 1 << 20,
        allowInsecureHttp: false,
        validate: "off",
        fetch: (url: string | URL | Request) => {
          sentTo.push(String(url instanceof Request ? url.url : url));
          return Promise.resolve(answer());
        },
      } satisfies OperationsManagerClientOptions,
      {
        get(target, key, receiver) {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    await createOperationsManagerClient(options).claimTask(TASK);
    expect(sentTo).toHaveLength(1);
    expect([...reads].filter(([, n]) => n > 1)).toEqual([]);
    expect([...reads.keys()]).toEqual(expect.arrayContaining(["baseUrl", "auth", "fetch", "validate", "timeoutMs"]));
  });

  it.each([
    [
      "baseUrl: loopback to the check, another host to the call",
      "baseUrl",
      ["http://127.0.0.1:9", "http://itential.example.com"],
    ],
    ["validate: off to the check, 42 to the client", "validate", ["off", 42]],
    [
      "fetch: a function to the check, a string to the call",
      "fetch",
      [() => Promise.resolve(answer()), "not a function"],
    ],
  ])("a getter giving %s: the first value is the one used", async (_what, key, values) => {
    let reads = 0;
    const sentTo: string[] = [];
    const options: Record<string, unknown> = {
      baseUrl: "http://127.0.0.1:9",
      auth: { username: "u", password: "p" },
      fetch: (url: string | URL | Request) => {
        sentTo.push(String(url instanceof Request ? url.url : url));
        return Promise.resolve(answer());
      },
    };
    Object.defineProperty(options, key, { enumerable: true, get: () => values[Math.min(reads++, 1)] });
    const om = createOperationsManagerClient(options as unknown as OperationsManagerClientOptions);
    await om.claimTask(TASK);
    expect(reads).toBe(1);
    expect(sentTo.filter((url) => url.includes("itential.example.com"))).toEqual([]);
  });

  it("a baseUrl that is not a string (a URL object, whose text could change) is refused, naming what it is", () => {
    expect(() =>
      createOperationsManagerClient({
        baseUrl: new URL("http://127.0.0.1:9") as unknown as string,
        auth: { username: "u", password: "p" },
      }),
    ).toThrow(/baseUrl must be an absolute http\(s\) URL, got a URL/);
  });
});
