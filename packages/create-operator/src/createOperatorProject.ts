/** Writes a new operator project: the template renamed for a kind, group and version, plus its tsconfig and .gitignore. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CreateOperatorUsageError, checkNames, createOperatorDefaults } from './createOperatorArgs.js';
import { type OperatorNames, operatorNames } from './operatorNames.js';
import { type DependencyVersions, renameText, renderManifest, sortRoleRules } from './renderTemplate.js';
import { templateDir, templateFiles } from './templateFiles.js';

/** Options of {@link createOperatorProject}. */
export interface CreateOperatorProjectOptions {
  /** Where to write the project; its last segment becomes the package name. Relative paths start at `cwd`. */
  readonly directory: string;
  /** The custom resource's kind, PascalCase. @default 'WebApp' */
  readonly kind?: string;
  /** The custom resource's API group, a DNS subdomain. @default 'example.com' */
  readonly group?: string;
  /** The custom resource's API version. @default 'v1' */
  readonly version?: string;
  /** Write into a directory that is not empty, replacing files of the same name. @default false */
  readonly force?: boolean;
  /** The directory a relative `directory` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** What {@link createOperatorProject} wrote. */
export interface CreatedOperatorProject {
  /** The project's absolute path. */
  readonly directory: string;
  /** Every name derived from the kind, group and version. */
  readonly names: OperatorNames;
  /** The files written, relative to `directory`, sorted. */
  readonly files: readonly string[];
}

// Replaced when built (tsup.config.ts) and tested (vitest.config.ts) by versions.config.ts's dependencyVersions().
declare const __DSOI_DEPENDENCY_VERSIONS__: DependencyVersions;

/** The TypeScript settings of a scaffolded project: the repository's own, standalone. */
const tsconfig = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    // Relative imports name the .ts file, so Node runs the sources and `dsoi generate` imports them as they are.
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['src', 'test', '*.ts'],
};

/**
 * Writes a standalone operator project for one custom resource. Refuses (with a `CreateOperatorUsageError` naming
 * the option) a bad kind, group or version, a directory name that cannot be a package name, and a directory that is
 * not empty unless `force`; in that case nothing is written.
 */
export function createOperatorProject(options: CreateOperatorProjectOptions): CreatedOperatorProject {
  const {
    directory,
    kind = createOperatorDefaults.kind,
    group = createOperatorDefaults.group,
    version = createOperatorDefaults.version,
    force = false,
    cwd = process.cwd(),
  } = options;
  checkNames(kind, group, version);
  const target = resolve(cwd, directory);
  if (!force && existsSync(target) && readdirSync(target).length > 0) {
    throw new CreateOperatorUsageError('<directory>', `${target} is not empty (--force writes into it anyway)`);
  }
  const names = operatorNames(kind, group, version);
  const files = renderProject(names, basename(target), __DSOI_DEPENDENCY_VERSIONS__);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), content);
  }
  return { directory: target, names, files: [...files.keys()].sort() };
}

/** Every file of the new project: path → content. */
export function renderProject(
  names: OperatorNames,
  packageName: string,
  versions: DependencyVersions,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of templateFiles) {
    const text = readFileSync(join(templateDir(), path), 'utf8');
    const renamed = renameText(text, names);
    files.set(
      renameText(path, names),
      path === 'package.json'
        ? renderManifest(text, names, packageName, versions)
        : path.endsWith('/role.yaml')
          ? sortRoleRules(renamed)
          : renamed,
    );
  }
  files.set('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);
  files.set('.gitignore', 'node_modules/\n');
  return files;
}
