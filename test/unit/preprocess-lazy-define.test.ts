// The lazy #define (preprocess/lazy-define.ts) must be exactly what the eager path makes of the same line:
// checked on hand-written lines (and that the lines it must not take stay eager), and on every #define of the
// kernel's dt-bindings headers when the Linux sources are there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { lazyDefine, withDefinition } from '../../server/src/preprocess/lazy-define';
import { tokenize } from '../../server/src/preprocess/lexer';
import { parseDefine, type Macro } from '../../server/src/preprocess/macros';
import { preprocess } from '../../server/src/preprocess';
import { MemoryFileSystem } from '../../server/src/base/fs';

/** Both paths for the directive line text[from, to) (after `define`); 'eager' when the lazy one declines. */
function compare(text: string, from: number, to: number): 'lazy' | 'eager' {
  const lazy = lazyDefine(text, from, to, 'f.h');
  if (!lazy) return 'eager';
  const toks = tokenize(text, from, to, 0);
  const loc = { file: 'f.h', start: toks[0].pos, end: toks[0].pos + toks[0].t.length };
  const eager = parseDefine(toks, loc) as Macro;
  assert.ok(!('message' in eager), `the eager path fails on ${JSON.stringify(text.slice(from, to))}`);
  assert.equal(eager.warning, undefined);
  assert.equal(lazy.name, eager.name);
  assert.equal(lazy.params, eager.params);
  assert.equal(lazy.variadic, eager.variadic);
  assert.deepEqual(lazy.at, loc);
  assert.deepEqual(lazy.def, eager.def, JSON.stringify(text.slice(from, to)));
  assert.equal(lazy.sig, eager.sig);
  assert.deepEqual(lazy.body, eager.body);
  return 'lazy';
}

function line(s: string): 'lazy' | 'eager' {
  const text = `#define${s}\n`;
  return compare(text, 7, text.length - 1);
}

test('lazy #define: simple object-like macros are lazy and equal to the eager path; the rest stays eager', () => {
  for (const s of [' A 1', ' A', ' A ', ' A\t0x10  /* */'.slice(0, 9), ' GCC_X (1 << 3)', ' B\t\t(A  |  C)\r', ' C+1', ' D (E)', ' F\v\f 2 \t', ' G __VA_ARGS__', ' H 1.5e+3 <<= >>']) {
    assert.equal(line(s), 'lazy', s);
  }
  for (const s of [' A(x) x', ' A 1 /* c */', ' A 1 // c', ' A "s"', " A 'c'", ' A #x', ' A x ## y', ' A \\\n 1', ' defined 1', ' 1A 2', ' /* c */ A 1', ' A __VA_OPT__(x)', '']) {
    assert.equal(line(s), 'eager', s);
  }
});

test('lazy #define: a redefinition, an expansion and an incremental copy behave as with eager macros', () => {
  const fsys = new MemoryFileSystem({ '/b.dts': '#define A 1\n#define A  1\n#define B (A + 2)\n#define B 3\n/dts-v1/;\n/ { p = <B A>; };\n' });
  const r = preprocess('/b.dts', { fs: fsys, includePaths: [] });
  assert.match(r.text, /p = <3 1>;/);
  const redefined = r.diagnostics.filter((d) => d.code === 'macro-redefined');
  assert.equal(redefined.length, 1, 'A is redefined the same way (no warning), B differently');
  assert.equal(redefined[0].message, '"B" redefined');
  const b = r.macros.get('B');
  assert.deepEqual(b, { name: 'B', body: '3', location: { file: '/b.dts', start: 51, end: 52 } });
  const text = '#define Q  7\n';
  const lazy = lazyDefine(text, 7, text.length - 1, 'q.h')!;
  const moved = withDefinition(lazy, { ...lazy.def, location: { file: 'q.h', start: 10, end: 11 } });
  assert.deepEqual(moved.body, lazy.body);
  assert.equal(moved.sig, lazy.sig);
  assert.equal(moved.def.location!.start, 10);
});

test('lazy #define: every #define of the kernel dt-bindings headers, lazy or eager, as the eager path makes it', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dirs = [path.join(kernel, 'include/dt-bindings'), path.join(kernel, 'include/uapi/linux')];
  let lazy = 0;
  let eager = 0;
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.h')) {
        const text = fs.readFileSync(p, 'utf8');
        const re = /^[ \t]*#[ \t]*define\b/gm;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const from = m.index + m[0].length;
          let to = text.indexOf('\n', from);
          while (to > 0 && text.charCodeAt(to - 1) === 92) to = text.indexOf('\n', to + 1);
          if (to < 0) to = text.length;
          if (compare(text, from, to) === 'lazy') lazy++;
          else eager++;
        }
      }
    }
  };
  for (const d of dirs) if (fs.existsSync(d)) walk(d);
  assert.ok(lazy > 10000, `${lazy} lazy, ${eager} eager`);
});
