// What verify quotes of the platform's answers (src/tools/verify/classify.ts platformWords): every
// secret scrubbed first, then cut, so a secret standing across a cut shows no first characters and
// one the platform echoed JSON-escaped is not escaped once more past the redactor. And the verdict
// on an answer Prism failed on (a declared application/json body that is not JSON) is the one on
// the platform's answer as the tap took it, never on Prism's own problem. Runs go through the bin's
// own dispatch (main()) in this process, against platforms on loopback, with the spec's example ids.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../src/tools/cli/main";
import { classify, platformWords, type Outcome } from "../src/tools/verify/classify";
import { claimAnswer } from "./support/constants";

const TOKEN_ANSWER = JSON.stringify({ access_token: "tok-123456789", token_type: "bearer", expires_in: 3600 });

const servers: http.Server[] = [];
/** A platform on loopback answering each call with `answer` (the request's body read whole first). */
async function platform(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => answer(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** verify with exactly the variables of `env`, in this process; all it printed, both streams. */
async function verify(args: string[], env: Record<string, string>): Promise<{ code: number; shown: string }> {
  let shown = "";
  const code = await main(["verify", ...args], env, {
    out: (text) => (shown += `${text}\n`),
    err: (text) => (shown += `${text}\n`),
  });
  return { code, shown };
}

describe("the platform's words: scrubbed, then cut", () => {
  it("a client secret standing across the 200-character cut of a 401's message: none of it printed", async () => {
    const secret = "Zq8-verify-client-secret-XYZ";
    const url = await platform((_req, _b, res) =>
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "invalid_client", message: `${"x".repeat(186)} ${secret}` })),
    );
    for (const extra of [[], ["--verbose"], ["--json"]]) {
      const { shown } = await verify(["--upstream", url, ...extra], {
        OM_CLIENT_ID: "svc",
        OM_CLIENT_SECRET: secret,
      });
      expect(shown).toMatch(/NOT CHECKED getOAuthToken|"not-checked"/);
      expect(shown).not.toContain(secret.slice(0, 6));
    }
  });

  it("the JSON login body echoed in a 401's message: the password is printed in no form", async () => {
    const password = 'Pa"ss\\word-2026-login';
    const url = await platform((_req, body, res) =>
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ message: `bad credentials in ${body}` })),
    );
    for (const extra of [[], ["--verbose"], ["--json"]]) {
      const { shown } = await verify(["--upstream", url, ...extra], {
        OM_AUTH: "login",
        OM_USERNAME: "admin",
        OM_PASSWORD: password,
      });
      expect(shown).toMatch(/bad credentials in/);
      expect(shown).toContain("[redacted]");
      expect(shown).not.toContain("word-2026");
    }
  });

  it("a declared 500 whose text echoes the bearer token across the 120-character cut: none of it printed", async () => {
    const token = "TokVerify-0123456789-abcdefghij";
    const url = await platform((req, _b, res) => {
      if (req.url === "/oauth/token")
        return res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ access_token: token, token_type: "bearer", expires_in: 3600 }));
      res.writeHead(500, { "content-type": "application/json" }).end(`${"y".repeat(100)} ${req.headers.authorization}`);
    });
    const { shown } = await verify(["--upstream", url, "--only", "claimTask"], {
      OM_CLIENT_ID: "svc",
      OM_CLIENT_SECRET: "cs-0123456789",
    });
    expect(shown).toMatch(/FAIL claimTask/);
    expect(shown).not.toContain(token.slice(0, 6));
  });

  it("platformWords: at every cut, no first characters of a secret; a value scrubbed before it is written as JSON", () => {
    const secret = "s3cret-value-0123";
    const words = platformWords([secret]);
    const text = `before ${secret} after`;
    for (let max = 1; max <= text.length + 2; max++) {
      const quoted = words(text, max);
      expect(quoted.length).toBeLessThanOrEqual(max);
      expect(quoted).not.toMatch(/s3c/);
    }
    expect(words({ said: `a "${secret}"` }, 200)).toBe('{"said":"a \\"[redacted]\\""}');
    expect(words(JSON.stringify({ password: secret }), 200)).not.toContain("s3c");
    // A character is never cut in half.
    expect(words("ab😀", 3)).toBe("ab");
  });

  it("platformWords on a 32 MB text (what it scrubs stops a window past the cut): a secret across the cut, in any encoding, is still scrubbed whole", () => {
    const secret = "s3cret-value-0123";
    const words = platformWords([secret]);
    // Backslashes make every JSON decoding of the text work: scrubbing all of it took seconds.
    const tail = "\\u0041".repeat((32 << 20) / 7);
    for (const form of [
      secret,
      Buffer.from(secret).toString("hex"),
      [...secret].map((c) => `&#${c.charCodeAt(0)};`).join(""),
    ]) {
      const text = `${"x".repeat(190)}${form}${tail}`;
      const quoted = words(text, 200);
      expect(quoted).toMatch(/^x{190}\[redac/);
    }
  });
});

