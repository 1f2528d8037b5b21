// The contract's mock answers, computed in process from the spec's examples, as the Prism mock
// gives them: the request judged (request-judge.ts), credentials judged as Prism judges them (any
// of the operation's security requirements, the value unchecked), `Prefer: code=NNN` and
// `Prefer: example=NAME` per request, the `Accept` negotiated (a missing one read as `*/*`, as
// Node's fetch sends it), and the answer's example with its declared headers. No Node built-in:
// the MSW handlers (msw.ts) run in a browser too.
import { createRequestJudge, refusalAnswer } from "./request-judge.js";
import { deref, isObject, members, operations, type Json, type JsonObject } from "../spec/spec-nav.js";
import { parseMediaType } from "../../util/media-type.js";

export interface MockRequest {
  method: string;
  /** The path as sent, below the mock's base URL (`/operations-manager/…`). */
  path: string;
  query: URLSearchParams;
  headers: { get(name: string): string | null };
  /** The body as UTF-8 text, a byte order mark kept (Prism reads one as a character, not JSON). */
  body: string;
  /** The body's size in bytes, when known (the MSW handlers give it; else the UTF-8 length of `body`). */
  bodyBytes?: number;
}

export interface MockAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface AnswererOptions {
  /** The default scenario: the named example answered where an answer has one (as `startMockServer({ example })`). */
  example?: string;
}

/**
 * What a mock answers before any example is chosen, or undefined to go on: a request that breaks
 * the contract (refused as the client would refuse it), and, once credentials are there, a
 * `Prefer` naming a status or example the operation does not have (a problem listing those it
 * has). The Prism mock's guard asks it before Prism; the MSW handlers before answering.
 */
export function createPreflight(
  spec: JsonObject,
): (request: MockRequest) => { answer?: MockAnswer; operation?: JsonObject; credentialsMissing?: boolean } {
  const judge = createRequestJudge(spec);
  const byId = new Map<string, JsonObject>();
  for (const { operation } of operations(spec)) byId.set(operation.operationId as string, operation);
  const topSecurity = Array.isArray(spec.security) ? spec.security : [];
  const schemes = members(members(spec.components).securitySchemes);
  return (request) => {
    // What Prism could not read: one answer for both mocks.
    const unreadable = unreadableAnswer(request);
    if (unreadable) return { answer: unreadable };
    const where = `${request.method} ${request.path.slice(0, 200)}`;
    const judged = judge(request.method, request.path, request.headers.get("content-type"), request.body);
    const operation = judged.operationId === undefined ? undefined : byId.get(judged.operationId);
    // A request no operation takes is answered here, never passed on: Prism would resolve and
    // decode the path (dot segments, escapes) and might route it to an operation no one judged.
    if (!operation) {
      if (judged.allowed?.length) {
        return {
          answer: {
            ...problem(405, "Method not allowed", `${where}: the path takes ${judged.allowed.join(", ")}`),
            headers: { "content-type": "application/problem+json", allow: judged.allowed.join(", ") },
          },
        };
      }
      return { answer: problem(404, "No such operation", `${where} is no operation of the contract`) };
    }
    if (judged.refusal) return { answer: refusalAnswer(judged.refusal), operation };
    const security = Array.isArray(operation.security) ? operation.security : topSecurity;
    if (
      security.length > 0 &&
      !security.some((requirement) =>
        Object.keys(members(requirement)).every((name) => presented(members(deref(spec, schemes[name])), request)),
      )
    ) {
      return { operation, credentialsMissing: true };
    }
    const responses = members(operation.responses);
    const prefer = preferences(request.headers.get("prefer"), request.query);
    const declared = Object.keys(responses);
    const status = prefer.code ?? defaultStatus(declared);
    if (!Object.hasOwn(responses, status)) {
      return {
        operation,
        answer: problem(
          404,
          "No such answer",
          `${text(operation.operationId)} declares no ${JSON.stringify(status.slice(0, 20))} answer; it declares ${declared.join(", ")} (Prefer: code=NNN)`,
          { known: declared },
        ),
      };
    }
    if (prefer.example !== undefined) {
      const content = members(members(deref(spec, responses[status])).content);
      const type = negotiate(Object.keys(content), request.headers.get("accept"));
      const names = type === undefined ? [] : Object.keys(members(members(content[type]).examples));
      if (!names.includes(prefer.example))
        return { operation, answer: unknownExample(operation, status, prefer.example, names) };
    }
    // An answer with a body in no media type the Accept header takes is 406, as Prism answers it.
    const declaredTypes = Object.keys(members(members(deref(spec, responses[status])).content));
    if (declaredTypes.length > 0 && negotiate(declaredTypes, request.headers.get("accept"), true) === undefined) {
      return {
        operation,
        answer: problem(
          406,
          "Not acceptable",
          `${text(operation.operationId)}'s ${status} answer is ${declaredTypes.join(" or ")}, none of which the Accept header takes`,
          { known: declaredTypes },
        ),
      };
    }
    return { operation };
  };
}

