// Where the client's time goes over raw fetch (stub fetch): a ladder of partial clients built from
// the same pieces, interleaved like the main figures, and the pieces timed on their own.
import * as f from "./fixtures.mjs";
import { contenders, stubFetch } from "./contenders.mjs";
import { interleave, median, ratio } from "./measure.mjs";
import { performance } from "node:perf_hooks";
import { startLoopbackServer } from "./loopback.mjs";

const BASE = "https://om.example.test";

function ladder({ createClient, transport, params, operation, ours, raw, rawWith, bare, baseUrl, fetch }) {
  const headers = { Authorization: f.authorization };
  const engine = createClient({
    baseUrl,
    headers,
    Request: transport.RequestCarrier,
    fetch: transport.unpackingFetch(() => fetch ?? globalThis.fetch),
  });
  const call =
    operation === "claimTask"
      ? (signal) => engine.POST(f.claimPath, { params: { path: { taskId: f.taskId } }, parseAs: "text", signal })
      : (signal) =>
          engine.POST(f.finishPath, {
            params: { path: { jobId: f.jobId, taskId: f.workflowTaskKey } },
            body: f.finishBody,
            parseAs: "text",
            signal,
          });
  const check =
    operation === "claimTask"
      ? () => params.checkPathParams("claimTask", { taskId: f.taskId })
      : () => params.checkPathParams("finishManualTask", { jobId: f.jobId, taskId: f.workflowTaskKey });
  const parse = ({ data, response }) => {
    if (!response.ok) throw new Error(String(response.status));
    return JSON.parse(data).data;
  };
  return [
    { name: "raw fetch", fn: raw },
    {
      name: "raw fetch with the deadline's signal (not a step of the ladder)",
      fn: async () => {
        const limit = transport.deadline(30_000, undefined);
        try {
          return await rawWith(limit.signal);
        } finally {
          limit.done();
        }
      },
    },
    { name: "openapi-fetch set up as the client does (carrier, parseAs text) + JSON.parse", fn: async () => parse(await call(undefined)) },
    {
      name: "+ deadline (AbortController, setTimeout/clearTimeout)",
      fn: async () => {
        const limit = transport.deadline(30_000, undefined);
        try {
          return parse(await call(limit.signal));
        } finally {
          limit.done();
        }
      },
    },
    {
      name: "+ path check",
      fn: async () => {
        check();
        const limit = transport.deadline(30_000, undefined);
        try {
          return parse(await call(limit.signal));
        } finally {
          limit.done();
        }
      },
    },
    { name: "our client (adds body check, envelope checks, async wrapper)", fn: ours },
    { name: "bare openapi-fetch (default Request, parseAs json)", fn: bare },
  ];
}

/** Median ns per operation of each piece: batches of ~`batchMs` each, `reps` rounds, order rotated. */
async function perOp(pieces, { reps, batchMs }) {
  const sizes = [];
  for (const { fn, async } of pieces) {
    // Calibrate: how many operations fill a batch (warms the piece up too).
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < batchMs) {
      if (async) await fn();
      else fn();
      n++;
    }
    sizes.push(Math.max(1, n));
  }
  const times = pieces.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < pieces.length; i++) {
      const idx = (i + r) % pieces.length;
      const { fn, async } = pieces[idx];
      const n = sizes[idx];
      const t0 = performance.now();
      if (async) for (let k = 0; k < n; k++) await fn();
      else for (let k = 0; k < n; k++) fn();
      times[idx].push(((performance.now() - t0) * 1e6) / n);
    }
  }
  return pieces.map((p, i) => ({ name: p.name, ns: Math.round(median(times[i])) }));
}

async function runLadder(list, expected, plan) {
  for (const { fn } of list) {
    const data = await fn();
    if (data?._id !== expected._id) throw new Error("bench: a breakdown step did not return the data");
  }
  const run = await interleave(list, plan);
  const rawUs = median(run.perCall[0]);
  return {
    rounds: run.rounds,
    steps: list.map(({ name }, i) => {
      const r = ratio(run, i, 0);
      return { name, us: +r.usA.toFixed(2), overRawUs: +(r.usA - rawUs).toFixed(2), vsRaw: +r.median.toFixed(3) };
    }),
  };
}

