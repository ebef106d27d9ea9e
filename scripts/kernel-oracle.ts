// npm run kernel-oracle [-- --case NAME ...] [--jobs N] [--keep]
//
// Boots Debian's real Linux 6.12 arm64 kernel under qemu-system-aarch64 -machine virt on every
// case of test/oracle/ (a Devicetree + the QEMU devices, kernel command line and module loading
// it needs) and records, per device, what the kernel did: the bound driver, the IOMMU group and
// the IOMMU it is behind, whether it is still deferred (and why), the device links, and the
// relevant dmesg lines. The record is committed beside the case as kernel.json; `npm test`
// (test/unit/oracle.test.ts) compares the probe simulation with it, without QEMU.
//
// Everything comes from Debian: qemu-system-arm, device-tree-compiler, kmod, cpio, xz-utils, and
// the arm64 packages linux-image-6.12.*-arm64-unsigned and busybox-static (downloaded with
// apt-get download, extracted with dpkg-deb -x, never installed), cached in ~/.cache/dts-lsp.
// Boots run under `nice -n 10`, at most two at once (--jobs).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, ensureDebianPackages } from './kernel-tree';
import { parseOracleOutput, type OracleCase, type OracleRecord } from './kernel-oracle-parse';

const ROOT = path.resolve(__dirname, '../..');
const CASES = path.join(ROOT, 'test/oracle');
const WORK = path.join(CACHE_DIR, 'kernel-oracle');
/** Modules the cases may load (and their dependencies): copied into the initramfs. */
const MODULES = ['virtio_mmio', 'virtio-iommu', 'virtio-rng', 'gpio_keys', 'fixed', 'qemu_fw_cfg'];

function sh(cmd: string, args: string[], opts: { cwd?: string; quiet?: boolean } = {}): string {
  return execFileSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', opts.quiet ? 'ignore' : 'inherit'], maxBuffer: 64 << 20 });
}

/** apt's arm64 packages: enable the architecture once, then download and extract into the cache. */
function ensureArm64Packages(): { kernelDir: string; version: string; busybox: string } {
  const arches = sh('dpkg', ['--print-foreign-architectures']).split(/\s+/);
  const debs = path.join(WORK, 'deb');
  fs.mkdirSync(debs, { recursive: true });
  const have = () => fs.readdirSync(debs);
  if (!have().some((f) => /^linux-image-6\.12\..*-arm64-unsigned_.*_arm64\.deb$/.test(f)) || !have().some((f) => f.startsWith('busybox-static_'))) {
    if (!arches.includes('arm64')) {
      console.error('enabling the arm64 architecture for apt (dpkg --add-architecture arm64)');
      sh('dpkg', ['--add-architecture', 'arm64']);
      sh('apt-get', ['update', '-qq']);
    }
    let names = sh('apt-cache', ['search', '--names-only', '^linux-image-6\\.12\\.[0-9]+\\+deb[0-9]+-arm64-unsigned$']);
    if (!names.trim()) {
      sh('apt-get', ['update', '-qq']);
      names = sh('apt-cache', ['search', '--names-only', '^linux-image-6\\.12\\.[0-9]+\\+deb[0-9]+-arm64-unsigned$']);
    }
    const pkgs = names.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
    if (!pkgs.length) throw new Error('no linux-image-6.12.*-arm64-unsigned package in apt (is the Debian bookworm-backports / security source enabled?)');
    const patch = (p: string) => Number(/^linux-image-6\.12\.(\d+)/.exec(p)![1]);
    pkgs.sort((a, b) => patch(b) - patch(a));
    console.error(`downloading ${pkgs[0]}:arm64 and busybox-static:arm64 into ${debs}`);
    sh('apt-get', ['download', `${pkgs[0]}:arm64`, 'busybox-static:arm64'], { cwd: debs });
  }
  const kdeb = have().filter((f) => /^linux-image-6\.12\..*-arm64-unsigned_.*_arm64\.deb$/.test(f)).sort().pop()!;
  const bdeb = have().find((f) => f.startsWith('busybox-static_'))!;
  const kernelDir = path.join(WORK, 'kernel');
  const stamp = path.join(kernelDir, '.extracted-' + kdeb);
  if (!fs.existsSync(stamp)) {
    fs.rmSync(kernelDir, { recursive: true, force: true });
    fs.mkdirSync(kernelDir, { recursive: true });
    sh('dpkg-deb', ['-x', path.join(debs, kdeb), kernelDir]);
    const v = fs.readdirSync(path.join(kernelDir, 'lib/modules'))[0];
    sh('depmod', ['-b', kernelDir, v]);
    fs.writeFileSync(stamp, '');
  }
  const bbDir = path.join(WORK, 'busybox');
  if (!fs.existsSync(path.join(bbDir, 'bin/busybox'))) {
    fs.mkdirSync(bbDir, { recursive: true });
    sh('dpkg-deb', ['-x', path.join(debs, bdeb), bbDir]);
  }
  const version = fs.readdirSync(path.join(kernelDir, 'lib/modules'))[0];
  return { kernelDir, version, busybox: path.join(bbDir, 'bin/busybox') };
}

