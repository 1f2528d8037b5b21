// ./msw with msw 3, as a consumer gets it: the packed tarball installed into a fresh project beside
// msw@3 and TypeScript 5.9 and 7 (one npm install), its handlers serving the client through
// msw/node's setupServer, in ESM and CommonJS, and a consumer's typed use of both checked strictly
// (skipLibCheck off) against msw 3's own types. msw 3 needs Node 22.12 (its engines; held below),
// so on an older Node every test here is skipped and says why; package.test.ts covers msw 2.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run, type Run } from "./support/children";
import { devDependencies, npm, packInto } from "./support/packed";
import { claimAnswer, finishAnswer, JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";
import type { JsonObject } from "./support/spec";

const claimData = claimAnswer.data as JsonObject;

/** The first Node msw 3 runs on. */
const MSW3_NODE = [22, 12];
const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
const supported = major > MSW3_NODE[0]! || (major === MSW3_NODE[0] && minor >= MSW3_NODE[1]!);
const describeOnMsw3Node = supported ? describe : describe.skip;
const title = supported
  ? `./msw with msw 3 on Node ${process.versions.node}`
  : `./msw with msw 3: skipped, msw 3 needs Node >= ${MSW3_NODE.join(".")} and this is Node ${process.versions.node}`;
// Jest lists no test of a file whose tests are all skipped: the reason is printed, as well as
// named in every skipped test (jest's --json result, which CI keeps).
if (!supported) console.info(title);

/** A consumer's tests: the handlers, the client through them, its errors; one JSON line. */
const consumerScript = `import { readFileSync } from "node:fs";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { createOperationsManagerClient } from "operations-manager-tasks-contract";
import { createHandlers } from "operations-manager-tasks-contract/msw";
const baseUrl = "https://om.test";
const server = setupServer(...createHandlers({ baseUrl, example: "reference" }));
server.listen({ onUnhandledRequest: "error" });
const outcome = (promise) => promise.then((value) => ({ value }), (e) => ({ kind: e.kind, status: e.status }));
const result = { msw: JSON.parse(readFileSync("node_modules/msw/package.json", "utf8")).version, flows: {} };
for (const [name, auth] of [["OAuth", { clientId: "svc", clientSecret: "s" }], ["login", { username: "u", password: "p", method: "login" }], ["Basic", { username: "u", password: "p" }]]) {
  const om = createOperationsManagerClient({ baseUrl, auth, validate: "throw" });
  result.flows[name] = {
    task: await om.claimTask(${JSON.stringify(TASK_ID)}),
    job: await om.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)}, { taskData: { finish_state: "success" } }),
    e500: await outcome(om.claimTask(${JSON.stringify(TASK_ID)}, { headers: { Prefer: "code=500" } })),
    e401: await outcome(om.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)}, undefined, { headers: { Prefer: "code=401" } })),
    badId: await outcome(om.claimTask("not-a-uuid")),
  };
}
// After the login flow's Set-Cookie, a request without credentials is still refused.
result.anonymous = (await fetch(\`\${baseUrl}/operations-manager/tasks/${TASK_ID}/claim\`, { method: "POST" })).status;
const om = createOperationsManagerClient({ baseUrl, auth: { username: "u", password: "p" } });
server.use(http.post(\`\${baseUrl}/operations-manager/tasks/:taskId/claim\`, ({ params }) => HttpResponse.json({ message: "claimed", data: { _id: params.taskId, name: "mine" } })));
result.overridden = (await om.claimTask(${JSON.stringify(TASK_ID)})).name;
server.resetHandlers();
result.afterReset = (await om.claimTask(${JSON.stringify(TASK_ID)})).name;
server.close();
console.log(JSON.stringify(result));
`;

/** CommonJS: msw 3 is ESM only, loaded by the CommonJS build through Node's require of ESM. */
const commonJsScript = `const { setupServer } = require("msw/node");
const { createOperationsManagerClient } = require("operations-manager-tasks-contract");
const { createHandlers } = require("operations-manager-tasks-contract/msw");
const server = setupServer(...createHandlers({ baseUrl: "https://om.test", example: "reference" }));
server.listen({ onUnhandledRequest: "error" });
createOperationsManagerClient({ baseUrl: "https://om.test", auth: { username: "u", password: "p" } })
  .claimTask(${JSON.stringify(TASK_ID)})
  .then((task) => console.log(JSON.stringify({ taskId: task._id })))
  .finally(() => server.close());
`;

/** A typed consumer: the handlers, a typed override, bypass and passthrough, misuse as errors. */
const typedConsumer = (
  topLevelAwait: boolean,
) => `import { bypass, http, HttpResponse, passthrough, type HttpHandler } from "msw";
import { setupServer } from "msw/node";
import { createOperationsManagerClient, type ClaimTaskResponse, type Task } from "operations-manager-tasks-contract";
import { createHandlers, type MockHandlersOptions } from "operations-manager-tasks-contract/msw";
const options: MockHandlersOptions = { baseUrl: "https://om.test", example: "rejected" };
const handlers: HttpHandler[] = createHandlers(options);
const server = setupServer(...handlers);
server.use(
  http.post<{ taskId: string }, never, ClaimTaskResponse>("https://om.test/operations-manager/tasks/:taskId/claim", ({ params }) =>
    HttpResponse.json({ message: "claimed", data: { _id: params.taskId, name: "mine" } }),
  ),
  http.get("https://om.test/elsewhere", ({ request }) => fetch(bypass(request))),
  http.get("https://om.test/through", () => passthrough()),
);
server.use(
  // @ts-expect-error a claim answer's data is a Task, which has an _id
  http.post<{ taskId: string }, never, ClaimTaskResponse>("https://om.test/x", () => HttpResponse.json({ message: "claimed", data: { name: 42 } })),
);
// @ts-expect-error baseUrl is required
createHandlers({});
// @ts-expect-error these handlers are for setupServer, not a string
const _wrong: string = createHandlers(options)[0];
const om = createOperationsManagerClient({ baseUrl: options.baseUrl, auth: { clientId: "id", clientSecret: "secret" } });
export const task: ${topLevelAwait ? "Task" : "Promise<Task>"} = ${topLevelAwait ? "await " : ""}om.claimTask(${JSON.stringify(TASK_ID)});
`;

const tsconfig = (module: string, moduleResolution: string, include: string[]) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      module,
      moduleResolution,
      target: "es2022",
      lib: ["es2022", "dom"],
      types: [],
      noEmit: true,
      skipLibCheck: false,
    },
    include,
  });

