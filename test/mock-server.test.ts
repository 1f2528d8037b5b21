// `npm start` (scripts/cli.mjs mock, the bin's mock) and the `./mock` export: they serve the contract, and when told
// to stop they stop, leaving no process and no open port behind.
import type { ChildProcess } from "node:child_process";
import { accepts, bannerUrl } from "./support/mock-process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PRISM_MISSING } from "../src/tools/mock/prism-server";
import { answerOf, contractViolations } from "./support/contract";
import { SpecValidator, repoRoot } from "./support/spec";
import { BASIC, TASK_ID } from "./support/constants";
import { exitWithin, leftInGroup, run, start } from "./support/children";

const v = new SpecValidator();
const AUTH = BASIC;
const CLAIM = `/operations-manager/tasks/${TASK_ID}/claim`;

describe("npm start (scripts/cli.mjs mock)", () => {
  let child: (ChildProcess & { pid: number }) | undefined;
  let output = "";
  let url = "";

  beforeAll(async () => {
    child = start(process.execPath, ["scripts/cli.mjs", "mock"], {
      cwd: repoRoot,
      env: { PORT: "0", HOST: "127.0.0.1" },
    });
    const banner = bannerUrl(child, 30_000);
    url = await banner.url;
    output = banner.printed();
  }, 40_000);

  it("listens on the free loopback port it was given (PORT=0)", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
  });

  it("prints a curl line with Basic credentials for the address it listens on", () => {
    expect(output).toContain(`curl -u admin:admin -X POST ${url}${CLAIM}`);
  });

  it("answers a claim with Basic auth with a 200 that keeps the contract", async () => {
    const answer = await answerOf(await fetch(url + CLAIM, { method: "POST", headers: { Authorization: AUTH } }));
    expect(answer.status).toBe(200);
    expect(contractViolations(v, "claimTask", answer)).toEqual([]);
  });

  it("answers a claim without credentials with 401", async () => {
    const res = await fetch(url + CLAIM, { method: "POST" });
    await res.arrayBuffer();
    expect(res.status).toBe(401);
  });

  it("answers a claim of a task id that is not a UUID with 400", async () => {
    const res = await fetch(`${url}/operations-manager/tasks/not-a-uuid/claim`, {
      method: "POST",
      headers: { Authorization: AUTH },
    });
    await res.arrayBuffer();
    expect(res.status).toBe(400);
  });

  it("answers a malformed form body with a 400 problem and keeps serving (Prism alone would exit)", async () => {
    const res = await fetch(url + "/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "%zz=1",
    });
    expect([res.status, res.headers.get("content-type")]).toEqual([400, "application/problem+json"]);
    await res.arrayBuffer();
    const claim = await fetch(url + CLAIM, { method: "POST", headers: { Authorization: AUTH } });
    await claim.arrayBuffer();
    expect([claim.status, child!.exitCode]).toEqual([200, null]);
  });

  it("on SIGTERM exits with code 0 and its port refuses connections", async () => {
    expect(await accepts(url)).toBe(true);
    child!.kill("SIGTERM");
    expect(await exitWithin(child!, 10_000)).toEqual({ code: 0, signal: null });
    expect(await leftInGroup(child!, 0)).toEqual([]);
    expect(await accepts(url)).toBe(false);
  }, 20_000);
});

describe("the ./mock export (startMockServer)", () => {
  // The CommonJS build, loaded inside jest's module VM as a consumer's jest test loads it: a native
  // import() of Prism there would fail without --experimental-vm-modules.
  const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

  it("after close() its port refuses connections", async () => {
    const server = await startMockServer({ port: 0 });
    try {
      const res = await fetch(server.url + CLAIM, { method: "POST", headers: { Authorization: AUTH } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(await accepts(server.url)).toBe(true);
    } finally {
      await server.close();
    }
    expect(await accepts(server.url)).toBe(false);
  });

  // Prism cannot be uninstalled for a test; module resolution is made to miss it instead, in a
  // child process: an ESM resolve hook for the ESM build, a CommonJS resolver patch for the CJS one.
  const hideEsm = [
    'import { register } from "node:module";',
    'register("data:text/javascript," + encodeURIComponent(`export async function resolve(s, c, next) {',
    '  return next(s.startsWith("@stoplight/prism-http") ? s + "-hidden-by-the-test" : s, c);',
    "}`));",
  ].join("\n");
  const hideCjs = [
    'import Module from "node:module";',
    "const resolve = Module._resolveFilename;",
    "Module._resolveFilename = function (request, ...rest) {",
    '  return resolve.call(this, request.startsWith("@stoplight/prism-http") ? request + "-hidden-by-the-test" : request, ...rest);',
    "};",
  ].join("\n");
  const start = (entry: string) =>
    `const m = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, entry)).href)});\n` +
    `try { const s = await (m.startMockServer ?? m.default.startMockServer)({ port: 0 }); await s.close(); console.log("started"); }\n` +
    `catch (e) { console.log("message: " + e.message); process.exitCode = 3; }`;

  it.each([
    ["ESM", hideEsm, "dist/esm/src/mock.js"],
    ["CommonJS", hideCjs, "dist/cjs/src/mock.js"],
  ])("without Prism, the %s build fails with the PRISM_MISSING message", async (_format, hide, entry) => {
    const args = [
      "--import",
      `data:text/javascript,${encodeURIComponent(hide)}`,
      "--input-type=module",
      "-e",
      start(entry),
    ];
    const { code, stdout } = await run(process.execPath, args, { cwd: repoRoot, timeout: 30_000 });
    expect(stdout.trim()).toBe(`message: ${PRISM_MISSING}`);
    expect(code).toBe(3);
  });
});
