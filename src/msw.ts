// `operations-manager-tasks-contract/msw`: the contract's mock as MSW request handlers, in the
// process of the tests (or the browser) that use them: no Prism, no server, no port. Built from
// the bundled spec's examples (generated/mock-spec.ts) and the generated request validators the
// client runs, it answers as the Prism mock does (mock-answers.ts); a test holds the two to each
// other. No Node built-in here, so `msw/browser` can serve them too.
import { http, type HttpHandler } from "msw";
import { mockSpec } from "../generated/mock-spec.js";
import { createAnswerer } from "./tools/mock/answers.js";
import { addRecordedExamples, type RecordedExample } from "./tools/mock/recorded-examples.js";
import type { JsonObject } from "./tools/spec/spec-nav.js";

export type { RecordedExample } from "./tools/mock/recorded-examples.js";

export interface MockHandlersOptions {
  /** The base URL the client is created with, such as `"http://om.test"`; requests below it are served. */
  baseUrl: string;
  /**
   * The scenario every operation answers by default, without a `Prefer` header, as
   * `startMockServer({ example })`: `"approved"` (the default anyway), `"rejected"`, `"jobError"`
   * or `"reference"`. `Prefer: example=NAME` still picks another per request. A name no answer has
   * is a `RangeError` (`code: "ERR_UNKNOWN_EXAMPLE"`) naming the examples there are.
   */
  example?: string;
  /**
   * Recordings to serve (`verify --record DIR`), read in Node by `readRecordedExamples(DIR)` from
   * `operations-manager-tasks-contract/mock` (these handlers read no files): each is the example
   * `recorded-<label>` of its operation's answer, as the Prism mock serves it.
   */
  examples?: readonly RecordedExample[];
}

/**
 * MSW handlers serving the contract below `baseUrl`: claim, finish, `/oauth/token` and `/login`,
 * with the Prism mock's answers. A request that breaks the contract is refused (`400`) as the
 * client itself would refuse it; one without credentials is `401`; `Prefer: code=NNN` and
 * `Prefer: example=NAME` pick the answer per request. Give them to `setupServer(...)` (msw/node)
 * or `setupWorker(...)` (msw/browser); `server.use(...)` puts a test's own answer first.
 */
export function createHandlers(options: MockHandlersOptions): HttpHandler[] {
  const { baseUrl, example } = options ?? ({} as MockHandlersOptions);
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new TypeError(
      `baseUrl must be an absolute http(s) URL, such as "http://om.test", got ${JSON.stringify(baseUrl)}`,
    );
  }
  const prefix = base.pathname.replace(/\/+$/, "");
  let spec = mockSpec as JsonObject;
  if (options.examples !== undefined) {
    if (!Array.isArray(options.examples))
      throw new TypeError(
        "examples must be the recordings readRecordedExamples(DIR) gives (operations-manager-tasks-contract/mock)",
      );
    spec = structuredClone(spec);
    addRecordedExamples(spec, options.examples, () => {});
  }
  const answer = createAnswerer(spec, example === undefined ? {} : { example });
  const root = `${base.origin}${prefix}`;
  return [
    // A RegExp with no group, not a path pattern: msw decodes a pattern's parameters with an
    // unguarded decodeURIComponent, so a bad escape (`%zz`) was its 500; the preflight answers it 400.
    http.all(new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`), async ({ request }) => {
      const url = new URL(request.url);
      const sent = rawPath(request.url);
      const path = sent.startsWith(prefix) ? sent.slice(prefix.length) : sent;
      // The bytes, decoded with a byte order mark kept (text() drops it): the preflight judges the
      // body Prism would read, and its size in bytes (answers.ts).
      const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
      const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      const answered = answer({
        method: request.method,
        path,
        query: url.searchParams,
        headers: request.headers,
        body,
        bodyBytes: bytes.length,
      });
      // A plain Response: msw's HttpResponse would put a Set-Cookie (login's) in its process-wide
      // cookie store, and every later request would carry it as credentials.
      // A HEAD answer has no body (a server sends none; fetch would read one through MSW).
      return new Response(answered.body === "" || request.method === "HEAD" ? null : answered.body, {
        status: answered.status,
        headers: answered.headers,
      });
    }),
  ];
}

/** The path as sent, escaped dot segments and all (URL parsing resolves `%2E%2E`). */
function rawPath(url: string): string {
  const afterScheme = url.slice(url.indexOf("//") + 2);
  const slash = afterScheme.indexOf("/");
  return slash < 0 ? "/" : afterScheme.slice(slash).split(/[?#]/)[0]!;
}
