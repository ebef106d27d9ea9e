// Compiling the processed schemas with ajv, as little as a board needs: every schema a validated one refers
// to is made known to ajv (addRefs) but compiled only when reached; a `$ref` that is the whole schema of a
// property or child node is compiled when a node first needs it (dtsLazyRef); simple value schemas are not
// compiled at all unless a value is invalid (interpreted by simple.ts: dtsSimple, dtsSimpleProps).
import type Ajv2019 from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';
import { createAjv, regExpEngine, type SimpleProps, type SimpleSpec } from './ajv';
import { isObject, type Json, type JsonObject } from './fixups';
import { holds, isSimple, refsOf } from './simple';
import type { SchemaStore } from './store';

function isNodeInstance(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class SchemaCompiler {
  private ajvInstance: Ajv2019 | undefined;
  /** validators compiled (schemas, lazily referenced ones, select clauses, simple schemas for their errors) */
  compiled = 0;
  private readonly added = new Set<string>();
  private readonly lazyCompiled = new Map<string, ValidateFunction | null>();
  private readonly simpleCompiled = new WeakMap<object, ValidateFunction | null>();
  private readonly patterns = new Map<string, RegExp>();
  private simpleCount = 0;

  constructor(private readonly store: SchemaStore) {}

  /** ajv, made when a first schema is compiled (a run whose findings all come from the cache compiles none) */
  get ajv(): Ajv2019 {
    return (this.ajvInstance ??= createAjv(
      (uri) => this.lazy(uri),
      (spec, data, cxt) => this.checkSimple(spec, data, cxt),
      (spec, data, cxt) => this.checkSimpleProps(spec, data, cxt),
    ));
  }

  /** The validator of a schema (its refs made known first); throws what ajv throws. */
  schema(id: string): ValidateFunction | undefined {
    this.addRefs(id);
    const v = this.ajv.getSchema(id);
    this.compiled++;
    return v;
  }

  /** The validator of a schema's `select` clause. */
  select(id: string): ValidateFunction {
    this.addRefs(id);
    this.compiled++;
    return this.ajv.compile({ $ref: `${id.replace(/#$/, '')}#/select` });
  }

  /**
   * Make a schema and every schema it refers to known to ajv. A `$ref` that is the whole schema of a property
   * or child node (under properties / patternProperties / additionalProperties, no sibling
   * unevaluatedProperties) becomes `dtsLazyRef`: its target is compiled when a node first needs it. Such a
   * reference adds nothing to what its parent has evaluated, so the results are the same; a SoC's schema no
   * longer compiles the schemas of every child it could have (a PMIC's GPIO, ADC, regulator, ... bindings).
   */
  addRefs(id: string): void {
    const todo = [id];
    while (todo.length) {
      const cur = todo.pop() as string;
      if (this.added.has(cur)) continue;
      const s = this.store.get(cur);
      this.added.add(cur);
      if (!s) continue;
      const base = cur;
      const absolute = (ref: string): string | undefined => {
        try {
          return new URL(ref, base).toString();
        } catch {
          return undefined;
        }
      };
      const add = (ref: string): void => {
        const abs = absolute(ref);
        if (!abs) return;
        const target = abs.replace(/#.*$/, '') + '#';
        if (!this.added.has(target) && this.store.has(target)) todo.push(target);
      };
      const visit = (x: Json, lazyOk: boolean, quiet = false): void => {
        if (Array.isArray(x)) {
          for (const y of x) visit(y, false, quiet);
          return;
        }
        if (!isObject(x)) return;
        if (lazyOk && typeof x.$ref === 'string' && !x.$ref.startsWith('#') && !('unevaluatedProperties' in x) && !x.$ref.includes('types.yaml')) {
          const abs = absolute(x.$ref);
          if (abs) {
            delete x.$ref;
            x.dtsLazyRef = abs;
            // the reference's siblings (e.g. patternProperties naming ports by `$ref`) are visited as any
            // schema: the schemas they refer to must be known to ajv whatever was validated before
            lazyOk = false;
          }
        }
        if (lazyOk && !('dtsSimple' in x) && isSimple(x)) {
          const schema = { ...x };
          for (const r of refsOf(schema)) add(r);
          for (const k of Object.keys(x)) delete x[k];
          x.dtsSimple = (quiet ? { schema, base, quiet } : { schema, base }) as unknown as Json;
          return;
        }
        for (const [k, v] of Object.entries(x)) {
          if (k === '$ref' && typeof v === 'string') {
            if (v.startsWith('#')) continue;
            const abs = absolute(v);
            if (!abs) continue;
            const target = abs.replace(/#.*$/, '') + '#';
            if (!this.added.has(target) && this.store.has(target)) todo.push(target);
          } else if ((k === 'properties' || k === 'patternProperties') && isObject(v)) {
            // simple value schemas: one interpreted keyword for all of them (the entries stay, as `true`, for
            // what they mark evaluated)
            for (const [name, e] of Object.entries(v)) {
              if (isSimple(e)) {
                for (const r of refsOf(e)) add(r);
                let props = x.dtsSimpleProps as unknown as SimpleProps | undefined;
                if (!props) x.dtsSimpleProps = (props = { props: {}, patterns: [], base, quiet }) as unknown as Json;
                if (k === 'properties') props.props[name] = e as JsonObject;
                else props.patterns.push([name, e as JsonObject]);
                v[name] = true;
              } else visit(e, true, quiet);
            }
          } else if (k === 'dtsSimpleProps' || k === 'dtsSimple') {
            for (const r of refsOf(v)) add(r);
          } else if (k === 'additionalProperties') {
            visit(v, true, quiet);
          } else visit(v, false, quiet || k === 'if' || k === 'not');
        }
      };
      visit(s, false);
      this.ajv.addSchema(s as object, cur);
    }
  }

  /** The simple `properties` / `patternProperties` entries of a node schema (`dtsSimpleProps`). */
  private checkSimpleProps(spec: SimpleProps, data: unknown, cxt: DataValidationCxt): true | unknown[] {
    if (!isNodeInstance(data)) return true;
    let errors: unknown[] | undefined;
    const check = (schema: Record<string, unknown>, name: string): void => {
      const path = `${cxt.instancePath ?? ''}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const r = this.checkSimple({ schema, base: spec.base, quiet: spec.quiet }, data[name], {
        instancePath: path,
        parentData: data,
        parentDataProperty: name,
        rootData: cxt.rootData,
        dynamicAnchors: {},
      } as DataValidationCxt);
      if (r !== true) (errors ??= []).push(...r);
    };
    for (const name in spec.props) if (data[name] !== undefined) check(spec.props[name], name);
    if (spec.patterns.length) {
      for (const [p, schema] of spec.patterns) {
        let re = this.patterns.get(p);
        if (!re) this.patterns.set(p, (re = regExpEngine(p, '')));
        for (const name in data) if (re.test(name)) check(schema, name);
      }
    }
    return errors ?? true;
  }

  /** A `dtsSimple` value schema: interpreted; compiled (for ajv's errors) only when the value is not valid. */
  private checkSimple(spec: SimpleSpec, data: unknown, cxt: DataValidationCxt): true | unknown[] {
    const r = SchemaCompiler.compileAlways
      ? undefined
      : holds(spec.schema as Json, data, cxt.parentData, cxt.parentDataProperty, spec.base, (ref, base, d, parent, key) => {
          const v = this.refTarget(ref, base);
          if (!v) return undefined;
          return v(d, { instancePath: '', parentData: parent, parentDataProperty: key, rootData: cxt.rootData, dynamicAnchors: {} } as DataValidationCxt) as boolean;
        });
    if (r === true && !SchemaCompiler.crossCheck) return true;
    // inside `if` and `not`, errors are dropped: only the answer counts
    if (r === false && spec.quiet && !SchemaCompiler.crossCheck) return [{ keyword: 'dtsSimple', params: {} }];
    let v = this.simpleCompiled.get(spec.schema);
    if (v === undefined) {
      try {
        for (const ref of refsOf(spec.schema as Json)) {
          const abs = new URL(ref, spec.base).toString();
          this.addRefs(abs.replace(/#.*$/, '') + '#');
        }
        v = this.ajv.compile({ ...spec.schema, $id: `${spec.base.replace(/#.*$/, '')}?dts-simple=${this.simpleCount++}#` });
      } catch {
        v = null;
      }
      this.simpleCompiled.set(spec.schema, v);
    }
    if (!v) return true;
    const ok = v(data, {
      instancePath: cxt.instancePath ?? '',
      parentData: cxt.parentData,
      parentDataProperty: cxt.parentDataProperty ?? '',
      rootData: cxt.rootData,
      dynamicAnchors: {},
    } as DataValidationCxt) as boolean;
    if (SchemaCompiler.crossCheck && r !== undefined && r !== ok) SchemaCompiler.mismatches.push({ schema: spec.schema, data, interpreted: r, ajv: ok });
    return ok ? true : v.errors ?? [];
  }

  /** The validator a `$ref` of a simple schema names (resolved once per reference and base). */
  private refTarget(ref: string, base: string): ValidateFunction | undefined {
    const key = `${base}\0${ref}`;
    let v = this.refTargets.get(key);
    if (v === undefined) {
      try {
        v = this.lazy(new URL(ref, base).toString()) ?? null;
      } catch {
        v = null;
      }
      this.refTargets.set(key, v);
    }
    return v ?? undefined;
  }

  private readonly refTargets = new Map<string, ValidateFunction | null>();

  /** Tests: compile every simple schema (no interpreter) / run both and record disagreements. */
  static compileAlways = false;
  static crossCheck = false;
  static readonly mismatches: { schema: unknown; data: unknown; interpreted: boolean; ajv: boolean }[] = [];

  /** The validator of a lazily referenced schema (absolute URI, maybe with a fragment). */
  lazy(uri: string): ValidateFunction | undefined {
    let v = this.lazyCompiled.get(uri);
    if (v !== undefined) return v ?? undefined;
    try {
      this.addRefs(uri.replace(/#.*$/, '') + '#');
      v = this.ajv.getSchema(uri.includes('#') ? uri : `${uri}#`) ?? null;
      this.compiled++;
    } catch {
      v = null;
    }
    this.lazyCompiled.set(uri, v);
    return v ?? undefined;
  }
}
