// The finish body's checks, before anything is sent. JSON Schema judges the contract; what it
// cannot say is said here: the body and its taskData are plain objects (a Date, a Map or a class
// instance would be sent changed or emptied) and serialisable. The contract then judges the value
// parsed back from the exact JSON that is sent, so nothing a getter, a Proxy or a toJSON does
// between the check and the sending can slip past it (one JSON.parse of a small body).
import { refusedCall } from "../errors/operations-manager-error.js";
import type { FinishManualTaskBody } from "../contract/types.js";
import { checkRequestBody } from "../contract/validation.js";
import { isPlainObject, kindOf } from "../util/values.js";
import { noRedaction, type Redactor } from "../errors/redaction/redactor.js";
import { describeCause } from "../errors/redaction/causes.js";

/** The body as it will be sent: `json`, exactly the bytes sent, and `body`, its value read back. */
export function checkFinishBody(
  body: unknown,
  redact: Redactor = noRedaction,
): { body: FinishManualTaskBody; json: string } {
  const refuse = (message: string) => refusedCall("finishManualTask", message);
  if (body === undefined) return { body: {}, json: "{}" };
  if (!isPlainObject(body)) throw refuse(`body must be a plain object { taskData? }, got ${kindOf(body)}`);
  const taskData = body.taskData;
  if (taskData !== undefined && !isPlainObject(taskData))
    throw refuse(`taskData must be a plain object, got ${kindOf(taskData)}`);
  let json: unknown;
  try {
    json = JSON.stringify(body, refuseMapsAndSets);
  } catch (error) {
    throw refuse(`body cannot be serialized to JSON (${describe(error, redact)})`);
  }
  if (typeof json !== "string") throw refuse("body serializes to nothing");
  const sent = JSON.parse(json) as unknown;
  checkRequestBody("finishManualTask", json, undefined, () => sent, redact);
  return { body: sent as FinishManualTaskBody, json };
}

/** A Map or a Set has no JSON form: JSON.stringify would send it as {} and lose its entries. */
function refuseMapsAndSets(key: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    const tag = Object.prototype.toString.call(value);
    if (tag === "[object Map]" || tag === "[object Set]") {
      throw new TypeError(
        `a ${tag.slice(8, -1)}${key ? ` at ${JSON.stringify(key.slice(0, 80))}` : ""} has no JSON form; it would be sent as {}`,
      );
    }
  }
  return value;
}

/** A thrown error (a getter's, a Proxy trap's, a toJSON's) in a line: scrubbed of the call's secrets, cut, and scrubbed again (a cut may leave a short secret standing as a word). */
function describe(error: unknown, redact: Redactor): string {
  return redact(describeCause(error, redact).split("\n")[0]!.slice(0, 200));
}
