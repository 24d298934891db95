import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import browserSockets from './browser-sockets.js';
import { errorBody, JSON_CONTENT_TYPE, sendError, sendMalformedRequest } from './errors.js';
import liveViewRoutes, { mockLiveView } from './live-view/live-view-routes.js';
import { MockContext, type MockOptions } from '../domain/mock-context.js';
import { DownloadListCache } from './operations/download-list.js';
import { installListFastPath } from './pipeline/list-fast-path.js';
import { registerOperations } from './pipeline/operation.js';
import errorEnvelope from './plugins/error-envelope.js';
import { KnownRoutes } from './plugins/method-not-allowed.js';
import docsUi from './plugins/docs-ui.js';
import openapi, { routesDocument } from './plugins/openapi.js';
import adminRoutes from './routes/admin-routes.js';
import healthRoutes from './routes/health-routes.js';
// After the admin routes: the served document lists component schemas in the order their modules load.
import { downloadOperations } from './operations/downloads.js';
import { registerContractOperations } from './operations/contract-operations.js';
import { ROUTER_OPTIONS, VendorTable } from './operations/vendor-table.js';
import { lifecycleHandlers } from './operations/sessions/lifecycle.js';
import { controlHandlers } from './operations/sessions/controls.js';
import { toolHandlers } from './operations/tools/fetch-webpage.js';

/**
 * The vendor's operations, stateful where the mock keeps state, shared by
 * every app in the process; the list of downloads is registered with its own
 * schemas instead.
 */
const VENDOR_TABLE = new VendorTable(
  { ...lifecycleHandlers, ...controlHandlers, ...toolHandlers },
  new Set(['GET /v1/sessions/{session_id}/downloads']),
);
import { PACKAGE_VERSION } from '../version.js';
import { OPTIONS } from '../config/options.js';

declare module 'fastify' {
  interface FastifyInstance {
    mock: MockContext;
  }
}

export interface AppOptions extends MockOptions {
  logger?: FastifyServerOptions['logger'];
  /** Serve the /_mock control API (health is always served). Default true. */
  admin?: boolean;
  /** Bearer token for /_mock; without one, /_mock answers loopback callers only. */
  adminToken?: string;
  /** Largest request body, in bytes (413 above it). */
  bodyLimit?: number;
  /** Fastify's per-request log lines (on at debug level in the CLI). */
  requestLogging?: boolean;
  /**
   * For the build (scripts/build-openapi.mjs): document the mock's own routes
   * from their schemas with @fastify/swagger, instead of serving the built document.
   */
  documentRoutes?: boolean;
}

/** Raw answer for requests Node's parser rejects before Fastify sees them. */
function rawErrorResponse(code: number, message: string): string {
  const body = JSON.stringify(errorBody(code, message));
  return (
    `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\n` +
    `content-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** The vendor's operations (stateful where the mock keeps state, from the document elsewhere) and the live view. */
async function registerEmulatedApi(
  app: FastifyInstance,
  mock: MockContext,
  lists: DownloadListCache,
  known: KnownRoutes,
): Promise<void> {
  registerOperations(app, mock, downloadOperations(mock, lists));
  registerContractOperations(app, mock, VENDOR_TABLE, known);
  await app.register(liveViewRoutes, { view: mockLiveView(mock) });
}

/** The served OpenAPI document and its UI; or, for the build, the document made from the routes. */
async function registerDocuments(app: FastifyInstance, fromRoutes: boolean): Promise<void> {
  if (fromRoutes) return void (await app.register(routesDocument, { version: PACKAGE_VERSION }));
  await app.register(openapi);
  await app.register(docsUi);
}

/** The composition root: a Fastify instance serving the mock, from plain options. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const mock = new MockContext(options);
  // With per-request logging on, every request goes through Fastify, which logs it.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? OPTIONS.bodyLimit.default,
    logController: new LogController({ disableRequestLogging: !options.requestLogging }),
    routerOptions: ROUTER_OPTIONS,
    // zod validates and serializes; given here (not set later), Fastify never
    // loads Ajv and fast-json-stringify, which it would otherwise build at start.
    schemaController: {
      compilersFactory: {
        buildValidator: () => validatorCompiler as never,
        buildSerializer: () => serializerCompiler as never,
      },
    },
    // Node's own bare 400 for a request without Host would skip the envelope;
    // no route here depends on Host.
    http: { requireHostHeader: false },
    // Our own 503 in the envelope (below) instead of Fastify's.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => void sendMalformedRequest(reply, request.url, error.message),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      socket.end(
        rawErrorResponse(tooLarge ? 431 : 400, tooLarge ? 'Request headers are too large.' : 'Malformed HTTP request.'),
      );
    },
  });
  app.decorate('mock', mock);
  // The lists' serialized bodies, shared by the list operation and its fast path.
  const lists = new DownloadListCache(mock.store, mock.clock);
  installListFastPath(app, lists, options.requestLogging === true);
  // Node drops CONNECT requests unless someone listens for them.
  app.server.on('connect', (_request, socket: Duplex) =>
    socket.end(rawErrorResponse(405, 'Method CONNECT is not allowed.')),
  );
  const known = new KnownRoutes(app);

  app.addHook('onRequest', (_request, reply, done) => {
    if (!mock.closing) return done();
    reply.header('connection', 'close');
    sendError(reply, 503, 'The mock is shutting down.');
  });
  // Closing: new requests on open connections get a 503; connections that
  // go idle once their in-flight request is answered are closed, so close()
  // finishes as soon as the last request does.
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    mock.closing = true;
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 25).unref();
  });
  app.addHook('onClose', async () => clearInterval(idleSweep));

  await app.register(errorEnvelope);
  await app.register(browserSockets);
  await registerDocuments(app, options.documentRoutes === true);
  await app.register(healthRoutes, { version: PACKAGE_VERSION });
  await registerEmulatedApi(app, mock, lists, known);
  if (options.admin !== false)
    await app.register(adminRoutes, { prefix: '/_mock', mock, adminToken: options.adminToken });
  return app;
}
