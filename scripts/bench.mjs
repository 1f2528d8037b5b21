#!/usr/bin/env node
// `npm run bench`: what a call costs through our client beside its peers, and what checking an
// answer against the contract costs, measured side by side with tinybench on the built package:
//   - per call, on a stub `fetch` and over a loopback keep-alive HTTP server: raw `fetch`, bare
//     openapi-fetch, our client with `validate: "off"` and `"throw"`, and hey-api's generated
//     fetch client with its zod validators (generated from our bundle into bench-build/, ignored);
//   - validation alone: our generated validator vs zod's parse of hey-api's schema, per body;
//   - the MSW handlers beside the Prism mock: the first claim after createHandlers vs after
//     startMockServer, and a claim each on warm mocks;
//   - gzipped sizes (esbuild --bundle --minify, ESM, gzip -9).
// Ratios are medians over rounds of per-round ratios of median latencies (the order of the
// contenders rotates each round). A report, not a gate: exit 0 unless --strict and a target is
// missed. Options: --quick (short rounds, a smoke run), --json (JSON on stdout, the table on
// stderr). Writes bench-results.json.
import { build } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { Bench } from "tinybench";
import { ensureBuilt } from "./lib/ensure-built.mjs";
import { fail, repoRoot } from "./lib/run.mjs";
import { loadSpec, parameterExample, responseExamples } from "./lib/spec.cjs";

const { values: args } = parseArgs({
  options: { quick: { type: "boolean" }, json: { type: "boolean" }, strict: { type: "boolean" } },
});
const say = args.json ? (line) => console.error(line) : (line) => console.log(line);
const plan = args.quick ? { rounds: 1, time: 200, warmupTime: 50 } : { rounds: 5, time: 600, warmupTime: 150 };
const TARGETS = {
  offVsBare: 1.0,
  throwVsBare: 1.1,
  throwVsHey: 0.5,
  validatorVsZod: 1.0,
  hugeErrorVsParse: 4.0,
  mswFirstVsPrism: 0.1,
  mswCallVsPrism: 0.25,
  failingAnswerVsParse: 10,
};

// The built package, and the peer generated from the same bundle.
say(
  `bench: ${process.version} on ${os.cpus()[0]?.model.trim()} (${os.cpus().length} cores), load ${os.loadavg()[0].toFixed(2)}`,
);
ensureBuilt();
const dist = (file) => import(pathToFileURL(path.join(repoRoot, "dist/esm", file)).href);
const ours = await dist("src/index.js");
const { responseValidators } = await dist("generated/response-validators.js");
const createFetchClient = (await import("openapi-fetch")).default;

const heyDir = path.join(repoRoot, "bench-build/hey-api");
rmSync(heyDir, { recursive: true, force: true });
const { createClient: generateHeyApi } = await import("@hey-api/openapi-ts");
await generateHeyApi({
  input: { path: path.join(repoRoot, "generated/openapi.json") },
  output: { path: heyDir },
  logs: { level: "silent" },
  plugins: ["@hey-api/client-fetch", "zod", { name: "@hey-api/sdk", validator: true }],
});
const heyEntry =
  'export * from "./sdk.gen.ts"; export * as zod from "./zod.gen.ts"; export { createClient } from "./client/index.ts";';
await build({
  stdin: { contents: heyEntry, resolveDir: heyDir, loader: "ts" },
  bundle: true,
  format: "esm",
  platform: "node",
  outfile: `${heyDir}.mjs`,
  logLevel: "silent",
});
const hey = await import(pathToFileURL(`${heyDir}.mjs`).href);

