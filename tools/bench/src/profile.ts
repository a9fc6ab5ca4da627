/**
 * `--profile=<dir>`: our operator runs with profileProbe.ts loaded, and the benchmark asks it for a heap snapshot
 * when every child exists and after the quiet minute, and for a CPU profile of the quiet minute; the figures of such
 * a run are not comparable (the profiler runs in the process). Afterwards it prints where the CPU time and the heap go.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { OperatorRun, ScenarioPhase } from './operatorScenario.ts';

const probe = fileURLToPath(new URL('./profileProbe.ts', import.meta.url));

async function ask(base: string, pid: number, command: string): Promise<void> {
  rmSync(`${base}-ack`, { force: true });
  writeFileSync(`${base}-command`, command);
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (existsSync(`${base}-ack`) && readFileSync(`${base}-ack`, 'utf8') === command) return;
    await sleep(100);
  }
  throw new Error(`the profiled operator did not answer ${command} within 2 min`);
}

const commands: Record<ScenarioPhase, readonly string[]> = {
  children: ['end-burst', 'heap-snapshot children'],
  'steady-start': ['cpu-start'],
  'steady-end': ['cpu-stop', 'heap-snapshot steady'],
};

/** `run` with the probe loaded into the operator's Node process and the phase hooks that drive it. */
export function profilingRun(run: OperatorRun, dir: string, label: string): OperatorRun {
  const base = join(dir, label);
  return {
    ...run,
    command: { file: run.command.file, args: ['--import', probe, ...run.command.args] },
    env: { ...run.env, DSOI_BENCH_PROFILE: base },
    onPhase: async (phase, pid) => {
      for (const command of commands[phase]) await ask(base, pid, command);
    },
  };
}
