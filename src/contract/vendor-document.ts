import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** A JSON Schema node of the vendor document, as plain data. */
export type SchemaNode = Record<string, unknown>;

export interface VendorDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaNode>; securitySchemes: Record<string, unknown> };
  tags?: unknown[];
}

// Written by scripts/build-contract.mjs.
export const DOCUMENT_PATH = join(PACKAGE_ROOT, 'dist', 'contract', 'vendor-openapi.json');

let loaded: VendorDocument | undefined;

/** The vendor's OpenAPI document, read once per process and shared by every instance. Do not mutate it. */
export function vendorDocument(): VendorDocument {
  loaded ??= JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as VendorDocument;
  return loaded;
}

/** The schema a local `$ref` (`#/components/schemas/X`) names, or the node itself. */
export function resolveRef(node: unknown): SchemaNode {
  let current = node as SchemaNode;
  for (let depth = 0; typeof current?.$ref === 'string' && depth < 32; depth++) {
    const ref = current.$ref as string;
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    const target = vendorDocument().components.schemas[name];
    if (!target) throw new Error(`The vendor document references ${ref}, which it does not define.`);
    current = target;
  }
  return current;
}
