import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('dsoi-envtest', () => {
  it('env prints exports for the binaries it finds', () => {
    const out = spawnSync(process.execPath, [cli, 'env'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^export DSOI_ENVTEST_ASSETS=\/.+\nexport KUBEBUILDER_ASSETS=\/.+/);
  });

  it('rejects an unknown command with the usage', () => {
    const out = spawnSync(process.execPath, [cli, 'launch'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/unknown command "launch"[\s\S]*usage: dsoi-envtest/);
  });

  it('start serves a usable kubeconfig until SIGINT, then cleans up', async () => {
    const child = spawn(process.execPath, [cli, 'start'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const path = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /export KUBECONFIG=(\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(readFileSync(path, 'utf8'));
    expect((await kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\./);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  });
});
