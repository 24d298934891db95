import { existsSync } from 'node:fs';
import type { Test } from 'tap';
import t from 'tap';
import Fastify from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import liveViewRoutes from '../../../src/http/live-view/live-view-routes.js';
import type { FixtureDocument } from '../../../src/schemas/fixture-schema.js';
import { buildTestApp, smallWorld } from '../../helpers/app.js';

// The live view as a person sees it: a listening mock on 127.0.0.1, the page
// opened in headless Chromium (Debian's package; nothing downloads a browser).

const CHROMIUM = '/usr/bin/chromium';
const EVIL = '<script>window.pwned = 1</script>';
const EVIL_SESSION = 'sess-evil';

const evilWorld: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      sessions: [
        {
          id: EVIL_SESSION,
          downloads: [
            {
              original_download_url: 'https://example.com/x',
              origin_url: 'https://example.com/',
              original_file_name: `${EVIL}.pdf`,
              size: 5,
            },
          ],
        },
      ],
    },
  ],
};

// Flags for a closed network: no background fetches, no first-run work.
const ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function browser(t: Test): Promise<Browser> {
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t.teardown(() => b.close());
  return b;
}

/** A page that gives up on a missing element in seconds, not Playwright's default half minute. */
async function newPage(t: Test, b: Browser): Promise<Page> {
  const page = await b.newPage();
  page.setDefaultTimeout(5000);
  t.teardown(() => page.close());
  return page;
}

const LOOPBACK = { host: '127.0.0.1', port: 0 };

t.test(
  'the live view in headless Chromium',
  {
    skip:
      !existsSync(CHROMIUM) && `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`,
  },
  async (t) => {
    const b = await browser(t);

    t.test('shows the title, the status and the downloads of a session', async (t) => {
      const { app } = await buildTestApp(t, { fixtures: [smallWorld, evilWorld] });
      const base = await app.listen(LOOPBACK);
      const page = await newPage(t, b);
      const res = await page.goto(`${base}/live/sessions/sess-1`);
      t.equal(res?.status(), 200);
      t.equal(await page.title(), 'Live view · completed · sess-1');
      t.equal(await page.textContent('#status'), 'completed');
      t.match(await page.textContent('body'), 'report.pdf');
      t.match(await page.textContent('body'), 'béré – 報告.txt');
    });

    t.test('shows a file name holding a script element as text, and runs nothing', async (t) => {
      const { app } = await buildTestApp(t, { fixtures: [smallWorld, evilWorld] });
      const base = await app.listen(LOOPBACK);
      const page = await newPage(t, b);
      await page.goto(`${base}/live/sessions/${EVIL_SESSION}`);
      t.match(await page.textContent('table'), `${EVIL}.pdf`);
      t.equal(await page.locator('script').count(), 0);
      t.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    });

    t.test('shows tags and activity details holding script elements as text', async (t) => {
      const app = Fastify();
      t.teardown(() => app.close());
      await app.register(liveViewRoutes, {
        view: (id) => ({
          session: { id, status: 'completed', created_at: 0, tags: [EVIL] },
          activity: [
            { at: 0, kind: 'goto', detail: { url: 'https://example.com/' } },
            { at: 1, kind: 'type', detail: { text: EVIL } },
          ],
          downloads: [],
        }),
      });
      const base = await app.listen(LOOPBACK);
      const page = await newPage(t, b);
      await page.goto(`${base}/live/sessions/s`);
      t.equal(await page.textContent('#tags'), EVIL);
      t.match(await page.textContent('body'), JSON.stringify(EVIL));
      t.match(await page.textContent('body'), 'https://example.com/');
      t.equal(await page.locator('script').count(), 0);
      t.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    });

    t.test('an unknown session is a 404 page', async (t) => {
      const { app } = await buildTestApp(t);
      const base = await app.listen(LOOPBACK);
      const page = await newPage(t, b);
      const res = await page.goto(`${base}/live/sessions/nope`);
      t.equal(res?.status(), 404);
      t.equal(await page.title(), 'Live view · session not found');
    });
  },
);