/** Module name -> its .ko.xz and dependencies (modules.dep), in load order. */
function moduleOrder(kernelDir: string, version: string, names: string[]): { name: string; file: string }[] {
  const modDir = path.join(kernelDir, 'lib/modules', version);
  const dep = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(modDir, 'modules.dep'), 'utf8').split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) dep.set(m[1], m[2].split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const k of dep.keys()) byName.set(path.basename(k).replace(/\.ko(\.xz)?$/, '').replace(/-/g, '_'), k);
  const out: { name: string; file: string }[] = [];
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    for (const d of dep.get(rel) ?? []) visit(d);
    out.push({ name: path.basename(rel).replace(/\.ko(\.xz)?$/, '').replace(/-/g, '_'), file: path.join(modDir, rel) });
  };
  for (const n of names) {
    const rel = byName.get(n.replace(/-/g, '_'));
    if (!rel) throw new Error(`module ${n} not found in ${modDir}`);
    visit(rel);
  }
  return out;
}

/** The /init of the initramfs: load the case's modules (some late), wait, print what sysfs says, power off. */
const INIT = `#!/bin/busybox sh
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t devtmpfs devtmpfs /dev 2>/dev/null
MODS=; LATE=; LATEAFTER=0; WAIT=12
for a in $(cat /proc/cmdline); do
  case "$a" in
    oracle.mods=*) MODS=$(echo "\${a#oracle.mods=}" | tr , ' ');;
    oracle.late=*) LATE=$(echo "\${a#oracle.late=}" | tr , ' ');;
    oracle.lateafter=*) LATEAFTER=\${a#oracle.lateafter=};;
    oracle.wait=*) WAIT=\${a#oracle.wait=};;
  esac
done
up() { cut -d. -f1 /proc/uptime; }
echo "@@INIT $(cat /proc/uptime)"
# the boot modules (udev's coldplug); times count from the last driver registration, since the
# deferred-probe timeout restarts at each (a slow boot on a loaded host must not shift the outcome)
for m in $MODS; do insmod /mods/$m.ko && echo "@@INSMOD $m $(cat /proc/uptime)"; done
LAST=$(up)
if [ -n "$LATE" ]; then
  while [ "$(up)" -lt $((LAST + LATEAFTER)) ]; do sleep 1; done
  for m in $LATE; do insmod /mods/$m.ko && echo "@@INSMOD $m $(cat /proc/uptime)"; done
  LAST=$(up)
fi
while [ "$(up)" -lt $((LAST + WAIT)) ]; do sleep 1; done
# a DMA smoke test: a read from the current hardware RNG (a virtio device) goes through its DMA API; it runs in the
# background, since a device whose DMA the IOMMU blocks never completes the request (the reader then hangs for good)
if [ -e /dev/hwrng ]; then
  cur=$(cat /sys/class/misc/hw_random/rng_current)
  (dd if=/dev/hwrng of=/dev/null bs=16 count=1 2>/dev/null && echo ok > /tmp/hwrng) &
  for i in 1 2 3 4 5 6; do [ -e /tmp/hwrng ] && break; sleep 1; done
  if [ -e /tmp/hwrng ]; then echo "@@HWRNG|$cur|ok"; else echo "@@HWRNG|$cur|failed"; fi
fi
echo "@@REPORT $(cat /proc/uptime)"
ofpath() { p=$(readlink -f "$1" 2>/dev/null); case "$p" in /sys/firmware/devicetree/base*) echo "\${p#/sys/firmware/devicetree/base}";; esac; }
for bus in platform amba pci virtio; do
  for d in /sys/bus/$bus/devices/*; do
    [ -e "$d" ] || continue
    n=$(basename "$d")
    of=$(ofpath "$d/of_node")
    [ -n "$of" ] || of=-
    drv=-; [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
    grp=-; [ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
    iom=-
    if [ -L "$d/iommu" ]; then
      p=$(readlink -f "$d/iommu")/../..
      while [ -n "$p" ] && [ "$(readlink -f "$p")" != /sys/devices ] && [ "$(readlink -f "$p")" != / ]; do
        o=$(ofpath "$p/of_node")
        if [ -n "$o" ]; then iom=$o; break; fi
        p=$p/..
      done
      [ "$iom" = - ] && iom="?$(basename "$(readlink -f "$d/iommu")")"
    fi
    wfs=-; [ -e "$d/waiting_for_supplier" ] && wfs=$(cat "$d/waiting_for_supplier")
    parent=$(basename "$(readlink -f "$d/..")")
    echo "@@DEV|$bus|$n|$of|$drv|$grp|$iom|$wfs|$parent"
  done
done
(cd /sys/firmware/devicetree/base && find . -mindepth 1 -type d) | while read p; do
  b=/sys/firmware/devicetree/base/\${p#./}; q=\${p#.}; c=0
  [ -e "$b/compatible" ] && c=1
  [ "$(cat "$b/../device_type" 2>/dev/null | tr -d '\\000')" = pci ] && c=1
  echo "@@NODE|$q|$c"
  if [ -e "$b/iommus" ] || [ -e "$b/../iommu-map" ]; then echo "@@WANTS|$q"; fi
done
sed 's/^/@@DEFER|/' /sys/kernel/debug/devices_deferred
for l in /sys/class/devlink/*; do [ -e "$l" ] && echo "@@LINK|$(basename "$l")|$(cat "$l/status")|$(cat "$l/sync_state_only")"; done
dmesg | sed 's/^/@@DMESG|/'
echo "@@END"
poweroff -f
`;

