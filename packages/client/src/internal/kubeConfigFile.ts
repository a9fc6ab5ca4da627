/**
 * Reads kubeconfig files (KUBECONFIG's list merged as client-go merges it: the first file to name a context,
 * cluster or user wins) and picks the current context's cluster and user, their relative paths made absolute.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { KubeConfigError } from '../kubeConfigError.js';

/** A named entry of `clusters`, `users` or `contexts`, with the directory of the file it came from. */
export interface KubeConfigEntry {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Where it is, for errors: `clusters[prod].cluster`. */
  readonly at: string;
  /** The kubeconfig that holds it: relative file names resolve against its directory. */
  readonly file: string;
}

/** The current context's cluster and user. */
export interface KubeConfigSelection {
  readonly contextName: string;
  readonly cluster: KubeConfigEntry;
  readonly user: KubeConfigEntry;
  /** The file list, for error messages and the client-node fallback. */
  readonly files: readonly string[];
}

interface Merged {
  currentContext?: string;
  readonly clusters: Map<string, KubeConfigEntry>;
  readonly users: Map<string, KubeConfigEntry>;
  readonly contexts: Map<string, KubeConfigEntry>;
}

/** Reads and merges `files` and returns the current context's cluster and user. @throws KubeConfigError */
export async function readKubeConfigFiles(files: readonly string[]): Promise<KubeConfigSelection> {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) mergeDocument(merged, file, await parseFile(file));
  const source = files.join(', ');
  const contextName = merged.currentContext;
  if (contextName === undefined) throw new KubeConfigError(source, 'current-context', 'is not set');
  const context = merged.contexts.get(contextName);
  if (context === undefined) throw new KubeConfigError(source, 'current-context', `no context named "${contextName}"`);
  return {
    contextName,
    cluster: lookUp(merged.clusters, context, 'cluster', source),
    user: lookUp(merged.users, context, 'user', source),
    files,
  };
}

function lookUp(
  entries: Map<string, KubeConfigEntry>,
  context: KubeConfigEntry,
  kind: 'cluster' | 'user',
  source: string,
): KubeConfigEntry {
  const field = `contexts[${context.name}].context.${kind}`;
  const name = context.fields[kind];
  if (typeof name !== 'string' || name === '') throw new KubeConfigError(source, field, 'is not set');
  const entry = entries.get(name);
  if (entry === undefined) throw new KubeConfigError(source, field, `no ${kind} named "${name}"`);
  return entry;
}

async function parseFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new KubeConfigError(file, 'file', `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // Loaded here, not at the top: an operator in a pod reads its service account and never needs a YAML parser.
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: false });
  const error = document.errors[0];
  // The parser's message quotes the source, which may hold a token: report only where it failed.
  if (error) throw new KubeConfigError(file, 'file', `not valid YAML (${error.code} at offset ${error.pos[0]})`);
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new KubeConfigError(file, 'file', 'is not a mapping');
  return value as Record<string, unknown>;
}

function mergeDocument(merged: Merged, file: string, document: Record<string, unknown>): void {
  const current = document['current-context'];
  if (merged.currentContext === undefined && typeof current === 'string' && current !== '') {
    merged.currentContext = current;
  }
  mergeList(merged.clusters, file, document, 'clusters', 'cluster');
  mergeList(merged.users, file, document, 'users', 'user');
  mergeList(merged.contexts, file, document, 'contexts', 'context');
}

function mergeList(
  into: Map<string, KubeConfigEntry>,
  file: string,
  document: Record<string, unknown>,
  list: 'clusters' | 'users' | 'contexts',
  key: 'cluster' | 'user' | 'context',
): void {
  const items = document[list];
  if (items === undefined || items === null) return;
  if (!Array.isArray(items)) throw new KubeConfigError(file, list, 'is not a list');
  items.forEach((item: unknown, i) => {
    const named = item as { name?: unknown; [k: string]: unknown } | null;
    if (typeof named?.name !== 'string' || named.name === '') {
      throw new KubeConfigError(file, `${list}[${i}].name`, 'is not set');
    }
    const fields = named[key] ?? {};
    if (typeof fields !== 'object' || Array.isArray(fields)) {
      throw new KubeConfigError(file, `${list}[${named.name}].${key}`, 'is not a mapping');
    }
    if (!into.has(named.name))
      into.set(named.name, {
        name: named.name,
        fields: fields as Record<string, unknown>,
        at: `${list}[${named.name}].${key}`,
        file,
      });
  });
}

/** `path` as written in the kubeconfig `file`: relative paths are relative to the file's directory (client-go). */
export function resolvePath(file: string, path: string): string {
  return isAbsolute(path) ? path : join(dirname(file), path);
}
