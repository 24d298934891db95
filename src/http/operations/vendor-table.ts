import { existsSync } from 'node:fs';
import FindMyWay from 'find-my-way';
import { CHECKS_DIR } from '../../contract/request-validation.js';
import { DOCUMENT_PATH } from '../../contract/vendor-document.js';
import type { StatefulHandler, StatefulHandlers } from '../../contract/stateful.js';
import { vendorOperations, type VendorOperation } from '../../contract/vendor-operations.js';
import { errorBodyFor, messageFor } from '../../contract/error-answers.js';
import type { ErrorRenderer } from '../pipeline/operation.js';
import type { SteeringNeeds } from '../pipeline/steering.js';

/** A vendor operation as the pipeline runs it, made once per process and shared by every instance. */
export interface VendorEntry {
  operation: VendorOperation;
  /** What steering and the key check need: every vendor operation takes a key, faults, latency and `Prefer`. */
  needs: SteeringNeeds & { errors: ErrorRenderer; prefer: readonly number[] };
  /** The body type it takes, named in a 415. */
  bodyTypes?: readonly string[];
  /** Where the mock keeps state for it; without one it answers from the document. */
  handler?: StatefulHandler;
  /** It names a session (`/v1/sessions/{id}/…`), whose idle time a request that gets through restarts. */
  sessionScoped: boolean;
}

/** One path of the document: its operations by method, and the `Allow` of a 405. */
export interface VendorPath {
  methods: ReadonlyMap<string, VendorEntry>;
  allow: string;
}

export type VendorMatch =
  | { path: VendorPath; params: Record<string, string> }
  /** A parameter is longer than the router takes: as Fastify's router, a malformed request. */
  | { tooLong: string };

/** The app's router options, which the vendor router repeats so that both match a URL alike. */
export const ROUTER_OPTIONS = {
  // Session and download ids may be up to 256 characters, percent-encoded.
  maxParamLength: 1024,
} as const;

function entryOf(operation: VendorOperation, handler: StatefulHandler | undefined): VendorEntry {
  const errors = (status: number, message?: string) =>
    JSON.stringify(errorBodyFor(operation, status, message ?? messageFor(operation, status)));
  const declared = [...operation.responses.keys()].filter((code) => code >= 300);
  const prefer = [...new Set([...declared, 401, 429])].sort((a, b) => a - b);
  return {
    operation,
    needs: { prefer, faults: true, latency: true, journal: true, success: operation.successStatus, errors },
    ...(operation.body && { bodyTypes: [operation.body.contentType] }),
    ...(handler && { handler }),
    sessionScoped: /^\/v1\/sessions\/\{(session_id|sessionId)\}\//.test(operation.path),
  };
}

/**
 * The vendor's operations and the router that finds them, built on first use
 * and shared by every instance in the process: a start registers one
 * catch-all route instead of a route per operation and method.
 */
export class VendorTable {
  readonly #stateful: StatefulHandlers;
  readonly #skip: ReadonlySet<string>;
  #router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined;

  /** `skip`: operations registered as routes of their own, named in a 405's `Allow` but not answered here. */
  constructor(stateful: StatefulHandlers, skip: ReadonlySet<string>) {
    this.#stateful = stateful;
    this.#skip = skip;
  }

  /**
   * Throws when a file the build writes for the operations is missing: read on
   * first use, it would otherwise turn every request into a 500 after a start
   * that looked healthy.
   */
  static checkBuilt(): void {
    for (const path of [DOCUMENT_PATH, CHECKS_DIR]) {
      if (!existsSync(path)) throw new Error(`anchorbrowser-mock: ${path} is missing; run \`npm run build\``);
    }
  }

  /**
   * The document's path a request URL falls on, with its parameters decoded,
   * chosen as Fastify's router would (the same router and options): static
   * segments before parameters, whatever the method.
   */
  find(url: string): VendorMatch | undefined {
    const found = this.#routes().find('GET', url);
    if (!found) return undefined;
    // The router's answer for an over-long parameter: its handler gives back the path it saw.
    if (found.store === null) return { tooLong: (found.handler as unknown as () => string)() };
    return { path: found.store as VendorPath, params: found.params as Record<string, string> };
  }

  #routes(): FindMyWay.Instance<FindMyWay.HTTPVersion.V1> {
    if (this.#router) return this.#router;
    const byUrl = new Map<string, { methods: Map<string, VendorEntry>; declared: Set<string> }>();
    for (const operation of vendorOperations()) {
      const path = byUrl.get(operation.url) ?? { methods: new Map(), declared: new Set() };
      byUrl.set(operation.url, path);
      path.declared.add(operation.method);
      if (this.#skip.has(operation.key)) continue;
      path.methods.set(operation.method, entryOf(operation, this.#stateful[operation.key]));
    }
    const router = FindMyWay({ ...ROUTER_OPTIONS, onMaxParamLength: (path: string) => path });
    for (const [url, { methods, declared }] of byUrl) {
      // A GET is answered for HEAD too, as Fastify's own HEAD routes do.
      if (declared.has('GET')) declared.add('HEAD');
      const store: VendorPath = { methods, allow: [...declared].sort().join(', ') };
      // Under one method: every path is matched whatever the request's method, so a 405 names it.
      router.on('GET', url, () => undefined, store);
    }
    this.#router = router;
    return router;
  }
}
