// Installs what the kernel-corpus tests and scripts need (dtc, cpp, Linux 6.12 sources).
import { ensureDebianPackages, ensureKernelBindings, ensureKernelTree } from './kernel-tree';

ensureDebianPackages({ dtc: 'device-tree-compiler', cpp: 'cpp' });
console.log(`kernel tree: ${ensureKernelTree()}`);
console.log(`kernel bindings: ${ensureKernelBindings()}`);
