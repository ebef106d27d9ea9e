// The server's --stdio writer (lsp/transport.ts): each message framed whole and handed to the stream at once, in order.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { consoleToClient, frame, frameJson, FrameWriter, publishDiagnosticsJson, type FrameSink } from '../../server/src/lsp/transport';

class Sink implements FrameSink {
  chunks: Buffer[] = [];
  pending: Array<(err?: Error | null) => void> = [];
  private listeners = new Map<string, Array<(...a: unknown[]) => void>>();
  write(chunk: Uint8Array, cb: (err?: Error | null) => void): boolean {
    this.chunks.push(Buffer.from(chunk));
    this.pending.push(cb);
    return true;
  }
  on(event: 'error' | 'close', listener: (...args: unknown[]) => void): unknown {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...a: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...a);
  }
  end(): void {}
}

/** The messages in a byte stream of frames, each checked against its Content-Length. */
function unframe(bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    assert.ok(headEnd > at, 'a header');
    const m = /^Content-Length: (\d+)$/.exec(bytes.subarray(at, headEnd).toString('ascii'));
    assert.ok(m, 'only a Content-Length header');
    const len = Number(m[1]);
    const body = bytes.subarray(headEnd + 4, headEnd + 4 + len);
    assert.equal(body.length, len);
    out.push(JSON.parse(body.toString('utf8')));
    at = headEnd + 4 + len;
  }
  return out;
}

test('transport: messages go to the stream whole, at once and in order; the length counts bytes, not characters', async () => {
  const sink = new Sink();
  const w = new FrameWriter(sink);
  const msgs = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///b.dts', diagnostics: [{ message: 'µ → ü «x»' }] } },
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'analysed /b.dts' } },
    { jsonrpc: '2.0', id: 7, result: null },
  ];
  const done = msgs.map((m) => w.write(m as never));
  // written before write() returned, without waiting for a turn of the event loop (vscode-jsonrpc's writer waits
  // for setImmediate and writes the header and the body apart)
  assert.equal(sink.chunks.length, 3);
  assert.deepEqual(unframe(Buffer.concat(sink.chunks)), msgs);
  assert.deepEqual(unframe(sink.chunks[0]), [msgs[0]]);
  // each promise settles with its write's callback
  let settled = 0;
  for (const p of done) void p.then(() => settled++);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, 0);
  for (const cb of sink.pending) cb();
  await Promise.all(done);
  assert.equal(settled, 3);
  assert.equal(frame(msgs[0] as never).length, Buffer.concat([sink.chunks[0]]).length);
});

test('transport: a write that fails, a message that cannot be serialised, and a closed stream are reported, not thrown', async () => {
  const sink = new Sink();
  const w = new FrameWriter(sink);
  const errors: unknown[] = [];
  let closed = 0;
  w.onError((e) => errors.push(e));
  w.onClose(() => closed++);
  const cyclic: Record<string, unknown> = { jsonrpc: '2.0', method: 'x' };
  cyclic.self = cyclic;
  await assert.rejects(w.write(cyclic as never));
  assert.equal(sink.chunks.length, 0);
  const p = w.write({ jsonrpc: '2.0', method: 'y' } as never);
  sink.pending[0](new Error('EPIPE'));
  await assert.rejects(p, /EPIPE/);
  assert.equal(errors.length, 2);
  sink.emit('close');
  assert.equal(closed, 1);
  // the writer still writes after a failure
  void w.write({ jsonrpc: '2.0', method: 'z' } as never);
  assert.equal(sink.chunks.length, 2);
});

test('transport: on --stdio, console output goes to the client as log messages (stdout is the protocol)', () => {
  const got: string[] = [];
  const conn = { console: { log: (m: string) => got.push(`log ${m}`), warn: (m: string) => got.push(`warn ${m}`), error: (m: string) => got.push(`error ${m}`) } };
  const target = { ...console } as Console;
  consoleToClient(conn as never, target);
  target.log('a %d', 1);
  target.info('b', { c: 2 });
  target.warn('strict mode: unknown keyword');
  target.error(new Error('boom'));
  assert.deepEqual(got.slice(0, 3), ['log a 1', 'log b { c: 2 }', 'warn strict mode: unknown keyword']);
  assert.match(got[3], /^error Error: boom/);
});

test('transport: diagnostics already serialised go out as the notification vscode-jsonrpc would send, in order with the other messages', () => {
  const sink = new Sink();
  const w = new FrameWriter(sink);
  const diagnostics = [{ range: { start: { line: 2, character: 1 }, end: { line: 2, character: 9 } }, severity: 1, code: 'unresolved-reference', source: 'devicetree', message: 'µ → «&nowhere»' }];
  const uri = 'file:///a%20b/soc.dtsi';
  const withVersion = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version: 7, diagnostics } };
  const without = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: [] } };
  const log = { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'analysed' } };
  void w.writeJson(publishDiagnosticsJson(uri, 7, JSON.stringify(diagnostics)));
  void w.write(log as never);
  void w.writeJson(publishDiagnosticsJson(uri, undefined, '[]'));
  assert.deepEqual(unframe(Buffer.concat(sink.chunks)), [withVersion, log, without]);
  // the same bytes as the message serialised whole (the length counts the bytes of the non-ASCII characters)
  assert.deepEqual(sink.chunks[0], frame(withVersion as never));
  assert.deepEqual(frameJson(JSON.stringify(log)), frame(log as never));
});
