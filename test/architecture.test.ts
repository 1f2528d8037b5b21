// The rule of imports (src/README.md), read off the source: each module imports only from its own
// layer or below, no two modules import each other (directly or round a loop, types included), and
// the root entry loads only the client's modules, generated code and openapi-fetch.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { EVERY_NAME, exportedNames } from "./support/exported-names";
import { reachable } from "./support/reachable";
import { repoRoot } from "./support/spec";

/** Layers, lowest first; the longest matching prefix places a module. */
const LAYERS: [prefix: string, rank: number][] = [
  ["src/util/", 0],
  ["src/contract/types.ts", 1],
  ["src/errors/", 2],
  ["src/contract/", 3],
  // The wire: how a request travels and what any answer becomes; auth's token steps use it too.
  ["src/http/", 4],
  ["src/auth/", 5],
  ["src/client/", 6],
  ["src/tools/spec/", 7],
  ["src/tools/usage.ts", 7],
  ["src/tools/close-within.ts", 7],
  ["src/tools/relay.ts", 7],
  ["src/tools/recording/", 8],
  ["src/tools/mock/", 9],
  ["src/tools/verify/", 10],
  ["src/tools/cli/", 11],
  ["src/", 12], // the entries: index.ts, mock.ts, msw.ts, cli.ts
];

function rank(file: string): number {
  const hit = LAYERS.filter(([prefix]) => file === prefix || file.startsWith(prefix)).sort(
    (a, b) => b[0].length - a[0].length,
  )[0];
  if (!hit) throw new Error(`${file} is in no layer: add its folder to LAYERS and src/README.md`);
  return hit[1];
}

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(`${dir}/${entry.name}`)
      : /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")
        ? [`${dir}/${entry.name}`]
        : [],
  );
}

/** Every module a source names in an import, export … from, or import(): relative ones resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(repoRoot, file), "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map(
    (m) => m[1]!,
  );
  return specifiers.map((spec) =>
    spec.startsWith(".")
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, ".ts")
      : spec,
  );
}

/** What package.json's exports name: their exports are the public API. */
const ENTRIES = ["src/index.ts", "src/mock.ts", "src/msw.ts", "src/cli.ts"];
const files = sources("src");
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe("the rule of imports", () => {
  it("reads the whole of src/ (a parse that found nothing would pass every rule)", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(graph.get("src/index.ts")!.length).toBeGreaterThan(2);
  });

  it("every module imports only from its own layer or below", () => {
    const upward = files.flatMap((file) =>
      graph
        .get(file)!
        .filter((target) => target.startsWith("src/") && rank(target) > rank(file))
        .map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("the bin's own modules (tools/cli) are imported by nothing but the bin", () => {
    const intoCli = files.flatMap((file) =>
      file.startsWith("src/tools/cli/") || file === "src/cli.ts"
        ? []
        : graph
            .get(file)!
            .filter((t) => t.startsWith("src/tools/cli/"))
            .map((t) => `${file} → ${t}`),
    );
    expect(intoCli).toEqual([]);
  });

  it("has no import cycle, type imports included", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("the root entry loads only the client's modules, generated code and openapi-fetch", () => {
    const externals = new Set<string>();
    const seen = reachable("src/index.ts", (file) =>
      (graph.get(file) ?? []).filter((next) => {
        if (graph.has(next)) return true;
        if (!next.startsWith("src/"))
          externals.add(next.startsWith("generated/") || next.includes("/generated/") ? "generated" : next);
        return false;
      }),
    );
    expect([...seen].filter((file) => file.startsWith("src/tools/"))).toEqual([]);
    expect([...externals].filter((name) => !name.startsWith("generated") && !name.endsWith("generated"))).toEqual([
      "openapi-fetch",
    ]);
    // and it does reach the client: the walk followed the imports
    expect([...seen]).toEqual(
      expect.arrayContaining(["src/client/create-client.ts", "src/auth/tokens.ts", "src/errors/redaction/redactor.ts"]),
    );
  });

  it("every name a module of src/ exports is taken by another module (src/ or test/), or is public through an entry", () => {
    const names = exportedNames(repoRoot, [...files, ...sources("test")]);
    expect(names.exported.get("src/client/create-client.ts")).toContain("createOperationsManagerClient");
    const unused = files
      .filter((file) => !ENTRIES.includes(file) && !names.taken.get(file)?.has(EVERY_NAME))
      .flatMap((file) =>
        [...(names.exported.get(file) ?? [])]
          .filter((name) => !names.taken.get(file)?.has(name))
          .map((name) => `${file}: ${name}`),
      );
    expect(unused).toEqual([]);
  });

  it("src/README.md names every module of src/, in its folder, and nothing that is gone", () => {
    const readme = readFileSync(path.join(repoRoot, "src/README.md"), "utf8");
    const tree = readme.slice(readme.indexOf("```"), readme.lastIndexOf("```"));
    // Each line of the tree starts with a folder ("name/") or a module ("name.ts"), indented two
    // spaces under its folder; what follows it on the line is what it holds.
    const named = new Set<string>();
    const folders: string[] = [];
    for (const line of tree.split("\n").slice(1)) {
      const name = /^( *)([\w-]+(?:\/|\.ts))(?:\s|$)/.exec(line);
      if (!name) continue;
      folders.length = name[1]!.length / 2;
      if (name[2]!.endsWith("/")) folders.push(name[2]!.slice(0, -1));
      else named.add(["src", ...folders, name[2]].join("/"));
    }
    const modules = files.filter((file) => !ENTRIES.includes(file));
    const unnamed = modules.filter((file) => !named.has(file));
    expect(unnamed).toEqual([]);
    expect([...named].filter((name) => name.endsWith(".ts") && !files.includes(name))).toEqual([]);
  });
});
