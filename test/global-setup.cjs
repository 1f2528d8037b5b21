// The run's marker: every child a test starts inherits OM_TEST_RUN (support/children.ts), by which
// the global teardown finds any process the run left behind, even one that left its group.
const { randomUUID } = require("node:crypto");

module.exports = async function globalSetup() {
  process.env.OM_TEST_RUN = randomUUID();
};
