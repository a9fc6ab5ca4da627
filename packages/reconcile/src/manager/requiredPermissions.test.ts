import { describe, expect, it } from 'vitest';
import { type RequiredPermission, requiredPermissions } from './requiredPermissions.js';

const widget = { apiVersion: 'example.dsoi.io/v1', kind: 'Widget' };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap' };
const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const pod = { apiVersion: 'v1', kind: 'Pod' };

/** `verb kind[/subresource] namespace|* [name]`, sorted, to compare whole sets at a glance. */
function lines(needs: readonly RequiredPermission[]): string[] {
  return needs
    .map((n) =>
      [
        n.verb,
        `${n.type ? n.type.kind : `${n.resource}.${n.group ?? ''}`}${n.subresource ? `/${n.subresource}` : ''}`,
        n.namespace ?? '*',
        ...(n.name ? [n.name] : []),
      ].join(' '),
    )
    .sort();
}

describe('requiredPermissions', () => {
  it('derives watches, children writes, status, finalizers of the owner and Events from one controller', () => {
    const needs = requiredPermissions({
      controllers: [{ name: 'widget', for: widget, owns: [configMap, statefulSet], namespace: 'ns' }],
    });
    expect(lines(needs)).toEqual(
      [
        'list Widget ns',
        'watch Widget ns',
        'patch Widget/status ns',
        'get Widget ns',
        'update Widget/finalizers ns',
        ...[configMap, statefulSet].flatMap((t) =>
          ['list', 'watch', 'create', 'patch', 'delete'].map((verb) => `${verb} ${t.kind} ns`),
        ),
        'create Event ns',
        'patch Event ns',
      ].sort(),
    );
    expect(needs.find((n) => n.verb === 'delete' && n.type === statefulSet)?.neededBy).toBe(
      'controller "widget" (prunes owned apps/v1 StatefulSet)',
    );
  });

  it('asks for get only on the primary it writes status to (the fresh read after a conflict), never on a watch', () => {
    const needs = requiredPermissions({ controllers: [{ name: 'w', for: widget, owns: [configMap] }] });
    expect(lines(needs.filter((n) => n.verb === 'get'))).toEqual(['get Widget *']);
    expect(needs.find((n) => n.verb === 'get')?.neededBy).toBe(
      'controller "w" (reads it fresh after a status conflict)',
    );
    const noStatus = requiredPermissions({
      controllers: [{ name: 'w', for: widget, owns: [configMap], permissions: { status: false } }],
    });
    expect(noStatus.filter((n) => n.verb === 'get')).toEqual([]);
  });

  it('checks every namespace when the controller has none, and a watch in its own namespace', () => {
    const needs = requiredPermissions({
      controllers: [
        {
          name: 'w',
          for: widget,
          watches: [{ type: pod, namespace: 'other' }, { type: configMap }],
          permissions: { status: false, events: false },
        },
      ],
    });
    expect(lines(needs)).toEqual(
      ['list Widget *', 'watch Widget *', 'list Pod other', 'watch Pod other', 'list ConfigMap *', 'watch ConfigMap *']
        .slice()
        .sort(),
    );
  });

  it('a watch inherits the controller namespace unless it names its own', () => {
    const needs = requiredPermissions({
      controllers: [{ name: 'w', for: widget, namespace: 'ns', watches: [{ type: pod }], permissions: {} }],
    });
    expect(lines(needs.filter((n) => n.type === pod))).toEqual(['list Pod ns', 'watch Pod ns']);
  });

  it('adds the finalizer patch and declared extras (in the controller namespace unless given)', () => {
    const needs = requiredPermissions({
      controllers: [
        {
          name: 'w',
          for: widget,
          namespace: 'ns',
          permissions: {
            status: false,
            events: false,
            finalizer: true,
            extra: [
              { verbs: ['get'], type: { apiVersion: 'v1', kind: 'Secret' }, purpose: 'reads the auth Secret' },
              { verbs: ['create'], group: 'example.dsoi.io', resource: 'gadgets', namespace: 'elsewhere' },
            ],
          },
        },
      ],
    });
    expect(lines(needs)).toEqual(
      [
        'list Widget ns',
        'watch Widget ns',
        'patch Widget ns',
        'get Secret ns',
        'create gadgets.example.dsoi.io elsewhere',
      ].sort(),
    );
    expect(needs.find((n) => n.type?.kind === 'Secret')?.neededBy).toBe('controller "w" (reads the auth Secret)');
    expect(needs.find((n) => n.resource === 'gadgets')?.neededBy).toBe('controller "w" (declared)');
  });

  it('asks about the Lease by name, except for create (a resourceNames rule cannot allow a create)', () => {
    const needs = requiredPermissions({
      controllers: [],
      leaderElection: { namespace: 'ops', leaseName: 'op-leader' },
      extra: [{ verbs: ['get'], resource: 'nodes' }],
    });
    expect(lines(needs)).toEqual(
      ['get Lease ops op-leader', 'create Lease ops', 'update Lease ops op-leader', 'get nodes. *'].sort(),
    );
    expect(needs.filter((n) => n.type?.kind === 'Lease').map((n) => n.neededBy)).toEqual([
      'leader election',
      'leader election',
      'leader election',
    ]);
    expect(needs.find((n) => n.resource === 'nodes')?.neededBy).toBe('the operator (declared)');
  });

  it('refuses a declared permission with neither a type nor a resource', () => {
    expect(() => requiredPermissions({ controllers: [], extra: [{ verbs: ['get'], subresource: 'status' }] })).toThrow(
      /needs a type or a resource/,
    );
  });
});
