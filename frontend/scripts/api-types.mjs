// Turns an OpenAPI schema (JSON or YAML file) into TypeScript types with openapi-typescript, printed on stdout.
// Arrays of a fixed length (minItems === maxItems: a bbox, a [step, loss] point) become tuples; other arrays stay
// arrays (openapi-typescript 7.13's own --array-length makes wrong tuples for a min..max range).
// Used by scripts/api-types.sh; run that (or `npm run api:types`), not this.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import openapiTS, { astToString, transformSchemaObject, tsNullable } from 'openapi-typescript';
import ts from 'typescript';

const TUPLE_MAX = 8;

function fixedLengthTuple(schemaObject, options) {
  const { minItems, maxItems, items } = schemaObject;
  if (schemaObject.type !== 'array' || !items || Array.isArray(items)) return undefined;
  if (typeof minItems !== 'number' || minItems !== maxItems || minItems < 1 || minItems > TUPLE_MAX) return undefined;
  const item = transformSchemaObject(items, { ...options, path: `${options.path}/items` });
  const tuple = ts.factory.createTupleTypeNode(Array.from({ length: minItems }, () => item));
  return schemaObject.nullable ? tsNullable([tuple]) : tuple;
}

const [, , input] = process.argv;
if (!input) {
  console.error('usage: node scripts/api-types.mjs SCHEMA_FILE');
  process.exit(2);
}
const ast = await openapiTS(pathToFileURL(resolve(input)), { alphabetize: true, defaultNonNullable: false, transform: fixedLengthTuple });
process.stdout.write(astToString(ast));
