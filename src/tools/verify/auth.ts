// verify's credentials: the environment mapped to the client's own auth options, checked by the
// client's own rules (src/auth/authenticator.ts, src/client/base-url.ts): the same refusals, the same rule against
// sending credentials in clear text. Credentials never come from arguments.
import type { AuthOptions } from "../../auth/authenticator.js";
import { checkAuth } from "../../auth/authenticator.js";
import { isOperationsManagerError } from "../../errors/operations-manager-error.js";
import { checkBaseUrl } from "../../client/base-url.js";
import { UsageError } from "../usage.js";

export interface VerifyAuth {
  method: "none" | "basic" | "oauth" | "login";
  /** The client's auth options; none for OM_AUTH=none. */
  options?: AuthOptions;
  /** The variables to check when the platform refuses them. */
  check?: string;
}

/** The client's words for its options, in verify's: its flags and environment variables. */
const TERMS: [RegExp, string][] = [
  [/^createOperationsManagerClient: /, ""],
  [/\bbaseUrl\b/g, "--upstream"],
  [/\ballowInsecureHttp(: true)?/g, "--allow-insecure-http"],
  [/\bauth\.username\b/g, "OM_USERNAME"],
  [/\bauth\.password\b/g, "OM_PASSWORD"],
  [/\bauth\.clientId\b/g, "OM_CLIENT_ID"],
  [/\bauth\.clientSecret\b/g, "OM_CLIENT_SECRET"],
];

/** Runs one of the client's checks; its refusal becomes a UsageError in verify's terms. */
function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!isOperationsManagerError(error)) throw error;
    throw new UsageError(
      TERMS.reduce((message, [from, to]) => message.replace(from, to), error.message),
      "verify",
    );
  }
}

/**
 * How to get in, from the environment, for the platform at `upstream`: refused (a UsageError)
 * before any connection or name lookup when the client would refuse it, plain http to a host that
 * is not loopback included.
 */
export function authFromEnv(env: NodeJS.ProcessEnv, upstream: URL, allowInsecureHttp: boolean): VerifyAuth {
  const method = env.OM_AUTH || (env.OM_CLIENT_ID ? "oauth" : "basic");
  if (method === "none") return { method };
  let options: AuthOptions;
  if (method === "oauth") {
    if (!env.OM_CLIENT_ID || !env.OM_CLIENT_SECRET)
      throw new UsageError("OM_AUTH=oauth needs OM_CLIENT_ID and OM_CLIENT_SECRET in the environment", "verify");
    options = { clientId: env.OM_CLIENT_ID, clientSecret: env.OM_CLIENT_SECRET };
  } else if (method === "basic" || method === "login") {
    const { OM_USERNAME: username, OM_PASSWORD: password } = env;
    if (!username || password === undefined) {
      throw new UsageError(
        "set OM_USERNAME and OM_PASSWORD (or OM_CLIENT_ID and OM_CLIENT_SECRET) in the environment (credentials are never taken from arguments)",
        "verify",
      );
    }
    options = method === "login" ? { username, password, method } : { username, password };
  } else {
    throw new UsageError(`OM_AUTH must be oauth, login, basic or none, got ${JSON.stringify(method)}`, "verify");
  }
  const checked = asUsage(() => checkAuth(options));
  // The client's rule, with its wording: no credentials in clear text to a host that is not loopback.
  asUsage(() => checkBaseUrl(upstream.href, allowInsecureHttp));
  return {
    method,
    options: checked,
    check: method === "oauth" ? "OM_CLIENT_ID/OM_CLIENT_SECRET" : "OM_USERNAME/OM_PASSWORD",
  };
}
