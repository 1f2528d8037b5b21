// Shipped size: the built root entry bundled and minified by esbuild (ESM), then gzip -9.
import { build } from "esbuild";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../lib/run.mjs";

async function gzippedBundle({ entry, contents, external = [], platform }) {
  const result = await build({
    absWorkingDir: repoRoot,
    ...(entry ? { entryPoints: [entry] } : { stdin: { contents, resolveDir: repoRoot, loader: "js" } }),
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    external,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const modules = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => [file.replace(/^.*node_modules\//, "node_modules/"), bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, modules };
}

/** Sizes in bytes, for platform "neutral" (and "node" alongside, as a check). */
export async function sizes() {
  const entry = path.join(repoRoot, "dist/esm/src/index.js");
  const out = {};
  for (const platform of ["neutral", "node"]) {
    const ours = await gzippedBundle({ entry, external: ["openapi-fetch"], platform });
    const whole = await gzippedBundle({ entry, platform });
    const openapiFetch = await gzippedBundle({ contents: 'export * from "openapi-fetch"; export { default } from "openapi-fetch";', platform });
    out[platform] = {
      ours: { minified: ours.minified, gzip: ours.gzip },
      whole: { minified: whole.minified, gzip: whole.gzip },
      openapiFetch: { minified: openapiFetch.minified, gzip: openapiFetch.gzip },
      oursModules: ours.modules,
    };
  }
  return out;
}
