/**
 * `dsoi generate crds|rbac|webhooks`: writes an operator's CustomResourceDefinitions, its Role/ClusterRole and its
 * webhook configurations from its own code (the zod-derived CRDs it exports, the permissions its manager computes at
 * start-up, the webhooks its server serves), or with `--check` fails when the committed files differ. Runs TypeScript modules directly on Node >= 22.18 (type stripping).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BuiltCustomResourceDefinition } from '@dsoi/builder/crd';
import { KubeConfig } from '@kubernetes/client-node';
import type { RequiredPermission } from '../manager/requiredPermissions.js';
import { crdManifests, isCustomResourceDefinition } from './crdManifests.js';
import { policyRules, rbacRoleYaml } from './rbacRules.js';
import { WebhookManifestError, webhookManifestYaml } from './webhookManifests.js';

/** The usage text `dsoi --help` prints. */
export const generateUsage = `Usage:
  dsoi generate crds --from <module> --out <dir> [--out <dir>...] [--export crds] [--check]
  dsoi generate rbac --from <module> --out <file> --name <role> [--namespace <ns>]
                     [--crds <module>[#export]]
                     [--export createOperator] [--check]
  dsoi generate webhooks --from <module> --out <file> --name <configuration>
                     --service-namespace <ns> --service-name <service> [--service-port 443]
                     [--export webhooks] [--check]

crds: <module>'s export (default "crds") is a CRD, an array of CRDs, or a function returning either; each is
      written to <dir>/<group>_<plural>.yaml.
rbac: <module>'s export (default "createOperator") is a function that takes { kubeConfig } and returns the Manager
      (or an object with a "manager"), without starting it; the ClusterRole (a Role with --namespace) holds what the
      manager checks at start-up. --crds names the module (and export, default "crds") of your CRDs, for their plurals.
webhooks: <module>'s export (default "webhooks") is a list of @dsoi/webhook webhooks, an object with "webhooks"
      (a WebhookServer), or a function taking { kubeConfig } and returning either; the Validating- and
      MutatingWebhookConfiguration named --name call them through the Service (caBundle left to the installer).
--check: write nothing; exit 1 listing every file that differs from what would be written.`;

/** A command-line mistake: the message names the flag. */
export class GenerateUsageError extends Error {
  override readonly name = 'GenerateUsageError';
}

/** One file the command would write, relative to the working directory. */
interface Output {
  readonly path: string;
  readonly content: string;
}