// Ids, answers and credentials as the tests have them: the spec's own examples, the client's headers.
const spec = loadSpec();
const reference = (operationId) => JSON.stringify(responseExamples(spec, operationId, 200).reference);
const bodies = { claimTask: reference("claimTask"), finishManualTask: reference("finishManualTask") };
const TASK_ID = parameterExample(spec, "claimTask", "taskId");
const JOB_ID = parameterExample(spec, "finishManualTask", "jobId");
const TASK_KEY = parameterExample(spec, "finishManualTask", "taskId");
const auth = { username: "automation", password: "s3cr3t" };
const { Authorization: AUTHORIZATION } = (await dist("src/auth/authenticator.js")).credentialHeaders.basic(
  auth.username,
  auth.password,
);
const taskData = { finish_state: "success", variables: { approved: true } };
const CLAIM = "/operations-manager/tasks/{taskId}/claim";
const FINISH = "/operations-manager/jobs/{jobId}/tasks/{taskId}/finish";

/** The same call, made by each contender; each returns the envelope's data. */
function contenders(baseUrl, fetch) {
  const bare = createFetchClient({ baseUrl, headers: { Authorization: AUTHORIZATION }, fetch });
  const off = ours.createOperationsManagerClient({ baseUrl, auth, fetch });
  const strict = ours.createOperationsManagerClient({ baseUrl, auth, fetch, validate: "throw" });
  const heyClient = hey.createClient({ baseUrl, headers: { Authorization: AUTHORIZATION }, fetch });
  const json = { Authorization: AUTHORIZATION, "Content-Type": "application/json" };
  const raw = async (url, init) => {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`raw fetch: ${response.status}`);
    return (await response.json()).data;
  };
  const data = ({ data, error }) => {
    if (error !== undefined) throw new Error(`answered ${JSON.stringify(error)}`);
    return data.data;
  };
  return {
    claimTask: {
      "raw fetch": () =>
        raw(`${baseUrl}/operations-manager/tasks/${TASK_ID}/claim`, {
          method: "POST",
          headers: { Authorization: AUTHORIZATION },
        }),
      "bare openapi-fetch": async () => data(await bare.POST(CLAIM, { params: { path: { taskId: TASK_ID } } })),
      'ours, validate "off"': () => off.claimTask(TASK_ID),
      'ours, validate "throw"': () => strict.claimTask(TASK_ID),
      "hey-api + zod": async () =>
        (await hey.claimTask({ client: heyClient, path: { taskId: TASK_ID }, throwOnError: true })).data.data,
    },
    finishManualTask: {
      "raw fetch": () =>
        raw(`${baseUrl}/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ taskData }),
        }),
      "bare openapi-fetch": async () =>
        data(await bare.POST(FINISH, { params: { path: { jobId: JOB_ID, taskId: TASK_KEY } }, body: { taskData } })),
      'ours, validate "off"': () => off.finishManualTask(JOB_ID, TASK_KEY, { taskData }),
      'ours, validate "throw"': () => strict.finishManualTask(JOB_ID, TASK_KEY, { taskData }),
      "hey-api + zod": async () =>
        (
          await hey.finishManualTask({
            client: heyClient,
            path: { jobId: JOB_ID, taskId: TASK_KEY },
            body: { taskData },
            throwOnError: true,
          })
        ).data.data,
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median latency (µs) of each task, and the median over rounds of each pair's per-round ratio. */
async function race(tasks) {
  const names = Object.keys(tasks);
  const rounds = [];
  for (let r = 0; r < plan.rounds; r++) {
    const bench = new Bench({ time: plan.time, warmupTime: plan.warmupTime });
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      bench.add(name, tasks[name]);
    }
    await bench.run();
    rounds.push(Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.latency.p50 * 1000])));
  }
  return {
    us: Object.fromEntries(names.map((n) => [n, median(rounds.map((round) => round[n]))])),
    ratio: (a, b) => median(rounds.map((round) => round[a] / round[b])),
  };
}

const figures = [];
const figure = (label, value, { target, unit = "×", detail = "" } = {}) =>
  figures.push({
    label,
    value,
    target,
    met: target === undefined ? undefined : value <= target,
    text: `${unit === "×" ? value.toFixed(3) : value}${unit}${detail}`,
  });

async function perCall(transport, baseUrl, fetch) {
  const all = contenders(baseUrl, fetch);
  for (const [operationId, tasks] of Object.entries(all)) {
    const expected = JSON.parse(bodies[operationId]).data;
    for (const [name, call] of Object.entries(tasks)) {
      if (!isDeepStrictEqual(await call(), expected)) fail(`bench: ${name} did not return ${operationId}'s data`);
    }
    say(`bench: ${operationId}, ${transport}…`);
    const { us, ratio } = await race(tasks);
    const at = (a, b) => ` (${us[a].toFixed(1)} vs ${us[b].toFixed(1)} µs)`;
    const where = `${operationId}, ${transport}`;
    figure(`${where}: validate "off" vs bare openapi-fetch`, ratio('ours, validate "off"', "bare openapi-fetch"), {
      target: TARGETS.offVsBare,
      detail: at('ours, validate "off"', "bare openapi-fetch"),
    });
    figure(`${where}: validate "throw" vs bare openapi-fetch`, ratio('ours, validate "throw"', "bare openapi-fetch"), {
      target: TARGETS.throwVsBare,
      detail: at('ours, validate "throw"', "bare openapi-fetch"),
    });
    figure(`${where}: validate "throw" vs hey-api + zod`, ratio('ours, validate "throw"', "hey-api + zod"), {
      target: TARGETS.throwVsHey,
      detail: at('ours, validate "throw"', "hey-api + zod"),
    });
    figure(`${where}: bare openapi-fetch / hey-api + zod vs raw fetch`, ratio("bare openapi-fetch", "raw fetch"), {
      detail: ` / ${ratio("hey-api + zod", "raw fetch").toFixed(3)}× (raw ${us["raw fetch"].toFixed(1)} µs)`,
    });
  }
}

