// verify's credentials: the environment mapped to the client's own auth options, checked by the
// client's own rules (src/auth/authenticator.ts): the same refusals. Credentials never come from
// arguments; whether any are sent decides --upstream's rule against clear text (./arguments.ts).
import type { AuthOptions } from "../../auth/authenticator.js";
import { checkAuth } from "../../auth/authenticator.js";
import { isOperationsManagerError } from "../../errors/operations-manager-error.js";
import { UsageError } from "../usage.js";

export interface VerifyAuth {
  method: "none" | "basic" | "oauth" | "login";
  /** The client's auth options; none for OM_AUTH=none. */
  options?: AuthOptions;
  /** The variables to check when the platform refuses them. */
  check?: string;
}

/** The client's words for its auth options, in verify's: its environment variables. */
const TERMS: [RegExp, string][] = [
  [/^createOperationsManagerClient: /, ""],
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

/** The way in the environment asks for: OM_AUTH, else oauth when OM_CLIENT_ID is set, else basic. */
export function authMethod(env: NodeJS.ProcessEnv): string {
  return env.OM_AUTH || (env.OM_CLIENT_ID ? "oauth" : "basic");
}

/**
 * How to get in, from the environment: refused (a UsageError) before any connection or name lookup
 * when the client would refuse it.
 */
export function authFromEnv(env: NodeJS.ProcessEnv): VerifyAuth {
  const method = authMethod(env);
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
  return {
    method,
    options: checked,
    check: method === "oauth" ? "OM_CLIENT_ID/OM_CLIENT_SECRET" : "OM_USERNAME/OM_PASSWORD",
  };
}
