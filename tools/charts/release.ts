/**
 * The charts' part of a release: each reference operator chart's version and appVersion are set to its app's
 * package.json version (which changesets bumps), then the chart is linted and packaged with real Helm into
 * dist/charts/<chart>-<version>.tgz.
 *
 *   node tools/charts/release.ts          sync Chart.yaml, lint, package
 *   node tools/charts/release.ts --sync   only sync Chart.yaml (what the chart tests check)
 *
 * Helm is `$DSOI_HELM`, else the pinned build of tools/k8s-testbin/build-helm.sh (built on first use).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDirs, syncedChartYaml } from './chartVersion.ts';

const root = join(import.meta.dirname, '..', '..');

function helmBinary(): string {
  if (process.env.DSOI_HELM) return process.env.DSOI_HELM;
  const script = join(root, 'tools', 'k8s-testbin', 'build-helm.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

const syncOnly = process.argv.includes('--sync');
const destination = join(root, 'dist', 'charts');
for (const dir of chartDirs) {
  const chartDir = join(root, dir);
  const appDir = join(chartDir, '..', '..');
  const { version } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { version: string };
  const chartYamlPath = join(chartDir, 'Chart.yaml');
  const before = readFileSync(chartYamlPath, 'utf8');
  const after = syncedChartYaml(before, version);
  if (after !== before) {
    writeFileSync(chartYamlPath, after);
    console.log(`${dir}/Chart.yaml: version and appVersion ${version}`);
  }
  if (syncOnly) continue;
  const helm = helmBinary();
  execFileSync(helm, ['lint', '--strict', chartDir], { stdio: 'inherit' });
  mkdirSync(destination, { recursive: true });
  execFileSync(helm, ['package', chartDir, '--destination', destination], { stdio: 'inherit' });
}
