/**
 * Real Helm for the chart tests: the binary built from the Go module proxy by tools/k8s-testbin/build-helm.sh (built
 * on first use, so `npm test` works on a fresh machine), and the few commands the tests run with it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const buildScript = join(import.meta.dirname, '..', 'k8s-testbin', 'build-helm.sh');

// Helm keeps its caches and repository settings here instead of $HOME, so tests leave nothing behind.
const helmHome = mkdtempSync(join(tmpdir(), 'dsoi-helm-'));
let cached: Promise<string> | undefined;

/**
 * The path of the helm binary: `$DSOI_HELM` when set, else the pinned build in the k8s-testbin cache, built first when
 * it is missing (minutes on a cold Go module cache; concurrent callers, in this process or others, wait for one build).
 */
export function helmBinary(): Promise<string> {
  const fromEnv = process.env.DSOI_HELM;
  cached ??=
    fromEnv && fromEnv !== ''
      ? Promise.resolve(fromEnv)
      : run('bash', [buildScript], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).then(
          ({ stdout }) => stdout.trim(),
          (err: unknown) => {
            cached = undefined;
            throw new Error(`building helm failed: ${String((err as { stderr?: string }).stderr ?? err)}`, {
              cause: err,
            });
          },
        );
  return cached;
}

/** A failed helm command, with what it printed. */
export class HelmError extends Error {
  override readonly name = 'HelmError';
  /** The arguments helm ran with. */
  readonly args: readonly string[];
  /** What helm printed on stderr. */
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string, options?: ErrorOptions) {
    super(`helm ${args.join(' ')}: ${stderr.trim()}`, options);
    this.args = args;
    this.stderr = stderr;
  }
}

/** Runs `helm args...` and returns its stdout; rejects with a {@link HelmError} on a non-zero exit. */
export async function helm(args: readonly string[], options: { readonly kubeconfig?: string } = {}): Promise<string> {
  const all = options.kubeconfig ? [...args, '--kubeconfig', options.kubeconfig] : [...args];
  try {
    const { stdout } = await run(await helmBinary(), all, {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, HELM_CACHE_HOME: helmHome, HELM_CONFIG_HOME: helmHome, HELM_DATA_HOME: helmHome },
    });
    return stdout;
  } catch (err) {
    throw new HelmError(all, String((err as { stderr?: string }).stderr ?? (err as Error).message), { cause: err });
  }
}

/** Writes `values` to a file for `--values` (YAML is a superset of JSON). */
export function valuesFile(values: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dsoi-values-')), 'values.yaml');
  writeFileSync(path, JSON.stringify(values));
  return path;
}

/** What to render: the release, its namespace and values on top of the chart's. */
export interface ChartRelease {
  readonly name: string;
  readonly namespace: string;
  readonly values?: Record<string, unknown>;
}

/** Every object `helm template` renders (CRDs from `crds/` too with `includeCrds`). */
export async function helmTemplate(
  chartDir: string,
  release: ChartRelease,
  options: { readonly includeCrds?: boolean } = {},
): Promise<any[]> {
  const args = ['template', release.name, chartDir, '--namespace', release.namespace];
  if (release.values) args.push('--values', valuesFile(release.values));
  if (options.includeCrds) args.push('--include-crds');
  return parseAllDocuments(await helm(args))
    .map((doc) => doc.toJS())
    .filter((object) => object);
}
