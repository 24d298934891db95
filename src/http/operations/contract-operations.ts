import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  onRequestHookHandler,
  onResponseHookHandler,
} from 'fastify';
import { errorBodyFor, messageFor } from '../../contract/error-answers.js';
import { synthesize } from '../../contract/answer-synthesis.js';
import { sampleFor } from '../../contract/binary-samples.js';
import { requestProblem } from '../../contract/request-validation.js';
import type { OperationCall, OperationResult } from '../../contract/stateful.js';
import type { VendorOperation } from '../../contract/vendor-operations.js';
import type { MockContext } from '../../domain/mock-context.js';
import { JSON_CONTENT_TYPE, quoted, sendMalformedRequest } from '../errors.js';
import { decoratePipeline } from '../pipeline/operation.js';
import { captureBodyHook, journalHook } from '../pipeline/journal.js';
import { apiKeyGuardHook } from '../pipeline/key-guard.js';
import { steeringHook } from '../pipeline/steering.js';
import { sendMethodNotAllowed, type KnownRoutes } from '../plugins/method-not-allowed.js';
import { VendorTable, type VendorEntry, type VendorPath } from './vendor-table.js';
import { readMultipart, type MultipartBody } from './multipart-body.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The vendor operation a request reached, once the vendor router has found it. */
    vendorEntry: VendorEntry | null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first path parameter whose value does not have the form the document declares for it. */
function malformedParameter(operation: VendorOperation, params: Record<string, string>): string | undefined {
  for (const p of operation.parameters) {
    if (p.in !== 'path') continue;
    const value = params[p.name] ?? '';
    const { format, pattern } = p.schema as { format?: string; pattern?: string };
    if ((format === 'uuid' && !UUID.test(value)) || (pattern && !new RegExp(pattern).test(value))) return p.name;
  }
  return undefined;
}

