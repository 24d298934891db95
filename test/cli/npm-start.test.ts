import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// `npm start` as a user (or a CI step) runs it: stopping npm's own process by
// its PID must stop the server and free the port. npm forwards the signal to
// its script's process; the script must `exec` node so that process is node.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function until(what: string, check: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('SIGTERM to the npm start process stops the server and frees its port', async (t) => {
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|TAP|ANCHOR_MOCK_|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(name),
    ),
  );
  const npm = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--log-level', 'warn'], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
    detached: true, // its own process group, so the teardown can end whatever is left
  });
  t.teardown(() => {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  await until('the mock answers', listening.bind(null, port), 30_000);
  npm.kill('SIGTERM');
  await until('the port is free', async () => !(await listening(port)), 10_000);
  t.pass('nothing listens on the port once npm has been stopped');
});
