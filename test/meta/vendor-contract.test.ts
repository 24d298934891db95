import t from 'tap';
import { vendorProblems, vendorYaml } from '../helpers/vendor-contract.js';

// The helper every emulated answer is checked with: each rule it applies
// fails on a body that breaks it, so a green walk means something.

const EVENT = (vendorYaml.components.schemas.WebhookEventType as { enum: string[] }).enum[0]!;
/** WebhookWithSecret: WebhookPublic's properties and `secret`, joined by allOf. */
const webhook = {
  id: 'wh_1',
  project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197',
  url: 'https://example.com/hook',
  description: null,
  subscribed_events: [EVENT],
  enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: null,
  secret: 's3cret',
};
const created = (body: unknown) => vendorProblems('POST', '/v1/webhooks', 201, body, { closed: true });

t.test('closed mode: the properties of every allOf part, and no others', async (t) => {
  t.same(created(webhook), [], 'a whole WebhookWithSecret, nullable ones null');
  t.same(created({ ...webhook, extra: 1 }), ['extra is not declared']);
  const { secret: _secret, ...withoutSecret } = webhook;
  t.match(created(withoutSecret), ['/ must have required property', 'secret is declared but missing']);
  const { enabled: _enabled, ...withoutEnabled } = webhook;
  t.match(created(withoutEnabled), ['/ must have required property', 'enabled is declared but missing']);
  t.same(vendorProblems('POST', '/v1/webhooks', 201, withoutEnabled, { closed: false }).length, 1, 'open: ajv only');
  t.same(created({ ...webhook, enabled: 'yes' }), ['/enabled must be boolean']);
});

t.test('absent lets the properties the document says may be missing be missing', async (t) => {
  const status = (body: unknown, absent?: string[]) =>
    vendorProblems('GET', '/v1/sessions/all/status', 200, body, { closed: true, absent });
  t.same(status({ data: { items: [] } }), ['data.count is declared but missing']);
  t.same(status({ data: { items: [] } }, ['data.count']), []);
});

t.test('an undeclared status is checked against its family error shape, with the status as its code', async (t) => {
  const flat = { error: 'Not found' };
  const envelope = { error: { code: 404, message: 'Not found' } };
  t.same(vendorProblems('POST', '/v1/webhooks', 404, flat, { closed: true }), [], 'webhooks: {"error": string}');
  t.not(vendorProblems('POST', '/v1/webhooks', 404, envelope, { closed: true }).length, 0, 'not the envelope');
  t.same(vendorProblems('POST', '/v1/sessions', 404, envelope, { closed: true }), [], 'elsewhere: the envelope');
  t.same(vendorProblems('POST', '/v1/sessions', 404, { error: { code: 500, message: 'x' } }, { closed: true }), [
    'error.code 500 differs from the status 404',
  ]);
});

t.test('an operation the document lacks is an error, not a pass', async (t) => {
  t.throws(() => vendorProblems('GET', '/v1/nothing', 200, {}, { closed: true }), /No operation GET \/v1\/nothing/);
});
