// The project's own description of dt-schema's core schemas (used when no dtschema package is installed):
// property types, the properties every node may have, and the common node classes bindings refer to.
import type { JsonObject } from '../fixups';
import { genericSchemas } from './generic';
import { nodeSchemas } from './nodes';
import { typesSchema } from './types';

let memo: JsonObject[] | undefined;

export function builtinCoreSchemas(): JsonObject[] {
  memo ??= [typesSchema(), ...genericSchemas(), ...nodeSchemas()];
  return memo;
}
