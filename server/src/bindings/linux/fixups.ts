// dt-schema's schema fixups, re-implemented: they turn the terse binding YAML into the strict JSON Schema
// that dt-validate runs (the "processed schema"). What each step does is dt-schema's documented behaviour
// (its fixups module, release 2024.11, the one Linux 6.12 expects); the order of the steps matters because
// each mutates the schema in place. Descriptions, examples and maintainers are dropped on the way.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python's isinstance(x, int) counts booleans as integers; dt-schema relies on it. */
function isPyInt(v: unknown): boolean {
  return typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
}

/** The value of `key` (or the first element when it is a list) is of the kind. */
function firstValueIs(s: JsonObject, key: string, test: (v: unknown) => boolean): boolean {
  if (!(key in s)) return false;
  const v = s[key];
  return test(Array.isArray(v) ? v[0] : v);
}

export function isIntSchema(s: unknown): boolean {
  if (!isObject(s)) return false;
  return ['const', 'enum', 'minimum', 'maximum'].some((k) => firstValueIs(s, k, isPyInt));
}

export function isStringSchema(s: unknown): boolean {
  if (!isObject(s)) return false;
  return ['const', 'enum', 'pattern'].some((k) => firstValueIs(s, k, (v) => typeof v === 'string'));
}

/** Moves the single-value keywords out of a schema into a new one. */
function extractSingle(s: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['const', 'enum', 'pattern', 'minimum', 'maximum', 'multipleOf']) {
    if (k in s) {
      out[k] = s[k];
      delete s[k];
    }
  }
  return out;
}

export function deepCopy<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepCopy(x)) as T;
  if (isObject(v)) {
    const o: JsonObject = {};
    for (const k of Object.keys(v)) o[k] = deepCopy(v[k]);
    return o as T;
  }
  return v;
}

/** Every value in a DTB is an array: a string schema describes the array's first element. */
function stringToArray(s: JsonObject): void {
  if (isStringSchema(s)) s.items = [extractSingle(s)];
}

/** `reg` is a matrix (one row per address/size pair): an integer item schema is wrapped twice. */
function regToMatrix(s: JsonObject, path: string[]): void {
  if (!path.includes('reg')) return;
  let item: JsonObject;
  if ('items' in s) {
    const items = s.items;
    const first = Array.isArray(items) ? items[0] : items;
    if (!isIntSchema(first)) return;
    item = first as JsonObject;
  } else if (isIntSchema(s)) {
    item = s;
  } else return;
  s.items = [{ items: [extractSingle(item)] }];
}

function isMatrixSchema(s: JsonObject): boolean {
  if (!('items' in s)) return false;
  const has = (x: Json): boolean => isObject(x) && ('items' in x || 'maxItems' in x || 'minItems' in x);
  return Array.isArray(s.items) ? s.items.some(has) : has(s.items);
}

/** An `items` list of empty (or description-only) entries only says how many items there are. */
function removeEmptyItems(s: JsonObject): void {
  if (!('items' in s)) return;
  const items = s.items;
  if (isObject(items)) {
    removeEmptyItems(items);
    return;
  }
  if (!Array.isArray(items)) return;
  for (const it of items) {
    if (!isObject(it)) continue;
    delete it.description;
    removeEmptyItems(it);
    if (Object.keys(it).length) return;
  }
  if (!('type' in s)) s.type = 'array';
  if (!('maxItems' in s)) s.maxItems = items.length;
  if (!('minItems' in s)) s.minItems = items.length;
  delete s.items;
}

// the unit suffixes of the Devicetree property-units convention: arrays, and matrices (ranges of values)
const UNIT_ARRAY =
  /-(kBps|bits|percent|bp|mhz|sec|ms|us|ns|ps|mm|nanoamp|(micro-)?ohms|micro(amp|watt)(-hours)?|milliwatt|(femto|pico)farads|(milli)?celsius|kelvin|k?pascal)$/;
const UNIT_MATRIX = /-(hz|microvolt)$/;

