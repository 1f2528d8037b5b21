// verify's command line and environment (src/tools/verify/arguments.ts, src/tools/verify/auth-from-env.ts), in-process:
// bad usage is a UsageError naming the one wrong thing, thrown while the options are read, so
// before Prism starts and before any connection or name lookup. The credentials are checked by the
// client's own rules, with its wording.
import { createOperationsManagerClient } from "../src/index";
import { UsageError } from "../src/tools/usage";
import { verifyOptions } from "../src/tools/verify/arguments";

const BASIC = { OM_USERNAME: "automation", OM_PASSWORD: "Pa55-s3cret" };
const LOCAL = ["--upstream", "http://127.0.0.1:9"];

function refusal(args: string[], env: NodeJS.ProcessEnv = BASIC): UsageError {
  try {
    verifyOptions(args, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`verify accepted ${JSON.stringify(args)}`);
}

describe("verify's options", () => {
  it("reads the flags and maps the environment to the client's auth options", () => {
    const opts = verifyOptions(
      [
        ...LOCAL,
        "--only",
        "claimTask",
        "--task-id",
        "11111111-1111-4111-8111-111111111111",
        "--timeout",
        "5",
        "--json",
      ],
      BASIC,
    );
    expect(opts).toMatchObject({
      upstream: "http://127.0.0.1:9",
      only: ["claimTask"],
      timeout: 5,
      ids: { "--task-id": "11111111-1111-4111-8111-111111111111" },
      defaulted: ["--job-id", "--task-key"],
      json: true,
      auth: {
        method: "basic",
        options: { username: "automation", password: "Pa55-s3cret" },
        check: "OM_USERNAME/OM_PASSWORD",
      },
    });
    expect(verifyOptions(LOCAL, { OM_CLIENT_ID: "id", OM_CLIENT_SECRET: "s" })).toMatchObject({
      auth: { method: "oauth", options: { clientId: "id", clientSecret: "s" } },
    });
    expect(verifyOptions(LOCAL, { ...BASIC, OM_AUTH: "login" })).toMatchObject({
      auth: { method: "login", options: { ...{ username: "automation" }, method: "login" } },
    });
    expect(verifyOptions(LOCAL, { OM_AUTH: "none" })).toMatchObject({ auth: { method: "none" } });
    expect(verifyOptions(["--help"], {})).toBe("help");
  });

  it.each([
    ["no --upstream", [], BASIC, /^--upstream is required$/],
    [
      "an unknown operation",
      [...LOCAL, "--only", "deleteEverything"],
      BASIC,
      /^--only: unknown operation "deleteEverything"/,
    ],
    [
      "credentials in the URL",
      ["--upstream", "http://user:pw@127.0.0.1:9"],
      BASIC,
      /^--upstream must not contain credentials; set them in the environment/,
    ],
    [
      "a task id that is not a UUID",
      [...LOCAL, "--task-id", "not-a-uuid"],
      BASIC,
      /^--task-id "not-a-uuid" is not valid for claimTask/,
    ],
    ["--task-data that is not JSON", [...LOCAL, "--task-data", "{oops"], BASIC, /^--task-data is not JSON/],
    [
      "--task-data the contract refuses",
      [...LOCAL, "--task-data", "[1]"],
      BASIC,
      /^--task-data does not fit the contract/,
    ],
    ["a timeout of 0", [...LOCAL, "--timeout", "0"], BASIC, /^--timeout must be a positive number/],
    ["no credentials", LOCAL, {}, /^set OM_USERNAME and OM_PASSWORD/],
    [
      "OAuth without its secret",
      LOCAL,
      { OM_AUTH: "oauth", OM_CLIENT_ID: "id" },
      /^OM_AUTH=oauth needs OM_CLIENT_ID and OM_CLIENT_SECRET/,
    ],
    [
      "an unknown OM_AUTH",
      LOCAL,
      { ...BASIC, OM_AUTH: "digest" },
      /^OM_AUTH must be oauth, login, basic or none, got "digest"$/,
    ],
    [
      "a username Basic cannot carry",
      LOCAL,
      { OM_USERNAME: "a:b", OM_PASSWORD: "p" },
      /OM_USERNAME must not contain ':'/,
    ],
  ])("refuses %s, in one line", (_what, args, env, message) => {
    const error = refusal(args, env);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n/);
    expect(error.command).toBe("verify");
  });

  it.each([
    ["Basic", BASIC],
    ["OAuth", { OM_CLIENT_ID: "id", OM_CLIENT_SECRET: "client-s3cret" }],
    ["a login", { ...BASIC, OM_AUTH: "login" }],
  ])(
    "refuses to send %s credentials over plain http to a host that is not loopback, as the client does",
    (_what, env) => {
      for (const upstream of ["http://itential.example.com", "http://10.0.0.7:3000", "http://[fd00::1]:3000"]) {
        const error = refusal(["--upstream", upstream], env);
        expect(error.message).toMatch(/http/);
        expect(error.message).toMatch(/--upstream/);
        for (const secret of Object.values(env)) expect(error.message).not.toContain(secret);
      }
    },
  );

  it("lets credentials go over https, over http to loopback, and over plain http with --allow-insecure-http", () => {
    for (const upstream of [
      "https://itential.example.com",
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://[::1]:3000",
    ]) {
      expect(verifyOptions(["--upstream", upstream], BASIC)).toMatchObject({ upstream: upstream.replace(/\/$/, "") });
    }
    expect(verifyOptions(["--upstream", "http://itential.example.com", "--allow-insecure-http"], BASIC)).toMatchObject({
      upstream: "http://itential.example.com",
    });
    // No credentials, nothing to leak: OM_AUTH=none may use plain http anywhere.
    expect(verifyOptions(["--upstream", "http://itential.example.com"], { OM_AUTH: "none" })).toMatchObject({
      auth: { method: "none" },
    });
  });

  it.each([
    [
      "a URL that does not parse, a password in it",
      "https://svc:Hunter2Secret@itential example.com",
      /^--upstream must be an absolute http\(s\) URL, got "https:\/\/\[redacted\]@itential example\.com"$/,
    ],
    [
      "a password in the URL",
      "http://svc:Hunter2Secret@127.0.0.1:9",
      /^--upstream must not contain credentials; set them in the environment \(OM_USERNAME and OM_PASSWORD, or OM_CLIENT_ID and OM_CLIENT_SECRET\)$/,
    ],
    ["a scheme that is not http(s)", "ftp://127.0.0.1:9", /^--upstream must use http or https, got ftp:$/],
    [
      "a scheme that is not http(s), a password in it",
      "ftp://svc:Hunter2Secret@127.0.0.1:9",
      /must not contain credentials/,
    ],
    // A text that does not parse has no reliable userinfo: all of it up to its last "@" is hidden.
    ...[
      ["a '#' in the password", "https://svc:Hunter2Secret#1@itential.example.com", "https://"],
      ["a '?' in the password", "https://svc:Hunter2Secret?1@itential.example.com", "https://"],
      ["a '/' in the password", "https://svc:Hunter2Secret/1@itential.example.com", "https://"],
      ["an '@' in the password", "https://svc:Hunter2@Secret@itential.example.com:x", "https://"],
      ["one slash after the scheme", "https:/svc:Hunter2Secret@itential.example.com:x", "https:/"],
      ["no slash after the scheme", "https:svc:Hunter2Secret@itential.example.com:x", "https:"],
      ["backslashes after the scheme", "https:\\\\svc:Hunter2Secret@itential.example.com:x", "https:\\\\"],
    ].map(([what, url, kept]): [string, string, RegExp] => [
      `a URL that does not parse, ${what}`,
      url!,
      new RegExp(
        `^--upstream must be an absolute http\\(s\\) URL, got ${JSON.stringify(`${kept}[redacted]@`)
          .slice(0, -1)
          .replace(/[\\[\]().?*+^$|/]/g, "\\$&")}`,
      ),
    ]),
    [
      "a query (a key in it)",
      "https://itential.example.com/base?api_key=Hunter2Secret",
      /^--upstream must not have a query or a fragment \(each operation's path is added after it\), got https:\/\/itential\.example\.com\/base with one$/,
    ],
    ["a fragment", "https://itential.example.com/#Hunter2Secret", /^--upstream must not have a query or a fragment/],
  ])(
    "refuses %s by the client's baseUrl rule, in verify's names, never showing the password",
    (_what, upstream, message) => {
      const error = refusal(["--upstream", upstream]);
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/Hunter2|Secret/);
      // One rule: the client refuses the same URL with the same sentence, up to the names and the hint.
      let client: unknown;
      try {
        createOperationsManagerClient({ baseUrl: upstream, auth: { username: "a", password: "b" } });
      } catch (e) {
        client = e;
      }
      const sentence = (text: string) => text.split(/; |\. Use /)[0];
      expect(
        sentence((client as Error).message.replace(/^createOperationsManagerClient: baseUrl\b/, "--upstream")),
      ).toBe(sentence(error.message));
    },
  );
});
