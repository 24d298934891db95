import type { Writable } from 'node:stream';

/** Log text allowed to wait behind a reader that has stopped reading; lines beyond it are dropped. */
export const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * The CLI's pino destination: each line goes to the first stream that still
 * works (stdout, then stderr), and once none does, nowhere. Writing never
 * blocks and never throws, so a log pipe whose reader died, or stopped
 * reading, can neither stall requests nor keep the process from exiting.
 *
 * pino's own destination cannot promise that: on exit it flushes
 * synchronously and retries a failing write (EPIPE, EAGAIN) forever.
 * process.stdout and stderr on a pipe or socket queue what the kernel will
 * not take yet, and the queue is dropped at exit; a stream that reports an
 * error is given up for good, and the line it lost is passed on.
 */
export class LogDestination {
  readonly #streams: Writable[];
  readonly #failed = new Set<Writable>();

  constructor(streams: readonly Writable[] = [process.stdout, process.stderr]) {
    this.#streams = [...streams];
    // An 'error' nobody listens for would be thrown, and end the process.
    for (const stream of this.#streams) stream.on('error', () => this.#failed.add(stream));
  }

  write(line: string): void {
    this.#writeFrom(0, line);
  }

  #writeFrom(first: number, line: string): void {
    for (let i = first; i < this.#streams.length; i++) {
      const stream = this.#streams[i]!;
      if (this.#failed.has(stream) || stream.destroyed || !stream.writable) continue;
      if (stream.writableLength + line.length > MAX_PENDING_BYTES) return;
      try {
        stream.write(line, (err) => {
          if (!err) return;
          this.#failed.add(stream);
          this.#writeFrom(i + 1, line);
        });
      } catch {
        this.#failed.add(stream);
        continue;
      }
      return;
    }
  }
}
