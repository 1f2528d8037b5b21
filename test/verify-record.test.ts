// `verify --record DIR`, `verify --from DIR` and the mock serving the recordings, end to end,
// against a fake platform on 127.0.0.1 that answers job and task documents shaped like the real
// platforms' (test/fixtures/real-platform/), with members the contract does not declare, the
// credentials echoed back, and people's names and e-mails in its user objects.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createOperationsManagerClient } from "../src/index";
import { secretForms } from "./support/failure";
import { run as runCommand, type Run } from "./support/children";
import { repoRoot, type JsonObject } from "./support/spec";
import { startRecordingServer } from "./support/recording-server";

const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

const CLIENT_ID = "svc-recorder";
const CLIENT_SECRET = 'rec/ord~er se+cret"1';
const TOKEN = "Rec/Tok+en~0=abc123";
const PEOPLE = ["jane.doe@corp.example", "jdoe", "Jane", "Doe", "+1 555 0100"];
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/real-platform", name), "utf8")) as JsonObject;
const echoed = `refused ${CLIENT_SECRET} and ${encodeURIComponent(TOKEN)} and ${JSON.stringify(TOKEN).slice(1, -1)}`;
const person = {
  _id: "5f1a2b3c4d5e6f7a8b9c0d1e",
  username: "jdoe",
  firstname: "Jane",
  lastname: "Doe",
  email: "jane.doe@corp.example",
  phone: "+1 555 0100",
};

let platform: Awaited<ReturnType<typeof startRecordingServer>>;
let dir: string;
let recorded: Run;
let task: JsonObject;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "om-record-"));
  // The people's values also stand where no member names them: an owner, a message, a variable.
  task = {
    ...fixture("task-get.json"),
    server_extra: "x1",
    metrics: { ...(fixture("task-get.json").metrics as JsonObject), user: person },
    variables: {
      incoming: { title: "Approve", body: "Assigned to Jane Doe <jane.doe@corp.example>" },
      outgoing: {},
      decorators: [],
    },
  };
  // The job breaks the contract (a number as its name): its recording keeps the evidence.
  const job = {
    ...fixture("job-2023.1-complete.json"),
    name: 42,
    brand_new: { nested: true },
    last_updated_by: person,
  };
  platform = await startRecordingServer();
  platform.answer((req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/oauth/token")
      return json(200, { access_token: TOKEN, token_type: "Bearer", expires_in: 3600, echo: echoed });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { message: "Unauthorized" });
    if (req.url.includes("/claim"))
      return json(200, { message: `${echoed}, claimed by jdoe`, data: task, metadata: {} });
    if (req.url.includes("/finish")) return json(200, { message: echoed, data: job, metadata: {} });
    json(404, { message: "no" });
  });
  const ids = [
    "--task-id",
    task._id as string,
    "--job-id",
    (task.job as JsonObject)._id as string,
    "--task-key",
    (task.job as JsonObject).task as string,
  ];
  recorded = await runCommand(
    process.execPath,
    [
      "scripts/cli.mjs",
      "verify",
      "--upstream",
      platform.url,
      ...ids,
      "--record",
      dir,
      "--label",
      "2023.2-staging",
      "--redact",
      "phone",
    ],
    {
      cwd: repoRoot,
      env: {
        OM_CLIENT_ID: CLIENT_ID,
        OM_CLIENT_SECRET: CLIENT_SECRET,
        OM_USERNAME: undefined,
        OM_PASSWORD: undefined,
        OM_AUTH: undefined,
      },
      timeout: 90_000,
    },
  );
}, 120_000);

afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

