// Run by prism.mjs in a fresh node: imports the built mock entry, starts Prism on 127.0.0.1:0 and
// asks claimTask until the first 200 (cold). Then, in the same process, `warm` more starts with the
// modules already loaded. Prints one JSON line; times in milliseconds.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [mockPath, warmArg] = process.argv.slice(2);
const warm = Number(warmArg ?? 0);
const TASK_ID = "8f2c6a1e-3b4d-4c5e-9f60-7a8b9c0d1e2f";
const AUTH = `Basic ${Buffer.from("bench-user:bench-password").toString("base64")}`;
const MAX_TRIES = 200;

async function startAndAsk(startMockServer) {
  const t0 = performance.now();
  const server = await startMockServer({ port: 0, host: "127.0.0.1" });
  const listening = performance.now();
  let status = 0;
  let tries = 0;
  try {
    while (status !== 200 && tries < MAX_TRIES) {
      tries++;
      try {
        const response = await fetch(`${server.url}/operations-manager/tasks/${TASK_ID}/claim`, {
          method: "POST",
          headers: { Authorization: AUTH, Connection: "close" },
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    return { startMs: listening - t0, readyMs: performance.now() - t0, status, tries };
  } finally {
    await server.close();
  }
}

const t0 = performance.now();
const { startMockServer } = await import(pathToFileURL(mockPath).href);
const importMs = performance.now() - t0;
const cold = await startAndAsk(startMockServer);
const result = { importMs, cold: { ...cold, readyMs: importMs + cold.readyMs }, warm: [] };
for (let i = 0; i < warm; i++) result.warm.push(await startAndAsk(startMockServer));
process.stdout.write(`${JSON.stringify(result)}\n`);
