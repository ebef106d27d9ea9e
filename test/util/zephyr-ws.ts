// A copy of the Zephyr workspace fixture (test/fixtures/zephyr-ws) and its build directories
// (test/fixtures/zephyr-builds) in a temporary folder, with @WS@ in the build files replaced by the copy's path
// (Zephyr writes absolute paths into CMakeCache.txt and build_info.yml).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture } from './paths';

export interface ZephyrFixture {
  /** the workspace's top folder */
  ws: string;
  /** ZEPHYR_BASE */
  zephyr: string;
  /** the folder holding hello-cmake/ and hello-info/ */
  builds: string;
  remove(): void;
}

function copyTree(from: string, to: string, subst?: [string, string][]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) copyTree(a, b, subst);
    else {
      let text = fs.readFileSync(a, 'utf8');
      for (const [k, v] of subst ?? []) text = text.split(k).join(v);
      fs.writeFileSync(b, text);
    }
  }
}

export function zephyrFixture(): ZephyrFixture {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dts-zephyr-ws-')));
  const ws = path.join(tmp, 'ws');
  const builds = path.join(tmp, 'builds');
  copyTree(fixture('zephyr-ws'), ws);
  copyTree(fixture('zephyr-builds'), builds, [['@WS@', ws], ['@BUILDS@', builds]]);
  return { ws, zephyr: path.join(ws, 'zephyr'), builds, remove: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
