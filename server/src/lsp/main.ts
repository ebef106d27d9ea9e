// Entry point of the language server (`bin/dts-lsp --stdio`, or --node-ipc when
// a VS Code client starts it as a node module).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { holdOptimiser } from './cold-tiering';
import { DtsServer } from './server';

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
  if (!argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
    process.argv.push('--stdio');
  }
  const connection = createConnection(ProposedFeatures.all);
  const server = new DtsServer(connection);
  // no TurboFan until the documents opened with initialization are analysed (see cold-tiering.ts)
  holdOptimiser({ settled: () => server.stats.analyses > 0 && !server.busyAnalysing() });
  process.on('uncaughtException', (e) => server.logError('uncaughtException', e));
  process.on('unhandledRejection', (e) => server.logError('unhandledRejection', e));
  server.listen();
}

main();
