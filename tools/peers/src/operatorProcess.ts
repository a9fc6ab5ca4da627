/**
 * An operator under test, run as its own process as it would run in a pod: started with a kubeconfig file, metrics on
 * a free loopback port and probes off, its peak RSS and CPU seconds read from `/proc/<pid>` (Linux), its log kept in
 * a file, stopped with SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** How to start an operator: an executable and its arguments before the common flags. */
export interface OperatorCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** A running operator process. */
export interface OperatorProcess {
  readonly pid: number;
  /** User + system CPU seconds so far (`/proc/<pid>/stat` utime + stime). */
  cpuSeconds(): number;
  /** Peak resident set so far (`/proc/<pid>/status` VmHWM), in bytes. */
  peakRssBytes(): number;
  /** The sum of `rest_client_requests_total` on the operator's own `/metrics`: its requests as it counts them. */
  clientRequests(): Promise<number | undefined>;
  /** SIGTERM, then SIGKILL after 20 s; resolves with the final figures once the process has exited. */
  stop(): Promise<{ readonly cpuSeconds: number; readonly peakRssBytes: number; readonly exitCode: number | null }>;
  /** Rejects if the process exits before `stop()`, with the end of its log. */
  readonly crashed: Promise<never>;
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A free 127.0.0.1 port (the kernel's choice; released again before the operator binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

function readCpuSeconds(pid: number): number {
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function readPeakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Options of {@link startOperator}. */
export interface StartOperatorOptions {
  /** The kubeconfig file the operator uses (`--kubeconfig`); `KUBECONFIG` is removed from its environment. */
  readonly kubeconfig: string;
  /** Its stdout and stderr are appended here. */
  readonly logFile: string;
  /** Extra environment (`RECONCILE_WAIT`, `WATCH_NAMESPACE`, `DENY_LIST`, ...). @default {} */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `command --kubeconfig <file> --metrics-bind-address=127.0.0.1:<free> --health-probe-bind-address=0`. */
export async function startOperator(command: OperatorCommand, options: StartOperatorOptions): Promise<OperatorProcess> {
  const metricsPort = await freePort();
  const log = openSync(options.logFile, 'a');
  const env = { ...process.env, ...options.env };
  delete env.KUBECONFIG;
  const child: ChildProcess = spawn(
    command.file,
    [
      ...command.args,
      '--kubeconfig',
      options.kubeconfig,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      '--health-probe-bind-address=0',
    ],
    { stdio: ['ignore', log, log], env },
  );
  closeSync(log);
  const pid = child.pid!;
  let stopping = false;
  let last = { cpuSeconds: 0, peakRssBytes: 0 };
  const sample = () => {
    try {
      last = { cpuSeconds: readCpuSeconds(pid), peakRssBytes: readPeakRss(pid) };
    } catch {
      // the process is gone; keep the last reading
    }
    return last;
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const crashed = exited.then((code) => {
    if (!stopping) throw new Error(`${command.file} exited with code ${code}:\n${tail(options.logFile)}`);
    return new Promise<never>(() => {});
  });
  crashed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  return {
    pid,
    cpuSeconds: () => sample().cpuSeconds,
    peakRssBytes: () => sample().peakRssBytes,
    clientRequests: async () => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return text
          .split('\n')
          .filter((line) => line.startsWith('rest_client_requests_total{'))
          .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      const final = sample();
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const exitCode = await exited;
      clearTimeout(timer);
      return { ...final, exitCode };
    },
    crashed,
  };
}
