// One Prism for the integration and package tiers (jest.config.js): the package is built, and its
// own mock entry (the CommonJS build, as a consumer's jest would load it) serves the contract on a
// free loopback port, OM_MOCK_URL. jest runs it once, however many of those tiers run.
const { spawnSync } = require("node:child_process");
const path = require("node:path");

module.exports = async function prismSetup() {
  const root = path.resolve(__dirname, "..");
  // Built only when stale (scripts/lib/ensure-built.mjs), as npm start, verify and bench do.
  const built = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--if-stale"], {
    cwd: root,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`build failed before the tests:\n${built.stdout}${built.stderr}`);
  const { startMockServer } = require(path.join(root, "dist/cjs/src/mock.js"));
  const server = await startMockServer({ port: 0, host: "127.0.0.1" });
  globalThis.__OM_MOCK__ = server;
  process.env.OM_MOCK_URL = server.url;
};
