import t from 'tap';
import Anchorbrowser, { NotFoundError } from 'anchorbrowser';
import { startMockServer, type FixtureDocument } from '../../src/index.js';
import { binaryProblems } from '../helpers/binary-files.js';
import { vendorProblems } from '../helpers/vendor-contract.js';

// Every REST method of the official TypeScript SDK (anchorbrowser 0.16.3)
// outside client.sessions (the session handlers' tests call those) and the
// browser helpers that open a CDP WebSocket: once with only its required
// parameters, once with every one, as the vendor's generated tests do,
// against a listening mock. Each JSON answer is checked in closed mode
// against the vendor document.

const KEY = 'ak_sdk_every_method';
const SESSION = '7c1f0e2d-3b4a-4c5d-8e6f-a0b1c2d3e4f5';
const APP = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const FLOW = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const IDENTITY = '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f';
const TASK = '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a';
const EXECUTION = '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b';

const world: FixtureDocument = {
  accounts: [{ id: 'sdk-user', api_keys: [KEY], sessions: [{ id: SESSION }] }],
};

const browserConfiguration = {
  initial_url: 'https://example.com/',
  live_view: { read_only: true },
  proxy: { active: true, type: 'anchor_proxy' as const, country_code: 'us' as const, region: 'ny', city: 'nyc' },
  recording: { active: false },
  timeout: { idle_timeout: 5, max_duration: 20 },
};
const credentials = [{ type: 'username_password' as const, username: 'ada', password: 'secret' }];

/** The vendor operation an SDK method calls, and its calls with required and with every parameter. */
interface MethodCase {
  name: string;
  operation: string;
  required: (c: Anchorbrowser) => Promise<unknown>;
  all: (c: Anchorbrowser) => Promise<unknown>;
}

const same = (call: (c: Anchorbrowser) => Promise<unknown>) => ({ required: call, all: call });

