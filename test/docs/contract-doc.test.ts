import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { DOCUMENTED_OMISSIONS } from '../helpers/vendor-contract.js';
import { undeclaredStatusTable } from '../helpers/undeclared-statuses.js';

// docs/contract.md lists every undeclared-status case; the list is computed
// from the vendor document here, so the page cannot drift from it.
// UPDATE_CONTRACT_DOC=1 rewrites the table in place.

const DOC = new URL('../../docs/contract.md', import.meta.url);
const START = '<!-- undeclared-statuses:start -->';
const END = '<!-- undeclared-statuses:end -->';

t.test("docs/contract.md's table of undeclared statuses is the one the vendor document gives", async (t) => {
  const text = readFileSync(DOC, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  t.ok(from >= 0 && to > from, 'the page has the table markers');
  const table = undeclaredStatusTable();
  if (process.env.UPDATE_CONTRACT_DOC === '1') {
    writeFileSync(DOC, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
  }
  t.equal(
    readFileSync(DOC, 'utf8')
      .slice(from + START.length, to)
      .trim(),
    table,
  );
});

t.test('docs/contract.md names every documented omission', async (t) => {
  const text = readFileSync(DOC, 'utf8');
  for (const [where, pointers] of Object.entries(DOCUMENTED_OMISSIONS)) {
    for (const pointer of pointers) t.ok(text.includes(`${where} ${pointer}`), `${where} ${pointer}`);
  }
  if (Object.keys(DOCUMENTED_OMISSIONS).length === 0) t.match(text, /No property is omitted/);
});
