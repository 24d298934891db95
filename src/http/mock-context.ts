import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { DownloadListCache } from '../domain/download-list.js';
import { BucketRegistry, type RateLimit } from '../domain/token-bucket.js';
import type { Store } from '../store/store.js';

export interface MockOptions {
  store: Store;
  clock: Clock;
  /** Default bucket for keys without their own; false turns rate limiting off. */
  rateLimit: RateLimit | false;
  /** Base of file_link and SignedUrl; when undefined it follows the listening address. */
  publicUrl?: string;
  signingSecret?: string;
  signedUrlTtlSeconds: number;
}

/** Everything the routes share: the store, the clock, the buckets and the URLs. */
export class MockContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly rateLimit: RateLimit | false;
  readonly buckets = new BucketRegistry();
  readonly downloadLists: DownloadListCache;
  readonly signingSecret: string;
  readonly signedUrlTtlSeconds: number;
  readonly publicUrlFixed: boolean;
  publicUrl: string;
  closing = false;

  constructor(options: MockOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.rateLimit = options.rateLimit;
    this.downloadLists = new DownloadListCache(options.store);
    this.signingSecret = options.signingSecret ?? randomBytes(32).toString('hex');
    this.signedUrlTtlSeconds = options.signedUrlTtlSeconds;
    this.publicUrlFixed = options.publicUrl !== undefined;
    this.publicUrl = stripTrailingSlash(options.publicUrl ?? 'http://127.0.0.1:4010');
  }
}

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** http://host:port for a listening address; IPv6 bracketed, wildcard hosts replaced by loopback. */
export function publicUrlFor(host: string, port: number): { url: string; wildcard: boolean } {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const h = wildcard ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { url: `http://${h}:${port}`, wildcard };
}
