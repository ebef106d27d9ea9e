// The interpreter of simple value schemas (bindings/linux/simple.ts) must answer as ajv does: it replaces
// compiled code for valid values. Checked on hand-written cases, on the fixture board (interpreted vs always
// compiled) and, when the kernel bindings are present, on kernel boards (both run, every answer compared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { MemoryBindingsCache } from '../../server/src/bindings/cache';
import { packTree, unpackTree } from '../../server/src/bindings/flatten';
import { createAjv } from '../../server/src/bindings/linux/ajv';
import { holds, isSimple } from '../../server/src/bindings/linux/simple';
import { LinuxValidator } from '../../server/src/bindings/linux/validate';
import { SchemaCompiler } from '../../server/src/bindings/linux/compiler';
import type { Json } from '../../server/src/bindings/linux/fixups';
import { kernelBindingsIfPresent } from '../../scripts/kernel-tree';
import { fixture } from '../util/paths';

const CASES: [Json, unknown[]][] = [
  [{ enum: ['a', 'b'] }, ['a', 'c', ['a'], 1]],
  [{ const: [1, 2] }, [[1, 2], [1, 2, 3], [2, 1], 'x']],
  [{ minItems: 2, maxItems: 3 }, [[1], [1, 2], [1, 2, 3, 4], 'x', 5]],
  [{ items: [{ const: 'x' }, { enum: ['y', 'z'] }], additionalItems: false }, [['x'], ['x', 'z'], ['x', 'q'], ['x', 'y', 'z'], []]],
  [{ items: { minimum: 1, maximum: 4 } }, [[1, 4], [0], [5, 1], ['s'], 3]],
  [{ items: { items: [{ minimum: 2 }, { exclusiveMaximum: 3 }] } }, [[[2, 2]], [[1, 2]], [[2, 3]], [[2]]]],
  [{ contains: { const: 'qcom,x' } }, [['a', 'qcom,x'], ['a'], [], 'qcom,x']],
  [{ oneOf: [{ items: [{ const: 'a' }] }, { items: [{ pattern: '^a' }] }] }, [['a'], ['ab'], ['b']]],
  [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }, ['s', 3, 3.5, true, null, [1]]],
  [{ not: { items: { const: 0 } } }, [[0, 0], [0, 1], 'x']],
  [{ type: 'array', uniqueItems: true }, [[1, 2], [1, 1], [[1], [1]], 'x']],
  [{ multipleOf: 4 }, [8, 6, 0, 'x']],
  [{ type: ['boolean', 'null'] }, [true, null, 0]],
  [{ pattern: '^[a-z]+(-[0-9]+)?$' }, ['abc-1', 'ABC', 3, 'a-']],
  [{ allOf: [{ minItems: 1 }, { items: { type: 'string' } }] }, [['a'], [], [1]]],
];

test('bindings: the simple-schema interpreter answers as ajv does', () => {
  const ajv = createAjv();
  for (const [schema, values] of CASES) {
    assert.ok(isSimple(schema), JSON.stringify(schema));
    const v = ajv.compile(schema as object);
    for (const value of values) {
      const got = holds(schema, value, { p: value }, 'p', 'http://x/', () => undefined);
      assert.equal(got, v(value), `${JSON.stringify(schema)} on ${JSON.stringify(value)}`);
    }
  }
  // what it does not know is left to ajv
  assert.equal(isSimple({ properties: { a: true } }), false);
  assert.equal(isSimple({ $ref: '#/definitions/x' }), false);
  assert.equal(isSimple({ description: 'only words' }), false);
  assert.equal(holds({ $ref: 'types.yaml#/definitions/uint32' }, [[1]], undefined, 0, 'http://x/', () => undefined), undefined);
});

function bindingDiagnostics(file: string): unknown[] {
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new MemoryBindingsCache() });
  return new AnalysisHost(new NodeFileSystem(), { bindings }).analyze(file).diagnostics.filter((d) => d.code.startsWith('binding-'));
}

test('bindings: interpreting simple value schemas gives the diagnostics that compiling them gives', () => {
  const board = fixture('bindings/linux/arch/arm64/boot/dts/acme/board.dts');
  const interpreted = bindingDiagnostics(board);
  SchemaCompiler.compileAlways = true;
  try {
    assert.deepEqual(bindingDiagnostics(board), interpreted);
  } finally {
    SchemaCompiler.compileAlways = false;
  }
  assert.ok(interpreted.length > 5);
});

test('bindings: on kernel boards, every interpreted answer equals ajv\'s', (t) => {
  const bindings = kernelBindingsIfPresent();
  if (!bindings) {
    t.skip('needs the kernel bindings (scripts/setup-kernel)');
    return;
  }
  const root = path.resolve(bindings, '../../..');
  const dts = path.join(root, 'arch/arm64/boot/dts');
  const boards = ['qcom/sm8550-mtp.dts', 'rockchip/rk3588-evb1-v10.dts', 'freescale/imx8mp-evk.dts', 'mediatek/mt8195-demo.dts']
    .map((b) => path.join(dts, b))
    .filter((b) => fs.existsSync(b));
  assert.ok(boards.length > 0);
  const host = new BindingsHost(new NodeFileSystem(), { cache: new MemoryBindingsCache() });
  const lb = host.linuxFor({ flavour: 'linux', root });
  assert.ok(lb?.validator, 'the kernel bindings load');
  SchemaCompiler.crossCheck = true;
  SchemaCompiler.mismatches.length = 0;
  try {
    for (const b of boards) {
      const tree = new AnalysisHost(new NodeFileSystem()).analyze(b).tree;
      new LinuxValidator(lb.validator.store).validate(unpackTree(packTree(tree)));
    }
    assert.deepEqual(SchemaCompiler.mismatches.slice(0, 3), []);
  } finally {
    SchemaCompiler.crossCheck = false;
  }
});