function buildInitramfs(kernelDir: string, version: string, busybox: string): string {
  const out = path.join(WORK, `initrd-${version}.gz`);
  const mods = moduleOrder(kernelDir, version, MODULES);
  const stamp = JSON.stringify({ INIT, mods: mods.map((m) => m.name) });
  if (fs.existsSync(out) && fs.existsSync(out + '.stamp') && fs.readFileSync(out + '.stamp', 'utf8') === stamp) return out;
  const dir = path.join(WORK, 'initramfs');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const d of ['bin', 'proc', 'sys', 'dev', 'mods', 'tmp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync(busybox, path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  fs.writeFileSync(path.join(dir, 'init'), INIT, { mode: 0o755 });
  for (const m of mods) {
    const dest = path.join(dir, 'mods', m.name + '.ko');
    if (m.file.endsWith('.xz')) fs.writeFileSync(dest, execFileSync('xz', ['-dc', m.file], { maxBuffer: 256 << 20 }));
    else fs.copyFileSync(m.file, dest);
  }
  const list = sh('sh', ['-c', 'find . | sort'], { cwd: dir });
  const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: dir, input: list, maxBuffer: 256 << 20 });
  fs.writeFileSync(out, execFileSync('gzip', ['-9'], { input: cpio, maxBuffer: 256 << 20 }));
  fs.writeFileSync(out + '.stamp', stamp);
  return out;
}

/** QEMU's device list of each base tree (test/oracle/base/<base>.dtsi was dumped from exactly this). */
export const BASES: Record<string, { machine: string; devices: string[] }> = {
  smmuv3: { machine: 'virt,iommu=smmuv3', devices: ['virtio-rng-pci,iommu_platform=on,disable-legacy=on', 'virtio-rng-device'] },
  viommu: { machine: 'virt', devices: ['virtio-iommu-pci', 'virtio-rng-pci,iommu_platform=on,disable-legacy=on', 'virtio-rng-device'] },
};

function qemuArgs(c: OracleCase, base: { machine: string; devices: string[] }): string[] {
  const args = ['-machine', base.machine, '-cpu', 'cortex-a57', '-smp', '2', '-m', '1024', '-nographic', '-nic', 'none', '-no-reboot'];
  for (const d of base.devices) args.push('-device', d);
  return args;
}

function loadCases(only: string[]): { dir: string; c: OracleCase }[] {
  const out: { dir: string; c: OracleCase }[] = [];
  for (const name of fs.readdirSync(CASES).sort()) {
    const dir = path.join(CASES, name);
    const cf = path.join(dir, 'case.json');
    if (!fs.existsSync(cf)) continue;
    if (only.length && !only.includes(name)) continue;
    out.push({ dir, c: { name, ...JSON.parse(fs.readFileSync(cf, 'utf8')) } });
  }
  return out;
}

