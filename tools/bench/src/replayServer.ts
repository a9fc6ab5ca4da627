/**
 * A loopback list+watch replay server in its own process, so the informer under test has a core to itself:
 * `node replayServer.ts <items.json> <events>` lists the items, then streams `events` MODIFIED lines (real objects
 * with fresh resourceVersions) on the first watch and holds later watches open. Prints its port on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [itemsFile, eventCount] = process.argv.slice(2);
const items = JSON.parse(readFileSync(itemsFile!, 'utf8')) as { metadata: Record<string, unknown> }[];
const events = Number(eventCount);
// One Buffer per line, then one concat: 100,000 lines of 6 KB exceed V8's largest string.
const lines: Buffer[] = [];
for (let i = 0; i < events; i++) {
  const base = items[i % items.length]!;
  const object = { ...base, metadata: { ...base.metadata, resourceVersion: String(1_000_000 + i) } };
  lines.push(Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object })}\n`));
}
const body = Buffer.concat(lines);
const list = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '1' }, items });
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  res.setHeader('Content-Type', 'application/json');
  const watch = url.searchParams.get('watch');
  if (watch === 'true' || watch === '1') {
    if (url.searchParams.get('resourceVersion') === '1') res.write(body);
    return; // a watch stays open, as on a real server
  }
  res.end(list);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => process.exit(0));
