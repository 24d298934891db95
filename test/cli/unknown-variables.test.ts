import t from 'tap';
import { envName, OPTION_SPECS } from '../../src/config/options.js';
import { unknownVariableWarnings } from '../../src/cli/unknown-variables.js';

// ANCHOR_MOCK_* variables that no command reads are reported, each with the
// closest known name; what any command reads is known, whichever runs.

t.test('a misspelt variable is reported with the closest known name', async (t) => {
  const cases: Array<[string, string]> = [
    ['ANCHOR_MOCK_PROT', 'ANCHOR_MOCK_PORT'],
    ['ANCHOR_MOCK_FIXTURE', 'ANCHOR_MOCK_FIXTURES'],
    ['ANCHOR_MOCK_ADMINTOKEN', 'ANCHOR_MOCK_ADMIN_TOKEN'],
    ['ANCHOR_MOCK_PUBLICURL', 'ANCHOR_MOCK_PUBLIC_URL'],
    ['ANCHOR_MOCK_DATABASE', 'ANCHOR_MOCK_DB'],
  ];
  for (const [name, closest] of cases) {
    const warnings = unknownVariableWarnings({ [name]: 'x' });
    t.equal(warnings.length, 1, name);
    t.match(warnings[0], `${name} is not a variable anchorbrowser-mock reads, so it is ignored`);
    t.match(warnings[0], new RegExp(`the closest known one is ${closest}$`), `${name} → ${closest}`);
  }
});

t.test('every variable of every command is known, whichever command runs', async (t) => {
  const env = Object.fromEntries(OPTION_SPECS.map((s) => [envName(s.flag), '1']));
  t.ok('ANCHOR_MOCK_HOST' in env && 'ANCHOR_MOCK_DB' in env && 'ANCHOR_MOCK_PORT' in env);
  t.same(unknownVariableWarnings(env), []);
});

t.test('other variables, and empty ones, are not reported', async (t) => {
  const env = { PATH: '/bin', ANCHORBROWSER_API_KEY: 'x', ANCHOR_MOCKERY: 'x', ANCHOR_MOCK_PROT: '' };
  t.same(unknownVariableWarnings(env), []);
});

t.test('an old name is reported with its new one, one warning per variable, in name order', async (t) => {
  t.same(unknownVariableWarnings({ ANCHOR_MOCK_SEED: '7', ANCHOR_MOCK_HOTS: 'x', ANCHOR_MOCK_HOST: '0.0.0.0' }), [
    'ANCHOR_MOCK_HOTS is not a variable anchorbrowser-mock reads, so it is ignored; ' +
      'the closest known one is ANCHOR_MOCK_HOST',
    'ANCHOR_MOCK_SEED was renamed ANCHOR_MOCK_LATENCY_SEED, so it is ignored',
  ]);
});
