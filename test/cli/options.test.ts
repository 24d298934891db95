import type { Test } from 'tap';
import t from 'tap';
import { optionsHelp, parseOptions, UsageError, valueOf } from '../../src/cli/options.js';
import { OPTIONS } from '../../src/config/options.js';

// parseOptions turns argv and the environment into typed values once, for
// one command; every mistake is a UsageError whose one-line message names the
// flag or variable at fault (the CLI prints it and exits 2).

/** The UsageError parseOptions throws, failing the test if it returns. */
function usageError(t: Test, ...args: Parameters<typeof parseOptions>): UsageError | undefined {
  try {
    parseOptions(...args);
  } catch (err) {
    t.type(err, UsageError);
    return err as UsageError;
  }
  t.fail(`expected a UsageError for ${JSON.stringify(args.slice(1))}`);
  return undefined;
}

t.test('flags parse to typed values', async (t) => {
  const { values, positionals, help, version } = parseOptions(
    'serve',
    [
      '--port',
      '4011',
      '--rate-refill',
      '0.5',
      '--rate-capacity',
      '3',
      '--db',
      ':memory:',
      '--no-rate-limit',
      '--public-url=http://mock:4010',
      '--log-level',
      'warn',
    ],
    {},
  );
  t.same(values, {
    port: 4011,
    'rate-refill': 0.5,
    'rate-capacity': 3,
    db: ':memory:',
    'no-rate-limit': true,
    'public-url': 'http://mock:4010',
    'log-level': 'warn',
  });
  t.same(positionals, []);
  t.equal(help, false);
  t.equal(version, false);
});

t.test('what neither argv nor the environment sets is absent, for the caller to default', async (t) => {
  t.same(parseOptions('serve', [], {}).values, {});
});

t.test('valueOf gives what argv or the environment set, else the default of the options table', async (t) => {
  const { values } = parseOptions('serve', ['--rate-capacity', '7'], { ANCHOR_MOCK_CLOCK: 'manual' });
  t.equal(valueOf(values, OPTIONS.rateCapacity), 7);
  t.equal(valueOf(values, OPTIONS.clock), 'manual');
  t.equal(valueOf(values, OPTIONS.port), 4010, 'the CLI listens on 4010 unless told otherwise');
  t.equal(valueOf(values, OPTIONS.journalSize), 10_000);
  t.equal(valueOf(values, OPTIONS.publicUrl), undefined, 'no default value: it follows the listening address');
  t.equal(valueOf(parseOptions('seed', [], {}).values, OPTIONS.seedDb), undefined, 'seed has no default --db');
});

t.test('port 0 (pick a free one) is a valid port', async (t) => {
  t.equal(parseOptions('serve', ['--port', '0'], {}).values.port, 0);
  t.equal(parseOptions('serve', [], { ANCHOR_MOCK_PORT: '0' }).values.port, 0);
});

t.test('every option reads ANCHOR_MOCK_ + its flag in upper snake case', async (t) => {
  const { values } = parseOptions('serve', [], {
    ANCHOR_MOCK_HOST: '0.0.0.0',
    ANCHOR_MOCK_PORT: '4011',
    ANCHOR_MOCK_DB: '/tmp/x.db',
    ANCHOR_MOCK_PUBLIC_URL: 'http://mock:4010',
    ANCHOR_MOCK_RATE_CAPACITY: '7',
    ANCHOR_MOCK_RATE_REFILL: '2.5',
    ANCHOR_MOCK_NO_RATE_LIMIT: '1',
    ANCHOR_MOCK_SIGNING_SECRET: 's3cret',
    ANCHOR_MOCK_SIGNED_URL_TTL: '60',
    ANCHOR_MOCK_LOG_LEVEL: 'debug',
  });
  t.same(values, {
    host: '0.0.0.0',
    port: 4011,
    db: '/tmp/x.db',
    'public-url': 'http://mock:4010',
    'rate-capacity': 7,
    'rate-refill': 2.5,
    'no-rate-limit': true,
    'signing-secret': 's3cret',
    'signed-url-ttl': 60,
    'log-level': 'debug',
  });
});

t.test('a list flag repeats; its variable is comma-separated, trimmed, blanks dropped', async (t) => {
  t.same(parseOptions('serve', ['--fixtures', 'a.yaml', '--fixtures', 'dir/'], {}).values.fixtures, ['a.yaml', 'dir/']);
  t.same(parseOptions('serve', [], { ANCHOR_MOCK_FIXTURES: ' a.yaml , b.yaml,,' }).values.fixtures, [
    'a.yaml',
    'b.yaml',
  ]);
  t.same(parseOptions('serve', [], { ANCHOR_MOCK_FIXTURES: 'only.json' }).values.fixtures, ['only.json']);
});

t.test('a list flag replaces the whole list from the variable', async (t) => {
  t.same(parseOptions('serve', ['--fixtures', 'c.yaml'], { ANCHOR_MOCK_FIXTURES: 'a.yaml,b.yaml' }).values.fixtures, [
    'c.yaml',
  ]);
});

