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
