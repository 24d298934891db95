import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBodyFor, messageFor } from '../../contract/error-answers.js';
import { synthesize } from '../../contract/answer-synthesis.js';
import { sampleFor } from '../../contract/binary-samples.js';
import { requestProblem } from '../../contract/request-validation.js';
import type { OperationCall, OperationResult, StatefulHandlers } from '../../contract/stateful.js';
import { vendorOperations, type VendorOperation } from '../../contract/vendor-operations.js';
import type { MockContext } from '../../domain/mock-context.js';
import { JSON_CONTENT_TYPE, quoted } from '../errors.js';
import { defineOperation, registerOperations, type Operation } from '../pipeline/operation.js';
import { readMultipart, type MultipartBody } from './multipart-body.js';

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
  const problem = await requestProblem(operation, query, checkedBody(request.body, multipart), present);
  if (problem) return { status: 400, message: problem };
  return { query, ...(multipart && { multipart }) };
}

function contractOperation(mock: MockContext, operation: VendorOperation, stateful: StatefulHandlers): Operation {
  const errors = (status: number, message?: string) =>
    JSON.stringify(errorBodyFor(operation, status, message ?? messageFor(operation, status)));
  const declared = [...operation.responses.keys()].filter((code) => code >= 300);
  const prefer = [...new Set([...declared, 401, 429])].sort((a, b) => a - b);
  const handler = stateful[operation.key];
  const sessionScoped = /^\/v1\/sessions\/\{(session_id|sessionId)\}\//.test(operation.path);
  const fail = (reply: FastifyReply, status: number, message: string) =>
    sendResult(reply, operation, { status, message });

  return defineOperation({
    method: operation.method,
    path: operation.url,
    contract: {
      tags: operation.tags,
      summary: operation.summary,
      description: '',
      operationId: operation.key,
      hide: true,
    },
    schemas: {},
    needs: { key: true, prefer, faults: true, latency: true, journal: true, success: operation.successStatus, errors },
    ...(operation.body && { bodyTypes: [operation.body.contentType] }),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Record<string, string>;
      if (!handler) {
        const malformed = malformedParameter(operation, params);
        if (malformed) {
          const status = operation.responses.has(400) && !operation.responses.has(404) ? 400 : 404;
          return fail(reply, status, `No resource has the ${malformed} "${params[malformed]}".`);
        }
      }
      const read = await readRequest(operation, request);
      if ('status' in read) return fail(reply, read.status, read.message);
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
      const sessionId = sessionScoped ? (params.session_id ?? params.sessionId) : undefined;
      if (sessionId !== undefined && result.status < 400) mock.sessions.touch(sessionId, call.now);
      return sendResult(reply, operation, result);
    },
  });
}

/**
 * Registers every operation of the vendor document not in `skip` (the
 * operations registered with their own schemas), through the same pipeline:
 * stateful where `stateful` has a handler, answered from the document otherwise.
 */
export function registerContractOperations(
  app: FastifyInstance,
  mock: MockContext,
  stateful: StatefulHandlers,
  skip: ReadonlySet<string>,
): void {
  // Multipart bodies arrive whole, within the body limit, and are read by the operation that takes them.
  if (!app.hasContentTypeParser('multipart/form-data')) {
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
  const operations = vendorOperations()
    .filter((operation) => !skip.has(operation.key))
    .map((operation) => contractOperation(mock, operation, stateful));
  registerOperations(app, mock, operations);
}
