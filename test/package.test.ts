// The package as a consumer gets it: `npm pack`, installed into a fresh project, imported with
// `import` and `require`, type-checked strictly (skipLibCheck off) by TypeScript 5.9 and the newest
// TypeScript 7 under `nodenext` and `bundler`, default target and es2022, the README's snippets
// included, and used against the Prism that jest's global setup started. Installed beside Prism,
// its bin serves the mock and verifies it. publint and attw judge the same tarball.
import { bannerUrl } from "./support/mock-process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exitWithin, leftInGroup, run, start, type Run } from "./support/children";
import { devDependencies, npm, packInto } from "./support/packed";
import { repoRoot } from "./support/spec";
import { JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";

const exec = (file: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) =>
  run(file, args, { cwd, env });
const bin = (name: string) => path.join(repoRoot, "node_modules/.bin", name);
const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
const BIN = "operations-manager-tasks-contract";

/**
 * The newest TypeScript 7's tsc, installed from the registry once into .cache/typescript-7 (ignored
 * by git) and reused; delete that folder to take a newer 7.x.
 */
async function typescript7(): Promise<string> {
  const folder = path.join(repoRoot, ".cache/typescript-7");
  const tsc7 = path.join(folder, "node_modules/typescript/bin/tsc");
  if (!existsSync(tsc7)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name: "typescript-7-cache", private: true }));
    const installed = await npm(["install", "typescript@7", "--no-package-lock"], folder);
    if (installed.code !== 0) throw new Error(`installing typescript@7 failed:\n${installed.stderr}`);
  }
  return tsc7;
}

/** The README's TypeScript snippets, each a file of its own: every one must compile as it stands. */
const readmeSnippets = [
  ...readFileSync(path.join(repoRoot, "README.md"), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm),
].map((m) => m[1]!);

/** A types-only consumer: what a package used for its types imports. */
const typesOnly = `import type { Task, Job, paths, AuthOptions, OperationsManagerErrorKind } from "operations-manager-tasks-contract";
import type { MockServerOptions, RecordedExample } from "operations-manager-tasks-contract/mock";
export type Used = [Task["_id"], Job["name"], keyof paths, AuthOptions, OperationsManagerErrorKind];
export type UsedMock = [MockServerOptions["port"], RecordedExample["operationId"]];
`;
/** tsc on the command line, no tsconfig: each TypeScript's own defaults but for module and target. */
const typesOnlyModes: Record<string, string[]> = {
  "bundler, default target": ["--module", "esnext", "--moduleResolution", "bundler"],
  "nodenext, default target": ["--module", "nodenext", "--moduleResolution", "nodenext"],
  "bundler, target es2022": ["--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022"],
};

// The Prism a consumer of ./mock gets on this Node, as the README's install hint says: on Node 24
// the newest 5.x (5.15 and later need Node 24), elsewhere the releases this package is developed
// with, its own devDependencies' ranges.
const nodeMajor = Number(process.versions.node.split(".")[0]);
const prismNames = ["@stoplight/prism-http", "@stoplight/prism-http-server"];
const prismSpecs = prismNames.map((name) => `${name}@${nodeMajor >= 24 ? "5" : devDependencies[name]}`);
const installedVersion = (root: string, name: string) =>
  JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version as string;
const newer = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true }) > 0;
const minor = (version: string) => version.split(".").slice(0, 2).join(".");

let work: string;
let consumer: string;
let prismConsumer: string;
let mswConsumer: string;
let tarball: string;
let packed: string[];
const checks: Record<string, Run> = {};

