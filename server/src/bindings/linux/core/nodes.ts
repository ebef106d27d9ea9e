// Nodes the Devicetree specification defines by name or by class (root, /chosen, /aliases, /memory, /cpus,
// /reserved-memory, simple buses, I2C and PCI controllers, interrupt controllers, caches, device graphs),
// and the common schemas bindings refer to. Written for this project from the specification and the
// documented conventions; kernel bindings `$ref` them by these ids.
import type { JsonObject } from '../fixups';
import { t } from './types';

const BASE = 'http://devicetree.org/schemas/';

function schema(id: string, body: JsonObject): JsonObject {
  return { $id: `${BASE}${id}#`, $schema: 'http://devicetree.org/meta-schemas/core.yaml#', ...body };
}

const byName = (pattern: string, exact = false): JsonObject => ({
  $nodename: exact ? { const: pattern } : { pattern },
});

/** A child with a unit address: it has `reg` or `ranges`, of plausible sizes (root and simple buses). */
function unitAddressChild(): JsonObject {
  return {
    type: 'object',
    additionalProperties: true,
    properties: {
      reg: { items: { minItems: 2, maxItems: 4 }, minItems: 1, maxItems: 1024 },
      ranges: { oneOf: [{ items: { minItems: 3, maxItems: 7 }, minItems: 1, maxItems: 1024 }, t('flag')] },
    },
    anyOf: [{ required: ['reg'] }, { required: ['ranges'] }],
  };
}

