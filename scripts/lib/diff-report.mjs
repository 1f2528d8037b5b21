// Turns the JSON report of `redocly diff --format json` into plain lines, one per breaking change,
// each saying where it is (operation, request part, field) in words rather than a JSON pointer.

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** The breaking ("major") verdicts of a report, as `{ where, message, ruleId }`. */
export function breakingChanges(report, specs) {
  const out = [];
  for (const change of report.changes) {
    if (change.impact !== "major") continue;
    // A removed thing exists only in the base; anything else is best named from the revision.
    const spec = change.kind === "removed" ? specs.base : specs.head;
    const where = describeLocation(change, spec);
    const verdicts = change.verdicts.filter((v) => v.impact === "major");
    // redocly derives a change's impact from its verdicts; keep a line even if that ever changes.
    if (!verdicts.length) out.push({ where, message: `${change.kind}`, ruleId: "unknown" });
    for (const v of verdicts) out.push({ where, message: v.message, ruleId: v.ruleId });
  }
  return out;
}

export function formatChange({ where, message, ruleId }) {
  return `${where}: ${message} (${ruleId})`;
}

/** `POST /a/{id}, response 200 application/json, field data.mockId` from the change's pointer. */
export function describeLocation(change, spec) {
  const segments = decodePointer(change.path);
  const parts = [];
  if (segments[0] === "paths" && segments.length > 1) {
    const [, pathName, method] = segments;
    const isOperation = METHODS.has(method);
    parts.push(isOperation ? `${method.toUpperCase()} ${pathName}` : pathName);
    parts.push(...describeInOperation(segments.slice(isOperation ? 3 : 2), segments.slice(0, isOperation ? 3 : 2), spec));
  } else {
    parts.push(segments.join("/") || "document");
  }
  if (change.kind === "modified" && change.property) parts.push(`keyword ${change.property}`);
  return parts.join(", ");
}

function describeInOperation(rest, prefix, spec) {
  const [head, key, ...tail] = rest;
  if (head === "parameters" && key !== undefined) {
    const param = resolve(spec, [...prefix, head, key]);
    const label = param?.name ? `${param.in ?? ""} parameter ${param.name}`.trim() : `parameter #${key}`;
    return [label, ...field(tail.slice(1))]; // tail starts with "schema"
  }
  if (head === "requestBody") {
    // requestBody/content/<media type>/schema/...
    return [["request body", rest[2]].filter(Boolean).join(" "), ...field(rest.slice(4))];
  }
  if (head === "responses" && key !== undefined) {
    if (tail[0] === "headers") return [`response ${key}`, `header ${tail[1]}`];
    // responses/<code>/content/<media type>/schema/...
    return [["response", key, tail[1]].filter(Boolean).join(" "), ...field(tail.slice(3))];
  }
  return rest.length ? [rest.join("/")] : [];
}

/** Schema segments → `field data.mockId`; combinators and array items stay visible. */
function field(schemaSegments) {
  const names = [];
  for (let i = 0; i < schemaSegments.length; i++) {
    const s = schemaSegments[i];
    if (s === "properties") names.push(schemaSegments[++i]);
    else if (s === "items") names.push("[]");
    else if (s === "additionalProperties") names.push("*");
    else if (["allOf", "oneOf", "anyOf"].includes(s)) names.push(`${s}[${schemaSegments[++i]}]`);
    else names.push(s);
  }
  return names.length ? [`field ${names.join(".").replaceAll(".[]", "[]")}`] : [];
}

function decodePointer(pointer) {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The node at `segments` in a bundled spec, following local $refs (bundles have only those). */
function resolve(spec, segments, depth = 0) {
  let node = spec;
  for (const s of segments) {
    node = deref(spec, node, depth)?.[s];
    if (node === undefined) return undefined;
  }
  return deref(spec, node, depth);
}

// `depth` stops a $ref cycle from recursing forever; a name is only a nicety, so give up quietly.
function deref(spec, node, depth) {
  if (!node || typeof node.$ref !== "string" || !node.$ref.startsWith("#")) return node;
  return depth > 20 ? undefined : resolve(spec, decodePointer(node.$ref), depth + 1);
}
