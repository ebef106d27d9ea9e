// The project's own description of dt-schema's core schemas (used when no dtschema package is installed).
import type { JsonObject } from '../fixups';

export function builtinCoreSchemas(): JsonObject[] {
  return [];
}
