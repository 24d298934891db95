import type {
  ContextConfigDefault,
  FastifyInstance,
  onRequestHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { ApiKeyRow } from '../../store/store.js';
import type { BodySnapshot } from '../../domain/journal-body.js';
import type { MockContext } from '../../domain/mock-context.js';
import { captureBodyHook, journalHook } from './journal.js';
import { apiKeyGuardHook } from './key-guard.js';
import { steeringHook } from './steering.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's record, once the key check has let the request through. */
    apiKey?: ApiKeyRow;
    /** Fingerprint of the key the request carried, once the key check has seen it. */
    keyFingerprint?: string;
    /** Set when a `Prefer: code=…` header chose the answer. */
    forced: boolean;
    /** The id of the fault rule that answered, if one did. */
    faultId: string | null;
    /** What the journal records of the request's body, once it has been parsed. */
    journalBody: BodySnapshot | null;
  }
}

/** The operation as the vendor's contract documents it, for the served OpenAPI document. */
export interface ContractOperation {
  tags: string[];
  summary: string;
  description: string;
  operationId: string;
  /** Left out of the routes' document: the vendor's own document describes it. */
  hide?: boolean;
}

/** The operation's zod schemas: they validate the request, serialize the answer and document both. */
export interface OperationSchemas {
  params?: ZodType;
  querystring?: ZodType;
  body?: ZodType;
  response?: Record<number, ZodType>;
}

/**
 * What an operation takes from the pipeline. The order is the pipeline's, not
 * the entry's: latency, faults, then `Prefer` (steering); then the key check;
 * then the handler; then the journal.
 */
export interface PipelineNeeds {
  /** An `anchor-api-key` is required (401) and takes a token from its bucket (429); documented as security. */
  key: boolean;
  /** Statuses `Prefer: code=N` may force besides 200 (400 for others); null: the header is ignored. */
  prefer: readonly number[] | null;
  /** Fault rules apply. */
  faults: boolean;
  /** The configured latency is added. */
  latency: boolean;
  /** Requests are journaled. */
  journal: boolean;
  /** The status of the normal answer, which `Prefer: code=N` leaves alone. Default 200. */
  success?: number;
  /**
   * The operation's error body for a status, as JSON text, when it is not the
   * envelope (vendor operations declare uneven shapes). `message` undefined:
   * the operation's own message for that status. Default: the envelope.
   */
  errors?: ErrorRenderer;
}

export type ErrorRenderer = (status: number, message?: string) => string;

type OperationHandler<S extends OperationSchemas> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  S,
  ZodTypeProvider
>;

/** One operation of the emulated API: everything about it, in one entry. */
export interface Operation<S extends OperationSchemas = OperationSchemas> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify's path syntax (`:name` parameters). */
  path: string;
  contract: ContractOperation;
  schemas: S;
  needs: PipelineNeeds;
  /** The body types it takes, when not JSON (named in a 415). */
  bodyTypes?: readonly string[];
  /** Runs once the pipeline has let the request through; the request is typed from the schemas. */
  handler: OperationHandler<S>;
}

/** Checks an entry against its own schemas (the handler's types come from them) and keeps it as an Operation. */
export function defineOperation<S extends OperationSchemas>(operation: Operation<S>): Operation {
  return operation as unknown as Operation;
}

/** What the pipeline's hooks keep on a request, declared once per app. */
export function decoratePipeline(app: FastifyInstance): void {
  if (!app.hasPlugin('error-envelope')) throw new Error('register the error-envelope plugin before the operations');
  if (app.hasRequestDecorator('forced')) return;
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('keyFingerprint', undefined);
  app.decorateRequest('forced', false);
  app.decorateRequest('faultId', null);
  app.decorateRequest('journalBody', null);
}

const KEY_SECURITY = [{ api_key_header: [] }];

/**
 * Registers operations with Fastify (which the served OpenAPI document and
 * the 405 answers read), each with the pipeline's hooks for what it needs.
 * Route-level hooks rather than global ones that test a flag: nothing runs
 * for other routes, and nothing reads request.routeOptions, which Fastify
 * builds anew on every access.
 */
export function registerOperations(app: FastifyInstance, mock: MockContext, operations: readonly Operation[]): void {
  decoratePipeline(app);
  const envelopeGuard = apiKeyGuardHook(mock);
  const journal = journalHook(mock);
  const api = app.withTypeProvider<ZodTypeProvider>();

  for (const { method, path, contract, schemas, needs, handler, bodyTypes } of operations) {
    const onRequest: onRequestHookHandler[] = [];
    if (needs.latency || needs.faults || needs.prefer !== null) onRequest.push(steeringHook(mock, needs));
    if (needs.key) onRequest.push(needs.errors ? apiKeyGuardHook(mock, needs.errors) : envelopeGuard);
    api.route<RouteGenericInterface, ContextConfigDefault, OperationSchemas>({
      method,
      url: path,
      ...(onRequest.length > 0 && { onRequest }),
      ...(needs.journal && { onResponse: journal }),
      // GET routes take no body here: nothing is added to their requests.
      ...(needs.journal && method !== 'GET' && { preValidation: captureBodyHook }),
      schema: { ...contract, ...(needs.key && { security: KEY_SECURITY }), ...schemas },
      ...((needs.errors || bodyTypes) && { config: { errorBody: needs.errors, bodyTypes } }),
      handler,
    });
  }
}
