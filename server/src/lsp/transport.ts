// The server's writer of messages on --stdio. vscode-jsonrpc's stream writer takes several event-loop turns per
// message (a semaphore released through setImmediate, the body encoded through a promise, then the header and
// the body written apart, each awaited), so a message queued behind a few others (diagnostics, then the log line,
// then the status bar's) leaves only once the server's next synchronous work is done. This writer hands the
// whole frame to the stream at once, in the order `write` is called: what the server publishes is on the pipe
// when `publish` returns.
import { format } from 'node:util';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/** The part of a writable stream the writer uses (process.stdout, or a test's stream). */
export interface FrameSink {
  write(chunk: Uint8Array, cb: (err?: Error | null) => void): boolean;
  on(event: 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  end(): void;
}

/** `Content-Length: N\r\n\r\n` and the JSON body, as one buffer. */
export function frame(msg: Message): Buffer {
  return frameJson(JSON.stringify(msg));
}

/** The frame of a message already serialised (encoded once, into the frame's own buffer). */
export function frameJson(json: string): Buffer {
  const n = Buffer.byteLength(json, 'utf8');
  const head = `Content-Length: ${n}\r\n\r\n`;
  const out = Buffer.allocUnsafe(head.length + n);
  out.write(head, 0, 'ascii');
  out.write(json, head.length, 'utf8');
  return out;
}

/**
 * The JSON of a textDocument/publishDiagnostics notification whose list is already serialised (`diagnostics`: the
 * JSON of the LSP diagnostics, which the publisher keeps to compare with what it sent): the list is not serialised
 * a second time.
 */
export function publishDiagnosticsJson(uri: string, version: number | undefined, diagnostics: string): string {
  const v = version === undefined ? '' : `,"version":${JSON.stringify(version)}`;
  return `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(uri)}${v},"diagnostics":${diagnostics}}}`;
}

export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly sink: FrameSink) {
    super();
    sink.on('error', (e) => this.fireError(e));
    sink.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let data: Buffer;
    try {
      data = frame(msg);
    } catch (e) {
      // a message that cannot be serialised (a cycle): reported, the stream stays usable
      this.fireError(e, msg, ++this.errors);
      return Promise.reject(e);
    }
    return this.send(data, msg);
  }

  /** A message already serialised (publishDiagnosticsJson), in order with the others. */
  writeJson(json: string): Promise<void> {
    return this.send(frameJson(json), undefined);
  }

  private send(data: Buffer, msg: Message | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sink.write(data, (err) => {
        if (err) {
          this.fireError(err, msg, ++this.errors);
          reject(err);
        } else resolve();
      });
    });
  }

  end(): void {
    this.sink.end();
  }
}

/** On --stdio, stdout is the protocol's: whatever a library prints through `console` goes to the client's log. */
export function consoleToClient(connection: { console: Pick<Console, 'log' | 'warn' | 'error'> }, target: Console = console): void {
  const text = (args: unknown[]): string => format(...args);
  target.log = target.info = target.debug = (...a: unknown[]) => connection.console.log(text(a));
  target.warn = (...a: unknown[]) => connection.console.warn(text(a));
  target.error = target.trace = (...a: unknown[]) => connection.console.error(text(a));
  target.dir = (o: unknown) => connection.console.log(format('%o', o));
}
