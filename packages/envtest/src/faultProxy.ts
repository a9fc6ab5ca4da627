/** A fault-injecting HTTP proxy in front of a real kube-apiserver, for reliability tests of operators. */
import { type ClientRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { EnvtestError } from './errors.js';
import {
  type DelayFault,
  type Fault,
  type FaultMatch,
  type FaultRule,
  FaultRuleSet,
  type LostResponseFault,
  matchesFault,
} from './faultRules.js';
import { expiredWatchEvent, statusForFault } from './internal/kubeStatus.js';
import { forwardedHeaders, type Upstream, upstreamOf } from './internal/upstream.js';
import { WatchErrorScanner, type WatchStreamError } from './internal/watchErrorScanner.js';
import { parseRequestInfo, type RequestInfo } from './requestInfo.js';

export type { WatchStreamError } from './internal/watchErrorScanner.js';

/** Options of {@link createFaultProxy}. */
export interface FaultProxyOptions {
  /** Where to forward: the current cluster's server, CA, client certificate and `insecure-skip-tls-verify`. */
  readonly kubeConfig: KubeConfig;
  /** TCP port on 127.0.0.1. @default 0 (a free port chosen by the kernel) */
  readonly port?: number;
  /** How many records {@link FaultProxy.log} keeps; older ones are dropped first. `0` keeps none. @default 1000 */
  readonly logLimit?: number;
  /** Closes the proxy when aborted. */
  readonly signal?: AbortSignal;
}

/** Defaults of {@link FaultProxyOptions}. */
export const faultProxyDefaults = Object.freeze({ port: 0, logLimit: 1000 });

/** One request the proxy saw. Records of requests still open are updated in place when they end. */
export interface ProxyRequestRecord extends RequestInfo {
  /** When the request arrived. */
  readonly time: Date;
  /** HTTP method. */
  readonly method: string;
  /** URL path, without the query. */
  readonly path: string;
  /** Query string without `?`, `''` when none. */
  readonly query: string;
  /** The `User-Agent` header, `''` when none. */
  readonly userAgent: string;
  /** HTTP status sent to the client; `0` until the response head is sent, and when none was sent (reset). */
  readonly status: number;
  /**
   * HTTP status the API server answered; `0` when the request was not forwarded (or not answered). Differs from
   * `status` under a `lostResponse` fault: the server answered (a write was committed), the client got a reset.
   */
  readonly upstreamStatus: number;
  /**
   * The ERROR event that ended this watch stream, relayed from the API server (JSON streams) or injected (`gone`),
   * e.g. `{ code: 410, reason: 'Expired' }` for a resourceVersion too old for the watch cache; `undefined` otherwise.
   */
  readonly watchError: WatchStreamError | undefined;
  /** The fault injected into this request, `undefined` when it was forwarded untouched. */
  readonly fault: Fault['type'] | undefined;
  /** Milliseconds from arrival to the end of the response or connection; `undefined` while open. */
  readonly durationMs: number | undefined;
  /** Why the API server could not be reached (`connect ECONNREFUSED ...`); `undefined` otherwise. */
  readonly error: string | undefined;
}

/** Counters of a {@link FaultProxy}. */
export interface FaultProxyStats {
  /** Requests seen since start or `resetStats()`, watches included. */
  readonly requests: number;
  /** Requests that got a fault (stalls included) since start or `resetStats()`. */
  readonly faultsInjected: number;
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Non-watch requests in flight now: from arrival (stalls included) to the end of their response or connection. */
  readonly inFlight: number;
  /** The peak of `inFlight` since start or `resetStats()`. */
  readonly maxInFlight: number;
}

/** Options of {@link FaultProxy.dropWatches}. */
export interface DropWatchesOptions {
  /** Drop only the watches this matches. @default every open watch */
  readonly match?: FaultMatch;
  /**
   * Reset the connections (the client sees `ECONNRESET`) instead of ending the streams cleanly, as a load balancer
   * or the API server's own watch timeout does. @default false
   */
  readonly reset?: boolean;
}

/**
 * A running fault proxy. Point the operator at {@link FaultProxy.kubeConfig}; every request is forwarded to the API
 * server of the KubeConfig it was created with, unless a rule injects a fault.
 *
 * Caveats: JSON and protobuf pass through untouched, but injected bodies are JSON. Upgrade requests (exec, attach,
 * port-forward) are not supported; envtest runs no kubelet anyway.
 */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * The options' KubeConfig with its current cluster replaced by the proxy: same user and namespace, `server` = `url`.
   * Bearer tokens travel in the `Authorization` header, which the proxy forwards as sent; a client certificate is
   * presented upstream by the proxy itself. For another process, write `kubeConfig.exportConfig()` to a file.
   */
  readonly kubeConfig: KubeConfig;
  /** Adds a fault rule after the existing ones; returns the function removing it. @throws RangeError on a bad rule */
  inject(rule: FaultRule): () => void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Ends the open watch streams now (see {@link DropWatchesOptions}); returns how many. */
  dropWatches(options?: DropWatchesOptions): number;
  /**
   * While `true`, the proxy behaves like an API server that is down: every open connection (watches included) is
   * reset now, and each new one is reset as soon as it is accepted, so clients see `ECONNRESET`.
   */
  refuseConnections(refuse: boolean): void;
  /** The requests seen (a snapshot, oldest first, at most `logLimit`). */
  readonly log: readonly ProxyRequestRecord[];
  /** The counters now. */
  stats(): FaultProxyStats;
  /** Zeroes `requests` and `faultsInjected`, sets `maxInFlight` to the current `inFlight`, and clears the log. */
  resetStats(): void;
  /** Stops listening and destroys every connection, both sides. Safe to call twice; also runs on abort. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to the API server of `options.kubeConfig` and injects the
 * faults of its rules.
 *
 * Guarantees: bodies stream both ways, watch events pass through as they arrive; upstream connections are kept alive
 * and unlimited in number. When the API server cannot be reached, the client's connection is reset, as it would
 * have failed without the proxy. Nothing listens on a non-loopback address.
 *
 * @throws EnvtestError (`reason: 'ProxyFailed'`) when the port cannot be bound; TypeError when the KubeConfig has no
 *   current cluster; the signal's reason when it is aborted.
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { kubeConfig, port = faultProxyDefaults.port, logLimit = faultProxyDefaults.logLimit, signal } = options;
  signal?.throwIfAborted();
  if (!Number.isInteger(logLimit) || logLimit < 0) {
    throw new RangeError(`createFaultProxy: logLimit must be an integer >= 0, got ${logLimit}`);
  }
  const proxy = new RunningFaultProxy(upstreamOf(kubeConfig), logLimit);
  await proxy.listen(port, kubeConfig);
  if (signal) {
    const onAbort = () => void proxy.close();
    signal.addEventListener('abort', onAbort, { once: true });
    void proxy.closed.then(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) {
      await proxy.close();
      signal.throwIfAborted();
    }
  }
  return proxy;
}

type MutableRecord = { -readonly [K in keyof ProxyRequestRecord]: ProxyRequestRecord[K] };

interface OpenWatch {
  readonly info: RequestInfo;
  readonly target: string;
  readonly userAgent: string;
  readonly res: ServerResponse;
  readonly upstreamReq: ClientRequest;
  readonly upstreamRes: IncomingMessage;
  dropped: boolean;
}

class RunningFaultProxy implements FaultProxy {
  url = '';
  kubeConfig = new KubeConfig();
  private readonly server: Server;
  private readonly rules = new FaultRuleSet();
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<OpenWatch>();
  private records: MutableRecord[] = [];
  private requests = 0;
  private faultsInjected = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private refusing = false;
  private closing: Promise<void> | undefined;
  private markClosed!: () => void;
  /** Settles when `close()` has finished. */
  readonly closed = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });

  private readonly upstream: Upstream;
  private readonly logLimit: number;

  constructor(upstream: Upstream, logLimit: number) {
    this.upstream = upstream;
    this.logLimit = logLimit;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => this.accept(socket));
  }

  async listen(port: number, source: KubeConfig): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(port, '127.0.0.1', () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.upstream.destroy();
      const message = `fault proxy: cannot listen on 127.0.0.1:${port}: ${(err as Error).message}`;
      throw new EnvtestError('ProxyFailed', message, { cause: err });
    }
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.kubeConfig = proxyKubeConfig(source, this.url);
  }

  get log(): readonly ProxyRequestRecord[] {
    return [...this.records];
  }

  inject(rule: FaultRule): () => void {
    return this.rules.add(rule);
  }

  clearFaults(): void {
    this.rules.clear();
  }

  dropWatches({ match, reset = false }: DropWatchesOptions = {}): number {
    let dropped = 0;
    for (const watch of [...this.watches]) {
      if (match && !matchesFault(match, { info: watch.info, url: watch.target, userAgent: watch.userAgent })) continue;
      dropped += 1;
      watch.dropped = true;
      this.watches.delete(watch);
      watch.upstreamRes.unpipe(watch.res);
      watch.upstreamReq.destroy();
      if (reset) watch.res.socket?.resetAndDestroy();
      else watch.res.end();
    }
    return dropped;
  }

  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
    if (refuse) for (const socket of this.sockets) socket.resetAndDestroy();
  }

  stats(): FaultProxyStats {
    return {
      requests: this.requests,
      faultsInjected: this.faultsInjected,
      openWatches: this.watches.size,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    };
  }

  resetStats(): void {
    this.requests = 0;
    this.faultsInjected = 0;
    this.maxInFlight = this.inFlight;
    this.records = [];
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.upstream.destroy();
    }).then(this.markClosed);
    return this.closing;
  }

  private accept(socket: Socket): void {
    if (this.refusing || this.closing) {
      socket.resetAndDestroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const info = parseRequestInfo(req.method ?? 'GET', target);
    const record = this.record(req, info, target);
    const started = performance.now();
    const isWatch = info.verb === 'watch';
    if (!isWatch) {
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    // A ServerResponse emits 'close' exactly once: after the last byte, or when the connection ends first.
    res.once('close', () => {
      record.durationMs = performance.now() - started;
      if (!isWatch) this.inFlight -= 1;
    });
    req.on('error', () => res.destroy());
    res.on('error', () => {}); // writes after the client left; 'close' does the cleanup

    const fault = this.rules.select({ info, url: target, userAgent: record.userAgent });
    if (fault) {
      record.fault = fault.type;
      this.faultsInjected += 1;
      this.applyFault(fault, req, res, info, record);
    } else {
      this.forward(req, res, info, record);
    }
  }

  private applyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    record: MutableRecord,
  ): void {
    // Only stalls, delays and lost responses reach the API server.
    switch (fault.type) {
      case 'status': {
        const retryAfter: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': `${fault.retryAfterSeconds}` };
        this.answer(req, res, record, fault.code, JSON.stringify(statusForFault(fault, info)), retryAfter);
        break;
      }
      case 'gone':
        if (info.verb === 'watch') {
          const resourceVersion = new URL(req.url ?? '/', 'http://localhost').searchParams.get('resourceVersion');
          const event = expiredWatchEvent(resourceVersion ?? '');
          const { object } = JSON.parse(event) as { object: WatchStreamError };
          record.watchError = { code: object.code, reason: object.reason, message: object.message };
          this.answer(req, res, record, 200, event, { 'transfer-encoding': 'chunked' });
        } else {
          this.answer(req, res, record, 410, JSON.stringify(statusForFault({ type: 'status', code: 410 }, info)));
        }
        break;
      case 'stall': {
        const timer = setTimeout(() => this.forward(req, res, info, record), fault.delayMs);
        res.once('close', () => clearTimeout(timer));
        break;
      }
      case 'reset':
        req.socket.resetAndDestroy();
        break;
      case 'lostResponse':
      case 'delay':
        this.forward(req, res, info, record, fault);
        break;
    }
  }

  private record(req: IncomingMessage, info: RequestInfo, target: string): MutableRecord {
    const { pathname, search } = new URL(target, 'http://localhost');
    const record: MutableRecord = {
      ...info,
      time: new Date(),
      method: req.method ?? 'GET',
      path: pathname,
      query: search.slice(1),
      userAgent: req.headers['user-agent'] ?? '',
      status: 0,
      upstreamStatus: 0,
      watchError: undefined,
      fault: undefined,
      durationMs: undefined,
      error: undefined,
    };
    this.requests += 1;
    if (this.logLimit > 0) {
      this.records.push(record);
      if (this.records.length > this.logLimit) this.records.shift();
    }
    return record;
  }

  /** Answers without asking the API server; JSON, like kube-apiserver's own errors. */
  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    record: MutableRecord,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    req.resume(); // discard the request body
    record.status = status;
    const length = headers['transfer-encoding'] ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      ...length,
      ...headers,
    });
    res.end(body);
  }

  /** Sends the request to the API server and relays the answer, unless `fault` loses or delays it. */
  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    record: MutableRecord,
    fault?: LostResponseFault | DelayFault,
  ): void {
    if (res.destroyed) return; // the client left while the request was stalled
    const upstreamReq = this.upstream.request(req.method ?? 'GET', req.url ?? '/', forwardedHeaders(req.rawHeaders));
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.on('error', (err) => {
      if (res.destroyed) return; // we destroyed it because the client left
      record.error = err.message;
      // Without the proxy the client's own connection would have failed, so fail it here too.
      if (res.headersSent) res.destroy();
      else req.socket.resetAndDestroy();
    });
    upstreamReq.once('response', (upstreamRes) => {
      record.upstreamStatus = upstreamRes.statusCode ?? 0;
      upstreamRes.on('error', () => {}); // reported through 'close'
      if (fault?.type === 'lostResponse') this.loseResponse(req, info, upstreamReq, upstreamRes);
      else if (fault?.type === 'delay')
        this.holdResponse(
          req,
          res,
          fault.delayMs,
          () => this.relay(res, info, record, upstreamReq, upstreamRes),
          upstreamRes,
        );
      else this.relay(res, info, record, upstreamReq, upstreamRes);
    });
    req.pipe(upstreamReq);
  }

  /** "Committed, response lost": read the API server's whole answer, then reset the client before any byte of it. */
  private loseResponse(
    req: IncomingMessage,
    info: RequestInfo,
    upstreamReq: ClientRequest,
    upstreamRes: IncomingMessage,
  ): void {
    if (info.verb === 'watch') {
      // A watch never ends on its own: it was established, and that is all the client never hears of.
      upstreamReq.destroy();
      req.socket.resetAndDestroy();
      return;
    }
    upstreamRes.once('close', () => req.socket.resetAndDestroy());
    upstreamRes.resume();
  }

  /** Holds the API server's answer for `delayMs`, then relays it; a server that dies meanwhile resets the client. */
  private holdResponse(
    req: IncomingMessage,
    res: ServerResponse,
    delayMs: number,
    relay: () => void,
    upstreamRes: IncomingMessage,
  ): void {
    let relayed = false;
    const timer = setTimeout(() => {
      relayed = true;
      relay();
    }, delayMs);
    res.once('close', () => clearTimeout(timer));
    // A held (paused) response emits 'close' early only when it broke off.
    upstreamRes.once('close', () => {
      if (relayed || upstreamRes.complete) return;
      clearTimeout(timer);
      req.socket.resetAndDestroy();
    });
  }

  private relay(
    res: ServerResponse,
    info: RequestInfo,
    record: MutableRecord,
    upstreamReq: ClientRequest,
    upstreamRes: IncomingMessage,
  ): void {
    const status = upstreamRes.statusCode ?? 502;
    record.status = status;
    res.writeHead(status, upstreamRes.statusMessage, forwardedHeaders(upstreamRes.rawHeaders));
    // A watch sends its head before any event; the client must see it now, not with the first event.
    res.flushHeaders();
    let watch: OpenWatch | undefined;
    if (info.verb === 'watch' && status === 200) {
      const target = `${record.path}${record.query ? `?${record.query}` : ''}`;
      const open: OpenWatch = {
        info,
        target,
        userAgent: record.userAgent,
        res,
        upstreamReq,
        upstreamRes,
        dropped: false,
      };
      watch = open;
      this.watches.add(open);
      res.once('close', () => this.watches.delete(open));
      const type = upstreamRes.headers['content-type'] ?? '';
      if (type.startsWith('application/json') && !upstreamRes.headers['content-encoding']) {
        const scanner = new WatchErrorScanner((error) => {
          record.watchError = error;
        });
        upstreamRes.on('data', (chunk: Buffer) => scanner.push(chunk));
      }
    }
    upstreamRes.once('close', () => {
      // The API server went away mid-response (stopped, restarted): end the client's connection abruptly too.
      if (!upstreamRes.complete && !watch?.dropped) res.destroy();
    });
    upstreamRes.pipe(res);
  }
}

/** `source` with its current cluster replaced by the proxy at `url`. */
function proxyKubeConfig(source: KubeConfig, url: string): KubeConfig {
  const user = source.getCurrentUser() ?? { name: 'anonymous' };
  const context = source.getContextObject(source.getCurrentContext());
  const name = 'envtest-fault-proxy';
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // client-node refuses an http:// server unless skipTLSVerify is set, although there is no TLS to verify.
    clusters: [{ name, server: url, skipTLSVerify: true }],
    users: [user],
    contexts: [
      { name, cluster: name, user: user.name, ...(context?.namespace ? { namespace: context.namespace } : {}) },
    ],
    currentContext: name,
  });
  return kubeConfig;
}
