// verify's verdicts (src/tools/verify/classify.ts) and its report, in-process: answers as Prism passes
// them on, judged against the bundled spec by the generated validators.
import { classify, type Outcome } from "../src/tools/verify/classify";
import { report } from "../src/tools/verify/report";
import { claimAnswer } from "./support/constants";

const request = { method: "POST", path: "/operations-manager/tasks/x/claim" };
const context = {
  defaulted: ["--task-id", "--job-id", "--task-key"] as const,
  check: "OM_USERNAME/OM_PASSWORD",
  secrets: [],
};
/** `upstreamStatus` null: Prism answered by itself (its log named no platform status). */
const answer = (
  status: number,
  body: unknown,
  upstreamStatus: number | null = status,
  headers: Record<string, string> = { "content-type": "application/json" },
): Outcome => {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { response: new Response(text, { status, headers }), text, upstreamStatus: upstreamStatus ?? undefined };
};
const claim = claimAnswer as { data: Record<string, unknown> };

describe("classify", () => {
  it("passes a 2xx answer that keeps the contract", () => {
    expect(classify("claimTask", request, answer(200, claim), context)).toEqual({
      operationId: "claimTask",
      ...request,
      status: 200,
      result: "pass",
      violations: [],
    });
  });

  it("fails an answer whose field breaks its schema, naming the field", () => {
    const verdict = classify(
      "claimTask",
      request,
      answer(200, { ...claim, data: { ...claim.data, name: 42 } }),
      context,
    );
    expect(verdict.result).toBe("fail");
    expect(verdict.violations).toEqual([
      { in: "body", path: "/data/name", message: "must be string", source: "validator" },
    ]);
  });

  it("fails an undeclared status, which Prism only warns about", () => {
    const verdict = classify("claimTask", request, answer(403, { message: "Forbidden" }), context);
    expect(verdict).toMatchObject({ result: "fail", status: 403 });
    expect(verdict.violations[0]).toMatchObject({
      in: "status",
      message: expect.stringMatching(/^403 is not declared for claimTask/),
    });
  });

  it("fails an answer that is not JSON, and one of an undeclared media type", () => {
    expect(classify("claimTask", request, answer(200, "<html>"), context).violations).toEqual([
      expect.objectContaining({ in: "body", message: expect.stringMatching(/^is not JSON/) }),
    ]);
    expect(
      classify("claimTask", request, answer(200, claim, 200, { "content-type": "text/html" }), context).violations,
    ).toEqual([
      expect.objectContaining({ in: "content-type", message: expect.stringMatching(/"text\/html" is not declared/) }),
    ]);
  });

  it("reads Prism's own violations problem for a body Prism refused", () => {
    const problem = {
      type: "https://stoplight.io/prism/errors#VIOLATIONS",
      validation: [{ location: ["response", "body", "data", "a/b"], message: "must be string", severity: "Error" }],
    };
    const verdict = classify(
      "claimTask",
      request,
      answer(500, problem, 200, { "content-type": "application/problem+json" }),
      context,
    );
    expect(verdict).toMatchObject({ result: "fail", status: 200 });
    expect(verdict.violations).toEqual([
      { in: "body", path: "/data/a~1b", message: "must be string", source: "prism" },
    ]);
  });

  it("reports a declared error that keeps the contract as not checked, with a hint for each cause", () => {
    expect(classify("claimTask", request, answer(401, { message: "Unauthorized" }), context)).toMatchObject({
      result: "not-checked",
      hint: "check OM_USERNAME/OM_PASSWORD",
    });
    expect(
      classify("claimTask", request, answer(401, { message: "Unauthorized" }), { defaulted: [], secrets: [] }).hint,
    ).toBe(
      "the platform wants credentials: set OM_USERNAME and OM_PASSWORD, or OM_CLIENT_ID and OM_CLIENT_SECRET, and leave OM_AUTH unset",
    );
    expect(classify("claimTask", request, answer(500, { message: "Task not found" }), context).hint).toBe(
      "pass real --task-id (the default is the spec's example, which exists on no platform)",
    );
    expect(
      classify("claimTask", request, answer(500, { message: "Task not found" }), { ...context, defaulted: [] }).hint,
    ).toMatch(/^check that --task-id names a task/);
  });

  it("says when the platform was not reached, or nothing answered", () => {
    expect(classify("claimTask", request, answer(502, { title: "upstream down" }, null), context)).toMatchObject({
      result: "error",
      error: expect.stringMatching(/not reached \(Prism answered 502: upstream down\)/),
    });
    expect(classify("claimTask", request, { error: "timed out after 1s" }, context)).toMatchObject({
      result: "error",
      error: "no answer through Prism: timed out after 1s",
    });
  });
});

describe("report", () => {
  const pass = classify("claimTask", request, answer(200, claim), context);
  const fail = classify("claimTask", request, answer(200, { ...claim, data: { ...claim.data, name: 42 } }), context);

  it("prints a line per operation, its violations beneath, and a summary; ok only when all passed", () => {
    expect(report([pass], { json: false, upstream: "u" })).toEqual({
      ok: true,
      text: `PASS claimTask POST ${request.path} → 200\n1 passed, 0 failed, 0 not checked, 0 errors`,
    });
    const { ok, text } = report([pass, fail], { json: false, upstream: "u" });
    expect(ok).toBe(false);
    expect(text.split("\n")).toEqual([
      `PASS claimTask POST ${request.path} → 200`,
      `FAIL claimTask POST ${request.path} → 200`,
      "  body /data/name: must be string [validator]",
      "1 passed, 1 failed, 0 not checked, 0 errors",
    ]);
  });

  it("--json gives the same verdict as one document", () => {
    const { ok, text } = report([fail], { json: true, upstream: "http://p" });
    expect(ok).toBe(false);
    expect(JSON.parse(text)).toEqual({ upstream: "http://p", ok: false, operations: [fail] });
  });
});