// Per call: a stub fetch (what the client itself costs), then loopback HTTP (what a user sees).
const stub = (input) => {
  const url = typeof input === "string" ? input : input.url;
  return Promise.resolve(
    new Response(url.includes("/claim") ? bodies.claimTask : bodies.finishManualTask, {
      status: 200,
      headers: { "Content-Type": "application/json" },
    }),
  );
};
await perCall("stub fetch", "https://om.example.test", stub);
const server = createServer((req, res) => {
  req
    .resume()
    .on("end", () =>
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(req.url.includes("/claim") ? bodies.claimTask : bodies.finishManualTask),
    );
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
try {
  await perCall("loopback HTTP", `http://127.0.0.1:${server.address().port}`, globalThis.fetch);
} finally {
  server.closeAllConnections();
  server.close();
}

// Validation alone: both judge the same parsed body.
const zodOf = { claimTask: hey.zod.zClaimTaskResponse2, finishManualTask: hey.zod.zFinishManualTaskResponse2 };
for (const operationId of ["claimTask", "finishManualTask"]) {
  const body = JSON.parse(bodies[operationId]);
  const validate = responseValidators[operationId]["200"]["application/json"];
  if (!validate(body)) fail(`bench: our validator refused ${operationId}'s reference body`);
  zodOf[operationId].parse(body);
  say(`bench: validation alone, ${operationId}…`);
  const { us, ratio } = await race({
    "generated validator": () => validate(body),
    "zod parse": () => zodOf[operationId].parse(body),
  });
  figure(`validation alone, ${operationId} body: ours vs zod parse`, ratio("generated validator", "zod parse"), {
    target: TARGETS.validatorVsZod,
    detail: ` (${us["generated validator"].toFixed(2)} vs ${us["zod parse"].toFixed(2)} µs)`,
  });
}

// A failed call whose answer is a 10 MB error body that echoes the password: the error is scrubbed
// and bounded, and that must cost a few times what merely reading the answer costs (issue 18).
{
  const { createRedactor } = await dist("src/errors/redaction/redactor.js");
  const items = Array.from({ length: 40_000 }, (_, i) => ({
    id: `item-${i}`,
    note: `refused for ${auth.password} at step ${i}`,
    n: i,
  }));
  const hugeText = JSON.stringify({
    message: `${"x".repeat(6_000_000)} ${auth.password} ${"y".repeat(1_000_000)}`,
    data: items,
  });
  const hugeFetch = () =>
    Promise.resolve(new Response(hugeText, { status: 500, headers: { "Content-Type": "application/json" } }));
  const baseUrl = "https://om.example.test";
  let minted = 0;
  const mint = () => `tok-${++minted}-${"z".repeat(20)}`;
  const withTokens = ours.createOperationsManagerClient({
    baseUrl,
    auth: { token: mint },
    fetch: async (url) => (url.includes("/claim") && minted > 64 ? hugeFetch() : new Response("{}", { status: 500 })),
  });
  for (let i = 0; i < 64; i++) await withTokens.claimTask(TASK_ID).catch(() => {});
  // The Basic client's password must be gone from its error; the token client knows no password.
  const expectFailure = async (promise, secret) => {
    const error = await promise.then(
      () => undefined,
      (e) => e,
    );
    if (error?.kind !== "http" || error.message.length > 2000 || (secret && error.body.message.includes(secret)))
      fail("bench: the huge error was not a scrubbed, bounded http error");
  };
  await expectFailure(withTokens.claimTask(TASK_ID));
  const redact = createRedactor([auth.password, `${auth.username}:${auth.password}`, AUTHORIZATION.slice(6)]);
  const parsed = JSON.parse(hugeText);
  say(`bench: a failed call with a ${(hugeText.length / 1e6).toFixed(1)} MB error body…`);
  const saved = { ...plan };
  Object.assign(plan, { rounds: Math.min(plan.rounds, 3), time: args.quick ? 300 : 1500, warmupTime: 100 });
  const { us, ratio } = await race({
    "raw fetch + text + JSON.parse": async () => JSON.parse(await (await hugeFetch()).text()),
    "ours, fresh Basic client": () =>
      expectFailure(
        ours.createOperationsManagerClient({ baseUrl, auth, fetch: hugeFetch }).claimTask(TASK_ID),
        auth.password,
      ),
    "ours, token function after 64 tokens": () => expectFailure(withTokens.claimTask(TASK_ID)),
    "scrubbing alone": () => redact(parsed),
    "JSON.parse alone": () => JSON.parse(hugeText),
  });
  Object.assign(plan, saved);
  const ms = (name) => `${(us[name] / 1000).toFixed(0)} ms`;
  for (const name of ["ours, fresh Basic client", "ours, token function after 64 tokens"]) {
    figure(`10 MB error body: ${name} vs raw fetch + text + JSON.parse`, ratio(name, "raw fetch + text + JSON.parse"), {
      target: TARGETS.hugeErrorVsParse,
      detail: ` (${ms(name)} vs ${ms("raw fetch + text + JSON.parse")})`,
    });
  }
  figure("10 MB error body: scrubbing alone vs JSON.parse alone", ratio("scrubbing alone", "JSON.parse alone"), {
    detail: ` (${ms("scrubbing alone")} vs ${ms("JSON.parse alone")})`,
  });
}

// A failing 1 MB answer under validate "throw": a 200 finish answer whose tasks all break the
// contract (n violations). Appending Ajv's errors by concat made it cost n² (seconds, the event
// loop blocked past any timeoutMs); linear now, it must cost a bounded multiple of parsing it (issue 27).
{
  const data = structuredClone(JSON.parse(bodies.finishManualTask).data);
  const wrongTasks = (n) =>
    JSON.stringify({
      ...JSON.parse(bodies.finishManualTask),
      data: {
        ...data,
        tasks: Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i.toString(36)}`, { status: 42 }])),
      },
    });
  let n = 1000;
  while (wrongTasks(n).length < 1_000_000) n = Math.ceil(n * 1.1);
  const failingText = wrongTasks(n);
  const failingFetch = () =>
    Promise.resolve(new Response(failingText, { status: 200, headers: { "Content-Type": "application/json" } }));
  const strict = ours.createOperationsManagerClient({
    baseUrl: "https://om.example.test",
    auth,
    fetch: failingFetch,
    validate: "throw",
  });
  const expectInvalid = async () => {
    const error = await strict.finishManualTask(JOB_ID, TASK_KEY).then(
      () => undefined,
      (e) => e,
    );
    if (
      error?.kind !== "invalid-response" ||
      error.violations?.length !== 100 ||
      !error.message.includes(`${n} violations`)
    )
      fail("bench: the failing 1 MB answer was not an invalid-response listing 100 of its violations");
  };
  await expectInvalid();
  say(`bench: a failing ${(failingText.length / 1e6).toFixed(1)} MB answer (${n} violations) under validate "throw"…`);
  const saved = { ...plan };
  Object.assign(plan, { rounds: Math.min(plan.rounds, 3), time: args.quick ? 300 : 1500, warmupTime: 100 });
  const { us, ratio } = await race({
    'ours, validate "throw"': expectInvalid,
    "JSON.parse alone": () => JSON.parse(failingText),
  });
  Object.assign(plan, saved);
  const ms = (name) => `${(us[name] / 1000).toFixed(1)} ms`;
  figure(
    `failing 1 MB answer (${n} violations): validate "throw" vs JSON.parse`,
    ratio('ours, validate "throw"', "JSON.parse alone"),
    {
      target: TARGETS.failingAnswerVsParse,
      detail: ` (${ms('ours, validate "throw"')} vs ${ms("JSON.parse alone")})`,
    },
  );
}

// The two mocks side by side (issue 29): the MSW handlers' first claim after createHandlers vs the
// Prism mock's start and first claim, then a claim each on warm mocks. The Prism mock's client
// gets the fetch from before MSW patched it, so it pays nothing for MSW's interception.
{
  const { startMockServer } = await dist("src/mock.js");
  const { createHandlers } = await dist("src/msw.js");
  const { setupServer } = await import("msw/node");
  const nativeFetch = globalThis.fetch;
  const mswBase = "https://om.bench.test";
  const firstClaim = async (start) => {
    const started = performance.now();
    const { url, fetch, stop } = await start();
    const client = ours.createOperationsManagerClient({ baseUrl: url, auth, fetch });
    await client.claimTask(TASK_ID);
    const ms = performance.now() - started;
    await stop();
    return ms;
  };
  const prismStart = async () => {
    const mock = await startMockServer();
    return { url: mock.url, fetch: nativeFetch, stop: () => mock.close() };
  };
  const mswStart = async () => {
    const server = setupServer(...createHandlers({ baseUrl: mswBase }));
    server.listen({ onUnhandledRequest: "bypass" });
    return { url: mswBase, fetch: (...a) => globalThis.fetch(...a), stop: async () => server.close() };
  };
  say("bench: the MSW and the Prism mock, first claim…");
  const runs = args.quick ? 1 : 3;
  const prismFirst = [];
  const mswFirst = [];
  for (let i = 0; i < runs; i++) {
    prismFirst.push(await firstClaim(prismStart));
    mswFirst.push(await firstClaim(mswStart));
  }
  figure(
    "mock, first claim: MSW handlers (from createHandlers) vs Prism mock (from startMockServer)",
    median(mswFirst) / median(prismFirst),
    {
      target: TARGETS.mswFirstVsPrism,
      detail: ` (${median(mswFirst).toFixed(1)} vs ${median(prismFirst).toFixed(0)} ms; MSW's target is also ≤ 100 ms)`,
    },
  );
  say("bench: the MSW and the Prism mock, a claim each…");
  const prism = await startMockServer();
  const server = setupServer(...createHandlers({ baseUrl: mswBase }));
  server.listen({ onUnhandledRequest: "bypass" });
  try {
    const viaPrism = ours.createOperationsManagerClient({ baseUrl: prism.url, auth, fetch: nativeFetch });
    const viaMsw = ours.createOperationsManagerClient({ baseUrl: mswBase, auth });
    const expected = JSON.parse(
      (await nativeFetch(`${prism.url}/operations-manager/tasks/${TASK_ID}/claim`, {
        method: "POST",
        headers: { Authorization: AUTHORIZATION },
      }).then((r) => r.text())) || "{}",
    ).data;
    if (!isDeepStrictEqual(await viaMsw.claimTask(TASK_ID), expected))
      fail("bench: the two mocks answered the claim differently");
    const { us, ratio } = await race({
      "MSW mock": () => viaMsw.claimTask(TASK_ID),
      "Prism mock": () => viaPrism.claimTask(TASK_ID),
    });
    figure("mock, a claim: MSW handlers vs Prism mock", ratio("MSW mock", "Prism mock"), {
      target: TARGETS.mswCallVsPrism,
      detail: ` (${us["MSW mock"].toFixed(0)} vs ${us["Prism mock"].toFixed(0)} µs)`,
    });
  } finally {
    server.close();
    await prism.close();
  }
}

// Sizes as a bundler ships them.
async function gzipped(options) {
  const result = await build({
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
    ...options,
  });
  return result.outputFiles
    .filter((f) => !f.path.endsWith(".map"))
    .map((f) => ({ file: path.basename(f.path), gzip: gzipSync(f.contents, { level: 9 }).length }));
}
const distFile = (file) => path.join(repoRoot, "dist/esm", file);
const [requests] = await gzipped({ entryPoints: [distFile("generated/request-validators.js")] });
const [responses] = await gzipped({ entryPoints: [distFile("generated/response-validators.js")] });
const chunks = await gzipped({
  entryPoints: [distFile("src/index.js")],
  splitting: true,
  outdir: path.join(repoRoot, "bench-build/chunks"),
});
const [whole] = await gzipped({ entryPoints: [distFile("src/index.js")], external: ["openapi-fetch"] });
const [openapiFetch] = await gzipped({
  stdin: { contents: 'export { default } from "openapi-fetch";', resolveDir: repoRoot },
});
const [heyZod] = await gzipped({ entryPoints: [`${heyDir}.mjs`] });
const main = chunks.filter((c) => c.file.startsWith("index") || c.file.startsWith("chunk"));
const lazy = chunks.filter((c) => !main.includes(c));
const bytes = (n) => `${(n / 1000).toFixed(2)} kB`;
figure("request validators, as shipped (always loaded)", bytes(requests.gzip), { unit: "" });
figure("response validators, as shipped (loaded only with validate)", bytes(responses.gzip), { unit: "" });
figure(
  'whole client with openapi-fetch, validate "off" (split: what loads)',
  bytes(main.reduce((n, c) => n + c.gzip, 0)),
  {
    unit: "",
    detail: `; the response validators' chunk: ${bytes(lazy.reduce((n, c) => n + c.gzip, 0))}`,
  },
);
figure("our code without openapi-fetch, no splitting (everything)", bytes(whole.gzip), {
  unit: "",
  detail: `; openapi-fetch alone ${bytes(openapiFetch.gzip)}`,
});
figure("hey-api client + zod schemas, zod bundled", bytes(heyZod.gzip), { unit: "" });

const missed = figures.filter((f) => f.met === false);
const table = [
  "| Figure | Target | Measured | Met |",
  "| --- | --- | --- | --- |",
  ...figures.map(
    (f) =>
      `| ${f.label} | ${f.target === undefined ? "—" : `≤ ${f.target.toFixed(2)}×`} | ${f.text} | ${f.met === undefined ? "" : f.met ? "yes" : "**no**"} |`,
  ),
].join("\n");
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model.trim(),
  cores: os.cpus().length,
  plan,
  targets: TARGETS,
  figures,
};
writeFileSync(path.join(repoRoot, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`);
say(`\n${table}\n`);
say(
  missed.length
    ? `bench: missed ${missed.length} target(s): ${missed.map((f) => f.label).join("; ")}`
    : "bench: every target met",
);
if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = args.strict && missed.length ? 1 : 0;
