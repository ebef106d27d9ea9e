// Our processing of Linux bindings (fixups, type table, documented compatibles) against dt-schema's own
// dt-mk-schema over the same bindings: every processed schema must be equal. Needs the kernel bindings
// (npm run corpus / scripts/setup-kernel) and dt-schema in ../shared with Debian's python3; skips without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { listYaml } from '../../server/src/bindings/linux/load';
import { processSchemas } from '../../server/src/bindings/linux/process';
import { kernelBindingsIfPresent } from '../../scripts/kernel-tree';
import { SHARED } from '../util/paths';

function dtSchemaDir(): string | undefined {
  const tools = path.join(SHARED, 'tools');
  if (!fs.existsSync(tools)) return undefined;
  const d = fs.readdirSync(tools).find((x) => x.startsWith('dt-schema'));
  return d ? path.join(tools, d) : undefined;
}

function canon(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canon);
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon((x as Record<string, unknown>)[k])]));
  return x;
}

test('bindings: our processed schemas equal dt-mk-schema\'s for Linux 6.12', (t) => {
  const bindings = kernelBindingsIfPresent();
  const dtschema = dtSchemaDir();
  const py = spawnSync('/usr/bin/python3', ['-c', 'import ruamel.yaml, jsonschema, rfc3987, libfdt'], { stdio: 'ignore' });
  if (!bindings || !dtschema || py.status !== 0) {
    t.skip('needs the kernel bindings, ../shared/tools/dt-schema-* and python3 with dt-schema\'s packages');
    return;
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dtmk-')), 'processed-schema.json');
  const code = `import sys, types; sys.path.insert(0, ${JSON.stringify(dtschema)}); m = types.ModuleType("dtschema.version"); m.__version__ = "2024.11"; ` +
    'sys.modules.setdefault("dtschema.version", m); sys.argv[0] = "dt-mk-schema"; from dtschema.mk_schema import main; main()';
  const r = spawnSync('nice', ['-n', '10', '/usr/bin/python3', '-c', code, '-j', '-o', out, bindings], { stdio: 'ignore' });
  assert.equal(r.status, 0, 'dt-mk-schema failed');
  const theirs = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, Record<string, unknown>>;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  const nfs = new NodeFileSystem();
  const files = [...listYaml(nfs, bindings), ...listYaml(nfs, path.join(dtschema, 'dtschema/schemas'))];
  const ours = processSchemas(files.map((f) => ({ path: f, text: fs.readFileSync(f, 'utf8') })));
  const differ: string[] = [];
  let same = 0;
  for (const [id, s] of Object.entries(theirs)) {
    if (id === 'version' || id.startsWith('generated-')) continue;
    const mine = ours.schemas[id];
    if (!mine || JSON.stringify(canon({ ...mine, $filename: 0 })) !== JSON.stringify(canon({ ...s, $filename: 0 }))) differ.push(id);
    else same++;
  }
  assert.deepEqual(differ, [], `${differ.length} processed schemas differ`);
  assert.ok(same > 4000);
  // the type table: the same candidate types for every property (their order follows file order, which differs)
  const types = (theirs['generated-types'] as { properties: Record<string, { type: string }[]> }).properties;
  const typeDiff = Object.keys(types).filter((k) => {
    const a = new Set(types[k].map((x) => x.type));
    const b = new Set((ours.types.props[k] ?? []).map((x) => x.type));
    return a.size !== b.size || [...a].some((x) => !b.has(x));
  });
  // 'gpios': dt-schema keeps the type of the schema it happened to read first (gpio-hog's uint32-matrix or a
  // consumer's phandle-array); both decode the same way
  assert.deepEqual(typeDiff.filter((k) => k !== 'gpios'), []);
  const compat = new Set(((theirs['generated-compatibles'] as { properties: { compatible: { items: { anyOf: { enum?: string[] }[] } } } }).properties.compatible.items.anyOf[0].enum) ?? []);
  assert.equal(compat.size, ours.compatibles.length);
});
