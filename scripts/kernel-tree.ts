// Locates (and if needed installs and extracts) the Linux 6.12 sources used as
// real input by the corpus script, the benchmark and some tests.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CACHE_DIR = process.env.DTS_LSP_CACHE || path.join(os.homedir(), '.cache', 'dts-lsp');
export const KERNEL_DIR = path.join(CACHE_DIR, 'linux-source-6.12');
const TARBALL = '/usr/src/linux-source-6.12.tar.xz';
const PARTS = [
  'arch/arm64/boot/dts',
  'arch/arm/boot/dts',
  'include/dt-bindings',
  'include/uapi',
  'scripts/dtc',
  'drivers/iommu',
  'drivers/of',
];

/** The kernel tree if it is already extracted (tests use this and skip otherwise). */
export function kernelTreeIfPresent(): string | undefined {
  return fs.existsSync(path.join(KERNEL_DIR, 'arch/arm64/boot/dts')) &&
    fs.existsSync(path.join(KERNEL_DIR, 'scripts/dtc/include-prefixes'))
    ? KERNEL_DIR
    : undefined;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Install Debian packages when a tool is missing (CI runs as root). */
export function ensureDebianPackages(pkgs: Record<string, string>): void {
  const missing = Object.entries(pkgs).filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  console.error(`installing Debian packages: ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Make sure the kernel sources are extracted into the cache; returns the tree's root. */
export function ensureKernelTree(): string {
  const present = kernelTreeIfPresent();
  if (present) return present;
  if (!fs.existsSync(TARBALL)) {
    console.error('installing linux-source-6.12 (Debian package)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'linux-source-6.12'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  console.error(`extracting ${PARTS.join(', ')} into ${CACHE_DIR}`);
  execFileSync('tar', ['-xJf', TARBALL, '-C', CACHE_DIR, '--wildcards', ...PARTS.map((p) => `linux-source-6.12/${p}`)], {
    stdio: 'inherit',
  });
  return KERNEL_DIR;
}

/** Linux's bindings (Documentation/devicetree/bindings): extracted on demand, for the bindings tests and comparison. */
export function ensureKernelBindings(): string {
  const kernel = ensureKernelTree();
  const dir = path.join(kernel, 'Documentation/devicetree/bindings');
  if (fs.existsSync(path.join(dir, 'Makefile'))) return dir;
  console.error(`extracting Documentation/devicetree/bindings into ${CACHE_DIR}`);
  execFileSync('tar', ['-xJf', TARBALL, '-C', CACHE_DIR, '--wildcards', 'linux-source-6.12/Documentation/devicetree/bindings'], { stdio: 'inherit' });
  return dir;
}

/** The bindings folder if it is extracted (tests use this and skip otherwise). */
export function kernelBindingsIfPresent(): string | undefined {
  const k = kernelTreeIfPresent();
  const dir = k && path.join(k, 'Documentation/devicetree/bindings');
  return dir && fs.existsSync(path.join(dir, 'Makefile')) ? dir : undefined;
}

/** All arm64 boards (.dts, in vendor directories and their subdirectories), sorted. */
export function arm64Boards(kernel: string): string[] {
  return dtsFilesUnder(path.join(kernel, 'arch/arm64/boot/dts'));
}

/** Every .dts file below a folder, sorted. */
export function dtsFilesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.dts')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** The fixed CI sample: the first board of every vendor, the second of the large vendors, and the benchmark boards. */
export function sampleBoards(kernel: string): string[] {
  const all = arm64Boards(kernel);
  const byVendor = new Map<string, string[]>();
  for (const b of all) {
    const v = path.relative(path.join(kernel, 'arch/arm64/boot/dts'), b).split(path.sep)[0];
    if (!byVendor.has(v)) byVendor.set(v, []);
    byVendor.get(v)!.push(b);
  }
  const picked = new Set<string>();
  for (const [, boards] of byVendor) {
    picked.add(boards[0]);
    if (boards.length >= 50) picked.add(boards[Math.floor(boards.length / 2)]);
  }
  for (const rel of [
    'qcom/sm8550-mtp.dts',
    'qcom/sc7280-herobrine-villager-r1-lte.dts',
    'freescale/imx8qm-apalis-eval-v1.2.dts',
    'renesas/r8a779f0-spider.dts',
    'apple/t8103-j274.dts',
    'marvell/armada-8040-db.dts',
    'altera/socfpga_stratix10_socdk.dts',
  ]) {
    const p = path.join(kernel, 'arch/arm64/boot/dts', rel);
    if (fs.existsSync(p)) picked.add(p);
  }
  return [...picked].sort();
}

/** The kernel's own preprocessing command for a board (scripts/Makefile.dtbs). */
export function cppArgs(kernel: string, board: string): string[] {
  return [
    '-nostdinc',
    '-undef',
    '-D__DTS__',
    '-x',
    'assembler-with-cpp',
    '-I',
    path.dirname(board),
    '-I',
    path.join(kernel, 'scripts/dtc/include-prefixes'),
    '-I',
    path.join(kernel, 'include'),
    '-P',
    board,
  ];
}