const cases: MethodCase[] = [
  {
    name: 'applications.create',
    operation: 'POST /v1/applications',
    required: (c) => c.applications.create({ source: 'https://example.com' }),
    all: (c) => c.applications.create({ source: 'https://example.com', name: 'Example', description: 'An app' }),
  },
  {
    name: 'applications.retrieve',
    operation: 'GET /v1/applications/{applicationId}',
    ...same((c) => c.applications.retrieve(APP)),
  },
  {
    name: 'applications.list',
    operation: 'GET /v1/applications',
    required: (c) => c.applications.list(),
    all: (c) => c.applications.list({ search: 'exa' }),
  },
  {
    name: 'applications.delete',
    operation: 'DELETE /v1/applications/{applicationId}',
    ...same((c) => c.applications.delete(APP)),
  },
  {
    name: 'applications.createIdentityToken',
    operation: 'POST /v1/applications/{applicationId}/tokens',
    ...same((c) => c.applications.createIdentityToken(APP, { callbackUrl: 'https://example.com/cb' })),
  },
  {
    name: 'applications.listIdentities',
    operation: 'GET /v1/applications/{applicationId}/identities',
    required: (c) => c.applications.listIdentities(APP),
    all: (c) => c.applications.listIdentities(APP, { search: 'ada', metadata: '{"team":"a"}' }),
  },
  {
    name: 'applications.authFlows.create',
    operation: 'POST /v1/applications/{applicationId}/auth-flows',
    required: (c) => c.applications.authFlows.create(APP, { name: 'Login', methods: ['username_password'] }),
    all: (c) =>
      c.applications.authFlows.create(APP, {
        name: 'Login',
        methods: ['username_password', 'custom'],
        custom_fields: [{ name: 'tenant' }],
        description: 'Password and tenant',
        is_recommended: true,
      }),
  },
  {
    name: 'applications.authFlows.list',
    operation: 'GET /v1/applications/{applicationId}/auth-flows',
    ...same((c) => c.applications.authFlows.list(APP)),
  },
  {
    name: 'applications.authFlows.delete',
    operation: 'DELETE /v1/applications/{applicationId}/auth-flows/{authFlowId}',
    ...same((c) => c.applications.authFlows.delete(FLOW, { application_id: APP })),
  },
  {
    name: 'events.signal',
    operation: 'POST /v1/events/{event_name}',
    ...same((c) => c.events.signal('order-ready', { data: { order: 42 } })),
  },
  {
    name: 'events.waitFor',
    operation: 'POST /v1/events/{event_name}/wait',
    required: (c) => c.events.waitFor('order-ready'),
    all: (c) => c.events.waitFor('order-ready', { timeoutMs: 1000 }),
  },
  { name: 'extensions.list', operation: 'GET /v1/extensions', ...same((c) => c.extensions.list()) },
  {
    name: 'identities.create',
    operation: 'POST /v1/identities',
    required: (c) => c.identities.create({ source: 'https://example.com/login', credentials }),
    all: (c) =>
      c.identities.create({
        source: 'https://example.com/login',
        credentials,
        validateAsync: true,
        applicationName: 'Example',
        applicationDescription: 'An app',
        metadata: { team: 'a' },
        name: 'Ada',
      }),
  },
  {
    name: 'identities.retrieve',
    operation: 'GET /v1/identities/{identityId}',
    ...same((c) => c.identities.retrieve(IDENTITY)),
  },
  {
    name: 'identities.update',
    operation: 'PUT /v1/identities/{identityId}',
    required: (c) => c.identities.update(IDENTITY, {}),
    all: (c) => c.identities.update(IDENTITY, { name: 'Ada L.', metadata: { team: 'b' }, credentials }),
  },
  {
    name: 'identities.delete',
    operation: 'DELETE /v1/identities/{identityId}',
    ...same((c) => c.identities.delete(IDENTITY)),
  },
  {
    name: 'identities.retrieveCredentials',
    operation: 'GET /v1/identities/{identityId}/credentials',
    ...same((c) => c.identities.retrieveCredentials(IDENTITY)),
  },
  {
    name: 'profiles.create',
    operation: 'POST /v1/profiles',
    required: (c) => c.profiles.create({ name: 'shopper' }),
    all: (c) =>
      c.profiles.create({
        name: 'shopper',
        description: 'Logged in',
        source: 'session',
        session_id: SESSION,
        dedicated_sticky_ip: true,
      }),
  },
  { name: 'profiles.retrieve', operation: 'GET /v1/profiles/{name}', ...same((c) => c.profiles.retrieve('shopper')) },
  { name: 'profiles.list', operation: 'GET /v1/profiles', ...same((c) => c.profiles.list()) },
  { name: 'profiles.delete', operation: 'DELETE /v1/profiles/{name}', ...same((c) => c.profiles.delete('shopper')) },
  {
    name: 'task.create',
    operation: 'POST /v1/task',
    required: (c) => c.task.create({ name: 'daily-report', language: 'typescript' }),
    all: (c) =>
      c.task.create({
        name: 'daily-report',
        language: 'typescript',
        code: Buffer.from('export default 1').toString('base64'),
        description: 'Daily',
        browserConfiguration,
      }),
  },
  {
    name: 'task.list',
    operation: 'GET /v1/task',
    required: (c) => c.task.list(),
    all: (c) => c.task.list({ page: '1', limit: '10' }),
  },
  {
    name: 'task.retrieveExecutionResult',
    operation: 'GET /v1/task/{taskId}/executions/{executionId}',
    ...same((c) => c.task.retrieveExecutionResult(EXECUTION, { taskId: TASK })),
  },
  {
    name: 'task.run',
    operation: 'POST /v1/task/run',
    required: (c) => c.task.run({ taskId: TASK }),
    all: (c) =>
      c.task.run({
        taskId: TASK,
        async: true,
        cleanupSessions: true,
        inputs: { ANCHOR_CITY: 'Paris' },
        overrideBrowserConfiguration: browserConfiguration,
        sessionId: SESSION,
        version: '1',
      }),
  },
  {
    name: 'tools.fetchWebpage',
    operation: 'POST /v1/tools/fetch-webpage',
    required: (c) => c.tools.fetchWebpage({}),
    all: (c) =>
      c.tools.fetchWebpage({
        sessionId: SESSION,
        format: 'markdown',
        new_page: true,
        page_index: 0,
        return_partial_on_timeout: true,
        url: 'https://example.com/',
        wait: 100,
      }),
  },
  {
    name: 'tools.getPerformWebTaskStatus',
    operation: 'GET /v1/tools/perform-web-task/{workflowId}/status',
    ...same((c) => c.tools.getPerformWebTaskStatus('wf-1')),
  },
  {
    name: 'tools.performWebTask',
    operation: 'POST /v1/tools/perform-web-task',
    required: (c) => c.tools.performWebTask({ prompt: 'Find the price' }),
    all: (c) =>
      c.tools.performWebTask({
        prompt: 'Find the price',
        sessionId: SESSION,
        agent: 'browser-use',
        detect_elements: true,
        highlight_elements: true,
        human_intervention: false,
        max_steps: 10,
        model: 'gpt-4o',
        output_schema: { type: 'object' },
        provider: 'openai',
        secret_values: { PASSWORD: 'x' },
        url: 'https://example.com/',
        directlyOpenUrl: true,
      }),
  },
  {
    name: 'tools.screenshotWebpage',
    operation: 'POST /v1/tools/screenshot',
    required: (c) => c.tools.screenshotWebpage({}),
    all: (c) =>
      c.tools.screenshotWebpage({
        sessionId: SESSION,
        capture_full_height: true,
        height: 720,
        image_quality: 80,
        scroll_all_content: true,
        url: 'https://example.com/',
        wait: 100,
        width: 1280,
      }),
  },
];

