// The official SDK against the mock, as an application in another container
// sees it: `docker compose run --rm tests`. Exits non-zero on any failure.
// The SDK reads ANCHORBROWSER_BASE_URL and ANCHORBROWSER_API_KEY from the environment.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import console from 'node:console';
import process from 'node:process';
import Anchorbrowser from 'anchorbrowser';

// The session of the bundled default fixtures (fixtures/default.yaml): eleven downloads.
const SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';

assert.ok(process.env.ANCHORBROWSER_BASE_URL, 'set ANCHORBROWSER_BASE_URL to the mock, e.g. http://mock:4010');
const client = new Anchorbrowser({ logLevel: 'off' });

const list = await client.sessions.retrieveDownloads(SESSION);
assert.equal(list.data?.count, 11, 'count of the default session');
assert.equal(list.data?.items?.length, 11, 'items of the default session');
console.log(`listed ${list.data.count} downloads of session ${SESSION}`);

const invoice = list.data.items.find((item) => item.original_file_name === 'invoice-2025-0117.pdf');
assert.ok(invoice?.file_link, 'invoice-2025-0117.pdf is listed with a file_link');
assert.ok(
  invoice.file_link.startsWith(`${process.env.ANCHORBROWSER_BASE_URL}/`),
  `file_link ${invoice.file_link} is under ${process.env.ANCHORBROWSER_BASE_URL} (ANCHOR_MOCK_PUBLIC_URL)`,
);

// file_link is absolute; the SDK sends the API key with it, as to any URL.
const res = await client.get(invoice.file_link).asResponse();
assert.equal(res.status, 200, 'file_link answers 200');
const bytes = Buffer.from(await res.arrayBuffer());
assert.equal(bytes.length, invoice.size, 'the body has the listed size');
assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the body is the PDF');
console.log(`fetched ${invoice.original_file_name}: ${bytes.length} bytes`);

console.log('compose tests passed');
