// The calls that race: our client, raw `fetch` doing the same request by hand, and bare
// openapi-fetch (`createClient` with default options). Each returns the envelope's `data`.
import * as f from "./fixtures.mjs";

/** A stub `fetch`: answers every call with a fresh `Response` of `json`, nothing else. */
export function stubFetch(json) {
  return async () => new Response(json);
}

/** Our client, raw fetch and bare openapi-fetch, for one operation, on one `fetch`. */
export function contenders({ pkg, createClient, baseUrl, fetch, operation }) {
  // `fetch` undefined: the client uses globalThis.fetch at call time, and so do the others.
  const getFetch = () => fetch ?? globalThis.fetch;
  const ours = pkg.createOperationsManagerClient({
    baseUrl,
    auth: { username: f.username, password: f.password },
    ...(fetch ? { fetch } : {}),
  });
  const bare = createClient({ baseUrl, headers: { Authorization: f.authorization }, ...(fetch ? { fetch } : {}) });

  // Raw fetch reads the answer as the client does: the text, then JSON.parse, then `data`.
  const readData = async (response) => {
    if (!response.ok) throw new Error(`raw fetch: ${response.status}`);
    return JSON.parse(await response.text()).data;
  };
  const bareData = ({ data, error, response }) => {
    if (!response.ok) throw new Error(`openapi-fetch: ${response.status} ${JSON.stringify(error)}`);
    return data.data;
  };

  if (operation === "claimTask") {
    const url = `${baseUrl}/operations-manager/tasks/${encodeURIComponent(f.taskId)}/claim`;
    return {
      expected: f.claimEnvelope.data,
      ours: () => ours.claimTask(f.taskId),
      raw: async () => readData(await getFetch()(url, { method: "POST", headers: { Authorization: f.authorization } })),
      rawWith: async (signal) => readData(await getFetch()(url, { method: "POST", headers: { Authorization: f.authorization }, signal })),
      bare: async () => bareData(await bare.POST(f.claimPath, { params: { path: { taskId: f.taskId } } })),
    };
  }
  const url = `${baseUrl}/operations-manager/jobs/${encodeURIComponent(f.jobId)}/tasks/${encodeURIComponent(f.workflowTaskKey)}/finish`;
  return {
    expected: f.finishEnvelope.data,
    ours: () => ours.finishManualTask(f.jobId, f.workflowTaskKey, f.finishBody),
    raw: async () =>
      readData(
        await getFetch()(url, {
          method: "POST",
          headers: { Authorization: f.authorization, "Content-Type": "application/json" },
          body: JSON.stringify(f.finishBody),
        }),
      ),
    rawWith: async (signal) =>
      readData(
        await getFetch()(url, {
          method: "POST",
          headers: { Authorization: f.authorization, "Content-Type": "application/json" },
          body: JSON.stringify(f.finishBody),
          signal,
        }),
      ),
    bare: async () =>
      bareData(await bare.POST(f.finishPath, { params: { path: { jobId: f.jobId, taskId: f.workflowTaskKey } }, body: f.finishBody })),
  };
}

/** What a `fetch` call asks for, in a comparable form (whatever shape the call took). */
export async function describeRequest(input, init) {
  const isRequest = typeof Request !== "undefined" && input instanceof Request;
  const url = isRequest ? input.url : String(input?.url ?? input);
  const method = (isRequest ? input.method : (init?.method ?? input?.method ?? "GET")).toUpperCase();
  const headers = new Headers(isRequest ? input.headers : (init?.headers ?? input?.headers));
  let body = isRequest ? await input.text() : (init?.body ?? input?.body);
  if (body === "" || body === null) body = undefined;
  return { url, method, headers: [...headers.entries()].sort(), body: body === undefined ? undefined : String(body) };
}
