import type { SchemaNode } from './vendor-document.js';

// Two paths the official TypeScript SDK (anchorbrowser 0.16.3) calls that the
// vendor document lacks: `client.identities.retrieveCredentials` and
// `client.tools.fetchWebpage` (the document has `/v1/tools/fetch/webpage`
// instead). The SDK is what users run, so the mock serves both, with schemas
// written from the SDK's own types (resources/identities.d.ts,
// resources/tools.d.ts): the one exception to "as the vendor document
// declares". docs/contract.md lists them.

export const SDK_ONLY_TAG = {
  name: 'SDK-only',
  description:
    'Paths the official TypeScript SDK 0.16.3 calls that the vendor document lacks; ' +
    "schemas from the SDK's types (docs/contract.md).",
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
});

const text = (description: string): SchemaNode => ({ type: 'string', description });

/** IdentityRetrieveCredentialsResponse's three credential forms. */
const credential: SchemaNode = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'username', 'password'],
      properties: {
        type: { type: 'string', enum: ['username_password'] },
        username: text('The username of the credential'),
        password: text('The password of the credential'),
      },
    },
    {
      type: 'object',
      required: ['type', 'secret', 'otp'],
      properties: {
        type: { type: 'string', enum: ['authenticator'] },
        secret: text('The secret of the credential'),
        otp: text('The OTP of the credential'),
      },
    },
    {
      type: 'object',
      required: ['type', 'fields'],
      properties: {
        type: { type: 'string', enum: ['custom'] },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'value'],
            properties: { name: text('The name of the field'), value: text('The value of the field') },
          },
        },
      },
    },
  ],
};

/** OpenAPI path items of the SDK-only operations, merged into the served document as they are. */
export const SDK_ONLY_PATHS: Readonly<Record<string, Record<string, SchemaNode>>> = {
  '/v1/identities/{identityId}/credentials': {
    get: {
      summary: 'Get Identity Credentials (SDK-only)',
      description:
        'Called by `client.identities.retrieveCredentials(identityId)`; absent from the vendor document. ' +
        'The answer is not wrapped in `data`.',
      tags: [SDK_ONLY_TAG.name],
      security: [{ api_key_header: [] }],
      parameters: [{ name: 'identityId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        '200': {
          description: 'The identity and its credentials.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'name', 'source', 'credentials'],
                properties: {
                  id: { type: 'string', format: 'uuid', description: 'The ID of the identity' },
                  name: text('The name of the identity'),
                  source: { type: 'string', format: 'uri', description: 'The url related to the identity' },
                  credentials: { type: 'array', items: credential },
                },
              },
            },
          },
        },
        '404': errorResponse('Identity not found'),
        '500': errorResponse('Failed to get identity credentials'),
      },
    },
  },
  '/v1/tools/fetch-webpage': {
    post: {
      summary: 'Fetch Webpage (SDK-only)',
      description:
        'Called by `client.tools.fetchWebpage(params)` with `Accept: text/plain`; absent from the vendor ' +
        "document, which has `/v1/tools/fetch/webpage`. Without `url`, the session's current page.",
      tags: [SDK_ONLY_TAG.name],
      security: [{ api_key_header: [] }],
      parameters: [{ name: 'sessionId', in: 'query', required: false, schema: { type: 'string' } }],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                url: text('The URL of the webpage to fetch; when left empty, the current webpage.'),
                format: { type: 'string', enum: ['html', 'markdown'] },
                new_page: { type: 'boolean' },
                page_index: { type: 'integer' },
                return_partial_on_timeout: { type: 'boolean' },
                wait: { type: 'integer', description: 'Milliseconds to wait for dynamic content.' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The rendered content of the webpage.',
          content: { 'text/plain': { schema: text('The rendered content of the webpage.') } },
        },
        '400': errorResponse('Invalid request'),
        '500': errorResponse('Failed to fetch the webpage'),
      },
    },
  },
};