export async function breakdown({ pkg, createClient, openapiFetch, transport, params, plan }) {
  const steps = {};
  for (const operation of ["claimTask", "finishManualTask"]) {
    const json = operation === "claimTask" ? f.claimJson : f.finishJson;
    const fetch = stubFetch(json);
    const c = contenders({ pkg, createClient, baseUrl: BASE, fetch, operation });
    const list = ladder({ createClient, transport, params, operation, ...c, baseUrl: BASE, fetch });
    steps[operation] = await runLadder(list, c.expected, plan.stub);
  }
  // Over real fetch (undici), a signal costs more than over the stub: undici's Request listens to it.
  const httpSteps = {};
  const server = await startLoopbackServer({ claim: f.claimJson, finish: f.finishJson });
  try {
    for (const operation of ["claimTask", "finishManualTask"]) {
      const c = contenders({ pkg, createClient, baseUrl: server.url, fetch: undefined, operation });
      const list = ladder({ createClient, transport, params, operation, ...c, baseUrl: server.url, fetch: undefined });
      httpSteps[operation] = await runLadder(list, c.expected, plan.http);
    }
  } finally {
    await server.close();
  }

  const url = `${BASE}/operations-manager/tasks/${f.taskId}/claim`;
  const baseHeaders = { Authorization: f.authorization };
  const init = { method: "POST", redirect: "follow", body: undefined, headers: new Headers(baseHeaders) };
  const resp = new Response(JSON.stringify(f.finishBody));
  const pieces = [
    { name: "mergeHeaders(base) — 1 Headers, as claimTask builds", fn: () => openapiFetch.mergeHeaders(baseHeaders, undefined, undefined) },
    {
      name: "finishManualTask's headers + body: mergeHeaders ×2 + defaultBodySerializer (Headers.get ×2, JSON.stringify)",
      fn: () => {
        const h = openapiFetch.mergeHeaders(baseHeaders, undefined, undefined);
        openapiFetch.defaultBodySerializer(f.finishBody, h);
        return openapiFetch.mergeHeaders({ "Content-Type": "application/json" }, baseHeaders, undefined, undefined);
      },
    },
    { name: "plain headers object (what raw fetch passes)", fn: () => ({ Authorization: f.authorization, "Content-Type": "application/json" }) },
    { name: "deadline(30 000) + done()", fn: () => transport.deadline(30_000, undefined).done() },
    { name: "new AbortController() alone (its signal not read)", fn: () => new AbortController() },
    { name: "new AbortController().signal (creates the AbortSignal)", fn: () => new AbortController().signal },
    { name: "setTimeout + clearTimeout alone", fn: () => clearTimeout(setTimeout(() => {}, 30_000)) },
    { name: "checkPathParams(claimTask)", fn: () => params.checkPathParams("claimTask", { taskId: f.taskId }) },
    {
      name: "checkPathParams(finishManualTask)",
      fn: () => params.checkPathParams("finishManualTask", { jobId: f.jobId, taskId: f.workflowTaskKey }),
    },
    {
      name: "createFinalURL (path serializer + empty query)",
      fn: () =>
        openapiFetch.createFinalURL(f.claimPath, {
          baseUrl: BASE,
          params: { path: { taskId: f.taskId } },
          querySerializer: openapiFetch.createQuerySerializer(undefined),
          pathSerializer: openapiFetch.defaultPathSerializer,
        }),
    },
    { name: "new RequestCarrier(url, init)", fn: () => new transport.RequestCarrier(url, init) },
    { name: "new Request(url, init) (bare openapi-fetch)", fn: () => new Request(url, init) },
    { name: "JSON.stringify(finish body)", fn: () => JSON.stringify(f.finishBody) },
    { name: "JSON.parse(claim envelope)", fn: () => JSON.parse(f.claimJson) },
    { name: "new Response(claim json) + await text() (the stub's share)", async: true, fn: async () => (await new Response(f.claimJson)).text() },
    { name: "response.headers.get('Content-Length') (openapi-fetch, per call)", fn: () => resp.headers.get("Content-Length") },
  ];
  const micro = await perOp(pieces, plan.micro);
  return { steps, httpSteps, micro };
}