const defaultStatus = (declared: string[]) => declared.filter((s) => /^2\d\d$/.test(s)).sort()[0] ?? declared[0]!;

/** Answers requests as the Prism mock answers them, from `spec`'s examples. */
export function createAnswerer(spec: JsonObject, options: AnswererOptions = {}): (request: MockRequest) => MockAnswer {
  const preflight = createPreflight(spec);
  if (options.example !== undefined) checkExampleName(spec, options.example);
  return (request) => {
    const { answer, operation, credentialsMissing } = preflight(request);
    if (answer) return answer;
    if (!operation)
      return problem(
        404,
        "No such operation",
        `${request.method} ${request.path.slice(0, 200)} is no operation of the contract`,
      ); // the preflight answers it first
    if (credentialsMissing) {
      return (
        answerWith(spec, operation, "401", undefined, request, options.example) ??
        problem(401, "Unauthorized", "no credentials of the operation's security schemes")
      );
    }
    const prefer = preferences(request.headers.get("prefer"), request.query);
    const status = prefer.code ?? defaultStatus(Object.keys(members(operation.responses)));
    return (
      answerWith(spec, operation, status, prefer.example, request, options.example) ?? {
        status: Number(status),
        headers: {},
        body: "",
      }
    );
  };
}

/** The answer of `status` with its example: the one `Prefer` names, else the default scenario's, else the first. */
function answerWith(
  spec: JsonObject,
  operation: JsonObject,
  status: string,
  preferred: string | undefined,
  request: MockRequest,
  scenario: string | undefined,
): MockAnswer | undefined {
  const response = members(deref(spec, members(operation.responses)[status]));
  const content = members(response.content);
  const type = negotiate(Object.keys(content), request.headers.get("accept"));
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(members(response.headers))) {
    const h = members(deref(spec, header));
    const value = h.example ?? members(h.schema).example;
    if (typeof value === "string" || typeof value === "number") headers[name.toLowerCase()] = String(value);
  }
  if (type === undefined) {
    if (preferred !== undefined) return unknownExample(operation, status, preferred, []);
    return { status: Number(status), headers, body: "" };
  }
  const media = members(content[type]);
  const examples = members(media.examples);
  const names = Object.keys(examples);
  let value: Json | undefined;
  if (preferred !== undefined) {
    if (!Object.hasOwn(examples, preferred)) return unknownExample(operation, status, preferred, names);
    value = members(deref(spec, examples[preferred])).value;
  } else {
    const name = scenario !== undefined && Object.hasOwn(examples, scenario) ? scenario : names[0];
    value = name !== undefined ? members(deref(spec, examples[name])).value : media.example;
  }
  headers["content-type"] = type;
  const body = value === undefined ? "" : typeof value === "string" && !isJson(type) ? value : JSON.stringify(value);
  return { status: Number(status), headers, body };
}

/** A spec value as text: a string as it is, anything else as its JSON. */
function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

/** The problem answer to a scenario no answer of the operation has, naming those it has. */
function unknownExample(operation: JsonObject, status: string, name: string, names: string[]): MockAnswer {
  const known = names.length
    ? `its ${status} answer's examples are ${names.join(", ")}`
    : `its ${status} answer has no named example`;
  return problem(
    404,
    "No such example",
    `${text(operation.operationId)}: no example ${JSON.stringify(name.slice(0, 80))}; ${known} (Prefer: example=NAME)`,
    { known: names },
  );
}

/** Whether the request presents credentials of this scheme (the value is not checked, as Prism does not). */
function presented(scheme: JsonObject, request: MockRequest): boolean {
  const authorization = request.headers.get("authorization") ?? "";
  const [given = "", token = ""] = authorization.trim().split(/\s+/);
  if (scheme.type === "http") return given.toLowerCase() === text(scheme.scheme).toLowerCase() && token !== "";
  if (scheme.type === "oauth2" || scheme.type === "openIdConnect")
    return given.toLowerCase() === "bearer" && token !== "";
  if (scheme.type === "apiKey") {
    const name = text(scheme.name);
    if (scheme.in === "header") return request.headers.get(name) !== null;
    if (scheme.in === "query") return request.query.has(name);
    if (scheme.in === "cookie")
      return (request.headers.get("cookie") ?? "").split(";").some((c) => c.split("=")[0]!.trim() === name);
  }
  return false;
}