function sendResult(reply: FastifyReply, operation: VendorOperation, result: OperationResult): FastifyReply {
  if (result.headers) reply.headers(result.headers);
  reply.code(result.status);
  if (result.bytes) return reply.type(result.contentType ?? 'application/octet-stream').send(result.bytes);
  if (result.body !== undefined && typeof result.body === 'string' && result.contentType)
    return reply.type(result.contentType).send(result.body);
  const body =
    result.body ?? errorBodyFor(operation, result.status, result.message ?? messageFor(operation, result.status));
  return reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The answer of an operation without state: its success, made from its declared schema (docs/contract.md). */
export function documentAnswer(operation: VendorOperation, call: OperationCall): OperationResult {
  const status = operation.successStatus;
  const response = operation.responses.get(status);
  const contentType = response?.contentType ?? 'application/json';
  const sample = sampleFor(contentType);
  if (sample) return { status, bytes: sample, contentType };
  if (contentType.startsWith('text/')) {
    const title = 'anchorbrowser-mock';
    return { status, body: `<!doctype html><title>${title}</title><p>A page fetched by ${title}.</p>`, contentType };
  }
  const seed = `${operation.key}:${JSON.stringify(call.params)}`;
  const body = synthesize(response?.schema, { seed, now: call.now, params: call.params, body: call.body });
  return { status, body };
}

/** The JSON body a request check reads: a multipart body's fields, with each file part as its name. */
function checkedBody(body: unknown, multipart: MultipartBody | undefined): unknown {
  if (!multipart) return body;
  const files = Object.fromEntries(multipart.files.map((f) => [f.field, f.fileName]));
  return { ...multipart.fields, ...files };
}

/** The request's query and body, checked against the operation; or the refusal (415, 400). */
async function readRequest(
  operation: VendorOperation,
  request: FastifyRequest,
): Promise<{ status: number; message: string } | { query: Record<string, unknown>; multipart?: MultipartBody }> {
  const sent = request.headers['content-type'];
  const takes = operation.body?.contentType;
  if (takes && sent !== undefined && !sent.toLowerCase().startsWith(takes)) {
    return { status: 415, message: `Unsupported content-type "${quoted(sent)}": this operation takes ${takes}.` };
  }
  let multipart: MultipartBody | undefined;
  if (takes === 'multipart/form-data' && Buffer.isBuffer(request.body)) {
    const parts = await readMultipart(sent ?? '', request.body);
    if (typeof parts === 'string') return { status: 400, message: parts };
    multipart = parts;
  }
  const query = request.query as Record<string, unknown>;
  const present = request.body !== undefined && request.body !== null;
  const problem = requestProblem(operation, query, checkedBody(request.body, multipart), present);
  if (problem) return { status: 400, message: problem };
  return { query, ...(multipart && { multipart }) };
}

/** The operation a path answers for a method: a GET answers HEAD too, as Fastify's HEAD routes do. */
function entryFor(path: VendorPath, method: string): VendorEntry | undefined {
  return path.methods.get(method) ?? (method === 'HEAD' ? path.methods.get('GET') : undefined);
}

/** Journals what reached an operation: a 404 or 405 of the catch-all never does. */
function journalOperations(mock: MockContext, table: VendorTable): onResponseHookHandler {
  const journal = journalHook(mock);
  return function journalVendor(request, reply, done) {
    if (!request.vendorEntry && mock.closing) {
      // Answered 503 before dispatch (the mock is closing): journaled as any operation's 503 is.
      const match = table.find(request.url);
      const entry = match && 'path' in match ? entryFor(match.path, request.method) : undefined;
      if (match && 'path' in match && entry) {
        request.params = match.params;
        request.vendorEntry = entry;
      }
    }
    if (request.vendorEntry) return journal.call(this, request, reply, done);
    done();
  };
}

/** Runs a vendor operation once steering and the key check have let the request through. */
async function answer(mock: MockContext, entry: VendorEntry, request: FastifyRequest, reply: FastifyReply) {
  const { operation, handler } = entry;
  const params = request.params as Record<string, string>;
  const fail = (status: number, message: string) => sendResult(reply, operation, { status, message });
  if (!handler) {
    const malformed = malformedParameter(operation, params);
    if (malformed) {
      const status = operation.responses.has(400) && !operation.responses.has(404) ? 400 : 404;
      return fail(status, `No resource has the ${malformed} "${params[malformed]}".`);
    }
  }
  const read = await readRequest(operation, request);
  if ('status' in read) return fail(read.status, read.message);
  const { query, multipart } = read;
  const call: OperationCall = {
    account: { id: request.apiKey!.account_id, ...(request.apiKey!.name && { keyName: request.apiKey!.name }) },
    params,
    query,
    body: multipart ? multipart.fields : request.body,
    ...(multipart && { files: multipart.files, fields: multipart.fields }),
    headers: request.headers as Record<string, string | undefined>,
    now: mock.clock.now(),
  };
  const result = handler ? await handler(call, mock) : documentAnswer(operation, call);
  // A session's idle time runs from its last request that got through (docs/sessions.md).
  const sessionId = entry.sessionScoped ? (params.session_id ?? params.sessionId) : undefined;
  if (sessionId !== undefined && result.status < 400) mock.sessions.touch(sessionId, call.now);
  return sendResult(reply, operation, result);
}

/**
 * Serves every operation of `table` through the pipeline (steering, key and
 * bucket, handler, journal) behind one catch-all route, which every request
 * no other route takes reaches: the operation is found in the table's router,
 * built once per process, so an instance starts without a route per operation.
 * A path of the document asked with a method it does not take answers 405;
 * any other request goes to `known` (a 405 for the app's own paths, or 404).
 */
export function registerContractOperations(
  app: FastifyInstance,
  mock: MockContext,
  table: VendorTable,
  known: KnownRoutes,
): void {
  VendorTable.checkBuilt();
  // Multipart bodies arrive whole, within the body limit, and are read by the operation that takes them.
  if (!app.hasContentTypeParser('multipart/form-data')) {
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
  decoratePipeline(app);
  if (!app.hasRequestDecorator('vendorEntry')) app.decorateRequest('vendorEntry', null);
  // Each operation's steering and key check, made for this instance on its first request.
  const gates = new Map<VendorEntry, onRequestHookHandler>();
  const gateFor = (entry: VendorEntry): onRequestHookHandler => {
    let gate = gates.get(entry);
    if (gate) return gate;
    const steer = steeringHook(mock, entry.needs);
    const guard = apiKeyGuardHook(mock, entry.needs.errors);
    gate = function vendorGate(request, reply, done) {
      steer.call(this, request, reply, () => guard.call(this, request, reply, done));
    };
    gates.set(entry, gate);
    return gate;
  };
  const dispatch: onRequestHookHandler = function dispatch(request, reply, done) {
    const match = table.find(request.url);
    if (!match) return known.answer(request, reply);
    if ('tooLong' in match) {
      return void sendMalformedRequest(reply, request.url, `'${match.tooLong}' is exceeding the max param length`);
    }
    const { path, params } = match;
    const entry = entryFor(path, request.method);
    if (!entry) return void sendMethodNotAllowed(request, reply, path.allow);
    request.params = params;
    request.vendorEntry = entry;
    request.errorBody = entry.needs.errors;
    if (entry.bodyTypes) request.bodyTypes = entry.bodyTypes;
    gateFor(entry).call(this, request, reply, done);
  };
  app.route({
    method: app.supportedMethods as HTTPMethods[],
    url: '/*',
    schema: { hide: true },
    exposeHeadRoute: false,
    // Before the body is parsed: an unknown path answers 404 (or 405) whatever body it came with.
    onRequest: dispatch,
    preValidation: captureBodyHook,
    // Only what reached an operation is journaled: a 404 or 405 here never is.
    onResponse: journalOperations(mock, table),
    handler: (request, reply) => answer(mock, request.vendorEntry!, request, reply),
  });
}
