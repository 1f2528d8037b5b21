// The one judge of requests on the mock's side: a request's path parameters and body, checked by
// the very validators the client runs before sending (generated/request-validators.ts). The
// Prism mock's guard and the MSW handlers both ask it, so a request the client would refuse is
// refused by either mock, and one it would send is let through. No rule is restated here: which
// paths, parameters, media types and required bodies there are is read from the spec; the rules
// are the generated code's. No Node built-in: the MSW handlers run in a browser too.
import { requestValidators, type ValidatedOperationId, type Validate } from "../../../generated/request-validators.js";
import { deref, members, operations, type JsonObject } from "../spec/spec-nav.js";
import { unescapePointer } from "../../util/json-pointer.js";
import { parseMediaType } from "../../util/media-type.js";
import { violationsOf } from "../../contract/validation.js";

/** One way a request breaks the contract: where (a path parameter, or a JSON pointer into the body) and the rule. */
interface RequestViolation {
  in: "path" | "body";
  /** The path parameter's name (`in: "path"`). */
  name?: string;
  /** A JSON pointer into the body (`in: "body"`; `""` for the whole body). */
  pointer?: string;
  message: string;
}

/** Why a request is refused: the status to answer, a problem's title and detail, and each violation. */
interface Refusal {
  status: 400 | 415;
  title: string;
  detail: string;
  violations: RequestViolation[];
}

interface JudgedRequest {
  /** The operation the method and path name; undefined when none does (the mock answers that itself). */
  operationId?: string;
  /** The path parameters, decoded. */
  params: Record<string, string>;
  /** Why the request is refused, or undefined when the client's checks would let it through. */
  refusal?: Refusal;
  /** When no operation matches but the path is an operation's under other methods: those methods. */
  allowed?: string[];
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  operationId: string;
  bodyRequired: boolean;
  mediaTypes: string[];
  /** The status for a body of another media type: 415 where the operation declares it, else 400. */
  wrongType: 400 | 415;
}

/**
 * A judge for the operations of `spec` (the bundled spec, whose validators were generated). `body`
 * is the request body as text (`""` or undefined for none); `contentType` its header, if any.
 */
export type RequestJudge = (
  method: string,
  pathname: string,
  contentType: string | null | undefined,
  body: string | undefined,
) => JudgedRequest;