/** What a consumer's script runs, the same in ESM and CommonJS: both calls, a refusal, the spec. */
function consumerScript(load: string, loadOtherBuild: string) {
  return `${load}
const other = ${loadOtherBuild};
const { createOperationsManagerClient, OperationsManagerError } = pkg;
const om = createOperationsManagerClient({ baseUrl: process.env.OM_MOCK_URL, auth: { username: "automation", password: "s3cr3t" } });
const task = await om.claimTask(${JSON.stringify(TASK_ID)});
const job = await om.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)}, { taskData: { finish_state: "success" } });
const refusal = await om.finishManualTask("NOT-A-JOB", ${JSON.stringify(TASK_KEY)}).catch((e) => e);
const foreign = await other.createOperationsManagerClient({ baseUrl: "http://127.0.0.1:1", auth: { username: "u", password: "p" } }).claimTask("x").catch((e) => e);
// The token methods against the mock: it serves /oauth/token and /login from their examples.
const signedIn = [];
for (const auth of [{ clientId: "svc-automation", clientSecret: "client-s3cret" }, { username: "automation", password: "s3cr3t", method: "login" }]) {
  const client = createOperationsManagerClient({ baseUrl: process.env.OM_MOCK_URL, auth });
  signedIn.push([(await client.claimTask(${JSON.stringify(TASK_ID)}))._id, (await client.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)})).name]);
}
const strict = createOperationsManagerClient({ baseUrl: process.env.OM_MOCK_URL, auth: { username: "automation", password: "s3cr3t" }, validate: "throw" });
const checkedTask = await strict.claimTask(${JSON.stringify(TASK_ID)});
const brokenAnswer = JSON.stringify({ message: "ok", data: { _id: ${JSON.stringify(TASK_ID)}, name: 42 } });
const broken = await createOperationsManagerClient({
  baseUrl: "http://127.0.0.1:1", auth: { username: "automation", password: "s3cr3t" }, validate: "throw",
  fetch: async () => new Response(brokenAnswer, { status: 200, headers: { "Content-Type": "application/json" } }),
}).claimTask(${JSON.stringify(TASK_ID)}).catch((e) => e);
const mockError = await mock.startMockServer().then((s) => s.close().then(() => "started"), (e) => \`\${e.code}: \${e.message}\`);
console.log(JSON.stringify({
  taskId: task._id, jobName: job.name,
  refusal: { isError: refusal instanceof OperationsManagerError, kind: refusal.kind, message: refusal.message },
  specTitle: spec.info.title, mockError, signedIn,
  validated: { taskId: checkedTask._id, kind: broken.kind, violations: broken.violations },
  otherBuild: { sameClass: other.OperationsManagerError === OperationsManagerError, instanceOf: foreign instanceof OperationsManagerError },
}));`;
}

const typedConsumer = `import { createOperationsManagerClient, OperationsManagerError, type Job, type Task } from "operations-manager-tasks-contract";
import type { components, paths } from "operations-manager-tasks-contract/schema";
import type { MockServer } from "operations-manager-tasks-contract/mock";

export async function use(): Promise<[Task, Job]> {
  const om = createOperationsManagerClient({ baseUrl: "http://127.0.0.1:4010", auth: { username: "u", password: "p" } });
  const task: components["schemas"]["Task"] = await om.claimTask(${JSON.stringify(TASK_ID)});
  const job = await om.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)}, { taskData: { finish_state: "success" } });
  const status: string | undefined = task.status;
  const route: keyof paths = "/operations-manager/tasks/{taskId}/claim";
  const close: MockServer["close"] | undefined = undefined;
  // @ts-expect-error a taskId is a string
  await om.claimTask(42);
  // @ts-expect-error taskData is an object
  await om.finishManualTask(${JSON.stringify(JOB_ID)}, ${JSON.stringify(TASK_KEY)}, { taskData: "done" });
  // @ts-expect-error a Task has no such field
  void task.notAField;
  // openapi-fetch middleware on the typed calls, typed by openapi-fetch's Middleware.
  const logging = { onResponse: ({ response }: { response: Response }) => void response.status };
  om.use(logging, { onRequest: ({ request }) => void request.url });
  om.eject(logging);
  // @ts-expect-error a middleware is an object with onRequest, onResponse or onError
  om.use(42);
  createOperationsManagerClient({ baseUrl: "https://itential.example.com", auth: { clientId: "id", clientSecret: "secret" } });
  createOperationsManagerClient({ baseUrl: "https://itential.example.com", auth: { username: "u", password: "p", method: "login" } });
  createOperationsManagerClient({ baseUrl: "https://itential.example.com", auth: { token: async () => "t" } });
  // @ts-expect-error a client id needs its secret
  createOperationsManagerClient({ baseUrl: "https://itential.example.com", auth: { clientId: "id" } });
  // @ts-expect-error there is no such method
  createOperationsManagerClient({ baseUrl: "https://itential.example.com", auth: { username: "u", password: "p", method: "digest" } });
  void [status, route, close, OperationsManagerError];
  return [task, job];
}
`;

