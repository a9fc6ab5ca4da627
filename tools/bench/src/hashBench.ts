/** @dsoi/hash beside node:crypto SHA-1 (what the Go library used) on the same canonical JSON, in one run. */
import { createHash } from 'node:crypto';
import { canonicalJson, hash, hashText } from '@dsoi/hash';
import { configMap, statefulSet } from './fixtures.ts';
import { type BenchSection, fmt, markdownTable } from './table.ts';

interface Measure {
  readonly usPerObject: number;
  readonly mbPerSecond: number;
}

function measure(objects: readonly unknown[], bytes: number, fn: (value: unknown) => unknown, minMs: number): Measure {
  for (const o of objects.slice(0, 50)) fn(o); // warm-up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const o of objects) fn(o);
    count += objects.length;
    elapsed = performance.now() - start;
  }
  return {
    usPerObject: (elapsed * 1000) / count,
    mbPerSecond: (bytes * (count / objects.length)) / 2 ** 20 / (elapsed / 1000),
  };
}

/** Runs the hash benchmark and returns its Markdown section. */
export function runHashBench(quick: boolean): BenchSection {
  const minMs = quick ? 300 : 2_000;
  const rows: string[][] = [];
  for (const [label, make] of [
    ['StatefulSet (~5 KB)', statefulSet],
    ['ConfigMap (~50 KB)', configMap],
  ] as const) {
    const objects = Array.from({ length: 200 }, (_, i) => make(i));
    const texts = objects.map(canonicalJson);
    const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
    const size = `${fmt(bytes / objects.length / 1024)} KB`;
    const cases: [string, readonly unknown[], (v: unknown) => unknown][] = [
      ['dsoi hash(object) (canonical JSON + MurmurHash3 x64 128)', objects, hash],
      ['canonicalJson(object) alone', objects, canonicalJson],
      ['dsoi hashText(canonical JSON)', texts, (t) => hashText(t as string)],
      [
        'node:crypto SHA-1(canonical JSON)',
        texts,
        (t) =>
          createHash('sha1')
            .update(t as string)
            .digest('base64'),
      ],
      [
        'node:crypto SHA-1(JSON.stringify(object))',
        objects,
        (o) => createHash('sha1').update(JSON.stringify(o)).digest('base64'),
      ],
    ];
    for (const [name, inputs, fn] of cases) {
      const m = measure(inputs, bytes, fn, minMs);
      rows.push([label, size, name, fmt(m.usPerObject), fmt(m.mbPerSecond)]);
    }
  }
  return {
    markdown: `## Hash\n\n${markdownTable(['object', 'size', 'what', 'µs / object', 'MB/s'], rows)}\n`,
    targets: [],
  };
}
