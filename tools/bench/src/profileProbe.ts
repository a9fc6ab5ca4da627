/**
 * Loaded into our operator's process with `--import` in the benchmark's `--profile` mode (profile.ts), never
 * otherwise. From the first line of the operator on: `process.memoryUsage()` every 250 ms, a CPU profile and a
 * sampling heap profile of the initial burst; then, on the benchmark's commands (a file, then SIGUSR2), heap
 * snapshots and a CPU profile of the quiet minute. Each command is acknowledged in `<base>-ack` once done.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';

const base = process.env.DSOI_BENCH_PROFILE;
if (base) {
  const started = Date.now();
  const record = (mark?: string) =>
    appendFileSync(
      `${base}-memory.jsonl`,
      `${JSON.stringify({ ms: Date.now() - started, ...(mark && { mark }), ...process.memoryUsage() })}\n`,
    );
  setInterval(record, 250).unref();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 32_768 });
  const stopCpu = async (name: string) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${base}-${name}.cpuprofile`, JSON.stringify(profile));
  };
  const commands: Record<string, () => Promise<void>> = {
    'end-burst': async () => {
      await stopCpu('burst');
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(`${base}-burst.heapprofile`, JSON.stringify(profile));
    },
    'cpu-start': async () => {
      await session.post('Profiler.start');
    },
    'cpu-stop': () => stopCpu('steady'),
  };
  process.on('SIGUSR2', () => {
    const command = readFileSync(`${base}-command`, 'utf8').trim();
    record(command);
    const run = command.startsWith('heap-snapshot ')
      ? async () => {
          writeHeapSnapshot(`${base}-${command.slice('heap-snapshot '.length)}.heapsnapshot`);
        }
      : commands[command];
    void (run ?? (async () => {}))()
      .catch((err: unknown) => record(`${command} failed: ${String(err)}`))
      .finally(() => writeFileSync(`${base}-ack`, command));
  });
}
