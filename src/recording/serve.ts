// The mock serves recordings: each recorded 2xx answer becomes a named example of its operation's
// answer (`recorded-<label>`), picked with `Prefer: example=…` or the mock's `example` option. A
// recording that breaks the contract is served all the same, since it is what the platform said;
// one line is logged for it, naming its violations as the contract judges it today (the generated
// validators, not the verdict the file carries). The committed spec is never changed: this works
// on a copy.
import { responseValidators } from "../../generated/response-validators.js";
import { deref, findOperation } from "../bundled-spec.js";
import { bodyViolations, describeViolations } from "../validation.js";
import { readRecordings, recordedExampleName } from "./format.js";
import type { OperationId } from "../types.js";

type Node = { [key: string]: any };

export interface ServedRecordings {
  /** The example names added. */
  names: string[];
  /** Whether any recording breaks the contract as the contract is today. */
  anyBroken: boolean;
}

/** Adds the 2xx recordings in `dir` to `spec` (a bundle, changed in place) as named examples. */
export function addRecordings(spec: Node, dir: string, log: (message: string) => void): ServedRecordings {
  const names = new Set<string>();
  let anyBroken = false;
  for (const { file, recording } of readRecordings(dir)) {
    if (recording.status < 200 || recording.status > 299) continue;
    const operation = operationOf(spec, recording.operationId);
    if (!operation) {
      log(`${file}: no operation ${JSON.stringify(recording.operationId)} in the contract; not served`);
      continue;
    }
    const status = String(recording.status);
    const responses: Node = operation.responses ?? (operation.responses = {});
    // A shared response ($ref) is copied into this operation before it changes.
    const response: Node = (deref(spec, responses[status]) as Node | undefined) ?? { description: "An answer recorded from a platform." };
    responses[status] = response === responses[status] ? response : structuredClone(response);
    const content: Node = responses[status].content ?? (responses[status].content = {});
    const mediaType = recording.contentType ?? (typeof recording.body === "string" ? "text/plain" : "application/json");
    const media: Node = content[mediaType] ?? (content[mediaType] = {});
    const name = recordedExampleName(recording.label ?? "");
    media.examples = { ...(media.examples ?? {}), [name]: { summary: `Recorded from ${recording.label} at ${recording.recordedAt}`, value: recording.body } };
    names.add(name);
    const violations = bodyViolations(responseValidators, recording.operationId as OperationId, recording.status, mediaType, recording.body) ?? [];
    if (violations.length > 0) {
      anyBroken = true;
      const shown = describeViolations(violations.slice(0, 5)) + (violations.length > 5 ? `; and ${violations.length - 5} more` : "");
      log(`${file}: served as ${name} although it breaks the contract (${violations.length} violation(s): ${shown}), because it is what the platform answered`);
    }
  }
  return { names: [...names], anyBroken };
}

function operationOf(spec: Node, operationId: string): Node | undefined {
  try {
    return findOperation(spec, operationId).operation as Node;
  } catch {
    return undefined;
  }
}