function unitSuffix(s: JsonObject, path: string[]): void {
  let prop: string | undefined;
  for (let i = path.length - 1; i >= 0; i--) {
    if (path[i] === 'properties' || path[i] === '$defs') {
      prop = path[i + 1] ?? path[0];
      break;
    }
  }
  if (prop === undefined) return;
  if (UNIT_ARRAY.test(prop) && isIntSchema(s)) {
    s.items = [extractSingle(s)];
  } else if (UNIT_MATRIX.test(prop)) {
    if (isMatrixSchema(s)) return;
    if ('items' in s || 'minItems' in s || 'maxItems' in s) {
      s.items = [deepCopy(s)];
      delete s.minItems;
      delete s.maxItems;
    } else if (isIntSchema(s)) {
      s.items = [{ items: [extractSingle(s)] }];
    }
  }
}

/** A list of `items` fixes the size; a lone minItems or maxItems fixes both (except in then/else branches). */
function itemsSize(s: Json, path: string[]): void {
  if (Array.isArray(s)) {
    for (const x of s) itemsSize(x, path);
    return;
  }
  if (!isObject(s)) return;
  delete s.description;
  if ('items' in s) {
    s.type = 'array';
    if (Array.isArray(s.items)) {
      const n = s.items.length;
      if (!('minItems' in s)) s.minItems = n;
      if (!('maxItems' in s)) s.maxItems = n;
    }
    itemsSize(s.items, [...path, 'items']);
  } else if (!path.includes('then') && !path.includes('else')) {
    if ('maxItems' in s && !('minItems' in s)) s.minItems = s.maxItems;
    else if ('minItems' in s && !('maxItems' in s)) s.maxItems = s.minItems;
  }
}

/** draft 2019-09 split `dependencies` into dependentRequired and dependentSchemas. */
function to201909(s: Json): void {
  if (!isObject(s) || !('dependencies' in s)) return;
  const deps = s.dependencies;
  delete s.dependencies;
  if (!isObject(deps)) return;
  for (const [k, v] of Object.entries(deps)) {
    const key = Array.isArray(v) ? 'dependentRequired' : 'dependentSchemas';
    if (!isObject(s[key])) s[key] = {};
    (s[key] as JsonObject)[k] = v;
  }
}

function fixupValues(s: JsonObject, path: string[]): void {
  delete s.description;
  regToMatrix(s, path);
  removeEmptyItems(s);
  unitSuffix(s, path);
  stringToArray(s);
  itemsSize(s, path);
  to201909(s);
}

/** oneOf/anyOf lists of only `const` entries (with descriptions) become an enum (clearer errors). */
function constListToEnum(s: JsonObject): void {
  let list: Json;
  if ('anyOf' in s) list = s.anyOf;
  else if ('oneOf' in s) list = s.oneOf;
  else {
    if (isObject(s.items)) constListToEnum(s.items);
    return;
  }
  if (!Array.isArray(list)) return;
  const values: Json[] = [];
  for (const l of list) {
    if (!isObject(l) || !('const' in l)) return;
    // dt-schema stops only at an entry with const, description and something more
    const keys = Object.keys(l);
    if (keys.includes('description') && keys.length > 2) return;
    values.push(l.const);
  }
  delete s.anyOf;
  delete s.oneOf;
  s.enum = values;
}

function walkProperty(s: Json, path: string[]): void {
  if (!isObject(s)) return;
  constListToEnum(s);
  for (const cond of ['allOf', 'oneOf', 'anyOf']) {
    const l = s[cond];
    if (Array.isArray(l)) for (const x of l) walkProperty(x, [...path, cond]);
  }
  if ('then' in s) walkProperty(s.then, [...path, 'then']);
  fixupValues(s, path);
}

/** `interrupts` implies `interrupts-extended` and `interrupt-parent`; requiring one of the two. */
function interrupts(s: JsonObject, path: string[]): void {
  const props = s.properties;
  if (isObject(props)) {
    if (('interrupts' in props || 'interrupt-controller' in props) && !('interrupt-parent' in props)) {
      props['interrupt-parent'] = true;
    }
    if (!('interrupts' in props) || 'interrupts-extended' in props) return;
    props['interrupts-extended'] = deepCopy(props.interrupts);
  }
  const req = s.required;
  if (Array.isArray(req) && req.includes('interrupts') && (path.length === 0 || path[path.length - 1] !== 'oneOf')) {
    const alternatives: Json = [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }];
    if ('oneOf' in s) {
      if (!Array.isArray(s.allOf)) s.allOf = [];
      (s.allOf as Json[]).push({ oneOf: alternatives });
    } else {
      s.oneOf = alternatives;
    }
    req.splice(req.indexOf('interrupts'), 1);
    if (req.length === 0) delete s.required;
  }
}