/**
 * `Prefer: code=500, example=rejected` (RFC 7240 preferences, comma- or semicolon-separated). A
 * preference given twice counts once, the first (RFC 7240 §2, and as Prism reads it).
 */
function preferences(header: string | null, query?: URLSearchParams): { code?: string; example?: string } {
  const out: { code?: string; example?: string } = {};
  // Without a Prefer header, Prism reads `?__code=NNN` and `?__example=NAME` instead: judged alike here.
  if (!header && query) {
    const code = query.get("__code");
    const example = query.get("__example");
    if (code !== null) out.code = code;
    if (example !== null) out.example = example;
    return out;
  }
  for (const part of (header ?? "").split(/[,;]/)) {
    const [key = "", ...rest] = part.split("=");
    const value = rest
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1");
    const name = key.trim().toLowerCase();
    // An empty or bare preference names no answer the operation has: a 404 listing the known ones,
    // never silently the default (Prism, given one, answers a 422 of its own).
    if (name === "code") out.code ??= value;
    if (name === "example") out.example ??= value;
  }
  return out;
}

/**
 * The declared media type the `Accept` header prefers (a missing one is `*` `/` `*`); ties go to the
 * spec's order. When it takes none: undefined if `strict`, else the first declared.
 */
function negotiate(declared: string[], accept: string | null, strict = false): string | undefined {
  if (declared.length === 0) return undefined;
  const ranges = (accept?.trim() ? accept : "*/*").split(",").map((range) => {
    const [type = "", ...params] = range.trim().split(";");
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)).find(Boolean);
    return { type: type.trim().toLowerCase(), q: q ? Number(q[1]) : 1 };
  });
  let best: { type: string; q: number } | undefined;
  for (const type of declared) {
    const [main] = type.split("/");
    const q = Math.max(
      0,
      ...ranges.filter((r) => r.type === type || r.type === "*/*" || r.type === `${main}/*`).map((r) => r.q),
    );
    if (q > 0 && (!best || q > best.q)) best = { type, q };
  }
  return best?.type ?? (strict ? undefined : declared[0]);
}

const isJson = (type: string) => type === "application/json" || /\+json$/.test(type);

function problem(status: number, title: string, detail: string, extra: JsonObject = {}): MockAnswer {
  const body = JSON.stringify({ type: "about:blank", title, status, detail, ...extra });
  return { status, headers: { "content-type": "application/problem+json" }, body };
}

/**
 * The scenarios a mock can be given as its default (`example`): the names of the examples of the
 * 2xx answers that have more than one to choose from (claim's and finish's `approved`, `rejected`,
 * `jobError`, `reference`, and any `recorded-<label>`). An error answer's or a token step's lone
 * example is no scenario: naming it would change nothing.
 */
function scenarioNames(spec: JsonObject): string[] {
  const names = new Set<string>();
  for (const { operation } of operations(spec)) {
    for (const [status, response] of Object.entries(members(operation.responses))) {
      if (!/^2/.test(status)) continue;
      for (const media of Object.values(members(members(deref(spec, response)).content))) {
        const examples = Object.keys(members(isObject(media) ? media.examples : undefined));
        if (examples.length > 1) examples.forEach((name) => names.add(name));
      }
    }
  }
  return [...names];
}

/** Throws, naming the scenarios there are, when `name` is none of them. */
export function checkExampleName(spec: JsonObject, name: string): void {
  if (typeof name !== "string" || name === "")
    throw new TypeError(`example must be the name of one of the spec's scenarios, got ${JSON.stringify(name)}`);
  const known = scenarioNames(spec);
  if (!known.includes(name)) {
    throw Object.assign(
      new RangeError(`example ${JSON.stringify(name)} is no scenario; the scenarios are ${known.join(", ")}`),
      {
        code: "ERR_UNKNOWN_EXAMPLE",
      },
    );
  }
}

/** Prism's own body limit (micri's `limit: "10mb"`): a larger body is 413 from either mock. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The answer to a body over the limit (its rest unread). */
export function tooLarge(): MockAnswer {
  return problem(413, "Request body too large", `the body is over ${MAX_BODY_BYTES} bytes, the mock's limit`);
}

/**
 * The answer to a request Prism could not read (a body over its limit, a bad escape, an `Accept`
 * or `Content-Type` that is no media type, a body that does not decode), or undefined. The
 * preflight asks it first; the guard asks it alone in front of a validating proxy.
 */
