/** Finds the ERROR events of a JSON watch stream as it passes through the fault proxy, holding at most one of them. */
import { StringDecoder } from 'node:string_decoder';

/** The `metav1.Status` of a watch stream's ERROR event, e.g. 410 `Expired` for a too-old resourceVersion. */
export interface WatchStreamError {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

// kube-apiserver's JSON encoder writes each event on one line, `type` first and without spaces.
const errorPrefix = '{"type":"ERROR"';

/**
 * Scans the chunks of a watch response for ERROR events and reports each one. Only a line that still reads like an
 * ERROR event is buffered; other events (of any size) pass without being kept.
 */
export class WatchErrorScanner {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of the current line while it may be an ERROR event. */
  private line = '';
  /** Whether the current line is known not to be an ERROR event. */
  private skipping = false;

  private readonly onError: (error: WatchStreamError) => void;

  constructor(onError: (error: WatchStreamError) => void) {
    this.onError = onError;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    while (start < text.length) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      if (!this.skipping) {
        this.line += text.slice(start, end);
        const known = this.line.slice(0, errorPrefix.length);
        this.skipping = !errorPrefix.startsWith(known);
        if (this.skipping) this.line = '';
      }
      if (newline === -1) return;
      if (!this.skipping && this.line.length >= errorPrefix.length) this.report(this.line);
      this.line = '';
      this.skipping = false;
      start = newline + 1;
    }
  }

  private report(line: string): void {
    try {
      const { object } = JSON.parse(line) as { object?: Partial<WatchStreamError> };
      this.onError({ code: object?.code ?? 0, reason: object?.reason ?? '', message: object?.message ?? '' });
    } catch {
      // Not JSON after all: nothing to report.
    }
  }
}