function runCase(dir: string, c: OracleCase, kernel: { vmlinuz: string; initrd: string; version: string; kernelDir: string }, keep: boolean): Promise<OracleRecord> {
  const base = BASES[c.base];
  if (!base) throw new Error(`${c.name}: unknown base ${c.base}`);
  const work = path.join(WORK, 'cases', c.name);
  fs.mkdirSync(work, { recursive: true });
  const dtb = path.join(work, 'case.dtb');
  const dtc = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, path.join(dir, 'case.dts')], { encoding: 'utf8' });
  if (dtc.status !== 0) throw new Error(`${c.name}: dtc failed: ${dtc.stderr}`);
  const timeout = c.timeout ?? 10;
  const mods = moduleOrder(kernel.kernelDir, kernel.version, c.modules ?? []).map((m) => m.name);
  const late = c.lateModules ? moduleOrder(kernel.kernelDir, kernel.version, c.lateModules.names).map((m) => m.name).filter((m) => !mods.includes(m)) : [];
  // report once the deferred-probe timeout has fired after the last driver registration (it restarts at each) and the retry ran
  const wait = c.reportAfter ?? (timeout < 0 ? 12 : timeout + 8);
  const append = ['console=ttyAMA0', 'panic=-1', 'rdinit=/init', 'loglevel=4', c.cmdline ?? '',
    mods.length ? `oracle.mods=${mods.join(',')}` : '', late.length ? `oracle.late=${late.join(',')} oracle.lateafter=${c.lateModules!.after}` : '',
    `oracle.wait=${wait}`].filter(Boolean).join(' ');
  const budget = 120 + wait + (c.lateModules?.after ?? 0);
  const args = ['-n', '10', 'timeout', String(budget), 'qemu-system-aarch64', ...qemuArgs(c, base), '-kernel', kernel.vmlinuz, '-initrd', kernel.initrd, '-dtb', dtb, '-append', append];
  return new Promise((resolve, reject) => {
    const p = spawn('nice', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => {
      fs.writeFileSync(path.join(work, 'console.log'), out);
      if (!out.includes('@@END')) return reject(new Error(`${c.name}: no report (qemu exit ${code}); see ${path.join(work, 'console.log')}`));
      try {
        const rec = parseOracleOutput(out, c, { kernel: kernel.version, qemu: sh('qemu-system-aarch64', ['--version']).split('\n')[0], append });
        if (!keep) fs.rmSync(dtb, { force: true });
        resolve(rec);
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const only: string[] = [];
  let jobs = 2;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--case') only.push(argv[++i]);
    else if (argv[i] === '--jobs') jobs = Math.max(1, Math.min(2, Number(argv[++i]) || 1));
    else if (argv[i] === '--keep') keep = true;
    else if (!argv[i].startsWith('-')) only.push(argv[i]);
    else throw new Error(`unknown option ${argv[i]}`);
  }
  ensureDebianPackages({ 'qemu-system-aarch64': 'qemu-system-arm', dtc: 'device-tree-compiler', depmod: 'kmod', cpio: 'cpio', xz: 'xz-utils' });
  const k = ensureArm64Packages();
  const vmlinuz = path.join(k.kernelDir, 'boot', fs.readdirSync(path.join(k.kernelDir, 'boot')).find((f) => f.startsWith('vmlinuz-'))!);
  const initrd = buildInitramfs(k.kernelDir, k.version, k.busybox);
  // the configuration the recorded kernel was built with: the probe simulation reads it in npm test
  const cfg = fs.readFileSync(path.join(k.kernelDir, 'boot', `config-${k.version}`), 'utf8').split('\n');
  fs.writeFileSync(path.join(CASES, 'kernel.config'), [
    ...cfg.slice(0, 4),
    `# Debian's /boot/config-${k.version} (${path.basename(fs.readdirSync(path.join(WORK, 'deb')).find((f) => f.startsWith('linux-image-'))!, '.deb')}), as booted by`,
    '# npm run kernel-oracle; comment and "is not set" lines dropped (a .config reader takes a symbol it lacks as not set)',
    ...cfg.filter((l) => l.startsWith('CONFIG_')),
  ].join('\n') + '\n');
  const cases = loadCases(only);
  if (!cases.length) throw new Error('no cases');
  console.error(`kernel ${k.version}; ${cases.length} case(s), ${jobs} at a time`);
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < cases.length) {
      const { dir, c } = cases[next++];
      const t0 = Date.now();
      try {
        const rec = await runCase(dir, c, { vmlinuz, initrd, version: k.version, kernelDir: k.kernelDir }, keep);
        fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(rec, null, 1) + '\n');
        const s = rec.devices.map((d) => d.outcome).reduce<Record<string, number>>((m, o) => ((m[o] = (m[o] ?? 0) + 1), m), {});
        console.error(`${c.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${JSON.stringify(s)}`);
      } catch (e) {
        failed++;
        console.error(String(e instanceof Error ? e.message : e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
  if (failed) process.exit(1);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
