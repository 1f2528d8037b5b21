// Which names each TypeScript module exports, and which names other modules take from it: read
// with TypeScript's parser (syntax only, no type check), for the test that finds exports nothing uses.
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Taken from a module by a namespace import, `export *` or a dynamic import/require: all of its names. */
export const EVERY_NAME = "*";

export interface ExportedNames {
  /** module → the names it declares with `export` */
  exported: Map<string, Set<string>>;
  /** module → the names other modules import or re-export from it (EVERY_NAME: all) */
  taken: Map<string, Set<string>>;
}

/** Reads `files` (paths relative to `root`, "/"-separated); specifiers resolve among them only. */
export function exportedNames(root: string, files: readonly string[]): ExportedNames {
  const known = new Set(files);
  const exported = new Map<string, Set<string>>();
  const taken = new Map<string, Set<string>>();
  const take = (module: string | undefined, name: string) => {
    if (module === undefined) return;
    if (!taken.has(module)) taken.set(module, new Set());
    taken.get(module)!.add(name);
  };
  const resolve = (from: string, specifier: string) => {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix.join(path.posix.dirname(from), specifier).replace(/\.js$/, "");
    return [`${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
  };
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const module = resolve(file, node.moduleSpecifier.text);
        const bindings = node.importClause?.namedBindings;
        if (node.importClause?.name) take(module, "default");
        if (bindings && ts.isNamespaceImport(bindings)) take(module, EVERY_NAME);
        else for (const element of bindings?.elements ?? []) take(module, (element.propertyName ?? element.name).text);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const module = resolve(file, node.moduleSpecifier.text);
        if (!node.exportClause || ts.isNamespaceExport(node.exportClause)) take(module, EVERY_NAME);
        else
          for (const element of node.exportClause.elements) take(module, (element.propertyName ?? element.name).text);
      } else if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
          (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        take(resolve(file, node.arguments[0].text), EVERY_NAME);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    const names = new Set<string>();
    for (const statement of source.statements) {
      const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
      if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (ts.isVariableStatement(statement))
        for (const declaration of statement.declarationList.declarations) names.add(declaration.name.getText(source));
      else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement)) &&
        statement.name
      )
        names.add(statement.name.text);
    }
    exported.set(file, names);
  }
  return { exported, taken };
}
