import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import t, { type Test } from 'tap';
import { PACKAGE_VERSION } from '../../src/version.js';
import { runCli, startCli } from './spawn-helpers.js';

// A start on a port that is already held exits 1 and says what holds it:
// another anchorbrowser-mock by name, anything else by the plain EADDRINUSE.

t.jobs = 2;

/** Listens on a free loopback port, closed at teardown. */
async function listening(t: Test, server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

t.test('a second start on the port of a running mock names it (pid, version, start) and how to stop it', async (t) => {
  const first = await startCli(t, ['--db', ':memory:']);
  const health = (await (await fetch(`${first.url}/_mock/health`)).json()) as { pid: number; started_at: string };
  t.equal(health.pid, first.child.pid, 'the running mock reports its own pid');

  const second = await runCli(t, ['--db', ':memory:', '--port', String(first.port)]);
  t.equal(second.code, 1, 'exit code 1');
  t.match(second.stderr, `port ${first.port} is already held by another anchorbrowser-mock`);
  t.match(second.stderr, `pid ${health.pid}, version ${PACKAGE_VERSION}, started at ${health.started_at}`);
  t.match(second.stderr, `stop it with \`kill ${health.pid}\``);
  t.match(second.stderr, '--port');
  t.equal((await fetch(`${first.url}/_mock/health`)).status, 200, 'the first mock still serves');
});

t.test('a start on a port another program holds says EADDRINUSE, naming the port and --port', async (t) => {
  const port = await listening(
    t,
    createServer((socket) => socket.destroy()),
  );
  const res = await runCli(t, ['--db', ':memory:', '--port', String(port)]);
  t.equal(res.code, 1, 'exit code 1');
  t.match(res.stderr, `anchorbrowser-mock: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
  t.match(res.stderr, 'choose another port with --port');
});

t.test('an HTTP server answering {"status":"ok"} on /_mock/health is not taken for a mock', async (t) => {
  const impostor = createHttpServer((_req, res) => res.end('{"status":"ok","pid":1}'));
  const port = await listening(t, impostor);
  const res = await runCli(t, ['--db', ':memory:', '--port', String(port)]);
  t.equal(res.code, 1);
  t.match(res.stderr, `cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
  t.notMatch(res.stderr, /anchorbrowser-mock:.*another anchorbrowser-mock/);
});
