#!/usr/bin/env node
// `npm start`: serves the contract as a Prism mock (with --errors) until interrupted.
// HOST and PORT override 127.0.0.1:4010.
import { loadBuilt } from "./lib/ensure-built.mjs";
import { loadSpec, parameterExample } from "./lib/spec.cjs";

const { startMockServer } = await loadBuilt("src/mock.js");

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`error: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

let server;
try {
  server = await startMockServer({
    host,
    port,
    log: (level, message) => {
      if (level !== "debug" && level !== "trace") console.log(`[prism ${level}] ${message}`);
    },
  });
} catch (error) {
  console.error(`error: the mock could not start on ${host}:${port}: ${error?.message ?? error}`);
  process.exit(1);
}

console.log(`Mock of the Operations Manager tasks contract listening on ${server.url}`);
console.log("Try:");
// The ids are the spec's own parameter examples, which the mock answers.
const spec = loadSpec();
const [taskId, jobId, taskKey] = [["claimTask", "taskId"], ["finishManualTask", "jobId"], ["finishManualTask", "taskId"]].map(([op, name]) => parameterExample(spec, op, name));
console.log(`  curl -u admin:admin -X POST ${server.url}/operations-manager/tasks/${taskId}/claim`);
console.log(`  curl -u admin:admin -X POST -H 'Content-Type: application/json' -d '{"taskData":{"finish_state":"success"}}' ${server.url}/operations-manager/jobs/${jobId}/tasks/${taskKey}/finish`);
console.log(`  curl -X POST -d grant_type=client_credentials -d client_id=svc -d client_secret=secret ${server.url}/oauth/token`);
console.log("Any of the four ways in is accepted: Basic, a Bearer token, or the login token as cookie or ?token=.");
console.log("Stop with Ctrl+C.");

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
