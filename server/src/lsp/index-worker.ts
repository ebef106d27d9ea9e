// The workspace index built off the main thread: the folder walk and the include-line scan of every
// Devicetree file of the workspace (2,139 files under arch/arm64/boot/dts: ~1-2 s of reading and scanning)
// run in this worker while the main thread analyses the open documents and answers requests. It reads the
// disk through the same restricted file system as the server (the roots it is given) and sends back each
// file's include targets; the server's WorkspaceIndex adopts them (workspace/contexts.ts). The worker ends
// after one walk.
import { parentPort, workerData } from 'node:worker_threads';
import { NodeFileSystem } from '../base/node-fs';
import { WorkspaceIndex, type IndexProgress } from '../workspace/contexts';

export interface IndexWorkerInput {
  /** the workspace folders to walk */
  folders: string[];
  /** the roots the server may read (NodeFileSystem.setRoots), undefined: unrestricted */
  allowedRoots?: string[];
  /** the configured include directories (devicetree.includePaths) */
  includePaths: string[];
  zephyrBase?: string;
}

export type FromIndexWorker =
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'done'; entries: [string, string[]][] }
  | { type: 'error'; message: string };

async function run(input: IndexWorkerInput): Promise<void> {
  const port = parentPort!;
  try {
    const index = new WorkspaceIndex(new NodeFileSystem(input.allowedRoots), { includePaths: () => input.includePaths, zephyrBase: input.zephyrBase });
    await index.index(input.folders, (progress) => port.postMessage({ type: 'progress', progress } satisfies FromIndexWorker), async () => undefined);
    port.postMessage({ type: 'done', entries: index.entries() } satisfies FromIndexWorker);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromIndexWorker);
  }
}

if (parentPort) void run(workerData as IndexWorkerInput);
