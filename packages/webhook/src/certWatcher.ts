/**
 * Serving certificate and key read from files, and read again when they change: cert-manager (through the kubelet's
 * Secret volume) replaces both by swapping a symlink, so the directories are watched, and polled as a fallback, as
 * controller-runtime's certwatcher does (fsnotify plus a 10 s re-read).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { CertificateError } from './errors.js';

/** A PEM certificate chain and the PEM private key of its first certificate. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** Options of {@link createCertWatcher}. */
export interface CertWatcherOptions {
  /** PEM certificate (chain), e.g. `/tmp/k8s-webhook-server/serving-certs/tls.crt`. */
  readonly certFile: string;
  /** PEM private key, e.g. `/tmp/k8s-webhook-server/serving-certs/tls.key`. */
  readonly keyFile: string;
  /** How often the files are read again besides file-system events. @default 10_000 */
  readonly pollIntervalMs?: number;
  /** Called when a changed pair could not be used (the previous pair stays in use). @default none */
  readonly onError?: (err: CertificateError) => void;
}

/** The defaults of {@link CertWatcherOptions}. */
export const certWatcherDefaults = Object.freeze({ pollIntervalMs: 10_000 });

/** The current certificate pair, and notice of a new one. */
export interface CertWatcher {
  /**
   * The pair in use; the first call reads the files.
   * @throws CertificateError naming the file when the first read fails (missing, not PEM, key not matching).
   */
  current(): CertificatePair;
  /** Calls `listener` with each new valid pair; returns the unsubscribe function. */
  subscribe(listener: (pair: CertificatePair) => void): () => void;
  /** Watches and polls the files until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Reads the files now; returns whether the pair changed. A bad pair is reported to `onError` and not used. */
  reload(): boolean;
}

/** Creates a {@link CertWatcher}. */
export function createCertWatcher(options: CertWatcherOptions): CertWatcher {
  const { certFile, keyFile, pollIntervalMs = certWatcherDefaults.pollIntervalMs, onError } = options;
  let pair: CertificatePair | undefined;
  const listeners = new Set<(pair: CertificatePair) => void>();

  function reload(): boolean {
    let next: CertificatePair;
    try {
      next = readPair(certFile, keyFile);
    } catch (err) {
      // A half-written rotation (new certificate, old key) lands here; the next event or poll picks up the rest.
      onError?.(err as CertificateError);
      return false;
    }
    if (pair && pair.cert === next.cert && pair.key === next.key) return false;
    pair = next;
    for (const listener of listeners) listener(next);
    return true;
  }

  return {
    current() {
      pair ??= readPair(certFile, keyFile);
      return pair;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    async start(signal) {
      if (signal.aborted) return;
      const watchers: FSWatcher[] = [];
      for (const dir of new Set([dirname(certFile), dirname(keyFile)])) {
        try {
          const watcher = watch(dir, { persistent: false }, () => reload());
          watcher.on('error', () => watcher.close()); // the directory went away: polling goes on
          watchers.push(watcher);
        } catch {
          // Not watchable (e.g. missing for now): polling alone.
        }
      }
      const timer = setInterval(reload, pollIntervalMs);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      clearInterval(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Reads and checks a pair. @throws CertificateError naming the file at fault, never quoting the key. */
function readPair(certFile: string, keyFile: string): CertificatePair {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new CertificateError(`cannot read the ${what} file ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read(certFile, 'certificate');
  const key = read(keyFile, 'key');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`${certFile} holds no PEM certificate`, { cause: err });
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // No cause: the parser's message may quote the key.
    throw new CertificateError(`${keyFile} holds no PEM private key`);
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new CertificateError(`the key in ${keyFile} does not belong to the certificate in ${certFile}`);
  return { cert, key };
}
