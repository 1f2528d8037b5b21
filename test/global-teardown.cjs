// The run's last check: no process started by a test is still running. Each test's children were
// ended with their process group (support/environment.cjs); this finds any that escaped its group,
// by the marker every child inherits (OM_TEST_RUN), ends it, and fails the run naming it.
const { processesWithMarker } = require("./support/process-groups.cjs");

module.exports = async function globalTeardown() {
  const marker = process.env.OM_TEST_RUN;
  if (!marker) return;
  const left = processesWithMarker(`OM_TEST_RUN=${marker}`);
  if (left.length === 0) return;
  for (const line of left) {
    try {
      process.kill(Number(line.split(" ")[0]), "SIGKILL");
    } catch {
      // already gone
    }
  }
  throw new Error(`the test run left ${left.length} process(es) running (now killed):\n  ${left.join("\n  ")}`);
};
