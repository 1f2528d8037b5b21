// What `npm run verify` calls is read from the spec, not listed in scripts/verify/: every operation
// but the token steps (`security: []`), each path parameter filled by its flag or else by the spec's
// example. The scripts are ES modules and these tests CommonJS, so a child node reports them.
import { deref, findOperation, loadSpec, operations, parameterExample, repoRoot, type JsonObject } from "../scripts/lib/spec.cjs";
import { run } from "./support/run";

type Request = { method: string; path: string; contentType?: string; body?: string };
type Probe = {
  verified: string[];
  FLAGS: Record<string, { operationId: string; parameter: string }>;
  defaults: Record<string, Request>;
  given: Record<string, Request>;
};

const PROBE = `
const { verified, FLAGS, requestFor } = await import("./scripts/verify/operations.mjs");
const calls = (ids) => Object.fromEntries(verified.map((id) => [id, requestFor(id, { ids, bodies: {}, auth: {} })]));
const given = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, "given " + flag]));
console.log(JSON.stringify({ verified, FLAGS, defaults: calls({}), given: calls(given) }));`;

const spec = loadSpec();
let probe: Probe;

beforeAll(async () => {
  const { code, stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", PROBE], { cwd: repoRoot });
  if (code !== 0) throw new Error(`the probe failed: ${stderr}`);
  probe = JSON.parse(stdout.trim().split("\n").at(-1)!) as Probe;
}, 60_000);

const fill = (template: string, value: (name: string) => string) => template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(name)));

describe("verify's operations come from the spec", () => {
  it("verifies every operation that is not a token step", () => {
    const tokenSteps = (operation: JsonObject) => Array.isArray(operation.security) && operation.security.length === 0;
    const expected = [...operations(spec)].filter(({ operation }) => !tokenSteps(operation)).map(({ operation }) => operation.operationId);
    expect(expected.length).toBeGreaterThan(0);
    expect([...probe.verified].sort()).toEqual([...expected].sort());
  });

  it("calls each with the spec's method, path and request media type, its ids the spec's examples by default", () => {
    for (const id of probe.verified) {
      const { path, method, operation } = findOperation(spec, id);
      const mediaTypes = Object.keys((deref(spec, operation.requestBody) as JsonObject | undefined)?.content ?? {});
      expect(probe.defaults[id]).toMatchObject({ method: method.toUpperCase(), path: fill(path, (name) => String(parameterExample(spec, id, name))) });
      expect(probe.defaults[id]!.contentType).toBe(mediaTypes[0]);
    }
  });

  it("has a flag for every path parameter, and each flag's value goes where its parameter is", () => {
    for (const { operationId, parameter } of Object.values(probe.FLAGS)) {
      expect(probe.verified).toContain(operationId);
      expect(findOperation(spec, operationId).path).toContain(`{${parameter}}`);
    }
    for (const id of probe.verified) {
      const flagFor = (name: string) => Object.keys(probe.FLAGS).find((f) => probe.FLAGS[f]!.operationId === id && probe.FLAGS[f]!.parameter === name);
      expect(probe.given[id]!.path).toBe(fill(findOperation(spec, id).path, (name) => `given ${flagFor(name) ?? "(no flag)"}`));
    }
  });
});
