// The ordering code actions of dts-coding-style.rst (server/src/format/sort.ts): child nodes by
// unit address or name, properties in the style's order, a board's &label overrides; comments move
// with their item; nothing offered where order carries meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/format';
import { sortActions } from '../../server/src/format/sort';

const SOC = `/ {
	soc@0 {
		compatible = "simple-bus";

		/* the UART */
		uart: serial@2000 {
			reg = <0x2000 0x100>; // console
		};

		i2c@1000 {
			reg = <0x1000 0x100>;
		};

		gpio@1,8 {
			reg = <0x1008 0x8>;
		};

		gpio@1,4 {
			reg = <0x1004 0x4>;
		};
	};
};
`;

function apply(text: string, a: { start: number; end: number; newText: string }): string {
  return applyEdits(text, [a]);
}

test('child nodes by unit address; a comment above and a trailing comment move with their node', () => {
  const acts = sortActions(SOC, SOC.indexOf('i2c@1000'));
  assert.deepEqual(acts.map((a) => a.title), ['Sort child nodes by unit address']);
  const out = apply(SOC, acts[0]);
  const order = [...out.matchAll(/(\S+@[0-9a-f,]+) \{/g)].map((m) => m[1]);
  assert.deepEqual(order, ['soc@0', 'gpio@1,4', 'gpio@1,8', 'i2c@1000', 'serial@2000']); // 1,4 < 1,8 < 0x1000 (first part first)
  assert.match(out, /\t\t\/\* the UART \*\/\n\t\tuart: serial@2000 \{\n\t\t\treg = <0x2000 0x100>; \/\/ console\n\t\t\};\n\t\};/);
  assert.deepEqual(out.split('\n').sort(), SOC.split('\n').sort(), 'only lines moved');
  assert.deepEqual(sortActions(out, out.indexOf('i2c@1000')), [], 'nothing left to sort');
});

test('properties in the style order: compatible, reg, ranges, standard, vendor, status; child nodes stay', () => {
  const text = `/ {
	dev@100 {
		status = "disabled";
		vendor,mode = <2>;
		clocks = <&clk 1>;
		reg = <0x100 0x10>;
		compatible = "vendor,dev";

		child {
			b = <1>;
		};
	};
};
`;
  const acts = sortActions(text, text.indexOf('clocks'));
  assert.deepEqual(acts.map((a) => a.title), ['Sort properties (compatible, reg, ranges, …, status)']);
  const out = apply(text, acts[0]);
  assert.match(out, /dev@100 \{\n\t\tcompatible = "vendor,dev";\n\t\treg = <0x100 0x10>;\n\t\tclocks = <&clk 1>;\n\t\tvendor,mode = <2>;\n\t\tstatus = "disabled";\n\n\t\tchild \{/);
});

test('a board\'s &label overrides alphabetically; includes and the root node keep their place', () => {
  const text = '/dts-v1/;\n#include "soc.dtsi"\n\n/ {\n\tmodel = "x";\n};\n\n&usb {\n\tstatus = "okay";\n};\n\n&clk {\n\tstatus = "okay";\n};\n';
  const acts = sortActions(text, text.indexOf('&usb'));
  assert.deepEqual(acts.map((a) => a.title), ['Sort the &label overrides alphabetically']);
  assert.equal(apply(text, acts[0]), '/dts-v1/;\n#include "soc.dtsi"\n\n/ {\n\tmodel = "x";\n};\n\n&clk {\n\tstatus = "okay";\n};\n\n&usb {\n\tstatus = "okay";\n};\n');
});

test('not offered where order carries meaning', () => {
  const del = '/ {\n\tb@2 { };\n\t/delete-node/ c;\n\ta@1 { };\n};\n';
  assert.deepEqual(sortActions(del, del.indexOf('a@1')), []);
  const dup = '/ {\n\tb@2 { x; };\n\ta@1 { };\n\tb@2 { y; };\n};\n';
  assert.deepEqual(sortActions(dup, dup.indexOf('a@1')), []);
  const pp = '/ {\n\tb@2 { };\n#ifdef X\n\ta@1 { };\n#endif\n};\n';
  assert.deepEqual(sortActions(pp, pp.indexOf('a@1')), []);
  const dupProp = '/ {\n\tn {\n\t\tstatus = "okay";\n\t\treg = <1>;\n\t\tstatus = "disabled";\n\t};\n};\n';
  assert.deepEqual(sortActions(dupProp, dupProp.indexOf('reg')), []);
  assert.deepEqual(sortActions('/ { a@1 { };\n', 3), [], 'unbalanced');
});
