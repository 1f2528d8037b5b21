// `npm run verify` (the bin's `verify`, src/tools/verify/) against a fake platform on loopback that
// answers each task id its own way, so that every run can go at once. Each run goes through the
// bin's own dispatch (main(), as src/cli.ts calls it) in this process; one run of each kind (a
// platform, a way in, bad usage) is also run as users run it, `node scripts/cli.mjs verify` in a
// child process, end to end. Options, verdicts and report alone: verify-options, verify-classify.
import { credentialHeaders } from "../src/auth/authenticator";
import { main } from "../src/tools/cli/main";
import { run as runCommand, type Run } from "./support/children";
import { repoRoot } from "./support/spec";
import { startRecordingServer } from "./support/recording-server";
import { startFakePlatform } from "./support/fake-platform";
import { JOB_ID, TASK_KEY, claimAnswer, finishAnswer } from "./support/constants";

const USERNAME = "automation";
const PASSWORD = "Pa55-verify-s3cret";
const claim = claimAnswer as { data: Record<string, unknown> };
const finish = finishAnswer;

// One task id per scenario: the fake platform's answer is chosen by the id in the path.
const ids = {
  good: "11111111-1111-4111-8111-111111111111",
  wrongType: "22222222-2222-4222-8222-222222222222",
  refused: "33333333-3333-4333-8333-333333333333",
  undeclared: "44444444-4444-4444-8444-444444444444",
  notFound: "55555555-5555-4555-8555-555555555555",
  brokenError: "66666666-6666-4666-8666-666666666666",
  redirected: "77777777-7777-4777-8777-777777777777",
};
const NOT_REAL_IDS = "pass real --task-id (the default is the spec's example, which exists on no platform)";

/**
 * verify with `args` and exactly the variables of `env` (undefined ones unset): in this process by
 * default, or as a child process (`node scripts/cli.mjs verify`, with this environment besides).
 */
