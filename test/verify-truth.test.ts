// verify tells the truth, as it happens (issues 30 and 27), end to end as users run it: no answer
// is an ERROR naming what happened (never a FAIL, never a status Prism or the tap made up), each
// verdict line arrives when its call ends even into a pipe, a hostile answer still gets its
// verdict, a bad --record folder is refused before any call, and --redact keeps every key.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { run as runCommand, start, type Run } from "./support/children";
import { repoRoot, type JsonObject } from "./support/spec";
import { startRecordingServer } from "./support/recording-server";
import { claimAnswer, finishAnswer } from "./support/constants";

const USERNAME = "truth-operator";
const PASSWORD = "Pa55-truth-s3cret";
const ENV = {
  OM_USERNAME: USERNAME,
  OM_PASSWORD: PASSWORD,
  OM_AUTH: undefined,
  OM_CLIENT_ID: undefined,
  OM_CLIENT_SECRET: undefined,
};
const PROBLEM = "https://stoplight.io/prism/errors#VIOLATIONS";
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/real-platform", name), "utf8")) as JsonObject;

const verify = (args: string[], env: Record<string, string | undefined> = ENV): Promise<Run> =>
  runCommand(process.execPath, ["scripts/cli.mjs", "verify", ...args], { cwd: repoRoot, env, timeout: 90_000 });

/**
 * A port nothing listens on, and nothing will: below Linux's ephemeral range (32768 and up), so no
 * server of this run that listens on port 0 (each verify here starts Prism, its guard and its tap)
 * can be given it, as a port bound and then closed could be, which then answered verify's call.
 */
async function closedPort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: candidate });
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
    });
    if (refused) return candidate;
  }
  throw new Error("no closed port found below the ephemeral range");
}

const ids = {
  looksLikePrism: ["11111111-1111-4111-8111-11111111111a", { type: PROBLEM, validation: 5 }],
  looksLikePrismNull: [
    "11111111-1111-4111-8111-11111111111b",
    {
      type: PROBLEM,
      validation: [null, "x", { location: {}, message: {} }, { location: ["response", "body", {}], message: 7 }],
    },
  ],
  looksLikePrismString: [
    "11111111-1111-4111-8111-11111111111c",
    { type: PROBLEM, title: { no: "string" }, validation: "response" },
  ],
} as const;
const BAD_GATEWAY = "22222222-2222-4222-8222-222222222222";
const TOKEN = "truth-T0ken/with+chars";
const CLIENT_SECRET = "truth-client-s3cret";

let platform: Awaited<ReturnType<typeof startRecordingServer>>;
let root: string;
const runs = new Map<string, Run>();
let port: number;
/** A server that resets each connection once the request arrives. */
let resetting: ReturnType<typeof createServer>;
/** Plain HTTP, called as https:// (loopback may be): the TLS handshake fails. */
let plain: Awaited<ReturnType<typeof startRecordingServer>>;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "verify-truth-"));
  port = await closedPort();
  platform = await startRecordingServer();
  platform.answer((req, res) => {
    for (const [id, body] of Object.values(ids)) {
      if (req.url.includes(id))
        return res.writeHead(418, { "Content-Type": "application/problem+json" }).end(JSON.stringify(body));
    }
    if (req.url === "/oauth/token")
      return res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ access_token: TOKEN, token_type: "Bearer", expires_in: 3600 }));
    if (req.url.includes(BAD_GATEWAY))
      return res.writeHead(502, { "Content-Type": "text/plain" }).end("Bad Gateway from the platform's own proxy");
    res
      .writeHead(200, { "Content-Type": "application/json" })
      .end(JSON.stringify(req.url.includes("/finish") ? finishAnswer : claimAnswer));
  });
  resetting = createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
  await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
  plain = await startRecordingServer();
  plain.json(200, claimAnswer);
  const file = path.join(root, "a-file");
  writeFileSync(file, "not a folder");
  const scenarios: Record<string, [string[], Record<string, string | undefined>?]> = {
    closed: [["--upstream", `http://127.0.0.1:${port}`]],
    closedOAuth: [
      ["--upstream", `http://127.0.0.1:${port}`, "--only", "claimTask"],
      {
        ...ENV,
        OM_USERNAME: undefined,
        OM_PASSWORD: undefined,
        OM_CLIENT_ID: "truth-client",
        OM_CLIENT_SECRET: CLIENT_SECRET,
      },
    ],
    unresolvable: [["--upstream", "https://om-platform.invalid:8443", "--only", "claimTask", "--timeout", "20"]],
    reset: [
      ["--upstream", `http://127.0.0.1:${(resetting.address() as { port: number }).port}`, "--only", "claimTask"],
    ],
    tls: [["--upstream", plain.url.replace("http:", "https:"), "--only", "claimTask"]],
    badGateway: [["--upstream", platform.url, "--only", "claimTask", "--task-id", BAD_GATEWAY]],
    verboseOAuth: [
      ["--upstream", platform.url, "--only", "claimTask", "--verbose"],
      {
        ...ENV,
        OM_USERNAME: undefined,
        OM_PASSWORD: undefined,
        OM_CLIENT_ID: "truth-client",
        OM_CLIENT_SECRET: CLIENT_SECRET,
      },
    ],
    dirIsAFile: [["--upstream", platform.url, "--record", file]],
    dirUnderAFile: [["--upstream", platform.url, "--record", path.join(file, "sub")]],
    ...Object.fromEntries(
      Object.entries(ids).map(([name, [id]]) => [
        name,
        [["--upstream", platform.url, "--only", "claimTask", "--task-id", id]],
      ]),
    ),
  };
  await Promise.all(
    Object.entries(scenarios).map(async ([name, [args, env]]) => runs.set(name, await verify(args, env))),
  );
}, 180_000);