t.test('every REST method of the SDK outside sessions succeeds, with required and with all parameters', async (t) => {
  const mock = await startMockServer({ fixtures: [world], rateLimit: false, clock: 'manual' });
  t.teardown(() => mock.close());
  const client = new Anchorbrowser({ apiKey: KEY, baseURL: mock.url, maxRetries: 0 });
  t.equal(cases.length, 29, 'the 29 methods outside client.sessions and the CDP helpers');
  for (const method of cases) {
    const [verb, path] = method.operation.split(' ') as [string, string];
    for (const [label, call] of [
      ['required', method.required],
      ['all', method.all],
    ] as const) {
      const result = await call(client);
      if (result instanceof Response) {
        t.equal(result.status, 200, `${method.name} (${label})`);
        const bytes = Buffer.from(await result.arrayBuffer());
        t.same(binaryProblems('image/png', bytes), [], `${method.name} (${label}): a real PNG`);
      } else if (typeof result === 'string') {
        t.ok(result.length > 0, `${method.name} (${label}): the page as text`);
      } else if (path === '/v1/identities/{identityId}/credentials') {
        t.match(result, { id: IDENTITY, name: String, source: String, credentials: [{ type: String }] });
      } else {
        const status = verb === 'POST' && /applications|identities$|auth-flows|tokens/.test(path) ? 201 : 200;
        t.same(vendorProblems(verb, path, status, result, { closed: true }), [], `${method.name} (${label})`);
      }
    }
  }
});

t.test('an unknown path answers NotFoundError', async (t) => {
  const mock = await startMockServer({ fixtures: [world], rateLimit: false, clock: 'manual' });
  t.teardown(() => mock.close());
  const client = new Anchorbrowser({ apiKey: KEY, baseURL: mock.url, maxRetries: 0 });
  const error = await client.get('/_stainless_unknown_path').then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(error, NotFoundError);
  t.match((error as NotFoundError).error, { error: { code: 404, message: String } });
});
