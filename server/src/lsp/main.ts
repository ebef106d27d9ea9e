// Entry point of the language server (`bin/dts-lsp --stdio`, or --node-ipc when
// a VS Code client starts it as a node module).
import { createConnection, ProposedFeatures, type MessageReader } from 'vscode-languageserver/node';
import { holdOptimiser } from './cold-tiering';
import { DtsServer } from './server';
import { consoleToClient, FrameWriter } from './transport';

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--version')) {
    process.stdout.write('dts-lsp 0.1.0\n');
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: dts-lsp --stdio | --node-ipc | --socket=PORT\n  Devicetree language server (LSP 3.17).\n');
    return;
  }
  // createConnection reads the transport from the command line (--stdio, --node-ipc, --socket=N, --pipe=NAME)
  const stdio = !argv.some((a) => a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'));
  // --stdio (or no transport named): our writer, which puts each message on the pipe at once (transport.ts);
  // the other transports are vscode-jsonrpc's, chosen by createConnection from the command line. (stdin is given as
  // the stream it is: createConnection reads it with its stream reader and exits when it ends, as on --stdio; its
  // typings pair a stream with a stream only)
  const writer = stdio ? new FrameWriter(process.stdout) : undefined;
  const connection = writer
    ? createConnection(ProposedFeatures.all, process.stdin as unknown as MessageReader, writer)
    : createConnection(ProposedFeatures.all);
  if (writer) consoleToClient(connection);
  const server = new DtsServer(connection);
  // (the diagnostics go out through it as the JSON the publisher already made of them: publish.ts)
  server.frameWriter = writer;
  // no TurboFan until the documents opened with initialization are analysed (see cold-tiering.ts)
  holdOptimiser({ settled: () => server.stats.analyses > 0 && !server.busyAnalysing() });
  process.on('uncaughtException', (e) => server.logError('uncaughtException', e));
  process.on('unhandledRejection', (e) => server.logError('unhandledRejection', e));
  server.listen();
}

main();