export function unreadableAnswer(request: MockRequest): MockAnswer | undefined {
  const size = request.bodyBytes ?? new TextEncoder().encode(request.body).length;
  if (size > MAX_BODY_BYTES) return tooLarge();
  const where = `${request.method} ${request.path.slice(0, 200)}`;
  const contentType = request.headers.get("content-type") ?? undefined;
  const unreadable = malformedRequest(request.path, request.headers.get("accept") ?? undefined, contentType);
  if (unreadable) return problem(400, "Malformed request", `${where}: ${unreadable}`);
  const malformed = malformedBody(contentType, request.body);
  if (malformed) return problem(400, "Malformed request body", `${where}: ${malformed}`);
  return undefined;
}

/** RFC 9110's token, and a quoted string as the `content-type` package (which Prism uses) reads one. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED =
  '"(?:[\\u000b\\u0020\\u0021\\u0023-\\u005b\\u005d-\\u007e\\u0080-\\u00ff]|\\\\[\\u000b\\u0020-\\u00ff])*"';
const MEDIA_RANGE = new RegExp(`^\\s*${TOKEN}/${TOKEN}\\s*(?:; *${TOKEN} *= *(?:${QUOTED}|${TOKEN}) *)*$`);

/**
 * Why Prism could not read this request's path, `Accept` or `Content-Type`, or undefined. Prism
 * decodes path parameters with an unguarded decodeURIComponent, and parses each `Accept` entry and
 * the `Content-Type` with parsers that throw on anything but a media type, outside any catch:
 * each would end the process (or, for a body's `Content-Type`, answer a 500). Both mocks refuse
 * them alike (createPreflight).
 */
export function malformedRequest(
  pathname: string,
  accept: string | undefined,
  contentType: string | undefined,
): string | undefined {
  if (!pathname.split("/").every(decodes))
    return "the path has a malformed percent-escape (each % must start a %XX escape of UTF-8)";
  if (contentType !== undefined && !MEDIA_RANGE.test(contentType))
    return "the Content-Type header is not a media type (such as application/json)";
  if (accept !== undefined && accept.trim() !== "" && !accept.split(",").every((range) => MEDIA_RANGE.test(range))) {
    return "the Accept header is not a list of media ranges (such as application/json or */*;q=0.8)";
  }
  return undefined;
}

/**
 * Why Prism could not decode this body (UTF-8 text, a byte order mark kept), or undefined. JSON
 * (`application/json`, `application/*+json`, as Prism picks its JSON parser) must parse; a form's
 * names and values, split and decoded as Prism does, must be percent-encoded UTF-8; so must the
 * part names of a multipart form. Never echoes the body: a form may carry a client secret.
 */
export function malformedBody(contentType: string | undefined, body: string): string | undefined {
  if (body.length === 0) return undefined;
  // Prism decodes a body in its declared charset; the checks below read it as UTF-8. Any other
  // charset could hide what they look for (in UTF-7, `+ACU-` is a `%`), so only UTF-8 is taken.
  // Every `charset` in the header is read, not the first only: Prism's parser takes the last of
  // `charset=utf-8; charset=utf-7`.
  for (const [, given] of (contentType ?? "").matchAll(/charset\s*=\s*["']?([^"';\s,]*)/gi)) {
    const charset = given!.toLowerCase();
    if (!["utf-8", "utf8", "us-ascii"].includes(charset))
      return `the body's charset ${JSON.stringify(charset.slice(0, 40))} is not taken: send UTF-8`;
  }
  const type = parseMediaType(contentType) ?? "";
  if (type === "application/json" || /^application\/[^/\s]+\+json$/.test(type)) {
    try {
      JSON.parse(body); // a leading byte order mark does not parse, in Prism either
    } catch {
      return `the body is not JSON (Content-Type: ${type})`;
    }
    return undefined;
  }
  if (type === "application/x-www-form-urlencoded") {
    const undecodable = body.split("&").some((pair) => {
      const [name, ...value] = pair.split("=");
      return !decodes(name!) || !decodes(value.join("=").replaceAll("+", "%20"));
    });
    return undecodable
      ? "the form body has a malformed percent-escape (each % must start a %XX escape of UTF-8)"
      : undefined;
  }
  if (type === "multipart/form-data") {
    for (const [, name] of body.matchAll(/\bname="([^"]*)"/gi))
      if (!decodes(name!)) return "a part name of the multipart body has a malformed percent-escape";
  }
  return undefined;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
