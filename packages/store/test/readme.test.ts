// Runs examples/readme.ts (the README example, as users import it) against the test control plane.
import { readFileSync } from 'node:fs';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { expect, it, vi } from 'vitest';

it('runs the README example and reaches its stated results', async () => {
  process.env.KUBECONFIG = process.env[kubeconfigEnv];
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  expect(log.mock.calls).toEqual([[true, true]]);
  log.mockRestore();
});

it('shows the example in the README exactly as examples/readme.ts has it', () => {
  const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .join('\n');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});