t.test('boolean variables read true/false/1/0, in any case, around blanks', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    [' 0\n', false],
  ];
  for (const [raw, expected] of cases) {
    t.equal(
      parseOptions('serve', [], { ANCHOR_MOCK_NO_RATE_LIMIT: raw }).values['no-rate-limit'],
      expected,
      JSON.stringify(raw),
    );
    t.equal(
      parseOptions('serve', [], { ANCHOR_MOCK_NO_FIXTURES: raw }).values['no-fixtures'],
      expected,
      `no-fixtures ${JSON.stringify(raw)}`,
    );
  }
});

t.test('any other boolean value is a usage error naming the variable and the value', async (t) => {
  for (const raw of ['maybe', 'yes', 'on', '2', 'truthy']) {
    const err = usageError(t, 'serve', [], { ANCHOR_MOCK_NO_RATE_LIMIT: raw });
    t.equal(err?.message, `ANCHOR_MOCK_NO_RATE_LIMIT must be true, false, 1 or 0 (got "${raw}")`);
  }
});

t.test('a boolean flag takes no value', async (t) => {
  const err = usageError(t, 'serve', ['--no-rate-limit=true'], {});
  t.match(err?.message, "'--no-rate-limit'");
  t.match(err?.message, 'does not take an argument');
});

t.test('an empty variable counts as unset', async (t) => {
  t.same(
    parseOptions('serve', [], { ANCHOR_MOCK_PORT: '', ANCHOR_MOCK_NO_RATE_LIMIT: '', ANCHOR_MOCK_FIXTURES: '' }).values,
    {},
  );
});

t.test('flags win over variables, each option on its own', async (t) => {
  const env = {
    ANCHOR_MOCK_PORT: '5000',
    ANCHOR_MOCK_RATE_CAPACITY: '7',
    ANCHOR_MOCK_DB: 'env.db',
    ANCHOR_MOCK_PUBLIC_URL: 'http://env:1',
    ANCHOR_MOCK_LOG_LEVEL: 'error',
    ANCHOR_MOCK_NO_RATE_LIMIT: 'false',
  };
  const { values } = parseOptions('serve', ['--port', '6000', '--rate-capacity', '9', '--no-rate-limit'], env);
  t.equal(values.port, 6000, '--port wins');
  t.equal(values['rate-capacity'], 9, '--rate-capacity wins');
  t.equal(values['no-rate-limit'], true, '--no-rate-limit wins over ANCHOR_MOCK_NO_RATE_LIMIT=false');
  t.equal(values.db, 'env.db', 'variables still fill what argv left unset');
  t.equal(values['public-url'], 'http://env:1');
  t.equal(values['log-level'], 'error');
});

t.test('a bad variable is not an error when a flag overrides it', async (t) => {
  t.equal(parseOptions('serve', ['--port', '1'], { ANCHOR_MOCK_PORT: 'abc' }).values.port, 1);
});

t.test('each command knows only its own options', async (t) => {
  t.match(usageError(t, 'seed', ['--port', '1'], {})?.message, "'--port'");
  t.match(usageError(t, 'healthcheck', ['--db', 'x.db'], {})?.message, "'--db'");
  // ...and reads only its own variables.
  t.same(parseOptions('healthcheck', [], { ANCHOR_MOCK_DB: 'x.db', ANCHOR_MOCK_PORT: '4011' }).values, { port: 4011 });
  t.same(parseOptions('seed', ['--db', 'x.db', 'a.yaml', 'b.yaml'], { ANCHOR_MOCK_PORT: '4011' }), {
    values: { db: 'x.db' },
    positionals: ['a.yaml', 'b.yaml'],
    help: false,
    version: false,
  });
});

t.test('-h/--help and -v/--version are reported, positionals kept', async (t) => {
  t.match(parseOptions('serve', ['-h'], {}), { help: true, version: false });
  t.match(parseOptions('serve', ['--help'], {}), { help: true });
  t.match(parseOptions('seed', ['x.yaml', '-v'], {}), { version: true, positionals: ['x.yaml'] });
  t.match(parseOptions('healthcheck', ['--version'], {}), { version: true });
});

