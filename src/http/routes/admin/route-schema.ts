import { ErrorResponseSchema } from '../../../schemas/api-schemas.js';

/** The OpenAPI tag of every control route. */
export const tags = ['Mock control'];

/** The answers every control route may give besides its own: a bad request, and the access check's. */
export const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema };
