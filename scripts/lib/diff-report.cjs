// Turns the JSON report of `redocly diff --format json` into plain lines, one per breaking change,
// each saying where it is (operation, request part, field) in words rather than a JSON pointer, and
// weighs them against the reviewed allow-list. No file, process or git here: the gate
// (scripts/breaking.mjs) does the I/O, and the tests call this in-process, which is why it is
// CommonJS (ts-jest compiles the tests to CommonJS, which cannot load ESM); types in diff-report.d.cts.
"use strict";
const { decodePointer, deref } = require("./spec.cjs");

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** The breaking ("major") verdicts of a report, as `{ where, message, ruleId }`. */
function breakingChanges(report, specs) {
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

function formatChange({ where, message, ruleId }) {
  return `${where}: ${message} (${ruleId})`;
}

/** `POST /a/{id}, response 200 application/json, field data.mockId` from the change's pointer. */
function describeLocation(change, spec) {
  const segments = decodePointer(change.path);
  const parts = [];
  if (segments[0] === "paths" && segments.length > 1) {
    const [, pathName, method] = segments;
    const isOperation = METHODS.has(method);
    parts.push(isOperation ? `${method.toUpperCase()} ${pathName}` : pathName);
    parts.push(
      ...describeInOperation(segments.slice(isOperation ? 3 : 2), segments.slice(0, isOperation ? 3 : 2), spec),
    );
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

/** The node at `segments` in a bundled spec, following $refs on the way. */
function resolve(spec, segments) {
  let node = spec;
  for (const s of segments) {
    node = deref(spec, node)?.[s];
    if (node === undefined) return undefined;
  }
  return deref(spec, node);
}

// ── Accepted breaking changes ─────────────────────────────────────────────────────────────────
// The reviewed allow-list (scripts/breaking-accepted.jsonc): JSON, plus whole-line // comments.

const ENTRY_KEYS = ["rule", "location", "change", "reason"];

/**
 * Parses and checks the allow-list's text: `{ base, accepted: [{ rule, location, change, reason }] }`.
 * Returns `{ base, entries }`; throws an Error naming the file (`label`) and the entry for anything
 * malformed, since a misspelt key must not quietly accept nothing (or everything).
 */
function parseAccepted(text, label) {
  // Blank the comment lines rather than dropping them, so that JSON.parse's positions stay right.
  const json = text.replace(/^[ \t]*\/\/.*$/gm, (line) => " ".repeat(line.length));
  let doc;
  try {
    doc = JSON.parse(json);
  } catch (error) {
    throw new Error(`${label} is not JSON (with whole-line // comments): ${error.message}`, { cause: error });
  }
  const problem = (what) => new Error(`${label}: ${what}`);
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw problem("must be an object { base, accepted }");
  for (const key of Object.keys(doc)) if (!["base", "accepted"].includes(key)) throw problem(`unknown member "${key}"`);
  if (typeof doc.base !== "string" || !doc.base.trim())
    throw problem(`"base" must name the git commit the changes are accepted against`);
  if (!Array.isArray(doc.accepted)) throw problem(`"accepted" must be an array`);
  const seen = new Set();
  const entries = doc.accepted.map((entry, i) => {
    const name = `entry ${i + 1}`;
    if (!entry || typeof entry !== "object" || Array.isArray(entry))
      throw problem(`${name} must be an object { rule, location, change, reason }`);
    for (const key of Object.keys(entry))
      if (!ENTRY_KEYS.includes(key)) throw problem(`${name} has an unknown member "${key}"`);
    for (const key of ENTRY_KEYS) {
      if (typeof entry[key] !== "string" || !entry[key].trim()) throw problem(`${name} needs a non-empty "${key}"`);
    }
    const key = acceptKey(entry);
    if (seen.has(key)) throw problem(`${name} repeats ${entry.rule} at ${entry.location}`);
    seen.add(key);
    return {
      rule: entry.rule,
      location: entry.location,
      change: entry.change,
      reason: entry.reason.replace(/\s+/g, " ").trim(),
    };
  });
  return { base: doc.base.trim(), entries };
}

// The change's own words carry its before and after values: an entry accepts that change and no
// later one at the same place (a type widened again, a bound moved further).
const acceptKey = ({ rule, location, change }) => `${rule}\u0000${location}\u0000${change}`;

/**
 * Splits breaking changes into those an entry accepts (exact rule id, location and change, as
 * formatChange prints them; no patterns) and the rest, and names the entries that accept nothing.
 */
function applyAccepted(changes, entries) {
  const byKey = new Map(entries.map((entry) => [acceptKey(entry), entry]));
  const used = new Set();
  const accepted = [];
  const unaccepted = [];
  for (const change of changes) {
    const key = acceptKey({ rule: change.ruleId, location: change.where, change: change.message });
    const entry = byKey.get(key);
    if (entry) {
      used.add(key);
      accepted.push({ ...change, reason: entry.reason });
    } else {
      unaccepted.push(change);
    }
  }
  const stale = entries.filter((entry) => !used.has(acceptKey(entry)));
  return { accepted, unaccepted, stale };
}

function formatAccepted(change) {
  return `accepted: ${formatChange(change)} (${change.reason})`;
}

function formatStale(entry, file, since) {
  return `stale: ${file} accepts ${entry.rule} at ${entry.location} ("${entry.change}"), but there is no such change since ${since}: remove or update the entry`;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * The gate's verdict on the breaking changes since `since` (as breakingChanges gives them), weighed
 * against the allow-list's entries from `listFile`: the lines to print, accepted changes and stale
 * entries first, and whether the gate fails. `others` (the non-breaking changes) is named only in
 * the line of a pass.
 */
function gateVerdict({ changes, entries, since, listFile, others = 0 }) {
  const { accepted, unaccepted, stale } = applyAccepted(changes, entries);
  const lines = [...accepted.map(formatAccepted), ...stale.map((entry) => formatStale(entry, listFile, since))];
  if (unaccepted.length) {
    lines.push(`${plural(unaccepted.length, "breaking change", "breaking changes")} since ${since}:`);
    lines.push(...unaccepted.map((change) => `  - ${formatChange(change)}`));
    return { lines, failed: true };
  }
  // An entry that accepts nothing would quietly accept a later, unreviewed change at that place.
  if (stale.length) {
    lines.push(
      `${plural(stale.length, "stale entry", "stale entries")} in ${listFile}: remove ${stale.length === 1 ? "it" : "them"} (see above)`,
    );
    return { lines, failed: true };
  }
  const notes = [
    accepted.length && `other than ${accepted.length} accepted`,
    others && `(${plural(others, "non-breaking change", "non-breaking changes")})`,
  ];
  lines.push([`no breaking changes since ${since}`, ...notes.filter(Boolean)].join(" "));
  return { lines, failed: false };
}

module.exports = { breakingChanges, describeLocation, parseAccepted, gateVerdict };
