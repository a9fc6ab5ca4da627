/**
 * Kills the control plane if the Node process dies without calling stop() (SIGKILL, crash, a killed test runner).
 *
 * Node cannot ask Linux to signal its children when it dies (no prctl PDEATHSIG), so a tiny detached shell polls
 * the parent's PID and, once it is gone, kills every PID listed in the pid file and removes the temp directory.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface Reaper {
  /** Rewrites the list of PIDs to kill (call after each start or restart of a component). */
  track(pids: readonly number[]): void;
  /** Stops watching (stop() did the cleanup itself). */
  dismiss(): void;
}

export function startReaper(pidFile: string, dir: string): Reaper {
  writeFileSync(pidFile, '');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 $(cat '${pidFile}') 2>/dev/null; rm -rf '${dir}'`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return {
    track(pids) {
      writeFileSync(pidFile, pids.join(' '));
    },
    dismiss() {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
