// NodeFileSystem caches file texts and canonical paths; every use checks the file's stat, so a file
// changed on disk (even to the same size within the same second) is read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_CACHED_CHARS, NodeFileSystem } from '../../server/src/base/node-fs';

function tmpDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dts-nodefs-')));
}

test('an unchanged file comes back as the same string; a rewritten one is read again', () => {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'a.dtsi');
    fs.writeFileSync(f, '/ { a = <1>; };\n');
    const nfs = new NodeFileSystem();
    const r1 = nfs.readFile(f);
    const r2 = nfs.readFile(f);
    assert.ok(r1.ok && r2.ok);
    assert.equal(r1.text, '/ { a = <1>; };\n');
    assert.equal(r2.text, r1.text);
    // rewritten in place with the same length right away: the stat (mtime/ctime in ns) differs, so it is read again
    fs.writeFileSync(f, '/ { a = <2>; };\n');
    const r3 = nfs.readFile(f);
    assert.ok(r3.ok);
    assert.equal(r3.text, '/ { a = <2>; };\n');
    // replaced by another file (new inode)
    const g = path.join(dir, 'b.tmp');
    fs.writeFileSync(g, '/ { b; };\n');
    fs.renameSync(g, f);
    const r4 = nfs.readFile(f);
    assert.ok(r4.ok);
    assert.equal(r4.text, '/ { b; };\n');
    // deleted: not found, and nothing stale is served afterwards
    fs.unlinkSync(f);
    const r5 = nfs.readFile(f);
    assert.equal(r5.ok, false);
    fs.writeFileSync(f, 'x');
    const r6 = nfs.readFile(f);
    assert.ok(r6.ok);
    assert.equal(r6.text, 'x');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cached canonical path follows a symlink that is re-pointed', () => {
  const dir = tmpDir();
  try {
    fs.writeFileSync(path.join(dir, 'one.h'), '#define A 1\n');
    fs.writeFileSync(path.join(dir, 'two.h'), '#define A 22\n');
    const link = path.join(dir, 'link.h');
    fs.symlinkSync('one.h', link);
    const nfs = new NodeFileSystem();
    assert.equal(nfs.realpath(link), path.join(dir, 'one.h'));
    assert.ok(nfs.readFile(link).ok);
    assert.equal(nfs.realpath(link), path.join(dir, 'one.h'));
    fs.unlinkSync(link);
    fs.symlinkSync('two.h', link);
    assert.equal(nfs.realpath(link), path.join(dir, 'two.h'));
    const r = nfs.readFile(link);
    assert.ok(r.ok);
    assert.equal(r.text, '#define A 22\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the text cache is bounded: reading many files keeps the recently used ones correct', () => {
  const dir = tmpDir();
  try {
    // three files, each a third of the bound plus a little: the oldest must be evicted, all reads stay correct
    const size = Math.floor(MAX_CACHED_CHARS / 3) + 1000;
    const files = ['x.dtsi', 'y.dtsi', 'z.dtsi'].map((n, i) => {
      const f = path.join(dir, n);
      fs.writeFileSync(f, String(i).repeat(size));
      return f;
    });
    const nfs = new NodeFileSystem();
    for (let round = 0; round < 2; round++) {
      files.forEach((f, i) => {
        const r = nfs.readFile(f);
        assert.ok(r.ok);
        assert.equal(r.text.length, size);
        assert.equal(r.text[0], String(i));
      });
    }
    const held = (nfs as unknown as { cachedChars: number }).cachedChars;
    assert.ok(held <= MAX_CACHED_CHARS, `cache holds ${held} characters`);
    assert.ok(held > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a trust window: within it a file changed on disk is not stat-ed again (invalidate reads it at once); past it, it is', () => {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'a.dtsi');
    const missing = path.join(dir, 'b.dtsi');
    fs.writeFileSync(f, '/ { a = <1>; };\n');
    let t = 1_000;
    const nfs = new NodeFileSystem(undefined, () => t);
    nfs.setTrustWindow(500);
    const read = (): string => { const r = nfs.readFile(f); assert.ok(r.ok); return r.text; };
    assert.equal(read(), '/ { a = <1>; };\n');
    assert.equal(nfs.stat(missing), 'missing');
    const real = nfs.realpath(f);
    fs.writeFileSync(f, '/ { a = <22>; };\n');
    fs.writeFileSync(missing, '');
    t += 499;
    // trusted: the answers of the last stat
    assert.equal(read(), '/ { a = <1>; };\n');
    assert.equal(nfs.stat(missing), 'missing');
    assert.equal(nfs.realpath(f), real);
    // the watcher reports the change: read again at once, and the other answers are stat-ed again
    nfs.invalidate(f);
    assert.equal(read(), '/ { a = <22>; };\n');
    assert.equal(nfs.stat(missing), 'file');
    // past the window, a change nobody reported is seen
    fs.writeFileSync(f, '/ { a = <333>; };\n');
    t += 100;
    assert.equal(read(), '/ { a = <22>; };\n');
    t += 500;
    assert.equal(read(), '/ { a = <333>; };\n');
    // the window off: every use stats, as without one
    nfs.setTrustWindow(0);
    fs.writeFileSync(f, '/ { a = <4444>; };\n');
    assert.equal(read(), '/ { a = <4444>; };\n');
    fs.unlinkSync(missing);
    assert.equal(nfs.stat(missing), 'missing');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('refreshTrusted: what was used and is past half the window is stat-ed again; unchanged, it is trusted a window from then; changed, it is left to its next use', () => {
  const dir = tmpDir();
  try {
    const a = path.join(dir, 'a.dtsi');
    const b = path.join(dir, 'b.dtsi');
    const idle = path.join(dir, 'idle.dtsi');
    const missing = path.join(dir, 'm.dtsi');
    const created = path.join(dir, 'c.dtsi');
    for (const f of [a, b, idle]) fs.writeFileSync(f, '/ { a = <1>; };\n');
    let t = 900;
    const nfs = new NodeFileSystem(undefined, () => t);
    assert.equal(nfs.refreshTrusted(), 0, 'no window: nothing to refresh');
    nfs.setTrustWindow(500);
    const read = (f: string): string => { const r = nfs.readFile(f); assert.ok(r.ok); return r.text; };
    read(idle);
    t = 1_000;
    for (const f of [a, b]) read(f);
    assert.equal(nfs.stat(missing), 'missing');
    assert.equal(nfs.stat(created), 'missing');
    // before half the window: nothing is due
    t += 100;
    assert.equal(nfs.refreshTrusted(), 0);
    // used within the window (idle, last used at 900, is not), past half of it: a, b and the two stat answers are stat-ed again
    t += 200;
    read(a); read(b);
    assert.equal(nfs.stat(missing), 'missing');
    assert.equal(nfs.stat(created), 'missing');
    fs.writeFileSync(b, '/ { b = <22>; };\n');
    fs.writeFileSync(created, '');
    t += 100; // 1,400: the first stats were at 1,000
    assert.equal(nfs.refreshTrusted(), 4);
    fs.writeFileSync(a, '/ { a = <333>; };\n');
    fs.unlinkSync(idle);
    t += 200; // 1,600: past the first stats' window, within the refresh's
    assert.equal(read(a), '/ { a = <1>; };\n', 'a was unchanged at the refresh: trusted until 1,900');
    assert.equal(nfs.stat(missing), 'missing');
    assert.equal(read(b), '/ { b = <22>; };\n', 'b had changed at the refresh: stat-ed at its use');
    assert.equal(nfs.stat(created), 'file', 'a stat answer that changed: stat-ed at its use');
    assert.equal(nfs.readFile(idle).ok, false, 'not used within the window: not refreshed, stat-ed at its use');
    t += 300; // 1,900: the refresh's window is over
    assert.equal(read(a), '/ { a = <333>; };\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