/** A consumer's tests against ./msw, no Prism: printed as one JSON line. */
const mswConsumerScript = `import { setupServer } from "msw/node";
import { createOperationsManagerClient } from "operations-manager-tasks-contract";
import { createHandlers } from "operations-manager-tasks-contract/msw";
const baseUrl = "https://om.test";
const server = setupServer(...createHandlers({ baseUrl }));
server.listen({ onUnhandledRequest: "error" });
const kind = (promise) => promise.then(() => "resolved", (e) => e.kind);
const result = { prismInstalled: await import("@stoplight/prism-http").then(() => true, () => false), flows: {} };
for (const [name, auth] of [["OAuth", { clientId: "svc", clientSecret: "s" }], ["login", { username: "u", password: "p", method: "login" }], ["Basic", { username: "u", password: "p" }]]) {
  const om = createOperationsManagerClient({ baseUrl, auth, validate: "throw" });
  const task = await om.claimTask(${JSON.stringify(TASK_ID)});
  const job = await om.finishManualTask(task.job._id, task.job.task, { taskData: { finish_state: "success" } });
  const e500 = await om.claimTask(task._id, { headers: { Prefer: "code=500" } }).catch((e) => e);
  const e401 = await om.finishManualTask(task.job._id, task.job.task, undefined, { headers: { Prefer: "code=401" } }).catch((e) => e);
  const rejected = { headers: { Prefer: "example=rejected" } };
  const r = await om.claimTask(task._id, rejected);
  const rjob = await om.finishManualTask(r.job._id, r.job.task, { taskData: { finish_state: "failure" } }, rejected);
  result.flows[name] = {
    chained: job._id === task.job._id, rejected: rjob.tasks[r.job.task].metrics.finish_state,
    e500: [e500.kind, e500.status], e401: [e401.kind, e401.status],
    badId: await kind(om.claimTask("not-a-uuid")), badBody: await kind(om.finishManualTask(task.job._id, task.job.task, { taskData: "done" })),
  };
}
const post = (path, init) => fetch(baseUrl + path, { method: "POST", ...init }).then((res) => res.status);
const basic = { Authorization: "Basic dTpw", "Content-Type": "application/json" };
result.refused = {
  badId: await post("/operations-manager/tasks/not-a-uuid/claim", { headers: basic }),
  badBody: await post("/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish", { headers: basic, body: '{"taskdata":{}}' }),
  jsonNull: await post("/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish", { headers: basic, body: "null" }),
  anonymous: await post("/operations-manager/tasks/${TASK_ID}/claim", {}),
};
server.close();
console.log(JSON.stringify(result));
`;

