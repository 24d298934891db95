import t from 'tap';
import { runCli, startCli } from './spawn-helpers.js';

// The CLI as a container runs it: variables it does not know are reported on
// stderr without stopping it, and an old option name stops it with a hint.

t.jobs = 3;

t.test('serve with a misspelt variable warns on stderr, naming the closest known one, and serves', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--no-fixtures'], { ANCHOR_MOCK_PROT: '4011' });
  const res = await fetch(`${cli.url}/_mock/health`);
  t.equal(res.status, 200);
  t.match(await res.json(), { status: 'ok' });
  t.equal(
    cli.output.stderr,
    'anchorbrowser-mock: warning: ANCHOR_MOCK_PROT is not a variable anchorbrowser-mock reads, ' +
      'so it is ignored; the closest known one is ANCHOR_MOCK_PORT\n',
  );
  t.equal((await cli.stop()).code, 0);
});

t.test('healthcheck is quiet about variables only serve reads, and warns about unknown ones', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--no-fixtures']);
  // What the image and docker-compose.yml set for serve; healthcheck reads only the port.
  const container = {
    ANCHOR_MOCK_HOST: '0.0.0.0',
    ANCHOR_MOCK_PORT: String(cli.port),
    ANCHOR_MOCK_DB: '/app/data/anchorbrowser-mock.db',
    ANCHOR_MOCK_FIXTURES: '/app/fixtures',
    ANCHOR_MOCK_PUBLIC_URL: 'http://mock:4010',
    ANCHOR_MOCK_ADMIN_TOKEN: 'change-me',
  };
  const quiet = await runCli(t, ['healthcheck'], container);
  t.equal(quiet.code, 0);
  t.equal(quiet.stderr, '', 'no warning');

  const noisy = await runCli(t, ['healthcheck'], { ...container, ANCHOR_MOCK_HEALTH_PORT: '1' });
  t.equal(noisy.code, 0, 'a warning is not an exit: the container still becomes healthy');
  t.match(
    noisy.stderr,
    /^anchorbrowser-mock: warning: ANCHOR_MOCK_HEALTH_PORT .* closest known one is ANCHOR_MOCK_\w+$/m,
  );
  t.equal(noisy.stderr.split('\n').length, 2, 'one line');
});

t.test('the old --seed and ANCHOR_MOCK_SEED stop serve with one line naming the new name', async (t) => {
  const flag = await runCli(t, ['--db', ':memory:', '--port', '0', '--seed', '7']);
  t.equal(flag.code, 2);
  t.equal(flag.stderr, 'anchorbrowser-mock: --seed was renamed --latency-seed. See --help.\n');
  const variable = await runCli(t, ['--db', ':memory:', '--port', '0'], { ANCHOR_MOCK_SEED: '7' });
  t.equal(variable.code, 2);
  t.equal(variable.stderr, 'anchorbrowser-mock: ANCHOR_MOCK_SEED was renamed ANCHOR_MOCK_LATENCY_SEED. See --help.\n');
});

t.test('--latency-seed is accepted and listed in --help with its variable', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--no-fixtures', '--latency', '1-5', '--latency-seed', '7']);
  t.equal(cli.output.stderr, '');
  const help = await runCli(t, ['--help']);
  t.match(help.stdout, /--latency-seed <n> +Seed of the latency PRNG/);
  t.match(help.stdout, 'env ANCHOR_MOCK_LATENCY_SEED');
  t.notMatch(help.stdout, /--seed\b/);
});
