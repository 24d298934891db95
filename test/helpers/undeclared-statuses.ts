import { familyErrorComponent, yamlOperations, type YamlOperation } from './vendor-contract.js';
import { resolve } from './vendor-requests.js';

// The undeclared-status rule (docs/contract.md), computed from the vendor
// document: which statuses the mock answers for each operation that the
// operation does not declare, or declares without a body.

/** Whether the operation takes a query or a body the mock checks (a 400 for a bad one). */
const takesInput = (op: YamlOperation) =>
  op.raw.requestBody !== undefined || (op.raw.parameters ?? []).some((p) => p.in === 'query');

/** Whether a path parameter declares a form (UUID or pattern) the mock checks. */
const formedPath = (op: YamlOperation) =>
  (op.raw.parameters ?? []).some((p) => {
    const schema = resolve(p.schema);
    return p.in === 'path' && (schema.format === 'uuid' || typeof schema.pattern === 'string');
  });

/** The statuses the mock can answer for `op` that it does not declare. */
export function undeclaredStatuses(op: YamlOperation): number[] {
  const declared = new Set(Object.keys(op.raw.responses).map(Number));
  const produced = new Set([401, 429]);
  if (takesInput(op)) produced.add(400);
  if (formedPath(op)) produced.add(declared.has(400) && !declared.has(404) ? 400 : 404);
  return [...produced].filter((status) => !declared.has(status)).sort((a, b) => a - b);
}

/** Statuses the operation declares without a body. */
export function bodilessStatuses(op: YamlOperation): number[] {
  return Object.entries(op.raw.responses)
    .filter(([, response]) => !response.content)
    .map(([status]) => Number(status));
}

/** The markdown table docs/contract.md carries between its undeclared-statuses markers. */
export function undeclaredStatusTable(): string {
  const rows = yamlOperations.map((op) => {
    const shape = familyErrorComponent(op.path) === 'ErrorResponse' ? 'envelope' : 'flat `{"error": string}`';
    const bodiless = bodilessStatuses(op).join(', ') || '–';
    return `| \`${op.key}\` | ${undeclaredStatuses(op).join(', ')} | ${bodiless} | ${shape} |`;
  });
  return [
    '| Operation | Not declared, answered anyway | Declared without a body | Shape |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
