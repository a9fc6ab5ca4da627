/** Splits a byte stream into lines, whatever the chunk boundaries (mid-line, mid-UTF-8 character, `\r\n`). */

/** Feed it chunks with `push`, get complete lines back; `end` returns the last line if it had no newline. */
export class LineDecoder {
  readonly #decoder = new TextDecoder('utf-8');
  #pending = '';

  /** Decodes `chunk` and returns every line it completes (without the newline; empty lines are dropped). */
  push(chunk: Uint8Array | string): string[] {
    const text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true }));
    const parts = text.split('\n');
    this.#pending = parts.pop() ?? '';
    return parts.map(stripCarriageReturn).filter((line) => line !== '');
  }

  /** Flushes the decoder; returns the unterminated last line, if any. */
  end(): string[] {
    const rest = stripCarriageReturn(this.#pending + this.#decoder.decode());
    this.#pending = '';
    return rest === '' ? [] : [rest];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