export function nodeSchemas(): JsonObject[] {
  return [
    schema('root-node.yaml', {
      properties: {
        ...byName('/', true),
        model: t('string'),
        'chassis-type': { enum: ['desktop', 'laptop', 'convertible', 'server', 'tablet', 'handset', 'watch', 'embedded'] },
        '#address-cells': { enum: [1, 2] },
        '#size-cells': { enum: [1, 2] },
        memory: false,
      },
      patternProperties: {
        '@(0|[1-9a-f][0-9a-f]*)$': unitAddressChild(),
        // anything else has no unit address
        '^[^@]+$': true,
      },
      required: ['compatible', 'model', '#address-cells', '#size-cells'],
      additionalProperties: false,
    }),
    schema('chosen.yaml', {
      properties: {
        ...byName('chosen', true),
        '#address-cells': true,
        '#size-cells': true,
        ranges: true,
        bootargs: t('string'),
        'kaslr-seed': t('uint64'),
        'rng-seed': t('uint8-array'),
        'linux,booted-from-kexec': { type: 'boolean' },
        'linux,elfcorehdr': t('address'),
        'linux,usable-memory-range': t('address'),
        'linux,initrd-start': t('address'),
        'linux,initrd-end': t('address'),
        'linux,pci-probe-only': { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [0, 1] },
        'stdout-path': t('string'),
        'linux,ima-kexec-buffer': t('address'),
        'linux,uefi-system-table': t('uint64'),
        'linux,uefi-mmap-start': t('uint64'),
        'linux,uefi-mmap-size': t('uint32'),
        'linux,uefi-mmap-desc-size': t('uint32'),
        'linux,uefi-mmap-desc-ver': t('uint32'),
        'u-boot,bootconf': t('string'),
        'u-boot,version': t('string'),
      },
      patternProperties: { '^framebuffer': true },
      additionalProperties: false,
    }),
    schema('aliases.yaml', {
      properties: byName('aliases', true),
      patternProperties: { '^[a-z][a-z0-9\\-]*$': t('string') },
      additionalProperties: false,
    }),
    schema('memory.yaml', {
      // checked from the root: every memory node needs device_type and reg
      properties: byName('/', true),
      patternProperties: {
        '^memory(@[0-9a-f]+)?$': {
          type: 'object',
          additionalProperties: false,
          properties: { device_type: { const: 'memory' }, reg: { minItems: 1, maxItems: 1024 }, 'numa-node-id': t('uint32'), 'ecc-detection-bits': { default: 0 }, 'ecc-correction-bits': { default: 0 } },
          required: ['device_type', 'reg'],
        },
      },
      additionalProperties: true,
    }),
    schema('cpus.yaml', {
      properties: {
        ...byName('cpus', true),
        '#address-cells': { minimum: 1, maximum: 2 },
        '#size-cells': { const: 0 },
        'cpu-map': { $ref: '/schemas/cpu-map.yaml#' },
      },
      patternProperties: { '^cpu@[0-9a-f]+$': { $ref: 'cpu.yaml#' } },
      required: ['#address-cells', '#size-cells'],
      additionalProperties: true,
    }),
    schema('cpu.yaml', {
      select: false,
      properties: {
        device_type: { const: 'cpu' },
        reg: { description: 'the CPU\'s hardware thread id(s)' },
        '#cooling-cells': { const: 2 },
        'clock-frequency': { oneOf: [t('uint32'), t('uint64')] },
        'timebase-frequency': { oneOf: [t('uint32'), t('uint64')], minimum: 1 },
        status: t('string'),
        'enable-method': t('string-array'),
        'cpu-release-addr': t('uint64'),
        'cache-op-block-size': t('uint32'),
        'reservation-granule-size': t('uint32'),
        'mmu-type': t('string'),
        'tlb-split': t('flag'),
        'l2-cache': { oneOf: [{ type: 'object' }, t('phandle')] },
      },
      patternProperties: { '^(i-|d-|)tlb-(size|sets)$': t('uint32') },
      allOf: [{ $ref: '/schemas/cache-controller.yaml#' }],
      required: ['device_type'],
      additionalProperties: true,
    }),
    schema('cpu-map.yaml', {
      properties: byName('cpu-map', true),
      patternProperties: { '^(socket|cluster)[0-9]+$': { type: 'object' } },
      additionalProperties: false,
    }),
    schema('cache-controller.yaml', {
      properties: { 'cache-level': { $ref: '/schemas/types.yaml#/definitions/uint32', maximum: 32 }, 'cache-unified': t('flag'), 'next-level-cache': t('phandle') },
      patternProperties: {
        '^(i-|d-|)cache-size$': t('uint32'), '^(i-|d-|)cache-sets$': t('uint32'), '^(i-|d-|)cache-block-size$': t('uint32'), '^(i-|d-|)cache-line-size$': t('uint32'),
      },
      additionalProperties: true,
    }),
    schema('cache.yaml', {
      select: { properties: { compatible: { const: 'cache' } }, required: ['compatible'] },
      allOf: [{ $ref: '/schemas/cache-controller.yaml#' }],
      properties: { $nodename: { pattern: 'cache' }, compatible: { const: 'cache' }, 'power-domains': { maxItems: 1 } },
      patternProperties: { '^l[3-9]-cache$': { type: 'object' } },
      required: ['cache-level', 'cache-unified'],
      unevaluatedProperties: false,
    }),
    schema('reserved-memory/reserved-memory.yaml', {
      properties: {
        reg: true,
        size: { oneOf: [t('uint32'), t('uint64')] },
        alignment: { oneOf: [t('uint32'), t('uint64')] },
        'alloc-ranges': t('uint32-array'),
        'iommu-addresses': t('phandle-array'),
        'no-map': { type: 'boolean' },
        reusable: { type: 'boolean' },
      },
      allOf: [
        { if: { required: ['no-map'] }, then: { not: { required: ['reusable'] } } },
        { if: { required: ['reusable'] }, then: { not: { required: ['no-map'] } } },
      ],
      oneOf: [{ oneOf: [{ required: ['reg'] }, { required: ['size'] }] }, { oneOf: [{ required: ['iommu-addresses'] }, { required: ['reg', 'iommu-addresses'] }] }],
      additionalProperties: true,
    }),
    schema('reserved-memory/shared-dma-pool.yaml', {
      allOf: [{ $ref: 'reserved-memory.yaml' }],
      properties: { compatible: { enum: ['shared-dma-pool', 'restricted-dma-pool'] }, 'linux,cma-default': { type: 'boolean' }, 'linux,dma-default': { type: 'boolean' } },
      if: { properties: { compatible: { contains: { const: 'restricted-dma-pool' } } } },
      then: { properties: { 'no-map': false, reusable: false } },
      unevaluatedProperties: false,
    }),
    schema('reserved-memory/framebuffer.yaml', {
      allOf: [{ $ref: 'reserved-memory.yaml' }],
      properties: { compatible: { const: 'framebuffer' } },
      required: ['compatible'],
      unevaluatedProperties: false,
    }),
    schema('simple-bus.yaml', {
      properties: {
        $nodename: { pattern: '^([a-z][a-z0-9\\-]+-bus|bus|localbus|soc|axi|ahb|apb)(@.+)?$' },
        compatible: { contains: { const: 'simple-bus' } },
        ranges: true,
        'dma-ranges': true,
        '#address-cells': { enum: [1, 2] },
        '#size-cells': { enum: [1, 2] },
        'nonposted-mmio': t('flag'),
      },
      patternProperties: {
        '@(0|[1-9a-f][0-9a-f]*)$': unitAddressChild(),
      },
      additionalProperties: { if: { type: 'object' }, then: { properties: { ranges: { type: 'boolean' } }, required: ['ranges'] } },
      required: ['compatible', '#address-cells', '#size-cells', 'ranges'],
    }),
    schema('interrupt-controller.yaml', {
      select: { required: ['$nodename'], properties: { $nodename: { pattern: '^interrupt-controller(@[0-9a-f,]+)*$' } } },
      properties: {
        $nodename: { pattern: '^interrupt-controller(@[0-9a-f,]+)*$' },
        '#interrupt-cells': true,
        '#address-cells': true,
        'interrupt-controller': t('flag'),
        'interrupt-map': t('uint32-matrix'),
        'interrupt-map-mask': t('uint32-array'),
        'wakeup-parent': t('phandle'),
      },
      dependentRequired: { 'interrupt-controller': ['#interrupt-cells'], 'interrupt-map': ['#interrupt-cells'], 'interrupt-map-mask': ['interrupt-map'], '#interrupt-cells': ['interrupt-controller'] },
      additionalProperties: true,
    }),
    // applied through the controllers' bindings only (no select), as dt-schema's; the name pattern is open-ended
    schema('i2c/i2c-controller.yaml', {
      properties: {
        $nodename: { pattern: '^i2c(@.*)?' },
        'i2c-bus': { type: 'object', $ref: '#' },
        '#address-cells': { const: 1 },
        '#size-cells': { const: 0 },
        'clock-frequency': { minimum: 1, maximum: 5000000 },
        'i2c-scl-falling-time-ns': {},
        'i2c-scl-internal-delay-ns': {},
        'i2c-scl-rising-time-ns': {},
        'i2c-scl-clk-low-timeout-us': {},
        'i2c-transfer-timeout-us': {},
        'i2c-scl-has-clk-low-timeout': { type: 'boolean' },
        'i2c-sda-falling-time-ns': {},
        'i2c-analog-filter': { type: 'boolean' },
        'i2c-digital-filter': { type: 'boolean' },
        'i2c-digital-filter-width-ns': {},
        'i2c-analog-filter-cutoff-frequency': t('uint32'),
        'multi-master': { type: 'boolean' },
        'no-detect': { type: 'boolean' },
        smbus: { type: 'boolean' },
        'smbus-alert': { type: 'boolean' },
        'mctp-controller': { type: 'boolean' },
        'single-master': { type: 'boolean' },
        'scl-gpios': { maxItems: 1 },
        'sda-gpios': { maxItems: 1 },
      },
      patternProperties: { '@[0-9a-f]+$': { type: 'object', properties: { reg: { items: { items: [{ maximum: 0xc00003ff }] } } }, required: ['reg'] } },
      dependentRequired: { 'i2c-analog-filter-cutoff-frequency': ['i2c-analog-filter'], 'i2c-digital-filter-width-ns': ['i2c-digital-filter'] },
      additionalProperties: true,
    }),
    schema('graph.yaml', {
      select: false,
      $defs: {
        'endpoint-base': { type: 'object', properties: { reg: { maxItems: 1 }, 'remote-endpoint': t('phandle') } },
        'port-base': {
          type: 'object',
          properties: { '#address-cells': { const: 1 }, '#size-cells': { const: 0 }, reg: { maxItems: 1 }, endpoint: { type: 'object' } },
          patternProperties: { '^endpoint@[0-9a-f]+$': { $ref: '#/$defs/endpoint-base', required: ['reg'] } },
        },
      },
      properties: {
        endpoint: { $ref: '#/$defs/endpoint-base', unevaluatedProperties: false },
        port: { $ref: '#/$defs/port-base', unevaluatedProperties: false, patternProperties: { '^endpoint(@[0-9a-f]+)?$': { $ref: '#/properties/endpoint' } } },
        ports: {
          type: 'object',
          properties: { '#address-cells': { const: 1 }, '#size-cells': { const: 0 }, port: { type: 'object' } },
          patternProperties: { '^port@[0-9a-f]+$': { type: 'object', required: ['reg'] } },
          oneOf: [{ required: ['port'] }, { required: ['#address-cells', '#size-cells'] }],
          additionalProperties: false,
        },
      },
      additionalProperties: true,
    }),
    schema('pci/pci-bus-common.yaml', {
      select: { required: ['$nodename'], properties: { $nodename: { pattern: '^pcie?@' } } },
      properties: {
        $nodename: { pattern: '^pcie?@' },
        ranges: { oneOf: [{ type: 'boolean' }, { minItems: 1, maxItems: 32, items: { minItems: 5, maxItems: 8 } }] },
        'dma-ranges': { oneOf: [{ type: 'boolean' }, { minItems: 1, maxItems: 32, items: { minItems: 5, maxItems: 8 } }] },
        '#address-cells': { const: 3 },
        '#size-cells': { const: 2 },
        device_type: { const: 'pci' },
        'bus-range': { $ref: '/schemas/types.yaml#/definitions/uint32-array', minItems: 2, maxItems: 2 },
        'external-facing': { type: 'boolean' },
        '#interrupt-cells': { const: 1 },
        'interrupt-map': true,
        'interrupt-map-mask': { items: [{ minimum: 0, maximum: 0xff00 }, { const: 0 }, { const: 0 }, { minimum: 0, maximum: 7 }] },
        'max-link-speed': { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [1, 2, 3, 4] },
        'num-lanes': { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [1, 2, 4, 8, 16, 32] },
        'reset-gpios': { maxItems: 1 },
        'slot-power-limit-milliwatt': { maxItems: 1 },
        'supports-clkreq': { type: 'boolean' },
        'aspm-no-l0s': { type: 'boolean' },
        'vpcie12v-supply': true,
        'vpcie3v3-supply': true,
        'vpcie3v3aux-supply': true,
        'vendor-id': t('uint32'),
        'device-id': t('uint32'),
      },
      patternProperties: { '@1?[0-9a-f](,[0-7])?$': { type: 'object', $ref: 'pci-device.yaml#', additionalProperties: true } },
      required: ['device_type', 'ranges', '#address-cells', '#size-cells'],
      additionalProperties: true,
    }),
    schema('pci/pci-bus.yaml', { $ref: 'pci-host-bridge.yaml#' }),
    schema('pci/pci-host-bridge.yaml', {
      allOf: [{ $ref: 'pci-bus-common.yaml#' }, { $ref: 'pci-iommu.yaml#' }],
      properties: { 'linux,pci-domain': t('uint32'), 'msi-map': t('uint32-matrix'), 'msi-map-mask': t('uint32'), 'vendor-id': t('uint32'), 'device-id': t('uint32') },
      additionalProperties: true,
    }),
    schema('pci/pci-pci-bridge.yaml', {
      allOf: [{ $ref: 'pci-bus-common.yaml#' }, { $ref: 'pci-device.yaml#' }],
      properties: { compatible: { contains: { const: 'pciclass,0604' } }, 'supports-d3': { type: 'boolean' } },
      required: ['reg'],
      additionalProperties: true,
    }),
    schema('pci/pci-device.yaml', {
      properties: {
        compatible: { contains: { pattern: '^(pci[0-9a-f]{2,4},[0-9a-f]{1,4}|pciclass,[0-9a-f]{4,6})$' } },
        // the first entry is the configuration space: bus/device/function, then zeros
        reg: {
          type: 'array', minItems: 1, maxItems: 1, additionalItems: true,
          items: [{ type: 'array', minItems: 5, maxItems: 5, items: [{ maximum: 0xffff00, multipleOf: 0x100 }, { const: 0 }, { const: 0 }, { const: 0 }, { const: 0 }] }],
        },
        interrupts: { items: { items: [{ enum: [1, 2, 3, 4] }] } },
        'interrupts-extended': { items: { items: [true, { enum: [1, 2, 3, 4] }] } },
        'assigned-addresses': t('uint32-array'),
        'vendor-id': t('uint32'),
        'device-id': t('uint32'),
      },
      required: ['reg'],
      additionalProperties: true,
    }),
    schema('serial.yaml', {
      select: { required: ['$nodename'], properties: { $nodename: { pattern: '^serial(@.*)?$' } } },
      properties: { $nodename: { pattern: '^serial(@.*)?$' } },
      additionalProperties: true,
    }),
    schema('options/u-boot.yaml', {
      properties: {
        $nodename: { const: 'u-boot' },
        compatible: { const: 'u-boot,config' },
        bootcmd: t('string'),
        'bootdelay-sec': { allOf: [t('int32')], minimum: -1 },
        bootsecure: { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [0, 1, 2] },
        'bootscr-address': t('uint64'),
        'bootscr-ram-offset': t('uint64'),
        'silent-console': { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [0, 1, 2] },
        'boot-led': t('phandle'),
        'boot-led-period-ms': { default: 250 },
        'activity-led': t('phandle'),
        'activity-led-period-ms': { default: 250 },
      },
      required: ['compatible'],
      additionalProperties: false,
    }),
    schema('options.yaml', {
      properties: byName('options', true),
      additionalProperties: { type: 'object' },
    }),
  ];
}
