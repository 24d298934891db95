import t from 'tap';
import { applySessionRules } from '../../src/domain/sessions/session-rules.js';
import { AddedDownloadError, UnknownSessionError, type FixtureDocument } from '../../src/index.js';
import { EMPTY_SESSION, expectContract, listUrl, smallWorld, T0 } from '../helpers/app.js';
import { call, keyHeader, startTestMock } from '../admin/live-mock.js';

// mock.addDownload and session rules over real HTTP: the list's fast path follows the clock too.

const pdf = {
  original_download_url: 'https://portal.example.com/export/2025-01.pdf',
  origin_url: 'https://portal.example.com/export/',
  original_file_name: '2025-01.pdf',
};

t.test('mock.addDownload adds a download that appears once the clock passes after_ms', async (t) => {
  const mock = await startTestMock(t);
  const item = await mock.addDownload(EMPTY_SESSION, { ...pdf, content: { text: '%PDF' }, after_ms: 1000 });
  t.match(item, { ...pdf, size: 4, created_at: new Date(T0 + 1000).toISOString() });
  t.equal(item.file_link, `${mock.url}/sessions/${EMPTY_SESSION}/downloads/${item.id}/fetch`);
  const list = async () => expectContract(t, await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader }), 200);
  t.equal((await list()).data.count, 0);
  mock.clock.advance(1000);
  t.same((await list()).data.items, [item]);
  const file = await call(mock, new URL(item.file_link).pathname, { headers: keyHeader });
  t.equal(file.body, '%PDF');
});

t.test('mock.addDownload refuses an unknown session and bad input, naming the field', async (t) => {
  const mock = await startTestMock(t);
  await t.rejects(mock.addDownload('nope', { ...pdf, size: 1 }), UnknownSessionError);
  await t.rejects(mock.addDownload(EMPTY_SESSION, { ...pdf }), new AddedDownloadError('', 'needs content or size'));
  await t.rejects(mock.addDownload(EMPTY_SESSION, { ...pdf, size: 2, content: { text: 'abc' } }), {
    name: 'AddedDownloadError',
    field: 'size',
  });
  await t.rejects(mock.addDownload(EMPTY_SESSION, { ...pdf, size: -1 }), { name: 'ZodError', message: /size/ });
});

t.test("session rules from the start-up fixtures: a rule's download appears on the clock alone", async (t) => {
  const withRules: FixtureDocument = {
    accounts: [
      {
        id: 'acme',
        session_rules: [{ when: { tags: ['invoices'] }, downloads: [{ ...pdf, size: 100, after_ms: 1500 }] }],
      },
    ],
  };
  const mock = await startTestMock(t, { fixtures: [smallWorld, withRules] });
  const list = async () => expectContract(t, await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader }), 200);
  t.equal((await list()).data.count, 0, 'listed (and cached) before the rule fires');
  const [row] = applySessionRules(mock.app.mock, EMPTY_SESSION, 'acme', { tags: ['invoices'] }, mock.clock.now());
  t.equal(row!.created_at, T0 + 1500);
  t.equal((await list()).data.count, 0, 'due, not yet listed');
  await call(mock, '/_mock/clock', { method: 'POST', body: { advance_ms: 1500 } });
  t.same(
    (await list()).data.items.map((i: { id: string }) => i.id),
    [row!.id],
  );
  await mock.reset();
  t.equal((await list()).data.count, 0, 'reset drops what the rule added');
  t.same(
    applySessionRules(mock.app.mock, EMPTY_SESSION, 'acme', { tags: ['invoices'] }, mock.clock.now()).length,
    1,
    'and what fired: the rule applies again',
  );
});
