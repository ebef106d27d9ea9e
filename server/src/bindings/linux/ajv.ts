// The JSON Schema engine for dt-schema's processed schemas: ajv's draft 2019-09 validator with dt-schema's one
// custom keyword (`typeSize`: the integer size a value was decoded with) and Python's regex dialect. oneOf and
// anyOf keep the errors of their branches in the error's params (`context`), as python-jsonschema does, so
// that a failed alternative is reported once, like dt-validate reports it.
import type Ajv2019 from 'ajv/dist/2019';
import type { CodeKeywordDefinition, KeywordCxt, KeywordErrorDefinition, ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';
import { pythonRegex } from './prop-types';
import { SIZES } from './decode';

/** The parts of ajv used here. */
interface AjvModules {
  Ajv2019: typeof import('ajv/dist/2019').default;
  _: typeof import('ajv')._;
  N: typeof import('ajv/dist/compile/names').default;
  evaluatedPropsToName: typeof import('ajv/dist/compile/util').evaluatedPropsToName;
  Name: typeof import('ajv/dist/compile/codegen').Name;
}
let modules: AjvModules | undefined;

/**
 * ajv, loaded when the first validator is made (createAjv): a CLI run whose node findings are all cached never
 * makes one, and its start does not pay for ajv's modules (issue 17, cold start).
 */
function ajvModules(): AjvModules {
  return (modules ??= {
    Ajv2019: (require('ajv/dist/2019') as typeof import('ajv/dist/2019')).default,
    _: (require('ajv') as typeof import('ajv'))._,
    N: (require('ajv/dist/compile/names') as typeof import('ajv/dist/compile/names')).default,
    evaluatedPropsToName: (require('ajv/dist/compile/util') as typeof import('ajv/dist/compile/util')).evaluatedPropsToName,
    Name: (require('ajv/dist/compile/codegen') as typeof import('ajv/dist/compile/codegen')).Name,
  });
}

/** Python's `re` syntax that JS reads differently. */
export function regExpEngine(pattern: string, flags: string): RegExp {
  const source = pythonRegex(pattern);
  try {
    return new RegExp(source, flags);
  } catch {
    // (?P<name>…) groups and the like: a pattern JS cannot compile matches nothing rather than failing compilation
    return /(?!)/;
  }
}
regExpEngine.code = 'new RegExp';

/** The integer size (bits) a number was decoded with; 32 when unknown (as dt-schema assumes). */
export function sizeOf(parent: unknown, key: string | number | undefined): number {
  if (parent === undefined || parent === null || typeof parent !== 'object') return 32;
  const s = SIZES.get(parent as object);
  if (typeof s === 'number') return s;
  if (s instanceof Map && typeof key === 'string') return s.get(key) ?? 32;
  return 32;
}

export interface DtAjv {
  ajv: Ajv2019;
}

/**
 * Properties known to be evaluated before a keyword with branches, as a run-time object: ajv 8 keeps them as a
 * compile-time set that only the first branch's code records, so a property evaluated by a sibling `$ref`
 * looked unevaluated when another branch ran (ajv issue #2559: `allOf: [$ref]` + `if`/`oneOf` +
 * `unevaluatedProperties: false`). dt-schema's schemas combine exactly these.
 */
function materializeEvaluated(cxt: KeywordCxt): void {
  const it = cxt.it;
  const { Name, evaluatedPropsToName } = ajvModules();
  // also when none are known yet: a branch would otherwise declare the run-time object only on its own path
  if (it.opts.unevaluated && it.props !== true && !(it.props instanceof Name)) it.props = evaluatedPropsToName(cxt.gen, it.props);
}

/**
 * Re-registers one of ajv's applicators (oneOf, anyOf, if, dependentSchemas) with the evaluated properties
 * materialized first; oneOf and anyOf also keep the errors of their branches in the error's params
 * (`context`), as python-jsonschema does, so that a failed alternative is reported once.
 */
function rewrap(ajv: Ajv2019, keyword: string, withContext: boolean): void {
  const { _, N } = ajvModules();
  const def = ajv.getKeyword(keyword);
  if (!def || typeof def !== 'object' || !('code' in def)) return;
  const orig = def as CodeKeywordDefinition;
  const origError = orig.error as KeywordErrorDefinition | undefined;
  ajv.removeKeyword(keyword);
  const wrapped: CodeKeywordDefinition = {
    ...orig,
    keyword,
    code(cxt: KeywordCxt) {
      materializeEvaluated(cxt);
      if (withContext) {
        const start = cxt.gen.const('dtsStart', N.errors);
        const setParams = cxt.setParams.bind(cxt);
        cxt.setParams = (obj, assign) => setParams({ ...obj, dtsStart: start }, assign);
        cxt.setParams({});
      }
      orig.code(cxt);
    },
  };
  if (withContext) {
    wrapped.error = {
      message: origError?.message ?? `must match ${keyword}`,
      params: ({ params }) =>
        _`{passing: ${params.passing ?? null}, context: ${N.vErrors} ? ${N.vErrors}.slice(${params.dtsStart}) : []}`,
    };
  }
  ajv.addKeyword(wrapped);
}

/** Resolves a lazily compiled reference (validate.ts). */
export type LazyResolver = (uri: string) => ValidateFunction | undefined;

/** Checks a `dtsSimple` value schema (validate.ts): true, or ajv's errors. */
export type SimpleChecker = (spec: SimpleSpec, data: unknown, cxt: DataValidationCxt) => true | unknown[];

/** The value of `dtsSimple`: the original schema and the URI its references are relative to. */
export interface SimpleSpec {
  schema: Record<string, unknown>;
  base: string;
  /** under `if` or `not`: the errors are not reported */
  quiet?: boolean;
}

/** The value of `dtsSimpleProps`: a node schema's simple `properties` and `patternProperties` entries. */
export interface SimpleProps {
  props: Record<string, Record<string, unknown>>;
  patterns: [string, Record<string, unknown>][];
  base: string;
  quiet?: boolean;
}

export function createAjv(
  lazy?: LazyResolver,
  simple?: SimpleChecker,
  simpleProps?: (spec: SimpleProps, data: unknown, cxt: DataValidationCxt) => true | unknown[],
): Ajv2019 {
  const { Ajv2019: Ajv, _ } = ajvModules();
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    validateFormats: false,
    unicodeRegExp: false,
    inlineRefs: false,
    messages: false,
    loopEnum: 2,
    loopRequired: 2,
    addUsedSchema: false,
    code: { regExp: regExpEngine, optimize: false },
  });
  rewrap(ajv, 'oneOf', true);
  rewrap(ajv, 'anyOf', true);
  rewrap(ajv, 'if', false);
  rewrap(ajv, 'dependentSchemas', false);
  ajv.addKeyword({
    keyword: 'typeSize',
    schemaType: 'number',
    error: {
      message: 'typeSize',
      params: ({ params, schema }) => _`{size: ${params.size}, expected: ${schema}}`,
    },
    code(cxt: KeywordCxt) {
      const { gen, schema, it } = cxt;
      const fn = gen.scopeValue('func', { ref: sizeOf });
      const size = gen.const('size', _`${fn}(${it.parentData}, ${it.parentDataProperty})`);
      cxt.setParams({ size });
      cxt.fail(_`${size} !== ${schema}`);
    },
  });
  // a $ref compiled when first used: the target validates the data at the same place
  ajv.addKeyword({
    keyword: 'dtsLazyRef',
    schemaType: 'string',
    errors: 'full',
    validate: function dtsLazyRef(uri: string, data: unknown, _parent: unknown, cxt?: { instancePath: string; parentData: unknown; parentDataProperty: string | number; rootData: unknown }) {
      const v = lazy?.(uri);
      if (!v) return true;
      const ok = v(data, {
        instancePath: cxt?.instancePath ?? '',
        parentData: cxt?.parentData,
        parentDataProperty: cxt?.parentDataProperty ?? '',
        rootData: cxt?.rootData,
        dynamicAnchors: {},
      } as DataValidationCxt) as boolean;
      (dtsLazyRef as unknown as { errors: unknown[] | null }).errors = ok ? null : v.errors ?? [];
      return ok;
    },
  });
  // a keyword checked by an interpreter of ours (errors as ajv's): dtsSimple, a value schema checked by the
  // interpreter of simple.ts and compiled only when the value is invalid; dtsSimpleProps, a node schema's simple
  // properties and patternProperties entries
  const interpreted = <S>(keyword: string, check: ((spec: S, data: unknown, cxt: DataValidationCxt) => true | unknown[]) | undefined): void => {
    const validate = (spec: S, data: unknown, _parent: unknown, cxt?: DataValidationCxt): boolean => {
      if (!check || !cxt) return true;
      const r = check(spec, data, cxt);
      validate.errors = r === true ? null : r;
      return r === true;
    };
    validate.errors = null as unknown[] | null;
    ajv.addKeyword({ keyword, schemaType: 'object', errors: 'full', validate: validate as never });
  };
  interpreted<SimpleSpec>('dtsSimple', simple);
  interpreted<SimpleProps>('dtsSimpleProps', simpleProps);
  // keywords of dt-schema's vocabulary that validate nothing
  for (const k of ['$filename', 'select']) ajv.addKeyword({ keyword: k });
  return ajv;
}
