/** Which charts this repository ships, and how a chart's version follows its app's package.json version. */

/** The charts, relative to the repository root; each app's package.json is two folders up. */
export const chartDirs = ['apps/pinot-operator/deploy/chart', 'apps/parseable-operator/deploy/chart'] as const;

/** Chart.yaml with `version` and `appVersion` set to `version`; every other line kept as written. */
export function syncedChartYaml(chartYaml: string, version: string): string {
  for (const key of ['version', 'appVersion']) {
    if (!new RegExp(`^${key}:`, 'm').test(chartYaml)) throw new Error(`Chart.yaml has no ${key}`);
  }
  return chartYaml
    .replace(/^version:.*$/m, `version: ${version}`)
    .replace(/^appVersion:.*$/m, `appVersion: "${version}"`);
}
