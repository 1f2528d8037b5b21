// The bin, `operations-manager-tasks-contract` (src/cli.ts), as `npm start` and a user run it:
// --help, bad usage in one line, a missing Prism named, and `npm start` stopped by SIGTERM leaving
// no process and no open port behind. Its options are parsed in-process (mockOptions).
import { accepts, bannerUrl } from "./support/mock-process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { mockOptions } from "../src/tools/cli/mock";
import { UsageError } from "../src/tools/usage";
import { PRISM_MISSING } from "../src/tools/mock/prism-server";
import { exitWithin, leftInGroup, run, start } from "./support/children";
import { repoRoot } from "./support/spec";

const bin = path.join(repoRoot, "dist/esm/src/cli.js");
const cli = (args: string[], env: Record<string, string | undefined> = {}, nodeArgs: string[] = []) =>
  run(process.execPath, [...nodeArgs, bin, ...args], { cwd: repoRoot, env, timeout: 60_000 });

describe("the bin's commands", () => {
  it("--help prints the commands and exits 0", async () => {
    const { code, stdout, stderr } = await cli(["--help"]);
    expect(stdout).toMatch(/^usage: operations-manager-tasks-contract <command>/);
    expect(stdout).toMatch(/^ {2}mock /m);
    expect(stdout).toMatch(/^ {2}verify /m);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  const help = "see: operations-manager-tasks-contract --help";
  const mockHelp = "see: operations-manager-tasks-contract mock --help";
  /** The mock started with an example that names no scenario, and the line it must print. */
  const noScenario = (example: string): [string[], RegExp] => [
    ["mock", "--port", "0", "--example", example],
    new RegExp(
      `^error: example "${example}" is no scenario; the scenarios are approved, rejected, jobError, reference$`,
    ),
  ];
  it.each([
    ["an unknown command", ["deploy"], /^error: unknown command "deploy" \(commands: mock, verify\)$/, help],
    ["no command", [], /^error: a command is required: mock or verify$/, help],
    [
      "a bad --port",
      ["mock", "--port", "http"],
      /^error: --port must be a port number \(0 to 65535\), got "http"$/,
      mockHelp,
    ],
    ["a scenario no answer has", ...noScenario("nope"), mockHelp],
    // An error answer's or a token step's lone example is no scenario: naming it would change nothing.
    ["an error answer's example", ...noScenario("error"), mockHelp],
    ["a token step's example", ...noScenario("token"), mockHelp],
    [
      "an unknown option of verify",
      ["verify", "--bogus"],
      /^error: Unknown option '--bogus'/,
      "see: operations-manager-tasks-contract verify --help",
    ],
  ])(
    "%s exits 2 with one line saying what was wrong and a pointer to --help",
    async (_what, args, message, pointer) => {
      const { code, stdout, stderr } = await cli(args);
      const lines = stderr.trimEnd().split("\n");
      expect(lines[0]).toMatch(message);
      expect(lines.slice(1)).toEqual([pointer]);
      expect(stdout).toBe("");
      expect(code).toBe(2);
    },
  );

  it.each([
    ["not JSON", "{ not json"],
    [
      "nested past what the mock serves",
      `{"operationId":"claimTask","method":"POST","path":"/x","status":200,"contentType":"application/json","recordedAt":"2026-12-06T00:00:00.000Z","label":"deep","body":${"[".repeat(300)}${"]".repeat(300)},"verdict":"pass","violations":[]}`,
    ],
  ])("mock --examples with a recording %s exits 2 with one line naming the file", async (_what, text) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "om-cli-examples-"));
    try {
      writeFileSync(path.join(dir, "claimTask.200.json"), text);
      const { code, stderr } = await cli(["mock", "--port", "0", "--examples", dir]);
      const lines = stderr.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^error: .*claimTask\.200\.json/);
      expect(lines.slice(1)).toEqual(["see: operations-manager-tasks-contract mock --help"]);
      expect(code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["mock", "verify"])("%s --help prints its own usage and exits 0", async (command) => {
    const { code, stdout } = await cli([command, "--help"]);
    expect(stdout).toMatch(new RegExp(`^usage: operations-manager-tasks-contract ${command} `));
    expect(code).toBe(0);
  });

  it.each([
    ["mock", ["mock", "--port", "0"], {}],
    ["verify", ["verify", "--upstream", "http://127.0.0.1:9"], { OM_USERNAME: "u", OM_PASSWORD: "p" }],
  ])("without Prism, %s says how to install it and exits 1", async (_command, args, env) => {
    // Prism cannot be uninstalled for a test: module resolution is made to miss it instead.
    const hide = [
      'import { register } from "node:module";',
      'register("data:text/javascript," + encodeURIComponent(`export async function resolve(s, c, next) {',
      '  return next(s.startsWith("@stoplight/prism-http") ? s + "-hidden-by-the-test" : s, c);',
      "}`));",
    ].join("\n");
    const { code, stderr } = await cli(args, env, ["--import", `data:text/javascript,${encodeURIComponent(hide)}`]);
    expect(stderr).toContain(PRISM_MISSING);
    expect(code).toBe(1);
  });
});

describe("mock's options: flags, else HOST, PORT and EXAMPLE, else 127.0.0.1:4010", () => {
  it.each([
    [[], {}, { host: "127.0.0.1", port: 4010 }],
    [[], { HOST: "0.0.0.0", PORT: "0", EXAMPLE: "reference" }, { host: "0.0.0.0", port: 0, example: "reference" }],
    [
      ["--host", "::1", "--port", "5000", "--example", "rejected"],
      { HOST: "0.0.0.0", PORT: "1", EXAMPLE: "x" },
      { host: "::1", port: 5000, example: "rejected" },
    ],
    [["--dynamic"], {}, { host: "127.0.0.1", port: 4010, dynamic: true }],
  ])("%j with %j", (args, env, expected) => {
    expect(mockOptions(args, env)).toEqual(expected);
  });

  it.each([
    [["--port", "65536"], {}, /--port must be a port number/],
    [["--port=-1"], {}, /--port must be a port number/],
    [[], { PORT: "forty" }, /PORT must be a port number .* got "forty"/],
    [["stray"], {}, /Unexpected argument 'stray'/],
    [["--example", "rejected", "--dynamic"], {}, /--example and --dynamic cannot both be set/],
  ])("refuses %j %j naming what was wrong", (args, env, message) => {
    expect(() => mockOptions(args, env)).toThrow(UsageError);
    expect(() => mockOptions(args, env)).toThrow(message);
  });
});

describe("npm start", () => {
  // npm runs the script through `sh -c`, which does not pass npm's SIGTERM on (src/tools/cli/npm-parent.ts).
  it("serves on the port it was given, and a SIGTERM to npm stops it, leaving no process and no open port", async () => {
    const npm = start("npm", ["start", "--silent"], { cwd: repoRoot, env: { PORT: "0" } });
    const url = await bannerUrl(npm, 40_000).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await accepts(url)).toBe(true);
    npm.kill("SIGTERM");
    expect(await exitWithin(npm, 10_000)).not.toBe("still running");
    // npm's group holds the shell and the mock: all of it is gone within seconds, and the port refuses.
    expect(await leftInGroup(npm, 5000)).toEqual([]);
    expect(await accepts(url)).toBe(false);
  }, 60_000);

  it("a SIGTERM to npm while the mock is still loading Prism (before its banner) stops it too", async () => {
    const npm = start("npm", ["start", "--silent"], { cwd: repoRoot, env: { PORT: "0" } });
    const banner = bannerUrl(npm, 40_000);
    banner.url.catch(() => {});
    // The mock's node is in npm's group (npm, sh, node) once npm has started the script; half a
    // second later it is loading Prism. (Node's own start-up, before the bin has read its parent, is
    // covered only where init adopts orphans: npm-parent.ts.)
    const mock = () =>
      leftInGroup(npm, 0).then((left) => left.some((line) => /node scripts\/cli\.mjs mock/.test(line)));
    const started = Date.now();
    while (!(await mock()) && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await mock()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    npm.kill("SIGTERM");
    expect(await leftInGroup(npm, 15_000)).toEqual([]);
  }, 60_000);
});
