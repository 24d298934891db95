import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import { DownloadItemComplete } from '../../src/schemas/api-schemas.js';

// Validates response bodies against the project's verbatim copy of the
// reference contract, not against our own zod schemas.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const contract = YAML.parse(
  readFileSync(new URL('../contract/list-session-downloads.openapi.yaml', import.meta.url), 'utf8'),
) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'contract', components: contract.components });
const refOf = (schema: unknown) => (schema as { $ref: string }).$ref.replace('#/', 'contract#/');

const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(ref: string) {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  return v;
}

/** Problems with `body` as the contract's `status` answer of List Session Downloads; [] if none. */
export function contractProblems(status: number, body: unknown): string[] {
  const response = contract.paths['/v1/sessions/{session_id}/downloads']!.get!.responses[String(status)];
  // Statuses the contract does not declare (405, 416, 5xx…) use its ErrorResponse, as the mock does.
  const schema = response?.content?.['application/json']?.schema ?? { $ref: '#/components/schemas/ErrorResponse' };
  const validate = validatorFor(refOf(schema));
  const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  if (status === 200) {
    // The contract requires no field; the mock promises all nine on every item.
    const items = (body as { data?: { items?: unknown[]; count?: number } }).data?.items ?? [];
    items.forEach((item, i) => {
      const r = DownloadItemComplete.safeParse(item);
      if (!r.success) problems.push(...r.error.issues.map((x) => `items[${i}].${x.path.join('.')}: ${x.message}`));
    });
    if ((body as { data?: { count?: number } }).data?.count !== items.length)
      problems.push('count differs from items.length');
  } else {
    const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
    if (error?.code !== status) problems.push(`error.code ${String(error?.code)} differs from the status ${status}`);
    if (typeof error?.message !== 'string' || error.message === '') problems.push('error.message is missing');
  }
  return problems;
}

/** Problems with a body under a named contract component (e.g. ErrorResponse); [] if none. */
export function componentProblems(component: string, body: unknown): string[] {
  const validate = validatorFor(`contract#/components/schemas/${component}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
