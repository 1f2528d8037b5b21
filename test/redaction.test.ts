// The redactor on its own (issue 26 item 4, issue 27 class 2): every form it claims to scrub, as a
// table, and as properties over generated secrets and texts: a secret never survives any encoding
// or pair of encodings claimed; a text holding no secret comes back unchanged; a short secret is
// scrubbed where it stands as a word, never inside other words. The encoders here are written
// independently of the redactor's decoders (Node's Buffer, URL and TextDecoder where they exist).
import fc from "fast-check";
import { createRedactor, scrubJoined } from "../src/errors/redaction/redactor";
import { SHORT_SECRET } from "../src/errors/redaction/needles";
import { MAX_DEPTH } from "../src/util/walk";

const REDACTED = "[redacted]";
type Encode = (text: string) => string;

/** Encodings a text can be decoded from wherever it stands: the redactor decodes each, and each pair. */
const decodable: Record<string, Encode> = {
  "percent (upper case)": (t) => encodeURIComponent(t),
  "percent (lower case)": (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  "percent, every character": (t) =>
    [...Buffer.from(t, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  form: (t) => new URLSearchParams({ s: t }).toString().slice(2),
  "JSON string": (t) => JSON.stringify(t).slice(1, -1),
  "JSON string, PHP's \\/": (t) => JSON.stringify(t).slice(1, -1).replace(/\//g, "\\/"),
  "JSON \\u escapes, every character": (t) =>
    t
      .split("")
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      .join(""),
  "JSON pointer": (t) => t.replace(/~/g, "~0").replace(/\//g, "~1"),
  "HTML, XML's five named": (t) =>
    t
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;"),
  // PHP's htmlentities, for the Latin-1 characters the secrets below hold.
  "HTML, Latin-1 named (htmlentities)": (t) => t.replace(/[&<>"'éüß×ïäö]/g, (c) => `&${HTML_NAMES[c]};`),
  "HTML decimal, every character": (t) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(""),
  "HTML hex, every character": (t) => [...t].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(""),
  "HTML decimal, no semicolons": (t) => [...t].map((c) => `&#${c.codePointAt(0)}`).join(""),
};

const HTML_NAMES: Record<string, string> = {
  "&": "amp",
  "<": "lt",
  ">": "gt",
  '"': "quot",
  "'": "#039",
  é: "eacute",
  ü: "uuml",
  ß: "szlig",
  "×": "times",
  ï: "iuml",
  ä: "auml",
  ö: "ouml",
};

/** Forms searched for as they are (they cannot be decoded from a text without knowing where they start). */
const base64At =
  (k: number, url: boolean): Encode =>
  (t) => {
    // The secret inside a longer base64 text, at byte alignment k: the characters only its bits set.
    const bytes = Buffer.concat([Buffer.from("xyz".slice(0, k)), Buffer.from(t, "utf8"), Buffer.from("!")]);
    return bytes.toString(url ? "base64url" : "base64");
  };
const asIs: Record<string, Encode> = {
  raw: (t) => t,
  "UTF-8 read as Latin-1": (t) => Buffer.from(t, "utf8").toString("latin1"),
  "UTF-8 read as Windows-1252": (t) => new TextDecoder("windows-1252").decode(Buffer.from(t, "utf8")),
  hex: (t) => Buffer.from(t, "utf8").toString("hex"),
  "hex, upper case": (t) => Buffer.from(t, "utf8").toString("hex").toUpperCase(),
  base64: (t) => Buffer.from(t, "utf8").toString("base64"),
  "base64 unpadded": (t) => Buffer.from(t, "utf8").toString("base64").replace(/=+$/, ""),
  base64url: (t) => Buffer.from(t, "utf8").toString("base64url"),
  "base64 inside a longer one, aligned 0": base64At(0, false),
  "base64 inside a longer one, aligned 1": base64At(1, false),
  "base64 inside a longer one, aligned 2": base64At(2, false),
  "base64url inside a longer one, aligned 1": base64At(1, true),
  "base64url inside a longer one, aligned 2": base64At(2, true),
};

const SECRETS = [
  // Characters that every encoding above changes.
  'p@ss w+rd/&=é"<',
  'pa/ss~w ord+<&>é"7',
  "Lg/Tok+en~0<&>=Xy_9-aB",
  "hunter2-correct-horse",
  "p@ss wörd ß×",
  "back\\slash\"quote'",
  "ünïcödé-pässwörd",
];

/** Where a decodable encoding's variants belong: "percent", "JSON", "HTML"… */
const family = (name: string) => name.split(/[ ,]/)[0];

/**
 * Every encoding applied on top of every other, in both orders: an as-is one on any (the same
 * twice too), a decodable one on an as-is one or on a decodable one of another family.
 */
function pairsOf(asIsForms: Record<string, Encode>, decodableForms: Record<string, Encode>) {
  const { raw: _raw, ...encoded } = asIsForms;
  const all = { ...encoded, ...decodableForms };
  return Object.entries(all).flatMap(([outer, o]) =>
    Object.entries(all)
      .filter(([inner]) => !(outer in decodableForms && inner in decodableForms && family(inner) === family(outer)))
      .map(([inner, i]) => [`${outer} of ${inner}`, (t: string) => o(i(t))] as const),
  );
}

describe("createRedactor: every form it claims, as a table", () => {
  const forms = { ...asIs, ...decodable };
  const rows = SECRETS.flatMap((secret) =>
    Object.entries(forms).map(([name, encode]) => [name, secret, encode] as const),
  );

  it.each(rows)("%s of %p is scrubbed, and the text around it kept", (_name, secret, encode) => {
    const form = encode(secret);
    const text = `before «${form}» after`;
    const out = createRedactor([secret])(text);
    expect(out).not.toContain(form);
    expect(out.startsWith("before «")).toBe(true);
    expect(out.endsWith("» after")).toBe(true);
    expect(out).toContain(REDACTED);
  });

  // Pairs: every form claimed applied on top of every other, in both orders (as-is on as-is too:
  // base64url of base64, hex of hex), but the same escape twice (a percent of a percent).
  const redactors = new Map(SECRETS.map((secret) => [secret, createRedactor([secret])]));
  it.each(pairsOf(asIs, decodable))("a pair, %s: scrubbed for every secret", (_name, encode) => {
    for (const secret of SECRETS) {
      const form = encode(secret);
      const out = redactors.get(secret)!(`x ${form} y`);
      expect([secret, out.includes(form)]).toEqual([secret, false]);
      expect(out).toContain(REDACTED);
    }
  });

  // A server echoing the request body it got, base64-encoded: the secret stands there escaped as the
  // request carried it (form, percent, JSON), then base64 at any alignment, or MIME's 76-char lines.
  const escapes: Record<string, Encode> = {
    form: decodable.form!,
    "percent (upper case)": decodable["percent (upper case)"]!,
    "percent (lower case)": decodable["percent (lower case)"]!,
    "JSON string": decodable["JSON string"]!,
  };
  const wrappers: Record<string, (bytes: Buffer) => string> = {
    base64: (b) => b.toString("base64"),
    base64url: (b) => b.toString("base64url"),
    "MIME base64 (76-char lines)": (b) => b.toString("base64").replace(/.{76}/g, "$&\r\n"),
    "base64, LF lines of 64": (b) => b.toString("base64").replace(/.{64}/g, "$&\n"),
  };
  const echoes = Object.entries(escapes).flatMap(([escape, e]) =>
    Object.entries(wrappers).flatMap(([wrap, w]) =>
      [0, 1, 2, 37].map((k) => [`${wrap} of the ${escape} form, ${k} bytes in`, e, w, k] as const),
    ),
  );
  it.each(echoes)("%s: no base64 run left decodes to it", (_name, escape, wrap, k) => {
    for (const secret of [...SECRETS, "AbC+dEf/GhI=jK9x", 'pa"ss\\word42']) {
      const form = escape(secret);
      const body = Buffer.from(`${"g".repeat(k)}client_secret=${form}&grant_type=client_credentials`, "utf8");
      const echoed = wrap(body);
      const out = createRedactor([secret])(
        `{"error":"invalid_client","error_description":"bad body ${echoed}"}`,
      ).replace(/\r?\n/g, "");
      const runs = out.match(/[A-Za-z0-9+/=_-]{8,}/g) ?? [];
      const decoded = runs.flatMap((run) =>
        [0, 1, 2, 3].map((skip) =>
          Buffer.from(run.slice(skip).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"),
        ),
      );
      expect([secret, decoded.filter((d) => d.includes(form))]).toEqual([secret, []]);
      expect(out).toContain(REDACTED);
    }
  });

  it("user:password's base64 (Basic), inside a header echoed in a page", () => {
    const basic = Buffer.from("automation:p@ss wörd ß×").toString("base64");
    const out = createRedactor(["p@ss wörd ß×", "automation:p@ss wörd ß×"])(`<p>Authorization: Basic ${basic}</p>`);
    expect(out).not.toContain(basic);
  });

  it("member names, deep values, numbers holding a numeric secret, and what is not a container", () => {
    const redact = createRedactor(["s3cr3t-value", "20231105"]);
    const value = { "s3cr3t-value": ["a", { deep: "x s3cr3t-value y" }], n: 20231105, m: 120231105, when: new Date(0) };
    expect(redact(value)).toEqual({
      [REDACTED]: ["a", { deep: `x ${REDACTED} y` }],
      n: REDACTED,
      m: REDACTED,
      when: new Date(0),
    });
  });

  it(`a body deeper than ${MAX_DEPTH} levels is cut, without overflowing the stack`, () => {
    let deep: unknown = "s3cr3t-value";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const out = createRedactor(["s3cr3t-value"])(deep);
    expect(JSON.stringify(out)).toContain("[cut: nested deeper than");
    expect(JSON.stringify(out)).not.toContain("s3cr3t-value");
  });

  it("a text of a secret's repeats costs its length (linear), not its length times the secret's", () => {
    const secret = "a".repeat(20_000);
    const started = Date.now();
    const out = createRedactor([secret])("a".repeat(1_000_000));
    expect(out).not.toContain(secret);
    // Generous: the quadratic search took minutes.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("every decoding and pair costs time linear in the text", () => {
  // A megabyte made of one escape repeated: every decoding and every pair of them runs over it.
  // Generous bounds (the figures are ~0.1–0.3 s here): a decoding that backtracked or rescanned
  // from each escape would take minutes.
  it.each(["&#x26;", "&amp;", "&eacute;", "%25", "%C3%A9", "\\u0026", "\\/", "~0~1", "+&%\\~", "&#38"])(
    "1 MB of %p with three long secrets",
    (unit) => {
      const redact = createRedactor(SECRETS.slice(0, 3));
      const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
      const started = Date.now();
      expect(redact(text).length).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );
});

describe("scrubJoined: a message of pieces each scrubbed already", () => {
  it.each([
    [
      "a long secret formed by two pieces' join",
      ["Denied: hunter2"],
      "the platform answered 403 Denied: hunter2",
      "the platform answered 403 [redacted]",
    ],
    [
      "its percent-encoding formed by a join",
      ["Denied: hunter2"],
      "answered Denied%3A%20hunter2",
      "answered [redacted]",
    ],
    [
      "a short secret that is one of the client's words",
      ["a"],
      "claimTask: the platform answered 200 with a body that is not JSON",
      "claimTask: the platform answered 200 with a body that is not JSON",
    ],
    ["a short secret and a long one", ["a", "long-secret-1"], "with a body: long-secret-1", "with a body: [redacted]"],
  ])("%s", (_name, secrets, text, expected) => {
    expect(scrubJoined(createRedactor(secrets), text)).toBe(expected);
  });
});

describe("a deadline: a large value's walk stops past `until`", () => {
  const redact = createRedactor(["s3cr3t-value"]);
  const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`m${i}`, "s3cr3t-value"]));
  const long = Array.from({ length: 5000 }, () => ({ note: "s3cr3t-value" }));

  it.each([
    ["an object of 5,000 members", wide],
    ["an array of 5,000 objects", long],
  ])("%s: past the deadline it throws; before it, or with none, it is scrubbed whole", (_name, value) => {
    expect(() => redact(value, Date.now() - 1)).toThrow(/past the call's deadline/);
    expect(JSON.stringify(redact(value, Date.now() + 60_000))).not.toContain("s3cr3t-value");
    expect(JSON.stringify(redact(value))).not.toContain("s3cr3t-value");
  });

  it("a small value is scrubbed whatever the deadline (the clock is read every 1,024 members)", () => {
    expect(redact({ a: "s3cr3t-value" }, Date.now() - 1)).toEqual({ a: REDACTED });
  });
});

describe(`a short secret (fewer than ${SHORT_SECRET} characters): scrubbed as a whole word, not inside other words`, () => {
  it.each([
    [
      "a",
      "claimTask: the platform answered 500 Internal Server Error",
      "claimTask: the platform answered 500 Internal Server Error",
    ],
    ["a", "/data/tasks/abc/status must be string", "/data/tasks/abc/status must be string"],
    ["a", "token a expired", `token ${REDACTED} expired`],
    ["a", '{"token":"a"}', `{"token":"${REDACTED}"}`],
    ["a", "a", REDACTED],
    ["a", "Bearer a", `Bearer ${REDACTED}`],
    ["a", "t=a&x=1", `t=${REDACTED}&x=1`],
    ["a", "t=%61", `t=${REDACTED}`],
    ["a", "/d%61ta/", "/d%61ta/"],
    [
      "pw1",
      "password pw1 was refused; pw12 and xpw1 are other words",
      `password ${REDACTED} was refused; pw12 and xpw1 are other words`,
    ],
    ["é", "caf\u00e9 says \u00e9", `caf\u00e9 says ${REDACTED}`],
    ["é", "mojibake: Ã© alone", `mojibake: ${REDACTED} alone`],
    ["&", "a & b", `a ${REDACTED} b`],
    ["&", "a &amp; b", `a ${REDACTED} b`],
    ["7", '{"n":7,"m":17}', `{"n":${REDACTED},"m":17}`],
  ])("%p in %p", (secret, text, expected) => {
    expect(createRedactor([secret])(text)).toBe(expected);
  });

  it("numbers: a short numeric secret scrubs the number that is it, not one holding its digits", () => {
    expect(createRedactor(["7"])({ n: 7, m: 17, s: "7" })).toEqual({ n: REDACTED, m: 17, s: REDACTED });
  });
});

describe("createRedactor: properties", () => {
  const arbitrarySecret = fc
    .string({ unit: "binary", minLength: SHORT_SECRET + 2, maxLength: 40 })
    .filter((s) => s.trim().length >= SHORT_SECRET && !/[\ud800-\udfff]/.test(s));
  // A secret a header or form can carry (what tokens and passwords are), for the base64 and mojibake forms.
  const filler = fc.string({ unit: fc.constantFrom(..." .,;:!?()[]{}\n\tжщ漢字"), maxLength: 30 });
  const forms = Object.entries({ ...asIs, ...decodable });
  // Not htmlentities: the encoder above names only the Latin-1 characters of the table's secrets.
  const { "HTML, Latin-1 named (htmlentities)": _htmlentities, ...escapes } = decodable;
  const pairs = pairsOf(asIs, escapes);
  it("a secret never survives any form claimed, nor any pair, among any text", () => {
    fc.assert(
      fc.property(
        arbitrarySecret,
        fc.constantFrom(...forms, ...pairs),
        filler,
        filler,
        (secret, [, encode], before, after) => {
          const form = encode(secret);
          const out = createRedactor([secret])(`${before} ${form} ${after}`);
          return !out.includes(form) && out.includes(REDACTED);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a text holding no secret comes back unchanged (the same string), however it is escaped", () => {
    fc.assert(
      fc.property(arbitrarySecret, fc.string({ unit: "binary", maxLength: 200 }), (secret, text) => {
        fc.pre(!text.includes(secret));
        return createRedactor([secret])(text) === text;
      }),
      { numRuns: 2000 },
    );
    // Texts full of every escape the decoders read, and no secret.
    const escapes = fc.string({
      unit: fc.constantFrom(
        "%",
        "+",
        "~0",
        "~1",
        "\\",
        "\\u00e9",
        "&amp;",
        "&#38;",
        "&#x26;",
        "&eacute;",
        "a",
        "b",
        " ",
        "Ã©",
        "==",
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(escapes, (text) => createRedactor(["Zq7-Kx9-Wv3"])(text) === text),
      { numRuns: 2000 },
    );
  });

  it("a short secret is scrubbed where it stands as a word, and never changes a text where it only stands inside words", () => {
    const word = fc.stringMatching(/^[a-z]{1,10}$/);
    const separator = fc.constantFrom(" ", "/", ": ", "-", ".", ", ", "\n", '"');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,5}$/),
        fc.array(fc.tuple(word, separator), { maxLength: 12 }),
        (secret, parts) => {
          const words = parts.map(([w, s]) => [w === secret ? `${w}x` : w, s] as const);
          const text = words.map(([w, s]) => w + s).join("");
          const redact = createRedactor([secret]);
          // Only inside other words: unchanged.
          if (redact(text) !== text) return false;
          // Standing as a word: scrubbed, and the words around it kept.
          const standing = `${text} ${secret} end`;
          return redact(standing) === `${text} ${REDACTED} end`;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