afterAll(async () => {
  await platform?.close();
  await plain?.close();
  await new Promise((resolve) => resetting?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const noSecret = (r: Run) => {
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  expect(r.stdout + r.stderr).not.toContain(Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64"));
};

describe("no answer is an ERROR naming what happened, never a FAIL", () => {
  it("a closed port: each operation is ERROR, connection refused, with the host and port", () => {
    const r = runs.get("closed")!;
    expect(r.stdout).toMatch(
      new RegExp(
        `^ERROR claimTask .*: no answer from the platform: connection refused \\(127\\.0\\.0\\.1:${port}, ECONNREFUSED\\)$`,
        "m",
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `^ERROR finishManualTask .*: no answer from the platform: connection refused \\(127\\.0\\.0\\.1:${port}, ECONNREFUSED\\)$`,
        "m",
      ),
    );
    expect(r.stdout).not.toMatch(/^FAIL|→ 502|not declared/m);
    expect(r.stdout).toMatch(/^0 passed, 0 failed, 0 not checked, 2 errors$/m);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    noSecret(r);
  });

  it("a closed port with a token step: the token step is the ERROR, the operation is not called", () => {
    const r = runs.get("closedOAuth")!;
    expect(r.stdout).toMatch(
      new RegExp(
        `^ERROR getOAuthToken POST /oauth/token: no answer from the platform: connection refused \\(127\\.0\\.0\\.1:${port}, ECONNREFUSED\\)$`,
        "m",
      ),
    );
    expect(r.stdout).toMatch(/^ERROR claimTask .*: not called: no token \(getOAuthToken did not pass\)$/m);
    expect(r.stdout).not.toMatch(/^FAIL|→ 502/m);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(r.stdout).not.toContain(CLIENT_SECRET);
  });

  it("a host name that does not resolve (.invalid): ERROR, with the host and port", () => {
    const r = runs.get("unresolvable")!;
    expect(r.stdout).toMatch(
      /^ERROR claimTask .*: no answer from the platform: the host name does not resolve \(om-platform\.invalid:8443, (ENOTFOUND|EAI_AGAIN)\)$/m,
    );
    expect(r.stdout).not.toMatch(/^FAIL|→ 502/m);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    noSecret(r);
  });

  it("a reset connection and a failed TLS handshake: ERROR, each named, with the host and port", () => {
    const reset = runs.get("reset")!;
    const resetPort = (resetting.address() as { port: number }).port;
    expect(reset.stdout).toMatch(
      new RegExp(
        `^ERROR claimTask .*: no answer from the platform: the connection was reset \\(127\\.0\\.0\\.1:${resetPort}, (ECONNRESET|UND_ERR_SOCKET)\\)$`,
        "m",
      ),
    );
    const tls = runs.get("tls")!;
    expect(tls.stdout).toMatch(
      new RegExp(
        `^ERROR claimTask .*: no answer from the platform: TLS failed \\(127\\.0\\.0\\.1:${new URL(plain.url).port}, [A-Z_]+\\)$`,
        "m",
      ),
    );
    for (const r of [reset, tls]) {
      expect(r.stdout).not.toMatch(/^FAIL|→ 502/m);
      expect([r.code, r.stderr]).toEqual([1, ""]);
      noSecret(r);
    }
    expect(plain.requests).toEqual([]);
  });

  it("a 502 the platform itself answers is the platform's status, told apart from no answer", () => {
    const r = runs.get("badGateway")!;
    expect(r.stdout).toMatch(/^FAIL claimTask .* → 502$/m);
    expect(r.stdout).toMatch(/^ {2}status: 502 is not declared for claimTask/m);
    expect(r.stdout).not.toMatch(/^ERROR/m);
    expect(r.code).toBe(1);
  });
});

describe("an answer shaped like Prism's violations problem, with members of unexpected types, still gets its verdict", () => {
  it.each(Object.keys(ids))("%s: one FAIL line (418 is not declared), no stack trace", (name) => {
    const r = runs.get(name)!;
    expect(r.stdout).toMatch(/^FAIL claimTask .* → 418$/m);
    expect(r.stdout).toMatch(/^0 passed, 1 failed, 0 not checked, 0 errors$/m);
    expect(r.stdout + r.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect([r.code, r.stderr]).toEqual([1, ""]);
  });
});

describe("--record DIR is checked before any call is made", () => {
  it.each(["dirIsAFile", "dirUnderAFile"])("%s: exit 2, one line naming it, nothing called", (name) => {
    const r = runs.get(name)!;
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^error: --record: .*a-file.*(is not a folder|cannot create)/),
      "see: operations-manager-tasks-contract verify --help",
    ]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
  });

  it("none of them reached the platform", () => {
    // Only the scenarios with ids or a token of their own reached it: the --record ones had none.
    const own = (req: { url: string; headers: Record<string, unknown> }) =>
      Object.values(ids).some(([id]) => req.url.includes(id)) ||
      req.url.includes(BAD_GATEWAY) ||
      req.url === "/oauth/token" ||
      req.headers.authorization === `Bearer ${TOKEN}`;
    expect(platform.requests.filter((req) => !own(req))).toEqual([]);
  });
});

describe("progress: each verdict line is printed when its call ends, into a pipe", () => {
  it("a finish that answers after 5 s: the claim's line arrives seconds before verify ends; --verbose tells each step on stderr, nothing secret", async () => {
    const slow = await startRecordingServer();
    slow.answer((req, res) => {
      const send = () =>
        res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify(req.url.includes("/finish") ? finishAnswer : claimAnswer));
      if (req.url.includes("/finish")) setTimeout(send, 5000);
      else send();
    });
    try {
      const child = start(process.execPath, ["scripts/cli.mjs", "verify", "--upstream", slow.url, "--verbose"], {
        cwd: repoRoot,
        env: { ...ENV, OM_AUTH: "basic" },
      });
      let stdout = "";
      let stderr = "";
      let claimAt = 0;
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!claimAt && /^PASS claimTask/m.test(stdout)) claimAt = Date.now();
      });
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      const endedAt = Date.now();
      expect(code).toBe(0);
      expect(claimAt).toBeGreaterThan(0);
      expect(endedAt - claimAt).toBeGreaterThan(3000);
      expect(stderr).toMatch(/^verify: claimTask: POST \/operations-manager\/tasks\/[^ ]+\/claim$/m);
      expect(stderr).toMatch(/^verify: finishManualTask: the platform answered 200 in \d+ ms$/m);
      expect(stdout + stderr).not.toContain(PASSWORD);
      expect(stdout + stderr).not.toMatch(/authorization|basic [a-z0-9+/=]{8,}/i);
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe("--verbose with a token step", () => {
  it("tells the token step, each request and each answer on stderr, and nothing secret", () => {
    const r = runs.get("verboseOAuth")!;
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      "verify: getOAuthToken: POST /oauth/token",
      expect.stringMatching(/^verify: getOAuthToken: the platform answered 200 in \d+ ms$/),
      expect.stringMatching(/^verify: claimTask: POST \/operations-manager\/tasks\/[^ ]+\/claim$/),
      expect.stringMatching(/^verify: claimTask: the platform answered 200 in \d+ ms$/),
    ]);
    expect(r.stdout).toMatch(/^PASS getOAuthToken POST \/oauth\/token → 200\nPASS claimTask /m);
    for (const secret of [TOKEN, CLIENT_SECRET, encodeURIComponent(TOKEN), encodeURIComponent(CLIENT_SECRET)])
      expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.code).toBe(0);
  });
});

describe("--redact name on a real recorded job", () => {
  it("keeps every task and key, and leaves no person's value in the recording or in what is printed", async () => {
    const job = fixture("job-2023.1-complete.json");
    const task = fixture("task-get.json");
    const real = await startRecordingServer();
    real.answer((req, res) =>
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ message: "ok", data: req.url.includes("/finish") ? job : task, metadata: {} })),
    );
    const dir = path.join(root, "redacted");
    try {
      const r = await verify(["--upstream", real.url, "--record", dir, "--redact", "name"]);
      expect(r.stderr).toBe("");
      const recorded = JSON.parse(readFileSync(path.join(dir, "finishManualTask.200.json"), "utf8")).body.data;
      const keys = (v: unknown): string[] =>
        v && typeof v === "object"
          ? Object.entries(v).flatMap(([k, inner]) => [k, ...keys(inner).map((x) => `${k}/${x}`)])
          : [];
      expect(keys(recorded)).toEqual(keys(job));
      expect(Object.keys(recorded.tasks)).toEqual(["workflow_start", "f00d", "workflow_end"]);
      const names: string[] = [];
      JSON.stringify([job, task], (k, v) => (k === "name" && typeof v === "string" && names.push(v), v));
      const values: string[] = [];
      for (const file of readdirSync(dir))
        JSON.stringify(
          JSON.parse(readFileSync(path.join(dir, file), "utf8")),
          (_k, v) => (typeof v === "string" && values.push(v), v),
        );
      for (const name of new Set(names)) {
        const word = new RegExp(
          `(?<![\\p{L}\\p{N}_])${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(?![\\p{L}\\p{N}_])`,
          "u",
        );
        expect([name, values.filter((v) => word.test(v))]).toEqual([name, []]);
        expect([
          name,
          r.stdout.split("\n").filter((line) => word.test(line) && !/^ {2}\S+ \d{3} \//.test(line)),
        ]).toEqual([name, []]);
      }
    } finally {
      await real.close();
    }
  }, 60_000);
});
