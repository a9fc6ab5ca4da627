import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CreateOperatorUsageError } from './createOperatorArgs.js';
import { createOperatorProject, renderProject } from './createOperatorProject.js';
import { operatorNames } from './operatorNames.js';
import { templateDir, templateFiles } from './templateFiles.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'docs', 'examples');
/** docs/examples files that stay in the repository: its tsconfig extends the root's, two tests read docs/ and Helm. */
const repositoryOnly = ['test/chart.test.ts', 'test/tutorial.test.ts', 'tsconfig.json'];
const versions = {
  '@dsoi/builder': '1.2.3',
  '@dsoi/client': '1.2.4',
  '@dsoi/envtest': '1.2.5',
  '@dsoi/events': '1.2.6',
  '@dsoi/reconcile': '1.2.7',
  '@dsoi/object': '1.2.8',
  '@types/node': '^24.0.0',
  typescript: '~5.9.0',
  vitest: '^5.0.0',
  node: '>=22.19.0',
};

function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path, root) : [relative(root, path)];
  });
}

describe('the template', () => {
  it('is docs/examples, file for file (npm run sync-template copies it again)', () => {
    expect(filesUnder(templateDir()).sort()).toEqual([...templateFiles].sort());
    for (const path of templateFiles) {
      expect(readFileSync(join(templateDir(), path), 'utf8'), path).toBe(readFileSync(join(examples, path), 'utf8'));
    }
  });

  it('leaves out no file of docs/examples but the repository-only ones', () => {
    const left = filesUnder(examples).filter((path) => !templateFiles.includes(path));
    expect(left.sort()).toEqual(repositoryOnly);
  });
});