async function verify(
  args: string[],
  env: Record<string, string | undefined> = { OM_USERNAME: USERNAME, OM_PASSWORD: PASSWORD },
  how: "in-process" | "child" = "in-process",
): Promise<Run> {
  if (how === "child")
    return runCommand(process.execPath, ["scripts/cli.mjs", "verify", ...args], {
      cwd: repoRoot,
      env,
      timeout: 60_000,
    });
  let stdout = "";
  let stderr = "";
  const own = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
  const code = await main(["verify", ...args], own, {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

/** The runs made as a child process, one of each kind. */
const AS_CHILD = new Set(["good", "oauth", "an unknown option"]);

/**
 * Runs each of `named` with `go`: the child-process run first, alone, then the in-process ones at
 * once. The fake platform answers from this process, which the in-process runs keep busy: under
 * load the child's calls could otherwise wait on them past the platform's keep-alive.
 */
async function runAll<T>(
  named: Array<[string, T]>,
  go: (name: string, value: T) => Promise<Run>,
  into: Map<string, Run>,
) {
  for (const [name, value] of named.filter(([n]) => AS_CHILD.has(n))) into.set(name, await go(name, value));
  await Promise.all(
    named.filter(([n]) => !AS_CHILD.has(n)).map(async ([name, value]) => into.set(name, await go(name, value))),
  );
}

let upstream: Awaited<ReturnType<typeof startRecordingServer>>;
/** Where the redirect points: it must never be called. */
let elsewhere: Awaited<ReturnType<typeof startRecordingServer>>;
const runs = new Map<string, Run>();

beforeAll(async () => {
  upstream = await startRecordingServer();
  elsewhere = await startRecordingServer();
  elsewhere.json(200, claim);
  upstream.answer((req, res) => {
    if (req.url.includes(ids.redirected)) return res.writeHead(307, { Location: `${elsewhere.url}${req.url}` }).end();
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (req.url.includes("/finish")) return json(200, finish);
    if (req.url.includes(ids.good)) return json(200, claim);
    if (req.url.includes(ids.wrongType)) return json(200, { ...claim, data: { ...claim.data, name: 42 } });
    if (req.url.includes(ids.refused)) return json(401, { message: "Unauthorized" });
    if (req.url.includes(ids.undeclared)) return json(403, { message: "Forbidden" });
    if (req.url.includes(ids.notFound)) return json(500, { message: "Task not found" });
    if (req.url.includes(ids.brokenError)) return json(500, { message: 42 });
    // The spec's example task id (the default): what a real platform says of an id it has not.
    if (req.url.includes("/tasks/") && req.url.includes("/claim")) return json(500, { message: "Task not found" });
    return json(404, { message: "no such scenario" });
  });
  const scenarios: Record<string, string[]> = {
    good: ["--task-id", ids.good],
    wrongType: ["--task-id", ids.wrongType, "--only", "claimTask"],
    wrongTypeJson: ["--task-id", ids.wrongType, "--only", "claimTask", "--json"],
    refused: ["--task-id", ids.refused, "--only", "claimTask"],
    refusedJson: ["--task-id", ids.refused, "--only", "claimTask", "--json"],
    notFound: ["--task-id", ids.notFound, "--only", "claimTask"],
    defaultIds: ["--only", "claimTask"],
    brokenError: ["--task-id", ids.brokenError, "--only", "claimTask"],
    undeclared: ["--task-id", ids.undeclared, "--only", "claimTask"],
    redirected: ["--task-id", ids.redirected, "--only", "claimTask"],
  };
  await runAll(
    Object.entries(scenarios),
    (name, args) =>
      verify(["--upstream", upstream.url, ...args], undefined, AS_CHILD.has(name) ? "child" : "in-process"),
    runs,
  );
}, 120_000);

afterAll(() => Promise.all([upstream?.close(), elsewhere?.close()]));

const run = (name: string) => runs.get(name)!;

describe("npm run verify against a platform", () => {
  it("answers a redirect with its status instead of following it: the claim is not sent elsewhere", () => {
    const { code, stdout } = run("redirected");
    expect(stdout).toMatch(/^FAIL claimTask .* → 307$/m);
    expect(stdout).toMatch(/^ {2}status: 307 is not declared/m);
    expect(elsewhere.requests).toHaveLength(0);
    expect(code).toBe(1);
  });

  it("passes (exit 0) when the real answers keep the contract, one line per operation", () => {
    const { code, stdout } = run("good");
    expect(stdout).toMatch(new RegExp(`^PASS claimTask POST /operations-manager/tasks/${ids.good}/claim → 200$`, "m"));
    expect(stdout).toMatch(
      new RegExp(`^PASS finishManualTask POST /operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish → 200$`, "m"),
    );
    expect(code).toBe(0);
  });

  it("fails (exit 1) naming the field when a string comes back as a number", () => {
    const { code, stdout } = run("wrongType");
    expect(stdout).toMatch(/^FAIL claimTask .* → 200$/m);
    expect(stdout).toMatch(/^ {2}body \/data\/name: .*must be string/m);
    expect(stdout).not.toMatch(/finishManualTask/); // --only
    expect(code).toBe(1);
  });

  it("--json gives the same verdict as data", () => {
    const { code, stdout } = run("wrongTypeJson");
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.operations).toHaveLength(1);
    expect(report.operations[0]).toMatchObject({ operationId: "claimTask", status: 200, result: "fail" });
    expect(report.operations[0].violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "body", path: "/data/name", message: expect.stringMatching(/must be string/) }),
      ]),
    );
    expect(code).toBe(1);
  });

  it("reports a declared 401 that keeps the contract as NOT CHECKED (exit 1), pointing at the credentials", () => {
    const { code, stdout } = run("refused");
    expect(stdout).toMatch(/^NOT CHECKED claimTask .* → 401: "Unauthorized", .*the 200 answer was never seen$/m);
    expect(stdout).toMatch(/^ {2}hint: check OM_USERNAME\/OM_PASSWORD$/m);
    expect(stdout).not.toMatch(/^PASS/m);
    expect(stdout).toMatch(/^0 passed, 0 failed, 1 not checked, 0 errors$/m);
    expect(code).toBe(1);
  });

  it("--json reports it as not-checked, with the hint", () => {
    const { code, stdout } = run("refusedJson");
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.operations).toEqual([
      expect.objectContaining({
        operationId: "claimTask",
        status: 401,
        result: "not-checked",
        violations: [],
        hint: "check OM_USERNAME/OM_PASSWORD",
      }),
    ]);
    expect(code).toBe(1);
  });

  it("reports a declared 500 that keeps the contract as NOT CHECKED (exit 1), pointing at the ids", () => {
    const { code, stdout } = run("notFound");
    expect(stdout).toMatch(/^NOT CHECKED claimTask .* → 500: "Task not found", /m);
    // --task-id was given: the hint asks to check it rather than blaming the defaults.
    expect(stdout).toMatch(/^ {2}hint: check that --task-id names a task on this platform/m);
    expect(code).toBe(1);
  });

  it("with the default ids (the spec's examples), a 500 asks for real ids", () => {
    const { code, stdout } = run("defaultIds");
    expect(stdout).toMatch(/^NOT CHECKED claimTask .* → 500: "Task not found", /m);
    expect(stdout).toContain(`  hint: ${NOT_REAL_IDS}\n`);
    expect(code).toBe(1);
  });

  it("still fails a declared error whose body breaks the contract, naming the field", () => {
    const { code, stdout } = run("brokenError");
    expect(stdout).toMatch(/^FAIL claimTask .* → 500$/m);
    expect(stdout).toMatch(/^ {2}body \/message: .*must be string/m);
    expect(stdout).not.toMatch(/NOT CHECKED|hint:/);
    expect(code).toBe(1);
  });

  it("counts an undeclared status as a violation (Prism only warns about it)", () => {
    const { code, stdout } = run("undeclared");
    expect(stdout).toMatch(/^FAIL claimTask .* → 403$/m);
    expect(stdout).toMatch(/status: 403 is not declared for claimTask/);
    expect(code).toBe(1);
  });

  it("sends Basic auth built from OM_USERNAME and OM_PASSWORD, and never prints the password", () => {
    const expected = credentialHeaders.basic(USERNAME, PASSWORD).Authorization;
    const reached = upstream.requests.filter((r) => r.url.startsWith("/operations-manager/"));
    expect(reached.length).toBeGreaterThanOrEqual(6);
    for (const r of reached) expect(r.headers.authorization).toBe(expected);
    for (const { stdout, stderr } of runs.values()) {
      expect(stdout + stderr).not.toContain(PASSWORD);
      expect(stdout + stderr).not.toContain(expected.slice("Basic ".length));
    }
  });
});

