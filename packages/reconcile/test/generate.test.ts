import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
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

  const webhooksArgs = (...more: string[]) => [
    'generate',
    'webhooks',
    '--from',
    'webhooks.ts',
    '--name',
    'webapp-operator',
    '--service-namespace',
    'ops',
    '--service-name',
    'webapp-operator-webhook',
    '--out',
    join(out, 'webhooks.yaml'),
    ...more,
  ];

  it('writes the webhook configurations from the served definitions, and --check passes until the file changes', async () => {
    await runGenerate(webhooksArgs(), fixtures);
    const file = join(out, 'webhooks.yaml');
    const [validating, mutating, ...rest] = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
    expect(rest).toEqual([]);
    expect(validating).toMatchObject({
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'webapp-operator' },
      webhooks: [
        {
          name: 'vwebapp.example.com',
          clientConfig: {
            service: {
              namespace: 'ops',
              name: 'webapp-operator-webhook',
              port: 443,
              path: '/validate-example-com-v1-webapp',
            },
          },
          rules: [{ apiGroups: ['example.com'], resources: ['webapps'], operations: ['CREATE', 'UPDATE'], scope: '*' }],
          failurePolicy: 'Fail',
          timeoutSeconds: 5,
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    expect(mutating).toMatchObject({ kind: 'MutatingWebhookConfiguration', webhooks: [{ failurePolicy: 'Ignore' }] });
    await expect(runGenerate(webhooksArgs('--check'), fixtures)).resolves.toBe('up to date: 1 file(s)');
    writeFileSync(file, readFileSync(file, 'utf8').replace('timeoutSeconds: 5', 'timeoutSeconds: 30'));
    await expect(runGenerate(webhooksArgs('--check'), fixtures)).rejects.toThrow('stale generated files');
  });

  it('reads the webhooks from a factory given { kubeConfig } that returns an object with "webhooks"', async () => {
    await runGenerate(webhooksArgs('--export', 'createWebhooks', '--service-port', '9443'), fixtures);
    const [validating] = parseAllDocuments(readFileSync(join(out, 'webhooks.yaml'), 'utf8')).map((d) => d.toJS());
    expect(validating.webhooks[0].clientConfig.service.port).toBe(9443);
  });

  it.each([
    [['--export', 'notWebhooks'], '--export notWebhooks: item 0 of webhooks.ts\'s "notWebhooks" is not a webhook'],
    [['--service-port', '70000'], '--service-port 70000: not a port number'],
  ])('refuses webhooks %j naming what is wrong', async (more, message) => {
    await expect(runGenerate(webhooksArgs(...more), fixtures)).rejects.toThrow(message);
  });

  it.each([
    [
      ['generate', 'webhooks', '--from', 'webhooks.ts', '--out', 'x', '--name', 'n', '--service-name', 's'],
      '--service-namespace is required',
    ],
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
    [['generate', 'conversions'], 'unknown command "generate conversions"'],
  ])('refuses %j naming the flag', async (args, message) => {
    const run = runGenerate(args, fixtures);
    await expect(run).rejects.toThrow(GenerateUsageError);
    await expect(runGenerate(args, fixtures)).rejects.toThrow(message);
  });
});
