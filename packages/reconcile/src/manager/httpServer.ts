/** The server under the health server: plain http, or https whose certificate is read again when its files change. */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Logger } from '../logger.js';

/** A PEM certificate and key, by file. */
export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A server, and how to stop watching its certificate files (a no-op for http). */
export interface HttpServer {
  readonly server: Server;
  stopWatching(): void;
}

/** How often the certificate files are polled for a change. */
const certificatePollMs = 10_000;

/**
 * An http server, or, with `tls`, an https one (TLS 1.2 at least) that reloads its certificate when either file
 * changes. A failed reload keeps the previous certificate and logs a warning.
 */
export function createHttpServer(handler: RequestListener, tls: CertificateFiles | undefined, log: Logger): HttpServer {
  if (!tls) return { server: createServer(handler), stopWatching: () => {} };
  const read = () => ({
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2' as const,
  });
  const server = createTlsServer(read(), handler);
  const reload = () => {
    try {
      server.setSecureContext(read());
      log.info({ certFile: tls.certFile }, 'serving certificate reloaded');
    } catch (err) {
      // A half-done rotation (new certificate, old key) lands here; the next change picks up the rest.
      log.warn({ err, certFile: tls.certFile }, 'new serving certificate not used; keeping the previous one');
    }
  };
  const files = [tls.certFile, tls.keyFile];
  for (const file of files) watchFile(file, { interval: certificatePollMs, persistent: false }, reload);
  return {
    server,
    stopWatching: () => {
      for (const file of files) unwatchFile(file, reload);
    },
  };
}

/** Listens on `host:port`; rejects with the listen error (`EADDRINUSE`). */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes `server` and its open connections (keep-alive ones would hold `close` open). */
export function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
