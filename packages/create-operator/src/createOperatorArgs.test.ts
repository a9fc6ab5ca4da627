import { describe, expect, it } from 'vitest';
import { CreateOperatorUsageError, parseCreateOperatorArgs } from './createOperatorArgs.js';

function refusal(args: readonly string[]): CreateOperatorUsageError {
  try {
    parseCreateOperatorArgs(args);
  } catch (err) {
    if (err instanceof CreateOperatorUsageError) return err;
    throw err;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('parseCreateOperatorArgs', () => {
  it('asks nothing: no argument is the tutorial WebApp in ./webapp-operator', () => {
    expect(parseCreateOperatorArgs([])).toEqual({
      directory: 'webapp-operator',
      kind: 'WebApp',
      group: 'example.com',
      version: 'v1',
      force: false,
      help: false,
    });
  });

  it('takes the directory, kind, group, version and --force', () => {
    const args = ['caches', '--kind', 'CacheCluster', '--group=cache.example.org', '--version', 'v1alpha1', '--force'];
    expect(parseCreateOperatorArgs(args)).toEqual({
      directory: 'caches',
      kind: 'CacheCluster',
      group: 'cache.example.org',
      version: 'v1alpha1',
      force: true,
      help: false,
    });
  });

  it('names the directory after the kind when none is given, and accepts --namespaced and -h', () => {
    const args = parseCreateOperatorArgs(['--kind', 'CacheCluster', '--namespaced', '-h']);
    expect(args).toMatchObject({ directory: 'cachecluster-operator', help: true });
  });

  it('takes a path whose last segment is the package name', () => {
    expect(parseCreateOperatorArgs(['/tmp/work/my-operator/']).directory).toBe('/tmp/work/my-operator/');
  });

  it.each([
    [['--kind', 'cacheCluster'], '--kind', /"cacheCluster" must be PascalCase/],
    [['--kind', 'Cache-Cluster'], '--kind', /PascalCase/],
    [['--group', 'Example.com'], '--group', /"Example.com" must be a DNS subdomain/],
    [['--group', 'example'], '--group', /at least one dot/],
    [['--version', '1'], '--version', /"1" must be a Kubernetes API version/],
    [['--kind'], '--kind', /argument missing/],
    [['--kinds', 'A'], '--kinds', /Unknown option/],
    [['--cluster-scoped'], '--cluster-scoped', /not supported yet/],
    [['a', 'b'], '<directory>', /give one directory, not 2/],
    [['My Operator'], '<directory>', /cannot be a package name/],
    [['./Operator'], '<directory>', /"Operator" cannot be a package name/],
  ])('refuses %j naming %s', (args, flag, message) => {
    const err = refusal(args);
    expect(err.flag).toBe(flag);
    expect(err.message.startsWith(`${flag}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });
});
