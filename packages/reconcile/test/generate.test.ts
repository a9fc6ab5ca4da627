import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GenerateUsageError, runGenerate } from '../src/generate/cli.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'generate');
let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'dsoi-generate-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const crdsArgs = () => ['generate', 'crds', '--from', 'operator.ts', '--out', join(out, 'crds')];
const rbacArgs = () => [
  'generate',
  'rbac',
  '--from',
  'operator.ts',
  '--crds',
  'operator.ts',
  '--name',
  'webapp-operator',
  '--out',
  join(out, 'role.yaml'),
];

describe('dsoi generate', () => {
  it('writes each exported CRD as <group>_<plural>.yaml, and --check passes until a file changes', async () => {
    await runGenerate(crdsArgs(), fixtures);
    const file = join(out, 'crds', 'example.com_webapps.yaml');
    const crd = parse(readFileSync(file, 'utf8'));
    expect(crd.metadata.name).toBe('webapps.example.com');
    await expect(runGenerate([...crdsArgs(), '--check'], fixtures)).resolves.toBe('up to date: 1 file(s)');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    await expect(runGenerate([...crdsArgs(), '--check'], fixtures)).rejects.toThrow(
      `stale generated files (run the same command without --check):\n  ${file}`,
    );
  });

  it("writes a ClusterRole from the manager's start-up permissions, plurals from the CRDs", async () => {
    await runGenerate(rbacArgs(), fixtures);
    const role = parse(readFileSync(join(out, 'role.yaml'), 'utf8'));
    expect(role).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'webapp-operator' } });
    expect(role.rules).toContainEqual({
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['list', 'watch', 'create', 'patch', 'delete'],
    });
    expect(role.rules).toContainEqual({ apiGroups: ['example.com'], resources: ['webapps/status'], verbs: ['patch'] });
    const namespaced = [...rbacArgs(), '--namespace', 'team-a'];
    await runGenerate(namespaced, fixtures);
    expect(parse(readFileSync(join(out, 'role.yaml'), 'utf8')).metadata).toEqual({
      name: 'webapp-operator',
      namespace: 'team-a',
    });
  });

  it.each([
    [['generate', 'crds', '--out', 'x'], '--from is required'],
    [['generate', 'crds', '--from', 'operator.ts'], '--out is required'],
    [['generate', 'crds', '--from', 'missing.ts', '--out', 'x'], '--from missing.ts: no such file'],
    [['generate', 'crds', '--from', 'operator.ts', '--export', 'nope', '--out', 'x'], '--export nope: operator.ts'],
    [
      ['generate', 'crds', '--from', 'operator.ts', '--export', 'createOperator', '--out', 'x'],
      '--export createOperator: createOperator() threw',
    ],
    [
      ['generate', 'rbac', '--from', 'operator.ts', '--export', 'notAFunction', '--name', 'n', '--out', 'x'],
      'no function',
    ],
    [['generate', 'rbac', '--from', 'operator.ts', '--out', 'x'], '--name is required'],
    [['generate', 'crds', '--form', 'operator.ts'], "Unknown option '--form'"],
    [['generate', 'webhooks'], 'unknown command "generate webhooks"'],
  ])('refuses %j naming the flag', async (args, message) => {
    const run = runGenerate(args, fixtures);
    await expect(run).rejects.toThrow(GenerateUsageError);
    await expect(runGenerate(args, fixtures)).rejects.toThrow(message);
  });
});