describe("npm run verify with OAuth, a login, or no credentials", () => {
  let platform: Awaited<ReturnType<typeof startFakePlatform>>;
  let open: Awaited<ReturnType<typeof startRecordingServer>>;
  const authRuns = new Map<string, Run>();
  const WRONG = "wrong-client-s3cret";
  beforeAll(async () => {
    platform = await startFakePlatform();
    open = await startRecordingServer();
    open.json(200, claim);
    const { clientId, clientSecret, username, password } = platform.options;
    const args = ["--upstream", platform.url, "--task-id", ids.good];
    const scenarios: Record<string, [string[], Record<string, string>]> = {
      oauth: [args, { OM_CLIENT_ID: clientId, OM_CLIENT_SECRET: clientSecret }],
      oauthWrong: [args, { OM_CLIENT_ID: clientId, OM_CLIENT_SECRET: WRONG }],
      login: [args, { OM_AUTH: "login", OM_USERNAME: username, OM_PASSWORD: password }],
      none: [["--upstream", open.url, "--task-id", ids.good, "--only", "claimTask"], { OM_AUTH: "none" }],
    };
    await runAll(
      Object.entries(scenarios),
      (name, [a, env]) => verify(a, env, AS_CHILD.has(name) ? "child" : "in-process"),
      authRuns,
    );
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await open?.close();
  });

  it("OAuth: the token step is verified, then both operations pass with the Bearer token", () => {
    const { code, stdout } = authRuns.get("oauth")!;
    expect(stdout).toMatch(/^PASS getOAuthToken POST \/oauth\/token → 200$/m);
    expect(stdout).toMatch(/^PASS claimTask .* → 200$/m);
    expect(stdout).toMatch(/^PASS finishManualTask .* → 200$/m);
    expect(code).toBe(0);
    // The scenarios run at once: any token the platform issued counts.
    const bearers = new Set(platform.issued.map((t) => `Bearer ${t}`));
    const calls = platform.operationRequests().filter((r) => bearers.has(r.headers.authorization ?? ""));
    expect(calls).toHaveLength(2);
  });

  it("OAuth with a wrong secret: the token step is NOT CHECKED with a hint, the operations are not called", () => {
    const { code, stdout } = authRuns.get("oauthWrong")!;
    expect(stdout).toMatch(/^NOT CHECKED getOAuthToken .* → 401/m);
    expect(stdout).toMatch(/^ {2}hint: check OM_CLIENT_ID\/OM_CLIENT_SECRET$/m);
    expect(stdout).toMatch(/^ERROR claimTask .*not called: no token/m);
    expect(code).toBe(1);
  });

  it("login: the token step is verified, then the session token goes as the cookie", () => {
    const { code, stdout } = authRuns.get("login")!;
    expect(stdout).toMatch(/^PASS login POST \/login → 200$/m);
    expect(stdout).toMatch(/^PASS claimTask .* → 200$/m);
    expect(code).toBe(0);
    const tokens = new Set(platform.issued);
    expect(
      platform.operationRequests().some((r) => tokens.has(/token=([^;]+)/.exec(r.headers.cookie ?? "")?.[1] ?? "")),
    ).toBe(true);
  });

  it("OM_AUTH=none: no credentials sent, and Prism does not refuse the call for lacking them", () => {
    const { code, stdout } = authRuns.get("none")!;
    expect(stdout).toMatch(/^PASS claimTask .* → 200$/m);
    expect(code).toBe(0);
    expect(open.requests[0]!.headers.authorization).toBeUndefined();
    expect(open.requests[0]!.headers.cookie).toBeUndefined();
  });

  it("prints no secret and no token, even where the platform echoes them", () => {
    const secrets = [platform.options.clientSecret, platform.options.password, WRONG, ...platform.issued];
    for (const { stdout, stderr } of authRuns.values()) {
      for (const secret of secrets) expect(stdout + stderr).not.toContain(secret);
    }
  });
});

