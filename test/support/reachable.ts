// A walk over a graph given by its edges, for the tests that follow imports from an entry.

/** Every node reachable from `start` (itself included) along `next`, each visited once. */
export function reachable(start: string, next: (node: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (node: string) => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const after of next(node)) visit(after);
  };
  visit(start);
  return seen;
}
