// The contract tests can fail: served from a spec whose schema and example disagree, the mock's
// answer is rejected by the very check (contractViolations, the generated validators) that the
// contract tests rely on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPrismServer, type RunningServer } from "../src/tools/mock/prism-server";
import { BROKEN_FIELD, writeBrokenSpec } from "./fixtures/broken-spec";
import { answerOf, contractViolations } from "./support/contract";
import { SpecValidator, loadSpec } from "./support/spec";
import { BASIC } from "./support/constants";

const AUTH = BASIC;
const CLAIM = "/operations-manager/tasks/3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34/claim";

let dir: string;
let brokenSpec: string;
const servers: RunningServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "om-broken-spec-"));
  brokenSpec = writeBrokenSpec(dir);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function claimFrom(options: Parameters<typeof startPrismServer>[0]) {
  const server = await startPrismServer({ port: 0, ...options });
  servers.push(server);
  return answerOf(await fetch(server.url + CLAIM, { method: "POST", headers: { Authorization: AUTH } }));
}

describe("a mock of a broken spec fails the contract check", () => {
  it("control: the real spec's mock answer has no violations", async () => {
    const base = process.env.OM_MOCK_URL;
    if (!base) throw new Error("OM_MOCK_URL is not set: the jest global setup did not start Prism");
    const answer = await answerOf(await fetch(base + CLAIM, { method: "POST", headers: { Authorization: AUTH } }));
    expect(contractViolations(new SpecValidator(), "claimTask", answer)).toEqual([]);
  });

  it("with errors on (as the mock runs), Prism's own verdict is reported, naming the field", async () => {
    const answer = await claimFrom({ spec: brokenSpec });
    const violations = contractViolations(new SpecValidator(loadSpec(brokenSpec)), "claimTask", answer);
    expect(violations).not.toEqual([]);
    expect(violations.join("\n")).toMatch(
      /Prism reported violations: .*"location":\["response","body","data","name"\]/,
    );
  });

  it("with errors off, the body check alone (no Prism header) names the field", async () => {
    const answer = await claimFrom({ spec: brokenSpec, errors: false });
    expect(answer.status).toBe(200);
    const headers = new Headers(answer.headers);
    headers.delete("sl-violations");
    const violations = contractViolations(new SpecValidator(loadSpec(brokenSpec)), "claimTask", { ...answer, headers });
    expect(violations).toEqual([`body: ${BROKEN_FIELD} must be string`]);
  });
});