const files = () => readdirSync(dir).sort();
const readRecording = (file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as JsonObject;

it("writes every answer verify received, the token step's included, and a report", () => {
  expect([recorded.code, recorded.stderr]).toEqual([1, ""]);
  expect(recorded.stdout).toMatch(/^FAIL finishManualTask .*\n {2}body \/data\/name: .*must be string/m);
  expect(files()).toEqual(["claimTask.200.json", "finishManualTask.200.json", "getOAuthToken.200.json", "report.json"]);
  const claim = readRecording("claimTask.200.json");
  expect(Object.keys(claim).sort()).toEqual([
    "body",
    "contentType",
    "label",
    "method",
    "operationId",
    "path",
    "recordedAt",
    "status",
    "verdict",
    "violations",
  ]);
  expect(claim).toMatchObject({
    operationId: "claimTask",
    method: "POST",
    status: 200,
    contentType: "application/json",
    label: "2023.2-staging",
    verdict: "pass",
  });
  // What the platform said, not Prism's 500 problem that replaced it on the way to verify.
  const finish = readRecording("finishManualTask.200.json");
  expect(finish).toMatchObject({ verdict: "fail", body: { data: { name: 42 } } });
  expect(recorded.stdout).toMatch(/^recorded 3 answer\(s\)/m);
});

it("writes no credential or token in any form, no request header, and no value that names a person", () => {
  const everything =
    readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .join("\n") + recorded.stdout;
  for (const secret of [CLIENT_SECRET, TOKEN])
    for (const form of secretForms(secret)) expect(everything).not.toContain(form);
  for (const value of PEOPLE) expect(everything).not.toContain(value);
  expect(everything).not.toMatch(/authorization|bearer /i);
  const user = ((readRecording("claimTask.200.json").body as JsonObject).data as any).metrics.user;
  expect(user.email).toMatch(/^[^@\s]+@example\.com$/);
  expect(user._id).toBe(person._id); // not a person's value: kept
});

it("the report names exactly the undeclared members, map keys collapsed", () => {
  const report = readRecording("report.json") as {
    answers: Array<{ operationId: string; undeclared: string[]; violations: string[] }>;
  };
  const of = (operationId: string) => report.answers.find((a) => a.operationId === operationId)!;
  // User declares no lastname or phone: the platform sends them all the same.
  expect(of("claimTask").undeclared).toEqual([
    "/data/metrics/user/lastname: string",
    "/data/metrics/user/phone: string",
    "/data/server_extra: string",
  ]);
  expect(of("finishManualTask").undeclared).toEqual(
    expect.arrayContaining(["/data/brand_new: object", "/data/last_updated_by/phone: string"]),
  );
  // A token step's answer is a credential: an undeclared member is reported by a number, never its name.
  expect(of("getOAuthToken").undeclared).toEqual(["/undeclared-member-1: string"]);
  // Printed in the undeclared section, under the line that says action is needed.
  expect(recorded.stdout).toMatch(/^drift: action needed: 1 violation to fix .*; \d+ undeclared members to review/m);
  expect(recorded.stdout).toMatch(
    /^undeclared members \(\d+\):\n(?: {2}.*\n)*? {2}claimTask 200 \/data\/server_extra: string$/m,
  );
});

it("--from judges the recordings again and reproduces the verdicts", async () => {
  const again = await runCommand(process.execPath, ["scripts/cli.mjs", "verify", "--from", dir, "--json"], {
    cwd: repoRoot,
    timeout: 60_000,
  });
  expect(again.code).toBe(1);
  const verdicts = (JSON.parse(again.stdout).operations as Array<{ operationId: string; result: string }>).map((o) => [
    o.operationId,
    o.result,
  ]);
  const recordedVerdicts = files()
    .filter((f) => f !== "report.json")
    .map((f) => [readRecording(f).operationId, readRecording(f).verdict]);
  expect(verdicts).toEqual(recordedVerdicts);
  expect(verdicts).toContainEqual(["finishManualTask", "fail"]);
});

it("the mock serves the recordings through the typed client with Prefer: example=recorded-<label>", async () => {
  const mock = await startMockServer({ examples: dir });
  try {
    const client = createOperationsManagerClient({ baseUrl: mock.url, auth: { clientId: "any", clientSecret: "any" } });
    const claimed = await client.claimTask(task._id as string, {
      headers: { Prefer: "example=recorded-2023.2-staging" },
    });
    expect(claimed.name).toBe(task.name);
    expect((claimed as JsonObject).server_extra).toBe("x1");
  } finally {
    await mock.close();
  }
});