/** Properties every node may have when a schema restricts undeclared ones. */
function implicitNodeProperties(s: JsonObject): void {
  const hasAdd = 'additionalProperties' in s;
  const hasUneval = 'unevaluatedProperties' in s;
  if (!hasAdd && !hasUneval) return;
  if (s.additionalProperties === true || s.unevaluatedProperties === true) return;
  if (!isObject(s.properties)) s.properties = {};
  const props = s.properties as JsonObject;
  for (const p of ['phandle', 'status', 'secure-status', '$nodename', 'bootph-pre-sram', 'bootph-verify', 'bootph-pre-ram',
    'bootph-some-ram', 'bootph-all']) {
    if (!(p in props)) props[p] = true;
  }
  if ('ranges' in props && !('dma-ranges' in props)) props['dma-ranges'] = true;
  const keys = [...Object.keys(props), ...(isObject(s.patternProperties) ? Object.keys(s.patternProperties) : [])];
  if (!keys.some((k) => /^pinctrl-[0-9]/.test(k))) {
    if (!('pinctrl-names' in props)) props['pinctrl-names'] = true;
    if (!isObject(s.patternProperties)) s.patternProperties = {};
    (s.patternProperties as JsonObject)['pinctrl-[0-9]+'] = true;
  }
  if (keys.includes('clocks') && !keys.includes('assigned-clocks')) {
    props['assigned-clocks'] = true;
    props['assigned-clock-rates-u64'] = true;
    props['assigned-clock-rates'] = true;
    props['assigned-clock-parents'] = true;
  }
}

/** Matrices whose both dimensions vary: only their type is checked. */
const VARIABLE_MATRIX_PROPS = new Set(['fsl,pins', 'qcom,board-id']);

function fixupNode(s: Json, path: string[]): void {
  if (!isObject(s)) return;
  delete s.description;
  interrupts(s, path);
  implicitNodeProperties(s);
  if (s.additionalProperties === true) delete s.additionalProperties;
  for (const k of Object.keys(s)) {
    const v = s[k];
    if (k === 'select' || k === 'if' || k === 'then' || k === 'else' || k === 'not' || k === 'additionalProperties') {
      fixupNode(v, [...path, k]);
    }
    if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      for (const sub of v) fixupNode(sub, [...path, k]);
    }
    if (!['dependentRequired', 'dependentSchemas', 'dependencies', 'properties', 'patternProperties', '$defs'].includes(k)) continue;
    if (!isObject(v)) continue;
    for (const prop of Object.keys(v)) {
      const pv = v[prop];
      if (VARIABLE_MATRIX_PROPS.has(prop) && isObject(pv)) {
        const ref = pv.$ref;
        v[prop] = ref !== undefined ? { $ref: ref } : {};
        continue;
      }
      walkProperty(pv, [...path, k, prop]);
      fixupNode(pv, [...path, k, prop]);
    }
  }
  to201909(s);
}

/** A schema without select and without a compatible property, but with a $nodename constraint, selects by it. */
function selectByNodeName(s: JsonObject): void {
  if ('select' in s) return;
  const props = s.properties;
  if (!isObject(props) || 'compatible' in props) return;
  if ('$nodename' in props && props.$nodename !== true) {
    s.select = { required: ['$nodename'], properties: { $nodename: deepCopy(props.$nodename) } };
  }
}

/** The processed form of one binding (mutates and returns `s`). */
export function fixupSchema(s: JsonObject): JsonObject {
  delete s.examples;
  delete s.maintainers;
  delete s.historical;
  selectByNodeName(s);
  fixupNode(s, []);
  return s;
}
