import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { contractProblems } from '../helpers/contract.js';

// The package as another project gets it: packed, installed into a scratch
// project outside this repo (inside it, resolution would fall back to our own
// node_modules), then imported and run. Installs use --ignore-scripts and the
// repo's compiled better-sqlite3, so nothing is compiled here.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const SDK_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/anchorbrowser/package.json'), 'utf8')) as { version: string }
).version;
const SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';

t.setTimeout(240_000);

/** This environment less what `npm test` and tap add (coverage hooks, npm_* settings). */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|TAP|ANCHOR_MOCK_|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(name),
    ),
  );

function run(file: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: cleanEnv(), timeout: 180_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `npm pack` in `dir` (which runs prepare), into `dest`; the tarball's path. */
async function pack(dir: string, dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const out = await run('npm', ['pack', '--json', '--pack-destination', dest], dir);
  // npm pack --json prints the lifecycle scripts' output before the JSON when they run.
  const [info] = JSON.parse(out.slice(out.indexOf('[\n'))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return join(dest, info!.filename);
}

/** A scratch project with the tarball (and the SDK) installed, and the repo's compiled better-sqlite3. */
async function installInto(project: string, tarball: string): Promise<void> {
  await mkdir(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const flags = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  await run('npm', ['install', ...flags, tarball, `anchorbrowser@${SDK_VERSION}`], project);
  await run(
    'cp',
    ['-R', join(ROOT, 'node_modules/better-sqlite3/build'), join(project, 'node_modules/better-sqlite3/')],
    ROOT,
  );
}

const CHECK = `
import Anchorbrowser from 'anchorbrowser';
import { startMockServer, BUNDLED_FIXTURES } from 'anchorbrowser-mock';
const mock = await startMockServer({ fixtures: [BUNDLED_FIXTURES] });
try {
  const client = new Anchorbrowser({ baseURL: mock.url, apiKey: 'ak_acme_main' });
  const { data, response } = await client.sessions.retrieveDownloads('${SESSION}').withResponse();
  console.log(JSON.stringify({ resolved: import.meta.resolve('anchorbrowser-mock'), status: response.status, body: data }));
} finally {
  await mock.close();
}
`;

async function checkInstalled(t: Test, project: string): Promise<void> {
  writeFileSync(join(project, 'check.mjs'), CHECK);
  const result = JSON.parse(await run(process.execPath, ['check.mjs'], project)) as {
    resolved: string;
    status: number;
    body: { data: { count: number } };
  };
  t.ok(
    result.resolved.startsWith(`file://${project}/node_modules/${PACKAGE.name}/`),
    `imported from the install: ${result.resolved}`,
  );
  t.equal(result.status, 200, 'the SDK lists the bundled session');
  t.equal(result.body.data.count, 11, 'with its eleven downloads');
  t.same(contractProblems(200, result.body), [], 'the body matches the contract');
  const version = await run(join(project, 'node_modules/.bin/anchorbrowser-mock'), ['--version'], project);
  t.equal(version.trim(), PACKAGE.version, 'the installed bin runs');
}

t.test('a git install builds dist/ with prepare; the tarball ships the bundle, installs and runs', async (t) => {
  // npm installs a git dependency by cloning it, installing its dependencies,
  // running prepare and packing the result; npm publish in a clean checkout
  // runs prepare and packs too. This does the same, with this repo's
  // node_modules standing in for the install (the clone is of HEAD).
  const scratch = await mkdtemp(join(tmpdir(), 'anchor-mock-git-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const clone = join(scratch, 'clone');
  await run('git', ['clone', '--quiet', ROOT, clone], scratch);
  t.notOk(readdirSync(clone).includes('dist'), 'a fresh clone has no dist/');
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  const tarball = await pack(clone, join(scratch, 'tarball'));
  const listing = await run('tar', ['-tzf', tarball], scratch);
  t.match(listing, 'package/dist/bundle/index.mjs\n', 'prepare built dist/ before packing');
  for (const file of [
    'dist/bundle/index.mjs',
    'dist/bundle/cli.cjs',
    'dist/bundle/load.cjs',
    'dist/index.d.ts',
    'dist/fixtures/default.yaml.json',
    'fixtures/default.yaml',
    'LICENSE',
    'README.md',
  ]) {
    t.match(listing, `package/${file}\n`, `ships ${file}`);
  }
  t.notMatch(listing, /package\/(src|test|bench)\//, 'ships no sources, tests or benchmarks');
  t.notMatch(listing, /package\/dist\/(cli\/main|index)\.js\n/, 'ships the bundle, not the modules it was made from');
  await installInto(join(scratch, 'consumer'), tarball);
  await checkInstalled(t, join(scratch, 'consumer'));
});
