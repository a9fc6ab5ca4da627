/** docs/tutorial.md shows the files of this project: every `<!-- file: ... -->` block must equal that file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..');
const tutorial = readFileSync(join(repo, 'docs', 'tutorial.md'), 'utf8');
const blocks = [...tutorial.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(([, path, code]) => ({
  path: path as string,
  code: code as string,
}));

describe('docs/tutorial.md', () => {
  it('shows every source, test and build file of docs/examples', () => {
    expect(blocks.map((b) => b.path).sort()).toEqual(
      [
        'Dockerfile',
        'deploy/chart/templates/rbac.yaml',
        'src/main.ts',
        'src/operator.ts',
        'src/reconciler.ts',
        'src/webApp.ts',
        'test/controlPlane.ts',
        'test/webApp.test.ts',
        'vitest.config.ts',
      ].map((file) => `docs/examples/${file}`),
    );
  });

  it.each(blocks)('shows $path as it is', ({ path, code }) => {
    expect(code).toBe(readFileSync(join(repo, path), 'utf8').trimEnd());
  });

  it('has no code block that is not a file, except shell commands and the package.json script', () => {
    const fences = [...tutorial.matchAll(/(<!-- file: \S+ -->\n)?```(\w*)\n/g)].filter((_, i) => i % 2 === 0);
    const loose = fences.filter(([, marker, lang]) => !marker && lang !== 'sh' && lang !== 'json');
    expect(loose.map(([, , lang]) => lang)).toEqual([]);
  });
});