export function createRequestJudge(spec: JsonObject): RequestJudge {
  const routes: Route[] = [];
  for (const { path, method, operation } of operations(spec)) {
    const names: string[] = [];
    // Each `{name}` is one path segment; an empty one is matched, so that its rule refuses it.
    const source = path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([^}]+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(m[1]!);
        return "([^/]*)";
      })
      .join("");
    const requestBody = members(deref(spec, operation.requestBody));
    routes.push({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${source}$`),
      names,
      operationId: operation.operationId as string,
      bodyRequired: requestBody.required === true,
      mediaTypes: Object.keys(members(requestBody.content)),
      wrongType: Object.hasOwn(members(operation.responses), "415") ? 415 : 400,
    });
  }

  return (method, pathname, contentType, body) => {
    let match: RegExpExecArray | null = null;
    const route = routes.find((r) => r.method === method.toUpperCase() && (match = r.pattern.exec(pathname)) !== null);
    if (!route || !match) {
      const allowed = [...new Set(routes.filter((r) => r.pattern.test(pathname)).map((r) => r.method))];
      return allowed.length ? { params: {}, allowed } : { params: {} };
    }
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = safeDecode((match as RegExpExecArray)[i + 1]!)));
    const validators = requestValidators[route.operationId as ValidatedOperationId];
    const violations: RequestViolation[] = [];
    const pathCheck = validators?.path;
    if (pathCheck && !pathCheck(params)) {
      for (const v of violationsOf(pathCheck.errors))
        violations.push({ in: "path", name: unescapePointer(v.path.slice(1)), message: v.message });
    }
    const judged = judgeBody(route, validators?.body ?? {}, contentType, body, violations);
    // A body refused whole (none expected, another media type) still names what the path broke.
    if (judged)
      return {
        operationId: route.operationId,
        params,
        refusal: violations.length ? alongside(judged, violations) : judged,
      };
    if (violations.length === 0) return { operationId: route.operationId, params };
    return { operationId: route.operationId, params, refusal: refusal400(violations) };
  };
}

function judgeBody(
  route: Route,
  bodies: Readonly<Record<string, Validate>>,
  contentType: string | null | undefined,
  body: string | undefined,
  violations: RequestViolation[],
): Refusal | undefined {
  if (route.mediaTypes.length === 0) {
    // The operation takes no body: one sent is refused, as Prism refuses it (the client sends none).
    if (body === undefined || body === "") return undefined;
    return {
      status: route.wrongType,
      title: "Unexpected body",
      detail: `${route.operationId} takes no request body`,
      violations: [{ in: "body", pointer: "", message: "must be absent: the operation takes no body" }],
    };
  }
  if (body === undefined || body === "") {
    if (route.bodyRequired)
      violations.push({ in: "body", pointer: "", message: `is required (${route.mediaTypes.join(" or ")})` });
    return undefined;
  }
  const type = parseMediaType(contentType) ?? "";
  if (!route.mediaTypes.includes(type)) {
    return {
      status: route.wrongType,
      title: "Unsupported media type",
      detail: `${route.operationId} takes a body of type ${route.mediaTypes.join(" or ")}, not ${type === "" ? "one without a Content-Type" : JSON.stringify(type.slice(0, 80))}`,
      violations: [{ in: "body", pointer: "", message: `must be sent as ${route.mediaTypes.join(" or ")}` }],
    };
  }
  const validate = bodies[type];
  if (!validate) return undefined;
  let value: unknown;
  if (type === "application/x-www-form-urlencoded") value = formValue(body);
  else {
    try {
      value = JSON.parse(body);
    } catch {
      violations.push({ in: "body", pointer: "", message: `is not JSON (Content-Type: ${type})` });
      return undefined;
    }
  }
  // A JSON `null` is a body, judged as any other (Prism 5.12 reads it as none and answers 200).
  if (!validate(value))
    for (const v of violationsOf(validate.errors)) violations.push({ in: "body", pointer: v.path, message: v.message });
  return undefined;
}

/** A form as its schema sees it: each name once as a string, a repeated one as the list of its values. */
function formValue(body: string): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const had = Object.hasOwn(out, name) ? out[name] : undefined;
    const next = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had as string, value];
    Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** How many violations an answer names in its message and header, and lists in its body. */
const SAID = 10;
const LISTED = 100;

function refusal400(violations: RequestViolation[]): Refusal {
  const said = violations.slice(0, SAID).map(describe).join("; ");
  return {
    status: 400,
    title: "Request breaks the contract",
    detail: violations.length > SAID ? `${said}; and ${violations.length - SAID} more` : said,
    violations,
  };
}

/** `refusal` with the path's violations named after its own. */
function alongside(refusal: Refusal, path: RequestViolation[]): Refusal {
  return {
    ...refusal,
    detail: `${refusal.detail}; ${path.slice(0, SAID).map(describe).join("; ")}`,
    violations: [...refusal.violations, ...path],
  };
}

/** One violation in words: never the value (a form may carry a client secret); a member name the request chose is cut short. */
function describe(v: RequestViolation): string {
  return v.in === "path" ? `path parameter ${v.name} ${v.message}` : `body ${short(v.pointer || "/")} ${v.message}`;
}

const short = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The answer both mocks give a refused request: the operation's declared error envelope
 * (`{ message, data, metadata }`, so the refusal keeps the contract), its `message` naming each
 * violation and `data.violations` listing them; and, as Prism flags a request it refused, an
 * `sl-violations` header in Prism's form.
 */
export function refusalAnswer(refusal: Refusal): { status: number; headers: Record<string, string>; body: string } {
  // Bounded, whatever the request: a body with thousands of unknown members would otherwise make
  // an answer (and a header, which clients cap at a few kB) as large as itself.
  const listed = refusal.violations
    .slice(0, LISTED)
    .map((v) => (v.pointer === undefined ? v : { ...v, pointer: short(v.pointer) }));
  const body = JSON.stringify({
    message: `${refusal.title}: ${refusal.detail}`,
    data: {
      violations: listed,
      ...(refusal.violations.length > LISTED ? { more: refusal.violations.length - LISTED } : {}),
    },
    metadata: {},
  });
  const flagged = listed.slice(0, SAID).map((v) => ({
    location:
      v.in === "path"
        ? ["path", v.name]
        : ["body", ...(v.pointer ? v.pointer.slice(1).split("/").map(unescapePointer) : [])],
    severity: "Error",
    code: v.in === "path" ? "path" : "body",
    message: v.message,
  }));
  return {
    status: refusal.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "sl-violations": headerSafe(JSON.stringify(flagged)),
    },
    body,
  };
}

/** A header value carries Latin-1 only: anything past it is escaped as JSON would. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
