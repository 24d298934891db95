import type { FastifyInstance } from 'fastify';
import type { MockContext } from '../../domain/mock-context.js';
import { guardAdminAccess } from './admin/access.js';
import { fixtureRoutes, stateRoutes } from './admin/fixture-routes.js';
import { journalRoutes } from './admin/journal-routes.js';
import { faultRoutes } from './admin/fault-routes.js';
import { clockRoutes } from './admin/clock-routes.js';
import { downloadRoutes } from './admin/download-routes.js';

export interface AdminOptions {
  mock: MockContext;
  /** When set, every route here needs `authorization: Bearer <token>`; else only loopback callers. */
  adminToken?: string;
}

/**
 * The control API under /_mock: load fixtures, inspect and wipe state, the
 * request journal, fault rules, the clock, and downloads added at run time. Registered with prefix /_mock.
 * The routes are registered in this order, which is their order in the served
 * OpenAPI document.
 */
export default async function adminRoutes(app: FastifyInstance, { mock, adminToken }: AdminOptions) {
  guardAdminAccess(app, adminToken);
  fixtureRoutes(app, mock);
  stateRoutes(app, mock);
  journalRoutes(app, mock);
  faultRoutes(app, mock);
  clockRoutes(app, mock);
  await downloadRoutes(app, mock);
}
