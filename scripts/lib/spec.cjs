// JSON-pointer navigation of a bundled spec, and the examples in it: the one copy the scripts
// (ESM, `import … from "./lib/spec.cjs"`) and the tests (compiled to CommonJS by ts-jest, which
// cannot load ESM) both use. CommonJS is what both can load; its types are in spec.d.cts.
// A bundle holds only local $refs, so nothing here loads a file but the bundle itself.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

const repoRoot = path.resolve(__dirname, "../..");
exports.repoRoot = repoRoot;
exports.specPath = path.join(repoRoot, "generated/openapi.json");

/** The bundled spec (generated/openapi.json unless told otherwise). */
exports.loadSpec = function loadSpec(file = exports.specPath) {
  return JSON.parse(readFileSync(file, "utf8"));
};

/** A path segment as a JSON-pointer token (RFC 6901). */
exports.escapePointer = function escapePointer(segment) {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
};

/** The tokens of a local `#/…` pointer, unescaped. */
exports.decodePointer = function decodePointer(pointer) {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
};

/** The node a local `#/…` pointer names, or undefined. */
exports.pointer = function pointer(spec, ref) {
  return exports
    .decodePointer(ref)
    .reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), spec);
};

/** Follows `$ref`s until a node that is not one; undefined for a dangling one; `maxHops` stops cycles. */
exports.deref = function deref(spec, node, maxHops = 20) {
  for (let hops = 0; node && typeof node.$ref === "string"; hops++) {
    if (!node.$ref.startsWith("#/") || hops >= maxHops) return undefined;
    node = exports.pointer(spec, node.$ref);
  }
  return node;
};

/** Every operation with an operationId: its path template, method, operation and path item. */
exports.operations = function* operations(spec) {
  for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (operation && typeof operation === "object" && operation.operationId)
        yield { path, method, operation, pathItem };
    }
  }
};

exports.findOperation = function findOperation(spec, operationId) {
  for (const found of exports.operations(spec)) if (found.operation.operationId === operationId) return found;
  throw new Error(`the spec has no operation ${operationId}`);
};

/** The `example` of an operation's parameter (path, query, header or cookie), by name. */
exports.parameterExample = function parameterExample(spec, operationId, name) {
  const { operation, pathItem } = exports.findOperation(spec, operationId);
  const param = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]
    .map((p) => exports.deref(spec, p))
    .find((p) => p.name === name);
  if (!param) throw new Error(`${operationId} has no parameter ${name}`);
  return param.example;
};

/** The named examples of an operation's answer for a status and media type: { name: value }. */
exports.responseExamples = function responseExamples(spec, operationId, status, mediaType = "application/json") {
  const { operation } = exports.findOperation(spec, operationId);
  const response = exports.deref(spec, operation.responses?.[String(status)]);
  const examples = response?.content?.[mediaType]?.examples ?? {};
  return Object.fromEntries(
    Object.entries(examples).map(([name, example]) => [name, exports.deref(spec, example).value]),
  );
};
