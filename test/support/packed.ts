// The package as npm publishes it, for the package tier: `npm pack` of the repository (built by
// jest's global setup), and npm run quietly in a consumer's project.
import { readFileSync } from "node:fs";
import path from "node:path";
import { run, type Run } from "./children";
import { repoRoot } from "./spec";

/** npm in CWD, without its audit, funding and progress noise. */
export const npm = (args: string[], cwd: string): Promise<Run> =>
  run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd });

/** The repository's devDependencies' ranges: the versions this package is developed with. */
export const devDependencies = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"))
  .devDependencies as Record<string, string>;

/** Packs the repository into DIR: the tarball's path and the files it holds. */
export async function packInto(dir: string): Promise<{ tarball: string; files: string[] }> {
  // jest's global setup has just built dist/, so packing skips the prepack build.
  const pack = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], repoRoot);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path) };
}
