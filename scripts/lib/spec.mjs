// JSON-pointer navigation of a bundled spec, shared by the scripts. A bundle holds only local
// $refs, so these never load a file.

/** A path segment as a JSON-pointer token (RFC 6901). */
export function escapePointer(segment) {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The tokens of a local `#/…` pointer, unescaped. */
export function decodePointer(pointer) {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The node a local `#/…` pointer names, or undefined. */
export function pointer(spec, ref) {
  return decodePointer(ref).reduce((node, key) => node?.[key], spec);
}

/** Follows `$ref`s until a node that is not one; undefined for a dangling one; `maxHops` stops cycles. */
export function deref(spec, node, maxHops = 20) {
  for (let hops = 0; node && typeof node.$ref === "string"; hops++) {
    if (!node.$ref.startsWith("#/") || hops >= maxHops) return undefined;
    node = pointer(spec, node.$ref);
  }
  return node;
}

/** Every operation with an operationId: its path template, method, operation and path item. */
export function* operations(spec) {
  for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (operation && typeof operation === "object" && operation.operationId) yield { path, method, operation, pathItem };
    }
  }
}

export function findOperation(spec, operationId) {
  for (const found of operations(spec)) if (found.operation.operationId === operationId) return found;
  throw new Error(`the spec has no operation ${operationId}`);
}