/** Runs `dsoi <args>` in `cwd`; resolves with what it printed, rejects with a `GenerateUsageError` or the cause. */
export async function runGenerate(args: readonly string[], cwd: string): Promise<string> {
  const [command, what, ...rest] = args;
  if (command !== 'generate' || (what !== 'crds' && what !== 'rbac' && what !== 'webhooks')) {
    throw new GenerateUsageError(`unknown command "${args.slice(0, 2).join(' ')}"\n${generateUsage}`);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (err) {
    throw new GenerateUsageError(`${(err as Error).message}\n${generateUsage}`);
  }
  const { values } = parsed;
  const need = (flag: 'from' | 'name' | 'service-namespace' | 'service-name') => {
    const value = values[flag];
    if (!value) throw new GenerateUsageError(`dsoi generate ${what}: --${flag} is required`);
    return value;
  };
  const outs = values.out ?? [];
  if (outs.length === 0) throw new GenerateUsageError(`dsoi generate ${what}: --out is required`);
  const from = need('from');
  let outputs: Output[];
  if (what === 'crds') {
    const manifests = crdManifests(await loadCrds(cwd, from, values.export ?? 'crds'), header(what, from));
    outputs = outs.flatMap((dir) => manifests.map((m) => ({ path: join(dir, m.fileName), content: m.content })));
  } else if (what === 'webhooks') {
    if (outs.length > 1) throw new GenerateUsageError('dsoi generate webhooks: give --out once (one file)');
    const port = values['service-port'] === undefined ? undefined : Number(values['service-port']);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
      throw new GenerateUsageError(`--service-port ${values['service-port']}: not a port number`);
    const service = { namespace: need('service-namespace'), name: need('service-name'), ...(port && { port }) };
    const exported = values.export ?? 'webhooks';
    const value = await loadExport(cwd, from, exported, { kubeConfig: offlineKubeConfig() });
    const content = await webhookManifestYaml(value, `${from}'s "${exported}"`, {
      name: need('name'),
      service,
      header: header(what, from),
    }).catch((err: unknown) => {
      throw err instanceof WebhookManifestError ? new GenerateUsageError(`--export ${exported}: ${err.message}`) : err;
    });
    outputs = [{ path: outs[0]!, content }];
  } else {
    if (outs.length > 1) throw new GenerateUsageError('dsoi generate rbac: give --out once (one file)');
    const permissions = await loadPermissions(cwd, from, values.export ?? 'createOperator');
    const [crdModule, crdExport = 'crds'] = values.crds?.split('#') ?? [];
    const crds = crdModule ? await loadCrds(cwd, crdModule, crdExport) : [];
    const plurals = new Map(crds.map((c) => [`${c.spec.group}/${c.spec.names.kind}`, c.spec.names.plural]));
    const content = rbacRoleYaml(policyRules(permissions, { plurals }), {
      name: need('name'),
      ...(values.namespace && { namespace: values.namespace }),
      header: header(what, from),
    });
    outputs = [{ path: outs[0]!, content }];
  }
  return values.check ? check(cwd, outputs) : write(cwd, outputs);
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      out: { type: 'string', multiple: true },
      export: { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      crds: { type: 'string' },
      'service-namespace': { type: 'string' },
      'service-name': { type: 'string' },
      'service-port': { type: 'string' },
      check: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
}

function header(what: string, from: string): string {
  return `Generated by \`dsoi generate ${what}\` from ${from}. Do not edit.`;
}

async function loadModule(cwd: string, from: string): Promise<Record<string, unknown>> {
  const path = resolve(cwd, from);
  if (!existsSync(path)) throw new GenerateUsageError(`--from ${from}: no such file (looked for ${path})`);
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

/** `<from>`'s export `name`; a function is called (with `argument`) and its result awaited. */
async function loadExport(cwd: string, from: string, name: string, argument?: unknown): Promise<unknown> {
  const module = await loadModule(cwd, from);
  const value = module[name];
  if (value === undefined) throw new GenerateUsageError(`--export ${name}: ${from} exports no "${name}"`);
  if (typeof value !== 'function') return value;
  try {
    return await (value as (argument: unknown) => unknown)(argument);
  } catch (err) {
    throw new GenerateUsageError(`--export ${name}: ${name}() threw: ${(err as Error).message}`, { cause: err });
  }
}

async function loadCrds(cwd: string, from: string, name: string): Promise<BuiltCustomResourceDefinition[]> {
  const value = await loadExport(cwd, from, name);
  const list = Array.isArray(value) ? value : [value];
  const bad = list.findIndex((crd) => !isCustomResourceDefinition(crd));
  if (bad >= 0) {
    throw new GenerateUsageError(
      `--export ${name}: item ${bad} of ${from}'s "${name}" is not a CustomResourceDefinition`,
    );
  }
  return list as BuiltCustomResourceDefinition[];
}

/** A kubeconfig that points nowhere: the operator is constructed, never started, so it makes no request. */
function offlineKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'offline', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'offline' }],
    contexts: [{ name: 'offline', cluster: 'offline', user: 'offline' }],
    currentContext: 'offline',
  });
  return kubeConfig;
}

interface HasPermissions {
  requiredPermissions(): readonly RequiredPermission[];
}

async function loadPermissions(cwd: string, from: string, name: string): Promise<readonly RequiredPermission[]> {
  const factory = (await loadModule(cwd, from))[name];
  if (typeof factory !== 'function') {
    throw new GenerateUsageError(`--export ${name}: ${from} exports no function "${name}"`);
  }
  const made = (await factory({ kubeConfig: offlineKubeConfig(), probes: false, metrics: false })) as
    | Partial<HasPermissions & { manager: HasPermissions }>
    | undefined;
  const manager = typeof made?.requiredPermissions === 'function' ? made : made?.manager;
  if (typeof manager?.requiredPermissions !== 'function') {
    throw new GenerateUsageError(`--export ${name}: ${name}() returned neither a Manager nor an object with "manager"`);
  }
  return (manager as HasPermissions).requiredPermissions();
}

function write(cwd: string, outputs: readonly Output[]): string {
  return outputs
    .map(({ path, content }) => {
      const target = resolve(cwd, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      return `wrote ${path}`;
    })
    .join('\n');
}

function check(cwd: string, outputs: readonly Output[]): string {
  const stale = outputs.filter(({ path, content }) => {
    const target = resolve(cwd, path);
    return !existsSync(target) || readFileSync(target, 'utf8') !== content;
  });
  if (stale.length > 0) {
    const list = stale.map((o) => `  ${o.path}`).join('\n');
    throw new Error(`stale generated files (run the same command without --check):\n${list}`);
  }
  return `up to date: ${outputs.length} file(s)`;
}