t.test('usage errors are one line naming the flag or variable and what was given', async (t) => {
  const cases: Array<{ argv: string[]; env?: Record<string, string>; names: string; mentions?: string }> = [
    { argv: ['--bogus'], names: '--bogus' },
    { argv: ['-x'], names: '-x' },
    { argv: ['--port'], names: '--port', mentions: 'missing' },
    { argv: ['--port', 'abc'], names: '--port', mentions: 'got "abc"' },
    { argv: ['--port', '70000'], names: '--port', mentions: '65535' },
    { argv: ['--port', '1.5'], names: '--port', mentions: 'whole number' },
    { argv: ['--port=-1'], names: '--port', mentions: 'got "-1"' },
    // A value that looks like a flag: node:util's own message runs over three lines.
    { argv: ['--port', '-1'], names: '--port' },
    { argv: ['--rate-refill', '0'], names: '--rate-refill', mentions: '> 0' },
    { argv: ['--rate-refill=-2'], names: '--rate-refill' },
    { argv: ['--rate-capacity', '0'], names: '--rate-capacity', mentions: '>= 1' },
    { argv: ['--rate-capacity', '2.5'], names: '--rate-capacity', mentions: 'whole number' },
    { argv: ['--signed-url-ttl', 'soon'], names: '--signed-url-ttl', mentions: 'got "soon"' },
    { argv: ['--db='], names: '--db', mentions: 'needs a value' },
    { argv: ['--host', ''], names: '--host', mentions: 'needs a value' },
    { argv: ['--public-url', 'ftp://mock'], names: '--public-url', mentions: 'http(s)' },
    { argv: ['--public-url', 'mock:4010x'], names: '--public-url' },
    { argv: ['--log-level', 'verbose'], names: '--log-level', mentions: 'got "verbose"' },
    { argv: [], env: { ANCHOR_MOCK_PORT: 'abc' }, names: 'ANCHOR_MOCK_PORT', mentions: 'got "abc"' },
    { argv: [], env: { ANCHOR_MOCK_RATE_REFILL: '0' }, names: 'ANCHOR_MOCK_RATE_REFILL', mentions: '> 0' },
    { argv: [], env: { ANCHOR_MOCK_PUBLIC_URL: 'mock' }, names: 'ANCHOR_MOCK_PUBLIC_URL', mentions: 'got "mock"' },
    { argv: [], env: { ANCHOR_MOCK_NO_FIXTURES: 'maybe' }, names: 'ANCHOR_MOCK_NO_FIXTURES', mentions: 'got "maybe"' },
  ];
  for (const c of cases) {
    const label = `${c.argv.join(' ')} ${JSON.stringify(c.env ?? {})}`;
    const message = usageError(t, 'serve', c.argv, c.env ?? {})?.message ?? '';
    t.match(message, c.names, `${label}: names ${c.names}`);
    if (c.mentions) t.match(message, c.mentions, `${label}: says ${c.mentions}`);
    t.notMatch(message, /\n/, `${label}: one line, got ${JSON.stringify(message)}`);
  }
});

t.test('optionsHelp lists each option of a command with its variable', async (t) => {
  const serve = optionsHelp('serve');
  for (const flag of [
    'host',
    'port',
    'db',
    'fixtures',
    'no-fixtures',
    'public-url',
    'rate-capacity',
    'rate-refill',
    'no-rate-limit',
    'signing-secret',
    'signed-url-ttl',
    'log-level',
  ]) {
    t.match(serve, new RegExp(`--${flag}\\b`), `serve: --${flag}`);
    t.match(serve, `env ANCHOR_MOCK_${flag.replaceAll('-', '_').toUpperCase()}`, `serve: variable of --${flag}`);
  }
  const healthcheck = optionsHelp('healthcheck');
  t.match(healthcheck, '--port');
  t.notMatch(healthcheck, '--db');
  const seed = optionsHelp('seed');
  t.match(seed, '--db');
  t.notMatch(seed, '--port');
});

t.test('the latency PRNG seed is --latency-seed / ANCHOR_MOCK_LATENCY_SEED', async (t) => {
  t.equal(parseOptions('serve', ['--latency-seed', '7'], {}).values['latency-seed'], 7);
  t.equal(parseOptions('serve', [], { ANCHOR_MOCK_LATENCY_SEED: '8' }).values['latency-seed'], 8);
  t.match(usageError(t, 'serve', ['--latency-seed', 'x'], {})?.message, '--latency-seed must be a number');
});

t.test('the old --seed and ANCHOR_MOCK_SEED fail with one line naming the new name', async (t) => {
  t.equal(usageError(t, 'serve', ['--seed', '7'], {})?.message, '--seed was renamed --latency-seed');
  t.equal(usageError(t, 'serve', ['--seed=7'], {})?.message, '--seed was renamed --latency-seed');
  const variable = usageError(t, 'serve', ['--latency-seed', '7'], { ANCHOR_MOCK_SEED: '7' });
  t.equal(variable?.message, 'ANCHOR_MOCK_SEED was renamed ANCHOR_MOCK_LATENCY_SEED');
  // Where the new option does not apply, the old name is what it always was there.
  t.match(usageError(t, 'seed', ['--seed', '7', 'a.yaml'], {})?.message, "Unknown option '--seed'");
  t.same(parseOptions('healthcheck', [], { ANCHOR_MOCK_SEED: '7' }).values, {});
  t.same(parseOptions('serve', [], { ANCHOR_MOCK_SEED: '' }).values, {}, 'empty counts as unset');
});

t.test('--fresh / ANCHOR_MOCK_FRESH is a serve flag', async (t) => {
  t.equal(parseOptions('serve', ['--fresh'], {}).values.fresh, true);
  t.equal(parseOptions('serve', [], { ANCHOR_MOCK_FRESH: '1' }).values.fresh, true);
  t.match(usageError(t, 'seed', ['--fresh', 'a.yaml'], {})?.message, "'--fresh'");
});

t.test('--db defaults to :memory: for serve, and is required for seed', async (t) => {
  t.match(optionsHelp('serve'), /--db <file> .*\(default: :memory:/);
  t.match(optionsHelp('seed'), /--db <file> .*\(default: none: required\)/);
});
