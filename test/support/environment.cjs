// jest's node environment, plus the end of every child process a test started (children.ts
// registers them): after each test (its afterEach hooks included) the groups of the children it
// started are ended, and after the file (its afterAll hooks included) those started outside a
// test. A group still running then fails that test, or the file, naming each process left: a test
// ends what it starts and waits for it to go.
const { TestEnvironment } = require("jest-environment-node");
const { endGroup } = require("./process-groups.cjs");

class ChildGuardEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    // The unit tier starts no child process (jest.config.js): children.ts refuses one there.
    if (config.projectConfig.testEnvironmentOptions?.childProcesses === false) this.global.__omNoChildren = true;
  }

  async handleTestEvent(event, state) {
    if (event.name === "test_start") {
      this.tests = (this.tests ?? 0) + 1;
      this.global.__omCurrentTest = this.tests;
    } else if (event.name === "test_done") {
      const id = this.global.__omCurrentTest;
      this.global.__omCurrentTest = undefined;
      const problem = await this.end((child) => child.test === id);
      if (problem) event.test.errors.push(bare(`the test ${problem}`));
    } else if (event.name === "run_finish") {
      const problem = await this.end(() => true);
      if (problem) state.unhandledErrors.push(bare(`the file (outside its tests) ${problem}`));
    }
  }

  /** Ends the registered children `which` picks; says what was left running, if anything was. */
  async end(which) {
    const registered = this.global.__omChildren ?? [];
    const picked = registered.filter(which);
    this.global.__omChildren = registered.filter((child) => !which(child));
    const results = await Promise.all(picked.map(async (child) => ({ child, ...(await endGroup(child.pgid)) })));
    const problems = results
      .filter(({ left }) => left.length > 0)
      .map(
        ({ child, left, survivors }) =>
          `started \`${child.what}\` and left running: ${left.join("; ")}${survivors.length ? ` (still running after SIGKILL: ${survivors.join("; ")})` : " (ended by the guard)"}`,
      );
    return problems.length ? problems.join("\n") : undefined;
  }
}

/** An error whose stack is its message: where the guard found it says nothing. */
function bare(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

module.exports = ChildGuardEnvironment;