/** A typed override, as the guide shows it, checked by tsc against the installed types. */
const mswTypedConsumer = `import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { ClaimTaskResponse } from "operations-manager-tasks-contract";
import { createHandlers, type MockHandlersOptions } from "operations-manager-tasks-contract/msw";
const options: MockHandlersOptions = { baseUrl: "https://om.test", example: "rejected" };
const server = setupServer(...createHandlers(options));
server.use(
  http.post<{ taskId: string }, never, ClaimTaskResponse>("https://om.test/operations-manager/tasks/:taskId/claim", ({ params }) =>
    HttpResponse.json({ message: "claimed", data: { _id: params.taskId, name: "mine" } }),
  ),
);
server.use(
  // @ts-expect-error a claim answer's data is a Task, which has an _id
  http.post<{ taskId: string }, never, ClaimTaskResponse>("https://om.test/x", () => HttpResponse.json({ message: "claimed", data: { name: 42 } })),
);
// @ts-expect-error baseUrl is required
createHandlers({});
`;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "om-contract-package-"));
  ({ tarball, files: packed } = await packInto(work));

  consumer = path.join(work, "consumer");
  mkdirSync(consumer);
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "consumer", private: true, type: "module" }),
    "esm.mjs": consumerScript(
      'import * as pkg from "operations-manager-tasks-contract";\nimport * as mock from "operations-manager-tasks-contract/mock";\nimport spec from "operations-manager-tasks-contract/openapi.json" with { type: "json" };',
      '(await import("node:module")).createRequire(import.meta.url)("operations-manager-tasks-contract")',
    ),
    "cjs.cjs": `(async () => {\n${consumerScript(
      'const pkg = require("operations-manager-tasks-contract");\nconst mock = require("operations-manager-tasks-contract/mock");\nconst spec = require("operations-manager-tasks-contract/openapi.json");',
      'await import("operations-manager-tasks-contract")',
    )}\n})();`,
    "src/consumer.mts": typedConsumer,
    "src/consumer.cts": typedConsumer,
    "tsconfig.nodenext.json": JSON.stringify({
      // A Node service: Node's own types, no DOM.
      compilerOptions: {
        strict: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        lib: ["es2022"],
        types: ["node"],
        typeRoots: [path.join(repoRoot, "node_modules/@types")],
        noEmit: true,
        skipLibCheck: false,
      },
      include: ["src"],
    }),
    "tsconfig.bundler.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "esnext",
        moduleResolution: "bundler",
        target: "es2022",
        lib: ["es2022", "dom"],
        types: [],
        noEmit: true,
        skipLibCheck: false,
      },
      files: ["src/consumer.mts"],
    }),
    "types-only.ts": typesOnly,
    // The README's snippets as a user pastes them into an ESM project on Node.
    ...Object.fromEntries(readmeSnippets.map((code, i) => [`readme/snippet-${i + 1}.mts`, code])),
    "tsconfig.readme.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        types: ["node"],
        typeRoots: [path.join(repoRoot, "node_modules/@types")],
        noEmit: true,
        skipLibCheck: false,
      },
      include: ["readme"],
    }),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(consumer, name)), { recursive: true });
    writeFileSync(path.join(consumer, name), text);
  }
  // The ./mock with Prism installed beside it, in a project of its own (the one above has none):
  // started, asked for a claim with and without credentials, closed.
  prismConsumer = path.join(work, "prism-consumer");
  mkdirSync(prismConsumer);
  writeFileSync(
    path.join(prismConsumer, "package.json"),
    JSON.stringify({ name: "prism-consumer", private: true, type: "module" }),
  );
  writeFileSync(
    path.join(prismConsumer, "mock.mjs"),
    `import { createOperationsManagerClient } from "operations-manager-tasks-contract";
import { startMockServer } from "operations-manager-tasks-contract/mock";
const mock = await startMockServer();
try {
  const om = createOperationsManagerClient({ baseUrl: mock.url, auth: { username: "automation", password: "s3cr3t" } });
  const task = await om.claimTask(${JSON.stringify(TASK_ID)});
  const anonymous = await fetch(\`\${mock.url}/operations-manager/tasks/${TASK_ID}/claim\`, { method: "POST" });
  console.log(JSON.stringify({ url: mock.url, taskId: task._id, anonymousStatus: anonymous.status }));
} finally {
  await mock.close();
}`,
  );
  // The ./msw with msw beside it and no Prism, in a project of its own: the flows a consumer's
  // tests run, in ESM and CommonJS, and its types.
  mswConsumer = path.join(work, "msw-consumer");
  mkdirSync(path.join(mswConsumer, "src"), { recursive: true });
  writeFileSync(
    path.join(mswConsumer, "package.json"),
    JSON.stringify({ name: "msw-consumer", private: true, type: "module" }),
  );
  writeFileSync(path.join(mswConsumer, "msw.mjs"), mswConsumerScript);
  writeFileSync(
    path.join(mswConsumer, "msw.cjs"),
    `const { createHandlers } = require("operations-manager-tasks-contract/msw");\nconsole.log(JSON.stringify({ handlers: createHandlers({ baseUrl: "https://om.test" }).length }));`,
  );
  writeFileSync(path.join(mswConsumer, "src/override.mts"), mswTypedConsumer);
  writeFileSync(
    path.join(mswConsumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        lib: ["es2022", "dom"],
        types: ["node"],
        typeRoots: [path.join(repoRoot, "node_modules/@types")],
        noEmit: true,
        skipLibCheck: true,
      },
      include: ["src"],
    }),
  );
  const [install, prismInstall, mswInstall] = await Promise.all([
    npm(["install", tarball, "--prefer-offline", "--no-package-lock"], consumer),
    npm(["install", tarball, ...prismSpecs, "--prefer-offline", "--no-package-lock"], prismConsumer),
    npm(["install", tarball, `msw@${devDependencies.msw}`, "--prefer-offline", "--no-package-lock"], mswConsumer),
  ]);
  if (install.code !== 0) throw new Error(`installing the tarball failed:\n${install.stderr}`);
  if (prismInstall.code !== 0)
    throw new Error(`installing the tarball with ${prismSpecs.join(" ")} failed:\n${prismInstall.stderr}`);
  if (mswInstall.code !== 0) throw new Error(`installing the tarball with msw failed:\n${mswInstall.stderr}`);

  const env = { OM_MOCK_URL: process.env.OM_MOCK_URL };
  const tsc7 = await typescript7();
  const typeChecks = Object.fromEntries(
    Object.entries({ "5.9": tsc, "7": tsc7 }).flatMap(([version, compiler]) => [
      ...Object.entries(typesOnlyModes).map(([mode, args]) => [
        `TypeScript ${version}: types only, ${mode}`,
        exec(
          process.execPath,
          [compiler, "--strict", ...args, "--noEmit", "--pretty", "false", "types-only.ts"],
          consumer,
        ),
      ]),
      [
        `TypeScript ${version}: the README's snippets`,
        exec(process.execPath, [compiler, "-p", "tsconfig.readme.json", "--pretty", "false"], consumer),
      ],
      // 5.9's runs of the typed consumer are the nodenext and bundler checks below.
      ...(version === "5.9"
        ? []
        : ["nodenext", "bundler"].map((mode) => [
            `TypeScript ${version}: the typed consumer, ${mode}`,
            exec(process.execPath, [compiler, "-p", `tsconfig.${mode}.json`, "--pretty", "false"], consumer),
          ])),
    ]),
  ) as Record<string, Promise<Run>>;
  const runs = {
    ...typeChecks,
    esm: exec(process.execPath, ["esm.mjs"], consumer, env),
    cjs: exec(process.execPath, ["cjs.cjs"], consumer, env),
    nodenext: exec(process.execPath, [tsc, "-p", "tsconfig.nodenext.json", "--pretty", "false"], consumer),
    bundler: exec(process.execPath, [tsc, "-p", "tsconfig.bundler.json", "--pretty", "false"], consumer),
    publint: exec(bin("publint"), ["run", tarball, "--strict"], repoRoot),
    attw: exec(bin("attw"), [tarball, "--format", "json"], repoRoot),
    prismMock: exec(process.execPath, ["mock.mjs"], prismConsumer),
    mswEsm: exec(process.execPath, ["msw.mjs"], mswConsumer),
    mswCjs: exec(process.execPath, ["msw.cjs"], mswConsumer),
    mswTypes: exec(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], mswConsumer),
    mswTypes7: exec(process.execPath, [tsc7, "-p", "tsconfig.json", "--pretty", "false"], mswConsumer),
    binHelp: exec("npx", ["--no-install", BIN, "--help"], prismConsumer),
    binBogus: exec("npx", ["--no-install", BIN, "bogus"], prismConsumer),
  };
  for (const [name, run] of Object.entries(runs)) checks[name] = await run;
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("ships the builds, the bundled spec, its types and the docs, and no tests, sources or tooling", () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        "dist/esm/src/index.js",
        "dist/esm/src/index.d.ts",
        "dist/cjs/src/index.js",
        "dist/cjs/src/index.d.ts",
        "dist/cjs/package.json",
        "dist/esm/src/mock.js",
        "dist/cjs/src/mock.js",
        "dist/esm/src/cli.js",
        "dist/esm/src/tools/verify/command.js",
        // verify's drift is read from these strict validators: generated and bundled, Ajv is not installed.
        "dist/esm/generated/drift-validators.js",
        "generated/openapi.json",
        "dist/esm/generated/schema.d.ts",
        "dist/cjs/generated/schema.d.ts",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "package.json",
      ]),
    );
    const unwanted = packed.filter((f) => /^(test|src|scripts|openapi|\.ci)\/|\.test\.|jest|tsconfig|redocly/.test(f));
    expect(unwanted).toEqual([]);
  });

  it("ships every file the README links to, so its links work in an installed package", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) =>
      path.posix.normalize(m[1]!),
    );
    expect(linked).toEqual(expect.arrayContaining(["docs/testing-with-the-mock.md", "docs/development.md"]));
    expect(linked.filter((file) => !packed.includes(file))).toEqual([]);
  });

  it("installs openapi-fetch and nothing of the tooling (Prism stays an optional peer)", () => {
    const installed = JSON.parse(
      readFileSync(path.join(consumer, "node_modules/operations-manager-tasks-contract/package.json"), "utf8"),
    );
    expect(Object.keys(installed.dependencies)).toEqual(["openapi-fetch"]);
    const lock = JSON.parse(readFileSync(path.join(consumer, "node_modules/.package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    const names = Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, ""));
    expect(names.filter((n) => /^(@stoplight|@redocly|jest|typescript|ts-jest|ajv)/.test(n))).toEqual([]);
  });

  it("publint finds nothing, even in strict mode", () => {
    expect(checks.publint!.stdout).toMatch(/All good/);
    expect(checks.publint!.code).toBe(0);
  });

  it("are-the-types-wrong finds no problem in any entry, for node10, node16 (ESM and CJS) and bundlers", () => {
    const report = JSON.parse(checks.attw!.stdout) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, unknown> };
    };
    expect(report.analysis.problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints)).toEqual(
      expect.arrayContaining([".", "./mock", "./schema", "./openapi.json"]),
    );
    expect(checks.attw!.code).toBe(0);
  });
});

