import t from 'tap';
import { buildSessionsWorld } from '../helpers/sessions.js';

t.test('credits: each created session spends one; a spent balance refuses with 402', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const thrifty = { id: 'thrifty' };
  t.ok('session' in mock.sessions.create(thrifty, {}, clock.now()));
  t.ok('request' in mock.sessions.createAsync(thrifty, {}, clock.now()), 'an async creation spends too');
  t.same(mock.sessions.create(thrifty, {}, clock.now()), {
    refused: 402,
    message: 'Insufficient credits to allocate a new browser.',
  });
  t.same(mock.sessions.createAsync(thrifty, {}, clock.now()), {
    refused: 402,
    message: 'Insufficient credits to allocate a new browser.',
  });
  t.ok(
    'session' in mock.sessions.create({ id: 'acme' }, {}, clock.now()),
    'an account without a balance is never refused',
  );
  mock.reset();
  t.ok('session' in mock.sessions.create(thrifty, {}, clock.now()), 'reset restores the balance');
});

t.test(
  'the creation limit: the fourth creation within a minute answers 429 with the draft RateLimit headers',
  async (t) => {
    const { mock, clock } = buildSessionsWorld(t);
    const throttled = { id: 'throttled' };
    const first = mock.sessions.create(throttled, {}, clock.now());
    t.match(first, { headers: { RateLimit: '"3-in-1min"; r=2; t=60' } }, 'successes carry what remains');
    t.match(first, { headers: { 'RateLimit-Policy': /^"3-in-1min"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/ } });
    clock.advance(10_000);
    t.match(mock.sessions.createAsync(throttled, {}, clock.now()), {
      headers: { RateLimit: '"3-in-1min"; r=1; t=50' },
    });
    clock.advance(10_000);
    t.match(mock.sessions.create(throttled, {}, clock.now()), { headers: { RateLimit: '"3-in-1min"; r=0; t=40' } });
    clock.advance(2_000);
    const refused = mock.sessions.create(throttled, {}, clock.now());
    t.match(refused, {
      refused: 429,
      message: 'Session creation rate limit exceeded.',
      headers: { RateLimit: '"3-in-1min"; r=0; t=38', 'Retry-After': '38' },
    });
    t.match(mock.sessions.createAsync(throttled, {}, clock.now()), { refused: 429 }, 'async creations too');
    clock.advance(38_000 - 1);
    t.match(mock.sessions.create(throttled, {}, clock.now()), { refused: 429, headers: { 'Retry-After': '1' } });
    clock.advance(1);
    t.match(mock.sessions.create(throttled, {}, clock.now()), { session: {} }, 'once the first leaves the window');
    t.equal(
      mock.sessions.list('throttled', {}, clock.now()).length,
      4,
      'the three admitted (the async one ready by now) and the last; the refusals created nothing',
    );
  },
);

t.test('an account without a limit gets no RateLimit headers', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  t.match(mock.sessions.create({ id: 'acme' }, {}, clock.now()), { headers: {} });
  t.notMatch(mock.sessions.create({ id: 'acme' }, {}, clock.now()), { headers: { RateLimit: String } });
});
