import type { FastifyInstance } from 'fastify';

/** How often --exit-with-parent looks for its parent; the mock is gone within about a second of it. */
const PARENT_POLL_MS = 250;

export interface ShutdownOptions {
  /** How long in-flight requests may take before the remaining connections are cut. */
  timeoutMs: number;
  /** Stop as soon as this process (the one that started the mock) is gone. */
  parentPid?: number;
}

/**
 * SIGTERM, SIGINT and, when asked, the death of the parent process all stop
 * the server the same way: no new connections, in-flight requests finish
 * (up to the timeout), the store is closed, exit 0. A second signal exits at
 * once.
 */
export function installShutdown(app: FastifyInstance, { timeoutMs, parentPid }: ShutdownOptions): void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      app.log.warn(`${reason} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${reason}: finishing in-flight requests (up to ${timeoutMs} ms), then closing`);
    // Past the timeout, cut the remaining connections; close() then completes and closes the DB.
    const timer = setTimeout(() => {
      app.log.warn(`shutdown timeout of ${timeoutMs} ms reached: closing remaining connections`);
      app.server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => {
        app.log.info('closed');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (parentPid !== undefined) {
    const watch = setInterval(() => {
      if (isRunning(parentPid)) return;
      clearInterval(watch);
      stop(`parent process ${parentPid} exited`);
    }, PARENT_POLL_MS);
    watch.unref();
  }
}

/**
 * A process whose parent dies is handed to another (init or a subreaper), so
 * a changed ppid says it at once, even while the dead parent is a zombie that
 * kill(pid, 0) still finds; kill covers platforms where ppid never changes.
 */
function isRunning(parentPid: number): boolean {
  if (process.ppid !== parentPid) return false;
  try {
    process.kill(parentPid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