describe.each(["esm", "cjs"])("a consumer that loads it with %s", (format) => {
  const result = () => {
    const run = checks[format]!;
    if (run.code !== 0) throw new Error(`the ${format} consumer failed:\n${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, any>;
  };

  it("calls both operations against the mock and gets the typed data back", () => {
    expect(result().taskId).toEqual(expect.any(String));
    expect(result().jobName).toEqual(expect.any(String));
  });

  it("claims and finishes with OAuth client credentials and with a login, against the mock", () => {
    expect(result().signedIn).toEqual([
      [expect.any(String), expect.any(String)],
      [expect.any(String), expect.any(String)],
    ]);
  });

  it("gets an OperationsManagerError it can test with instanceof, and nothing sent", () => {
    expect(result().refusal).toMatchObject({ isError: true, kind: "invalid-request" });
    expect(result().refusal.message).toMatch(/jobId/);
  });

  it("recognises an OperationsManagerError thrown by the other build (ESM vs CommonJS) with instanceof", () => {
    expect(result().otherBuild).toEqual({ sameClass: false, instanceOf: true });
  });

  it('validates answers with validate: "throw": a mock answer passes, a broken one is named by pointer', () => {
    expect(result().validated).toEqual({
      taskId: expect.any(String),
      kind: "invalid-response",
      violations: [{ path: "/data/name", message: "must be string" }],
    });
  });

  it("reads the bundled spec from ./openapi.json", () => {
    expect(result().specTitle).toBe(
      JSON.parse(readFileSync(path.join(repoRoot, "generated/openapi.json"), "utf8")).info.title,
    );
  });

  it("is told how to install Prism when it starts the ./mock without it", () => {
    expect(result().mockError).toMatch(/^ERR_PRISM_MISSING: .*npm install --save-dev @stoplight\/prism-http/);
  });
});

describe("a strict TypeScript consumer, skipLibCheck off", () => {
  it("has every TypeScript snippet of the README to compile", () => {
    expect(readmeSnippets.length).toBeGreaterThanOrEqual(2);
    expect(readmeSnippets.some((code) => code.includes("createOperationsManagerClient("))).toBe(true);
  });

  it.each(
    ["5.9", "7"].flatMap((version) => [
      ...Object.keys(typesOnlyModes).map((mode) => `TypeScript ${version}: types only, ${mode}`),
      `TypeScript ${version}: the README's snippets`,
    ]),
  )("%s", (name) => {
    const run = checks[name]!;
    expect(run.stdout + run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it.each(["nodenext", "bundler"])("TypeScript 7: the typed consumer under %s, misuse included as errors", (mode) => {
    const run = checks[`TypeScript 7: the typed consumer, ${mode}`]!;
    expect(run.stdout + run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it.each(["nodenext", "bundler"])("type-checks under moduleResolution %s, misuse included as errors", (mode) => {
    const run = checks[mode]!;
    expect(run.stdout + run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe(`a consumer on Node ${nodeMajor} that installs ${prismSpecs.join(" and ")}`, () => {
  it(
    nodeMajor >= 24
      ? "gets a newer Prism than the one this package is developed with"
      : "gets the Prism this package is developed with",
    () => {
      for (const name of prismNames) {
        const theirs = installedVersion(prismConsumer, name);
        const ours = installedVersion(repoRoot, name);
        if (nodeMajor >= 24) expect(newer(theirs, ours)).toBe(true);
        else expect(minor(theirs)).toBe(minor(ours));
      }
    },
  );

  it("starts the ./mock on a free loopback port, gets a claim answered, and a claim without credentials refused", () => {
    const run = checks.prismMock!;
    if (run.code !== 0) throw new Error(`the ./mock consumer failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout) as { url: string; taskId: string; anonymousStatus: number };
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.taskId).toEqual(expect.any(String));
    expect(result.anonymousStatus).toBe(401);
  });

  it("./msw with msw and no Prism: claim → finish with OAuth, login and Basic, a 500 and a 401 per call, rejected chained, a bad id, a bad body and a JSON null refused", () => {
    const run = checks.mswEsm!;
    if (run.code !== 0) throw new Error(`the ./msw consumer failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result.prismInstalled).toBe(false);
    const flow = {
      chained: true,
      rejected: "failure",
      e500: ["http", 500],
      e401: ["http", 401],
      badId: "invalid-request",
      badBody: "invalid-request",
    };
    expect(result.flows).toEqual({ OAuth: flow, login: flow, Basic: flow });
    expect(result.refused).toEqual({ badId: 400, badBody: 400, jsonNull: 400, anonymous: 401 });
  });

  it("./msw loads from CommonJS too, and its types check a typed server.use override with TypeScript 5.9 and 7", () => {
    expect([checks.mswCjs!.code, checks.mswCjs!.stderr, checks.mswCjs!.stdout.trim()]).toEqual([
      0,
      "",
      JSON.stringify({ handlers: 1 }),
    ]);
    for (const types of [checks.mswTypes!, checks.mswTypes7!]) {
      expect(types.stdout + types.stderr).toBe("");
      expect(types.code).toBe(0);
    }
  });

  it("has a bin: --help exits 0, an unknown command exits 2 with a one-line hint", () => {
    expect(checks.binHelp!.stdout).toMatch(new RegExp(`^usage: ${BIN} <command>`));
    expect(checks.binHelp!.code).toBe(0);
    expect(checks.binBogus!.stderr.trim().split("\n")).toEqual([
      `error: unknown command "bogus" (commands: mock, verify)`,
      `see: ${BIN} --help`,
    ]);
    expect(checks.binBogus!.code).toBe(2);
  });

  it("serves the mock with `npx … mock`, verifies it with `npx … verify` (Basic), and stops on SIGTERM", async () => {
    const mock = start("npx", ["--no-install", BIN, "mock", "--port", "0"], { cwd: prismConsumer });
    const url = await bannerUrl(mock, 60_000).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const claim = await fetch(`${url}/operations-manager/tasks/${TASK_ID}/claim`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("automation:s3cr3t").toString("base64")}` },
    });
    expect(((await claim.json()) as { data: { _id: string } }).data._id).toEqual(expect.any(String));
    expect(claim.status).toBe(200);

    const verified = await exec("npx", ["--no-install", BIN, "verify", "--upstream", url], prismConsumer, {
      OM_USERNAME: "automation",
      OM_PASSWORD: "s3cr3t-verify",
    });
    expect(verified.stdout).toMatch(/^PASS claimTask POST .* → 200$/m);
    expect(verified.stdout).toMatch(/^PASS finishManualTask POST .* → 200$/m);
    expect(verified.stdout + verified.stderr).not.toContain("s3cr3t-verify");
    expect(verified.code).toBe(0);

    mock.kill("SIGTERM");
    expect(await exitWithin(mock, 10_000)).not.toBe("still running");
    // npx's group holds its shell and the bin: all of it is gone within seconds, and the port refuses.
    expect(await leftInGroup(mock, 5000)).toEqual([]);
    expect(
      await fetch(url).then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused");
  }, 120_000);
});
