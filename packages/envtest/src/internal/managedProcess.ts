/** A child process that logs to a file, can be stopped by PID, and reports how it exited. */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it has exited. */
  hasExited(): boolean;
  /** The last lines of its log. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(name: string, binary: string, args: readonly string[], logFile: string): ManagedProcess {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  return {
    name,
    pid: child.pid,
    exited,
    hasExited: () => done,
    logTail: (lines = 40) => tail(logFile, lines),
    async stop(graceMs = 5_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = sleep(graceMs, 'timeout' as const);
      if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