describe('renderProject', () => {
  it('writes the tutorial project unchanged for WebApp, example.com, v1 (only package.json is the user’s own)', () => {
    const files = renderProject(operatorNames('WebApp', 'example.com', 'v1'), 'webapp-operator', versions);
    for (const path of templateFiles.filter((p) => p !== 'package.json')) {
      expect(files.get(path), path).toBe(readFileSync(join(examples, path), 'utf8'));
    }
    expect([...files.keys()].sort()).toEqual([...templateFiles, 'tsconfig.json', '.gitignore'].sort());
  });

  it('renames every file and name for CacheCluster in cache.example.org/v1alpha1', () => {
    const files = renderProject(
      operatorNames('CacheCluster', 'cache.example.org', 'v1alpha1'),
      'cache-operator',
      versions,
    );
    expect([...files.keys()]).toContain('src/cacheCluster.ts');
    expect([...files.keys()]).toContain('test/cacheCluster.test.ts');
    expect([...files.keys()]).toContain('deploy/crds/cache.example.org_cacheclusters.yaml');
    expect([...files.keys()]).toContain('deploy/chart/crds/cache.example.org_cacheclusters.yaml');
    for (const [path, text] of files) {
      expect(text.match(/webapp|web app|(?<!registry\.)example\.com|\bwa\b/gi) ?? [], path).toEqual([]);
    }
    const api = files.get('src/cacheCluster.ts') ?? '';
    expect(api).toContain('export const cacheClusterResource = defineCustomResource({');
    expect(api).toContain(
      "  group: 'cache.example.org',\n  version: 'v1alpha1',\n  kind: 'CacheCluster',\n  plural: 'cacheclusters',\n  shortNames: ['cc'],\n",
    );
    expect(api).toContain('export type CacheCluster = CustomResourceOf<typeof cacheClusterResource>;');
    const crd = files.get('deploy/crds/cache.example.org_cacheclusters.yaml') ?? '';
    expect(crd).toContain('apiVersion: apiextensions.k8s.io/v1\n');
    expect(crd).toContain('  name: cacheclusters.cache.example.org\n');
    expect(crd).toContain('    shortNames:\n      - cc\n');
    expect(crd).toContain('    - name: v1alpha1\n');
    // Kubernetes' own API versions are no template names.
    expect(files.get('src/operator.ts')).toContain("{ apiVersion: 'apps/v1', kind: 'Deployment' }");
    expect(files.get('Dockerfile')).toContain('registry.example.com/cachecluster-operator:0.1.0');
  });

  it('orders the role’s rules as dsoi generate rbac does, by group, once the group is renamed', () => {
    const files = renderProject(operatorNames('CacheCluster', 'cache.example.org', 'v1'), 'cache-operator', versions);
    for (const path of ['deploy/rbac/role.yaml', 'deploy/chart/files/role.yaml']) {
      const rules = [...(files.get(path) ?? '').matchAll(/apiGroups: \[(.*)\]\n\s*resources: \[(.*)\]/g)];
      expect(
        rules.map(([, group, resources]) => `${group} ${resources}`),
        path,
      ).toEqual([
        '"" services',
        'apps deployments',
        'cache.example.org cacheclusters',
        'cache.example.org cacheclusters/finalizers',
        'cache.example.org cacheclusters/status',
        'events.k8s.io events',
      ]);
    }
  });

  it('renames once: a kind that contains the template’s (WebApplication) is not renamed again', () => {
    const files = renderProject(operatorNames('WebApplication', 'example.org', 'v1'), 'web', versions);
    const api = files.get('src/webApplication.ts') ?? '';
    expect(api).toContain("  kind: 'WebApplication',\n  plural: 'webapplications',\n  shortNames: ['wa'],\n");
    expect(api).not.toMatch(/applicationlication/i);
  });

  it('writes a package.json of its own: the @dsoi packages at the released versions, the test tool chain', () => {
    const files = renderProject(operatorNames('CacheCluster', 'cache.example.org', 'v1'), 'cache-operator', versions);
    const manifest = JSON.parse(files.get('package.json') ?? '{}');
    expect(manifest).toMatchObject({
      name: 'cache-operator',
      private: true,
      type: 'module',
      engines: { node: '>=22.19.0' },
      dependencies: {
        '@dsoi/builder': '^1.2.3',
        '@dsoi/client': '^1.2.4',
        '@dsoi/events': '^1.2.6',
        '@dsoi/reconcile': '^1.2.7',
      },
    });
    expect(Object.keys(manifest.devDependencies)).toEqual([
      '@dsoi/envtest',
      '@dsoi/object',
      '@types/node',
      'typescript',
      'vitest',
      'yaml',
    ]);
    expect(manifest.devDependencies['@dsoi/envtest']).toBe('^1.2.5');
    expect(manifest.scripts.generate).toContain('--from src/cacheCluster.ts');
    expect(manifest.scripts.generate).toContain('--name cachecluster-operator');
    expect(manifest.scripts['generate:check']).toContain('--check');
  });
});

describe('createOperatorProject', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-operator-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the project into a new directory named after the package', () => {
    const cwd = tempDir();
    const created = createOperatorProject({
      directory: 'cache-operator',
      kind: 'CacheCluster',
      group: 'c.example.org',
      cwd,
    });
    expect(created.directory).toBe(join(cwd, 'cache-operator'));
    expect(filesUnder(created.directory).sort()).toEqual([...created.files]);
    expect(JSON.parse(readFileSync(join(created.directory, 'package.json'), 'utf8')).name).toBe('cache-operator');
  });

  it('refuses a directory that is not empty, writing nothing, unless force', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    let refused: unknown;
    try {
      createOperatorProject({ directory: dir });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(CreateOperatorUsageError);
    expect((refused as CreateOperatorUsageError).flag).toBe('<directory>');
    expect((refused as Error).message).toContain(`${dir} is not empty`);
    expect(readdirSync(dir)).toEqual(['notes.txt']);

    createOperatorProject({ directory: dir, force: true });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'src', 'webApp.ts'))).toBe(true);
  });

  it('refuses a bad kind, naming the option, before writing anything', () => {
    const cwd = tempDir();
    expect(() => createOperatorProject({ directory: 'x', kind: 'cache', cwd })).toThrow(
      /^--kind: "cache" must be PascalCase/,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });
});
