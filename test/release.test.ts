// Release bookkeeping: the API version is mirrored in package.json, and the package version has
// its CHANGELOG.md section (Keep a Changelog: "## [x.y.z]", optionally " - date").
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadSpec, repoRoot } from "./support/spec";

const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  version: string;
  "x-api-version"?: string;
};
const changelog = readFileSync(path.join(repoRoot, "CHANGELOG.md"), "utf8");
const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$/gm)].map((m) => m[1]);

it("package.json's x-api-version is the bundled spec's info.version", () => {
  const info = loadSpec().info as { version: string };
  expect(pkg["x-api-version"]).toBeDefined();
  expect(pkg["x-api-version"]).toBe(info.version);
});

it("CHANGELOG.md has a section for package.json's version, under [Unreleased]", () => {
  expect(sections[0]).toBe("Unreleased");
  expect(sections).toContain(pkg.version);
});
