/**
 * Figures of the code's shape that reviews keep asking for, read from the sources (syntax only, no type-check): the
 * runtime names of every published entry, functions longer than a screen, and casts that bridge object shapes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { EntryPoint } from './entryPoints.ts';

/** What one published entry exports at run time. */
export interface EntrySurface {
  /** The import path, e.g. `@dsoi/client/errors`. */
  readonly importPath: string;
  /** The names a program can import as values (functions, classes, constants), sorted. */
  readonly runtimeNames: readonly string[];
  /** Names a user reads about: the runtime names and the exported types. */
  readonly typeNames: readonly string[];
}

/** A function (declaration, expression, arrow, method, accessor or constructor) and its length in lines. */
export interface LongFunction {
  /** `path:line` relative to the repository root. */
  readonly where: string;
  /** The function's name where it has one (its variable, property or method name), else `(anonymous)`. */
  readonly name: string;
  /** Lines from its first to its last, both included. */
  readonly lines: number;
}

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

const hasExport = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/**
 * The runtime and type names `entry` exports. Entries list their names explicitly (`export { a } from`,
 * `export type { T } from`, or declarations); an `export *` is refused, as the review asks for an explicit list.
 *
 * @throws Error naming the entry when it uses `export *`.
 */
export function entrySurface(entry: EntryPoint): EntrySurface {
  const runtime = new Set<string>();
  const types = new Set<string>();
  for (const statement of parse(entry.source).statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
        throw new Error(`${entry.importPath}: export * hides what the entry exports; list the names`);
      }
      for (const element of statement.exportClause.elements) {
        (statement.isTypeOnly || element.isTypeOnly ? types : runtime).add(element.name.text);
      }
    } else if (hasExport(statement)) {
      if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
        types.add(statement.name.text);
      } else if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) runtime.add(d.name.text);
      } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
        runtime.add((statement.name as ts.Identifier).text);
      }
    }
  }
  return {
    importPath: entry.importPath,
    runtimeNames: [...runtime].sort(),
    typeNames: [...runtime, ...types].sort(),
  };
}

/** The `.ts` files below `dir` that are not tests (`*.test.ts`, `*.test-d.ts`, `test/`, `examples/`, `template/`). */
export function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'test', 'examples', 'template', 'coverage'].includes(entry.name)) {
        found.push(...sourceFiles(path));
      }
    } else if (
      /\.(m|c)?ts$/.test(entry.name) &&
      !/\.test(-d)?\.ts$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts')
    ) {
      found.push(path);
    }
  }
  return found.sort();
}

function functionName(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isPrivateIdentifier(named.name))) return named.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

/**
 * Every function in the `src/` files under `root`'s `packages/`, `apps/` and `tools/` (tests left out) longer than
 * `maxLines`, longest first. A nested function counts inside its outer one too: a 250-line closure is one long
 * function however it is split inside.
 */
export function longFunctions(root: string, maxLines: number): LongFunction[] {
  const found: LongFunction[] = [];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const project of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!project.isDirectory()) continue;
      const src = join(root, group, project.name, 'src');
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        continue;
      }
      for (const file of files) {
        const source = parse(file);
        const visit = (node: ts.Node) => {
          if (ts.isFunctionLike(node) && 'body' in node && node.body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
            const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            const lines = last - first + 1;
            if (lines > maxLines) {
              found.push({ where: `${relative(root, file)}:${first + 1}`, name: functionName(node), lines });
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
    }
  }
  return found.sort((a, b) => b.lines - a.lines || a.where.localeCompare(b.where));
}

/** The non-test source files of every project under `root`'s `packages/` and `apps/` (those with a `src/`). */
function productSourceFiles(root: string): string[] {
  const found: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const project of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!project.isDirectory()) continue;
      try {
        found.push(...sourceFiles(join(root, group, project.name, 'src')));
      } catch {
        // A project without src/ has no sources to read.
      }
    }
  }
  return found;
}

/**
 * The casts that bridge one object shape to another in the non-test sources of `packages/` and `apps/`:
 * `as unknown as` and `as KubeObject`, each with its `path:line`.
 */
export function shapeCasts(root: string): string[] {
  const found: string[] = [];
  for (const file of productSourceFiles(root)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/\bas unknown as\b|\bas KubeObject\b/.test(line)) found.push(`${relative(root, file)}:${i + 1}`);
      });
  }
  return found;
}

/**
 * The imports and re-exports of `moduleName` in the non-test sources of `packages/` and `apps/` that are not
 * type-only (`import type` / `export type` on the whole statement), each with its `path:line`. Under
 * `verbatimModuleSyntax` an `import { type X }` still loads the module, so only the statement form counts.
 */
export function runtimeImports(root: string, moduleName: string): string[] {
  const found: string[] = [];
  for (const file of productSourceFiles(root)) {
    const source = parse(file);
    for (const statement of source.statements) {
      const typeOnly = ts.isImportDeclaration(statement)
        ? statement.importClause?.isTypeOnly === true
        : ts.isExportDeclaration(statement) && statement.isTypeOnly;
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (specifier && ts.isStringLiteral(specifier) && specifier.text === moduleName && !typeOnly) {
        const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line;
        found.push(`${relative(root, file)}:${line + 1}`);
      }
    }
  }
  return found;
}