describe("npm run verify with bad usage exits 2 with one line and a pointer to --help, calling nothing", () => {
  const usageRuns = new Map<string, Run>();
  let before = 0;
  const badUsage: [string, string[], Record<string, string | undefined>, RegExp][] = [
    [
      "an unknown option",
      ["--upstream", "http://127.0.0.1:9", "--bogus"],
      { OM_USERNAME: USERNAME, OM_PASSWORD: PASSWORD },
      /^error: Unknown option '--bogus'/,
    ],
    [
      "no credentials in the environment",
      ["--upstream", "http://127.0.0.1:9"],
      { OM_USERNAME: undefined, OM_PASSWORD: undefined },
      /^error: set OM_USERNAME and OM_PASSWORD/,
    ],
    // The client's rule: no credentials in clear text to a host that is not loopback.
    [
      "Basic over plain http to a host that is not loopback",
      ["--upstream", "http://itential.example.com"],
      { OM_USERNAME: USERNAME, OM_PASSWORD: PASSWORD },
      /^error: .*--upstream.*http/,
    ],
  ];
  beforeAll(async () => {
    before = upstream.requests.length;
    await runAll(
      badUsage.map(
        ([what, args, env]) => [what, [args, env]] as [string, [string[], Record<string, string | undefined>]],
      ),
      (what, [args, env]) => verify(args, env, AS_CHILD.has(what) ? "child" : "in-process"),
      usageRuns,
    );
  }, 60_000);

  it.each(badUsage)("%s", (what, _args, _env, message) => {
    const { code, stdout, stderr } = usageRuns.get(what)!;
    expect(stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(message),
      "see: operations-manager-tasks-contract verify --help",
    ]);
    expect(stderr).not.toContain(PASSWORD);
    expect(stdout).toBe("");
    expect(code).toBe(2);
  });

  it("none of them called the platform", () => {
    expect(usageRuns.size).toBe(badUsage.length);
    expect(upstream.requests.length).toBe(before);
  });
});