let work: string;
let consumer: string;
const checks: Record<string, Run> = {};
const typeChecks = ["5.9", "7"].flatMap((version) =>
  [
    ["nodenext", "ESM and CommonJS"],
    ["bundler", "ESM"],
  ].map(([mode, files]) => ({ version, mode: mode!, name: `TypeScript ${version}, ${mode} (${files})` })),
);

describeOnMsw3Node(title, () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "om-contract-msw3-"));
    const { tarball } = await packInto(work);
    consumer = path.join(work, "consumer");
    const files: Record<string, string> = {
      "package.json": JSON.stringify({ name: "msw3-consumer", private: true, type: "module" }),
      "msw.mjs": consumerScript,
      "msw.cjs": commonJsScript,
      "src/use.mts": typedConsumer(true),
      "src/use.cts": typedConsumer(false),
      "tsconfig.nodenext.json": tsconfig("nodenext", "nodenext", ["src"]),
      "tsconfig.bundler.json": tsconfig("esnext", "bundler", ["src/use.mts"]),
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(consumer, name)), { recursive: true });
      writeFileSync(path.join(consumer, name), text);
    }
    // One install: TypeScript 7 beside 5.9 under an alias, each with its own tsc.
    const install = await npm(
      [
        "install",
        tarball,
        "msw@3",
        `typescript@${devDependencies.typescript}`,
        "typescript-7@npm:typescript@7",
        "--prefer-offline",
        "--no-package-lock",
      ],
      consumer,
    );
    if (install.code !== 0) throw new Error(`installing the tarball with msw@3 failed:\n${install.stderr}`);
    const node = (args: string[]) => run(process.execPath, args, { cwd: consumer });
    const runs: Record<string, Promise<Run>> = {
      esm: node(["msw.mjs"]),
      cjs: node(["msw.cjs"]),
      ...Object.fromEntries(
        typeChecks.map(({ version, mode, name }) => [
          name,
          node([
            `node_modules/${version === "7" ? "typescript-7" : "typescript"}/bin/tsc`,
            "-p",
            `tsconfig.${mode}.json`,
            "--pretty",
            "false",
          ]),
        ]),
      ),
      tscVersions: node([
        "-p",
        'require("typescript/package.json").version + " " + require("typescript-7/package.json").version',
      ]),
    };
    for (const [name, pending] of Object.entries(runs)) checks[name] = await pending;
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const installed = (name: string) =>
    JSON.parse(readFileSync(path.join(consumer, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
      engines?: { node?: string };
    };
  const output = (name: string) => {
    const ran = checks[name]!;
    if (ran.code !== 0) throw new Error(`${name} failed (exit status ${ran.code}):\n${ran.stderr}`);
    return JSON.parse(ran.stdout) as Record<string, any>;
  };

  it(`installs msw 3, whose engines ask for Node >= ${MSW3_NODE.join(".")}: the version this file is skipped below`, () => {
    const msw = installed("msw");
    expect(msw.version).toMatch(/^3\./);
    expect(msw.engines?.node?.replace(/\s/g, "")).toBe(`>=${MSW3_NODE.join(".")}.0`);
  });

  it("serves claim → finish with OAuth, login and Basic: the spec's data, a 500 and a 401 per call, a bad id refused", () => {
    const { flows } = output("esm");
    const flow = {
      task: claimAnswer.data,
      job: finishAnswer.data,
      e500: { kind: "http", status: 500 },
      e401: { kind: "http", status: 401 },
      badId: { kind: "invalid-request" },
    };
    expect(flows).toEqual({ OAuth: flow, login: flow, Basic: flow });
  });

  it("refuses a request without credentials after a login, and lets a test's own handler go first until reset", () => {
    expect(output("esm")).toMatchObject({ anonymous: 401, overridden: "mine", afterReset: claimData.name });
  });

  it("loads from CommonJS too (msw 3 is ESM only) and answers a claim", () => {
    expect(output("cjs")).toEqual({ taskId: claimData._id });
    expect(checks.cjs!.stderr).toBe("");
  });

  it("type-checks with TypeScript 5.9 and 7", () => {
    const [ts59, ts7] = checks.tscVersions!.stdout.trim().split(" ");
    expect(ts59).toMatch(/^5\.9\./);
    expect(ts7).toMatch(/^7\./);
  });

  it.each(typeChecks.map(({ name }) => name))("%s: a consumer of msw 3's types, misuse included as errors", (name) => {
    const ran = checks[name]!;
    expect(ran.stdout + ran.stderr).toBe("");
    expect(ran.code).toBe(0);
  });
});
