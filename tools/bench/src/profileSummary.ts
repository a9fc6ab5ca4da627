/**
 * `node tools/bench/src/profileSummary.ts <dir>`: what the files of a `--profile=<dir>` run say, as text: for each
 * CPU profile the functions with the most self time (and the packages they come from), for the burst's sampling heap
 * profile the allocation sites of the most bytes, for each heap snapshot the self size by constructor, and the
 * `process.memoryUsage()` peaks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

/** Where code comes from, short: `node:internal`, a package name, or the app file. */
function origin(url: string): string {
  if (!url) return '(native/V8)';
  if (url.endsWith('js_transferable')) return 'structuredClone'; // under node:internal/worker, but no worker thread
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const rest = url.slice(nodeModules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const match = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return match ? `${match[1]}/${match[2]}` : url.slice(url.lastIndexOf('/') + 1);
}

const frameName = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.slice(f.url.lastIndexOf('/') + 1)}:${f.lineNumber + 1}` : ''}`;

function top(map: Map<string, number>, n: number, total: number, unit: (v: number) => string): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${unit(v).padStart(10)} ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function cpuSummary(file: string): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') idle += us;
    else {
      total += us;
      byFunction.set(frameName(frame), (byFunction.get(frameName(frame)) ?? 0) + us);
      byOrigin.set(origin(frame.url), (byOrigin.get(origin(frame.url)) ?? 0) + us);
    }
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  return [
    `${file}: ${ms(profile.endTime - profile.startTime)} wall, ${ms(total)} on the JS thread (idle/program ${ms(idle)})`,
    ' by origin:',
    ...top(byOrigin, 12, total, ms),
    ' by function (self time):',
    ...top(byFunction, 25, total, ms),
  ];
}

function heapProfileSummary(file: string): string[] {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as {
    head: { callFrame: CallFrame; selfSize: number; children: unknown[] };
  };
  type Node = { callFrame: CallFrame; selfSize: number; children: Node[] };
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  const walk = (n: Node) => {
    total += n.selfSize;
    byFunction.set(frameName(n.callFrame), (byFunction.get(frameName(n.callFrame)) ?? 0) + n.selfSize);
    byOrigin.set(origin(n.callFrame.url), (byOrigin.get(origin(n.callFrame.url)) ?? 0) + n.selfSize);
    for (const child of n.children) walk(child);
  };
  walk(head as Node);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return [
    `${file}: ${mb(total)} sampled live at the end of the burst`,
    ' by origin:',
    ...top(byOrigin, 10, total, mb),
    ' by allocating function:',
    ...top(byFunction, 20, total, mb),
  ];
}

function snapshotSummary(file: string): string[] {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = snapshot.snapshot.meta.node_types[0];
  const byKind = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type} ${name}` : `(${type})`;
    const size = snapshot.nodes[i + sizeAt]!;
    total += size;
    byKind.set(key, (byKind.get(key) ?? 0) + size);
  }
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return [`${file}: ${mb(total)} in the heap snapshot, by type and constructor:`, ...top(byKind, 20, total, mb)];
}

function memorySummary(file: string): string[] {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number | string>);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)}`;
  const line = (r: Record<string, number | string>) =>
    `  ${String(r.ms).padStart(7)} ms  rss ${mb(r.rss as number)}  heapTotal ${mb(r.heapTotal as number)}  heapUsed ${mb(r.heapUsed as number)}  external ${mb(r.external as number)}  arrayBuffers ${mb(r.arrayBuffers as number)} MiB${r.mark ? `  ← ${r.mark}` : ''}`;
  const peak = rows.reduce((a, b) => ((b.rss as number) > (a.rss as number) ? b : a));
  return [
    `${file}: first sample, peak RSS, each mark, last sample`,
    line(rows[0]!),
    `${line(peak)}  (peak rss)`,
    ...rows.filter((r) => r.mark).map(line),
    line(rows.at(-1)!),
  ];
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: profileSummary.ts <dir of a --profile run>');
for (const name of readdirSync(dir).sort()) {
  const file = join(dir, name);
  const lines = name.endsWith('.cpuprofile')
    ? cpuSummary(file)
    : name.endsWith('.heapprofile')
      ? heapProfileSummary(file)
      : name.endsWith('.heapsnapshot')
        ? snapshotSummary(file)
        : name.endsWith('-memory.jsonl')
          ? memorySummary(file)
          : [];
  if (lines.length > 0) console.log(`${lines.join('\n')}\n`);
}
