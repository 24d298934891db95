import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Store } from './store.js';

/** Opens (creating its folder if need be) a database file, or an in-memory store. */
export function openStore(path: string, options: { bulkLoad?: boolean } = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return new Store({ path, ...options });
}
