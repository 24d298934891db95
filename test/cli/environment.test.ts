import t from 'tap';
import { runCli, startCli } from './spawn-helpers.js';

// The CLI as a container runs it: an old option name stops it with a hint.

t.jobs = 2;

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
