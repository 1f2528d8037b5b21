// The package's own pieces, from dist/ (built first when stale): verify judges answers with the
// validators and wording the client and the contract tests use, sends the client's credentials
// headers, scrubs with its redactor and proxies with its Prism.
import { loadBuilt } from "../lib/ensure-built.mjs";
import { loadSpec } from "../lib/spec.cjs";

export const spec = loadSpec();
const modules = ["generated/request-validators.js", "generated/response-validators.js", "src/validation.js", "src/auth.js", "src/redaction.js", "src/prism-server.js"];
export const [{ requestValidators }, { responseValidators }, { bodyViolations, describeViolations, violationsOf }, { credentialHeaders }, { createRedactor: redactorOf }, { startPrismServer }] =
  await Promise.all(modules.map(loadBuilt));
/** verify learns its token after it starts: the secrets are read each time output is scrubbed. */
export const createRedactor = (secrets) => (value) => redactorOf(secrets())(value);
