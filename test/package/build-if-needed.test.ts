import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

// scripts/build-if-needed.mjs is the package's prepare script (npm ci, a git
// install, npm pack) and runs before npm start. It is tried here in a copy of
// the project that has no node_modules, as after `npm ci --omit=dev`.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runScript(cwd: string, args: string[] = []): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/build-if-needed.mjs', ...args],
      { cwd, timeout: 60_000 },
      (err, _stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr });
      },
    );
  });
}

async function projectCopy(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'anchor-mock-prepare-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const entry of ['package.json', 'tsconfig.json', 'scripts', 'src'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  return dir;
}

t.test('without TypeScript (npm ci --omit=dev) prepare succeeds, builds nothing and says so', async (t) => {
  const dir = await projectCopy(t);
  const result = await runScript(dir);
  t.equal(result.code, 0, 'exit 0: the install goes on');
  t.match(result.stderr, 'TypeScript is not installed (npm ci --omit=dev?): dist/ is not built');
  t.notOk(existsSync(join(dir, 'dist')), 'no dist/');
});

t.test('without TypeScript, an existing dist/ is left as it is', async (t) => {
  const dir = await projectCopy(t);
  mkdirSync(join(dir, 'dist/bundle'), { recursive: true });
  writeFileSync(join(dir, 'dist/bundle/cli.cjs'), '// shipped\n');
  const result = await runScript(dir);
  t.equal(result.code, 0);
  t.match(result.stderr, 'dist/ is left as it is');
});

t.test('--if-stale (npm start) does nothing while dist/ is newer than every source', async (t) => {
  const dir = await projectCopy(t);
  mkdirSync(join(dir, 'dist/bundle'), { recursive: true });
  mkdirSync(join(dir, 'dist/contract'), { recursive: true });
  writeFileSync(join(dir, 'dist/bundle/cli.cjs'), '// built\n');
  writeFileSync(join(dir, 'dist/contract/openapi.json'), '{}');
  writeFileSync(join(dir, 'dist/contract/vendor-openapi.json'), '{}');
  mkdirSync(join(dir, 'dist/contract/checks'));
  const fresh = await runScript(dir, ['--if-stale']);
  t.same(fresh, { code: 0, stderr: '' }, 'no build, no message');

  const past = new Date(Date.now() - 60_000);
  for (const built of ['dist/bundle/cli.cjs', 'dist/contract/checks']) {
    utimesSync(join(dir, built), past, past);
    const stale = await runScript(dir, ['--if-stale']);
    t.match(stale.stderr, 'TypeScript is not installed', `a source newer than ${built} asks for a build`);
    const now = new Date();
    utimesSync(join(dir, built), now, now);
  }
  rmSync(join(dir, 'dist/contract/checks'), { recursive: true });
  const missing = await runScript(dir, ['--if-stale']);
  t.match(missing.stderr, 'TypeScript is not installed', 'a missing checks folder asks for a build');
});

t.test('a copy of the package as installed (no src/) builds nothing, silently', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'anchor-mock-installed-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  t.same(await runScript(dir), { code: 0, stderr: '' });
});
