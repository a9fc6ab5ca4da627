/**
 * Runs typedoc over the published entries: checks that every exported name (and every member of an exported
 * interface, class or enum) has a doc comment, and writes the HTML reference when asked to.
 */
import { Application, type ProjectReflection } from 'typedoc';
import type { EntryPoint } from './entryPoints.ts';

/** Options of {@link apiReference}. */
export interface ApiReferenceOptions {
  /** The entries to document (see `entryPoints`). */
  readonly entries: readonly EntryPoint[];
  /** The tsconfig typedoc compiles the sources with. */
  readonly tsconfig: string;
  /** Where to write the HTML reference. @default none: check only */
  readonly out?: string;
}

/** What typedoc found. */
export interface ApiReferenceReport {
  /** One line per exported name without a doc comment, e.g. `@dsoi/reconcile.ChildCache.get`. */
  readonly undocumented: readonly string[];
  /** Every other validation warning (a broken `{@link}`, ...) and every error, as typedoc words them. */
  readonly problems: readonly string[];
}

/**
 * Converts the entries with typedoc, validates the result (`notDocumented`, `invalidLink`) and renders it to `out`.
 * Each module is named after its import path (`@dsoi/envtest/testing`), not its folder.
 */
export async function apiReference({ entries, tsconfig, out }: ApiReferenceOptions): Promise<ApiReferenceReport> {
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((e) => e.source),
    entryPointStrategy: 'resolve',
    tsconfig,
    readme: 'none',
    name: 'dsoi API reference',
    excludePrivate: true,
    excludeInternal: true,
    // notExported would flag internal types that an export mentions; the packages keep those private on purpose.
    validation: { notDocumented: true, invalidLink: true, notExported: false },
    // Every exported name and every method; data fields of an exported interface are documented where they need it
    // (options fields always, by convention), which typedoc cannot tell apart from fields that mirror Kubernetes.
    requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias', 'Method', 'Accessor'],
    // typedoc checks only the package it runs in unless told which: here, every package an entry belongs to.
    packagesRequiringDocumentation: [...new Set(entries.map((e) => e.packageName))],
    logLevel: 'Error',
    // The undocumented names are read from typedoc's English message.
    lang: 'en',
  });
  const undocumented: string[] = [];
  const problems: string[] = [];
  const validationWarning = app.logger.validationWarning.bind(app.logger);
  app.logger.validationWarning = ((text: string, ...rest: never[]) => {
    const missing = /^(.+?) \(\w+\), defined in .*, does not have any documentation$/.exec(text);
    if (missing?.[1]) undocumented.push(missing[1]);
    else problems.push(text);
    return validationWarning(text, ...rest);
  }) as typeof app.logger.validationWarning;
  const project = await app.convert();
  if (!project) return { undocumented, problems: [...problems, 'typedoc could not convert the sources (see above)'] };
  nameModules(project, entries);
  app.validate(project);
  if (out) await app.generateDocs(project, out);
  return { undocumented: undocumented.sort(), problems };
}

/** Names each module after the import path whose source it was made from. */
function nameModules(project: ProjectReflection, entries: readonly EntryPoint[]): void {
  for (const module of project.children ?? []) {
    const file = module.sources?.[0]?.fullFileName;
    const entry = entries.find((e) => e.source === file);
    if (entry) module.name = entry.importPath;
  }
}
