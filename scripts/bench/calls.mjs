// Per-call overhead: our client against raw fetch and bare openapi-fetch, on a stub `fetch` and
// over a loopback keep-alive HTTP server.
import { isDeepStrictEqual } from "node:util";
import { contenders, describeRequest, stubFetch } from "./contenders.mjs";
import * as f from "./fixtures.mjs";
import { interleave, ratio } from "./measure.mjs";
import { startLoopbackServer } from "./loopback.mjs";

const OPERATIONS = ["claimTask", "finishManualTask"];
const STUB_BASE = "https://om.example.test";

/** Every contender must send the same request and come back with the same data before it is timed. */
async function checkSame(make, names, recorded) {
  const seen = {};
  for (const name of names) {
    const { expected, [name]: call } = make();
    recorded.length = 0;
    const data = await call();
    if (!isDeepStrictEqual(data, expected)) throw new Error(`bench: ${name} did not return the envelope's data`);
    if (recorded.length !== 1) throw new Error(`bench: ${name} sent ${recorded.length} requests, not 1`);
    seen[name] = recorded[0];
  }
  const [first, ...others] = names;
  const differ = others.filter((n) => !isDeepStrictEqual(seen[n], seen[first]));
  return { same: differ.length === 0, requests: seen, differ };
}

export async function stubCalls({ pkg, createClient, plan }) {
  const results = {};
  for (const operation of OPERATIONS) {
    const json = operation === "claimTask" ? f.claimJson : f.finishJson;
    const recorded = [];
    const recording = async (input, init) => {
      recorded.push(await describeRequest(input, init));
      return new Response(json);
    };
    const check = await checkSame(
      () => contenders({ pkg, createClient, baseUrl: STUB_BASE, fetch: recording, operation }),
      ["ours", "raw", "bare"],
      recorded,
    );
    const c = contenders({ pkg, createClient, baseUrl: STUB_BASE, fetch: stubFetch(json), operation });
    results[operation] = await race(c, plan.stub, check);
  }
  return results;
}

export async function httpCalls({ pkg, createClient, plan }) {
  const server = await startLoopbackServer({ claim: f.claimJson, finish: f.finishJson });
  try {
    const results = {};
    for (const operation of OPERATIONS) {
      const make = () => contenders({ pkg, createClient, baseUrl: server.url, fetch: undefined, operation });
      // What reached the server, as the server saw it (undici adds the same headers for all).
      const recorded = [];
      server.recorded = recorded;
      const check = await checkSame(make, ["ours", "raw", "bare"], recorded);
      server.recorded = null;
      const c = make();
      results[operation] = { ...(await race(c, plan.http, check)), connections: server.connections() };
    }
    return results;
  } finally {
    await server.close();
  }
}

/** The three contenders interleaved under one plan, and their ratios. */
async function race(c, plan, check) {
  const run = await interleave(
    [
      { name: "ours", fn: c.ours },
      { name: "raw", fn: c.raw },
      { name: "bare", fn: c.bare },
    ],
    plan,
  );
  return {
    rounds: run.rounds,
    batch: plan.batch,
    elapsedMs: Math.round(run.elapsedMs),
    sameRequest: check.same,
    request: check.requests.ours,
    ...(check.same ? {} : { requests: check.requests }),
    oursVsRaw: ratio(run, 0, 1),
    oursVsBare: ratio(run, 0, 2),
    bareVsRaw: ratio(run, 2, 1),
  };
}