describe("an answer Prism failed on: the verdict on the platform's own answer", () => {
  const env = { OM_CLIENT_ID: "svc", OM_CLIENT_SECRET: "cs-0123456789" };
  const notJson = (status: number) =>
    platform((req, _b, res) => {
      if (req.url === "/oauth/token")
        return res.writeHead(200, { "content-type": "application/json" }).end(TOKEN_ANSWER);
      res.writeHead(status, { "content-type": "application/json" }).end("this is not json");
    });

  it("a declared 500, application/json, body not JSON: FAIL naming what the platform sent, never Prism's media type", async () => {
    const url = await notJson(500);
    const { code, shown } = await verify(["--upstream", url, "--only", "claimTask"], env);
    expect(code).toBe(1);
    expect(shown).toMatch(/^FAIL claimTask .*→ 500/m);
    expect(shown).toMatch(/is not JSON: this is not json/);
    expect(shown).not.toContain("application/problem+json");
  });

  it("a 200 application/json whose body is not JSON: FAIL, and the drift line asks for action", async () => {
    const url = await notJson(200);
    const dir = mkdtempSync(path.join(tmpdir(), "verify-words-"));
    try {
      const { code, shown } = await verify(
        ["--upstream", url, "--only", "claimTask", "--record", path.join(dir, "rec")],
        env,
      );
      expect(code).toBe(1);
      expect(shown).toMatch(/^FAIL claimTask/m);
      expect(shown).toMatch(/is not JSON: this is not json/);
      expect(shown).not.toMatch(/Prism could not judge/);
      expect(shown).not.toMatch(/drift: no action needed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("classify with the tap's copy of the answer", () => {
  const request = { method: "POST", path: "/operations-manager/tasks/x/claim" };
  const context = { defaulted: [] as const, secrets: [] };
  const json = { "content-type": "application/json" };
  const prismProblem = (status: number, type = "https://stoplight.io/prism/errors#UNKNOWN") =>
    JSON.stringify({ type, title: "Unexpected token h in JSON at position 1", status, detail: "" });
  const outcome = (
    prism: { status: number; text: string; type: string },
    tapped: { status: number; text: string },
  ): Outcome => ({
    response: new Response(prism.text, { status: prism.status, headers: { "content-type": prism.type } }),
    text: prism.text,
    upstreamStatus: tapped.status,
    tapped: { status: tapped.status, headers: new Headers(json), text: tapped.text },
  });

  it("Prism's own problem in place of an answer that keeps the contract: judged on the answer, PASS", () => {
    const verdict = classify(
      "claimTask",
      request,
      outcome(
        { status: 500, text: prismProblem(500), type: "application/problem+json" },
        { status: 200, text: JSON.stringify(claimAnswer) },
      ),
      context,
    );
    expect(verdict).toMatchObject({ result: "pass", status: 200, violations: [] });
  });

  it("a problem the platform sent itself, passed on (written anew by Prism): the platform's answer, judged as such", () => {
    const own = { type: "https://stoplight.io/prism/errors#UNKNOWN", title: "t", message: "Task not found" };
    const verdict = classify(
      "claimTask",
      request,
      outcome(
        { status: 500, text: JSON.stringify(own, null, 2), type: "application/problem+json" },
        { status: 500, text: JSON.stringify(own) },
      ),
      context,
    );
    // Its media type is not declared for the 500 (the platform's, not Prism's).
    expect(verdict.result).toBe("fail");
    expect(verdict.violations).toEqual([
      expect.objectContaining({ in: "content-type", message: expect.stringMatching(/^"application\/problem\+json"/) }),
    ]);
  });

  it("a look-alike of Prism's violations problem the platform sent: never read as Prism's verdict", () => {
    const lookAlike = JSON.stringify({
      type: "https://stoplight.io/prism/errors#VIOLATIONS",
      validation: [{ location: ["response", "body", "data"], message: "made up", severity: "Error" }],
    });
    const verdict = classify(
      "claimTask",
      request,
      outcome({ status: 500, text: lookAlike, type: "application/problem+json" }, { status: 500, text: lookAlike }),
      context,
    );
    expect(verdict.violations.map((v) => v.message)).not.toContain("made up");
  });

  it("the NOT CHECKED line quotes the tapped answer's message, scrubbed then cut", () => {
    const secret = "Zq8-verify-client-secret-XYZ";
    const verdict = classify(
      "claimTask",
      request,
      outcome(
        { status: 500, text: prismProblem(500), type: "application/problem+json" },
        { status: 500, text: JSON.stringify({ message: `${"x".repeat(180)} ${secret}` }) },
      ),
      { defaulted: [], secrets: [secret] },
    );
    expect(verdict.result).toBe("not-checked");
    expect(verdict.reason).toContain("[redacted]");
    expect(verdict.reason).not.toContain(secret.slice(0, 3));
  });
});
