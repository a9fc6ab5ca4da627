/**
 * Whether an app's committed generated files (CRDs and the ClusterRole under deploy/) are what `npm run generate`
 * would write now: each `dsoi generate ...` command of the app's `generate` script (joined by `&&`) run with
 * `--check`, which writes nothing and lists every file that differs; and whether the chart grants exactly the
 * generated rules.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/**
 * Runs the `generate` script of the app in `appDir` with `--check`; resolves when every committed file is current.
 * @throws Error with the command's output (the stale files) otherwise.
 */
export async function checkGeneratedFiles(appDir: string): Promise<void> {
  const { scripts } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const bin = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'dsoi');
  for (const step of (scripts?.generate ?? '').split('&&')) {
    const [command, ...args] = step.trim().split(/\s+/);
    if (command !== 'dsoi') throw new Error(`${appDir}: the generate script must be dsoi commands, got "${command}"`);
    try {
      await promisify(execFile)(process.execPath, [bin, ...args, '--check'], { cwd: appDir });
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`stale generated files (run \`npm run generate\`):\n${stdout}${stderr}`);
    }
  }
}

/** A rule as a comparable string: group, sorted resources, names and verbs. */
function ruleKey(rule: { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs?: string[] }) {
  const sorted = (list?: string[]) => [...(list ?? [])].sort().join(',');
  return `${sorted(rule.apiGroups)} ${sorted(rule.resources)} ${sorted(rule.resourceNames)} ${sorted(rule.verbs)}`;
}

/**
 * The rules of the chart's `operator.rules` template (`deploy/chart/templates/_rules.tpl`) and of the generated
 * `deploy/rbac/role.yaml`, each as sorted strings, for a test to compare: the chart must grant what the manager
 * checks at start-up, no more.
 */
export function chartAndGeneratedRules(appDir: string): { chart: string[]; generated: string[] } {
  const template = readFileSync(join(appDir, 'deploy', 'chart', 'templates', '_rules.tpl'), 'utf8');
  const body = /\{\{-? define "operator.rules" -?\}\}([\s\S]*?)\{\{-? end -?\}\}/.exec(template)?.[1];
  if (!body) throw new Error(`${appDir}: no "operator.rules" define in deploy/chart/templates/_rules.tpl`);
  const role = parse(readFileSync(join(appDir, 'deploy', 'rbac', 'role.yaml'), 'utf8')) as { rules: [] };
  return { chart: (parse(body) as []).map(ruleKey).sort(), generated: role.rules.map(ruleKey).sort() };
}
