// The value types of Devicetree properties as JSON Schema over the decoded form dt-schema validates (see
// decode.ts): a flag is `true`; strings are arrays of strings; integers of one size are numbers, arrays of
// them, or matrices (one row per group: a `reg` entry, a phandle with its arguments). Written for this
// project from the Devicetree specification's property types and dt-schema's documented value model.
import type { JsonObject } from '../fixups';

const ID = 'http://devicetree.org/schemas/types.yaml#';

function integer(bits: number, signed: boolean): JsonObject {
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const s: JsonObject = { type: 'integer', minimum: min, maximum: max };
  // 32-bit signed values are not size-checked: a negative cell is written as <(-1)> in 32-bit cells
  if (!(signed && bits === 32)) s.typeSize = bits;
  return s;
}

function sized(name: string, bits: number, signed: boolean, defs: JsonObject): void {
  defs[name] = integer(bits, signed);
  defs[`${name}-array`] = { type: 'array', minItems: 1, items: { $ref: `#/definitions/${name}` } };
  defs[`${name}-matrix`] = { type: 'array', minItems: 1, items: { $ref: `#/definitions/${name}-array` } };
}

export function typesSchema(): JsonObject {
  const defs: JsonObject = {
    flag: { oneOf: [{ type: 'boolean', const: true }, { type: 'null' }] },
    'non-unique-string-array': { type: 'array', minItems: 1, items: { type: 'string' } },
    'string-array': { allOf: [{ $ref: '#/definitions/non-unique-string-array' }, { uniqueItems: true }] },
    string: { allOf: [{ $ref: '#/definitions/string-array' }, { maxItems: 1 }] },
  };
  for (const bits of [8, 16, 32, 64]) {
    sized(`uint${bits}`, bits, false, defs);
    sized(`int${bits}`, bits, true, defs);
  }
  // the 16-bit signed range dt-schema checks is that of a 14-bit value (its historical definition)
  (defs.int16 as JsonObject).minimum = -8192;
  (defs.int16 as JsonObject).maximum = 8191;
  // a phandle and its arguments: the first cell a node's phandle (or 0 for "none"), then 32-bit arguments
  defs['phandle-array'] = {
    type: 'array',
    minItems: 1,
    items: {
      type: 'array',
      minItems: 1,
      items: [{ oneOf: [{ type: 'integer', minimum: 1, maximum: 0xffffffff }, { type: 'integer', const: 0 }] }],
      additionalItems: { $ref: '#/definitions/uint32' },
    },
  };
  defs.phandle = { $ref: '#/definitions/phandle-array', maxItems: 1, items: { maxItems: 1 } };
  // address + size cells: up to 3 address and 2 size cells per entry
  defs.address = { $ref: '#/definitions/uint32-matrix', items: { minItems: 1, maxItems: 5 } };
  return { $id: ID, $schema: 'http://devicetree.org/meta-schemas/base.yaml#', title: 'Property types', select: true, definitions: defs };
}

/** `$ref` of a type. */
export function t(name: string): JsonObject {
  return { $ref: `/schemas/types.yaml#/definitions/${name}` };
}
