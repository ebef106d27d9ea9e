// Properties any node may have (Devicetree specification chapter 2 and the consumer/provider conventions of
// clocks, GPIOs, interrupts, DMA, IOMMUs, power domains, resets, …): their types, checked on every node
// (`select: true`), as dt-schema's core schemas check them. Written for this project.
import type { JsonObject } from '../fixups';
import { t } from './types';

const BASE = 'http://devicetree.org/schemas/';

function generic(id: string, properties: JsonObject, extra: JsonObject = {}): JsonObject {
  return { $id: `${BASE}${id}#`, $schema: 'http://devicetree.org/meta-schemas/core.yaml#', select: true, properties, additionalProperties: true, ...extra };
}

/** A consumer binding: `<things>` (phandle + arguments) and `<thing>-names`. */
function consumer(id: string, list: string, names: string, extra: JsonObject = {}): JsonObject {
  return generic(id, { [list]: t('phandle-array'), [names]: t('string-array'), ...extra }, { dependentRequired: { [names]: [list] } });
}

export function genericSchemas(): JsonObject[] {
  const name = '^[a-zA-Z0-9][a-zA-Z0-9,+\\-._]{0,63}';
  return [
    {
      $id: `${BASE}dt-core.yaml#`,
      $schema: 'http://devicetree.org/meta-schemas/base.yaml#',
      select: true,
      properties: {
        $nodename: t('string'),
        compatible: { $ref: '/schemas/types.yaml#/definitions/string-array', items: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9,+\\-._/]+$' } },
        cpu: { oneOf: [{ type: 'object' }, t('phandle')] },
        cpus: { oneOf: [{ type: 'object' }, { $ref: '/schemas/types.yaml#/definitions/phandle-array', items: { maxItems: 1 } }] },
        label: t('string'),
        'dma-coherent': t('flag'),
        'dma-noncoherent': t('flag'),
        'firmware-name': t('string-array'),
        'secure-status': { $ref: '/schemas/types.yaml#/definitions/string', enum: ['okay', 'disabled', 'reserved', 'fail'] },
        status: { oneOf: [{ type: 'object' }, { $ref: '/schemas/types.yaml#/definitions/string', enum: ['okay', 'disabled', 'reserved', 'fail', 'fail-needs-probe'] }] },
        phandle: t('uint32'),
      },
      patternProperties: {
        '^#.*-cells$': { $ref: '/schemas/types.yaml#/definitions/uint32', maximum: 8 },
        '.*-names$': t('non-unique-string-array'),
        '.*-supply$': { oneOf: [{ type: 'object' }, t('phandle')] },
        ['^[a-zA-Z0-9][a-zA-Z0-9#,+\\-._]{0,63}$']: { type: ['object', 'integer', 'array', 'boolean', 'null'] },
        [`${name}@[0-9a-fA-F]+(,[0-9a-fA-F]+)*$`]: { type: 'object' },
        '^__.*__$': { type: 'object' },
        '^#[a-zA-Z0-9,+\\-._]{0,63}$': t('uint32'),
      },
      additionalProperties: false,
    },
    generic('reg.yaml', {
      '#address-cells': { maximum: 3 },
      '#size-cells': { maximum: 2 },
      'dma-ranges': { oneOf: [t('flag'), t('uint32-matrix')] },
      ranges: { oneOf: [t('flag'), t('uint32-matrix')] },
      reg: t('address'),
      'reg-io-width': { $ref: '/schemas/types.yaml#/definitions/uint32', minimum: 1, maximum: 15 },
      'reg-shift': { $ref: '/schemas/types.yaml#/definitions/uint32', enum: [0, 1, 2] },
    }, {
      dependencies: { '#size-cells': ['#address-cells'] },
      // the children's reg entries have the parent's #address-cells + #size-cells cells
      allOf: [[2, 2], [1, 1], [2, 1]].map(([a, s]) => ({
        if: { properties: { '#address-cells': { const: a }, '#size-cells': { const: s } }, required: ['#address-cells', '#size-cells'] },
        then: { patternProperties: { '@': { properties: { reg: { items: { minItems: a + s, maxItems: a + s } } } } } },
      })),
    }),
    generic('interrupts.yaml', {
      'interrupt-parent': t('phandle'),
      interrupts: t('uint32-matrix'),
      'interrupt-names': t('string-array'),
      'interrupts-extended': t('phandle-array'),
    }, { dependencies: { 'interrupt-names': { oneOf: [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }] } } }),
    generic('clock/clock.yaml', {
      'clock-frequency': { anyOf: [t('uint32'), t('uint64')] },
      'bus-frequency': t('uint32'),
      '#clock-cells': { description: 'cells of a clock specifier' },
      'clock-output-names': t('non-unique-string-array'),
      'clock-indices': t('uint32-array'),
      clocks: { anyOf: [{ type: 'object' }, t('phandle-array')] },
      'clock-names': t('string-array'),
      'clock-ranges': { type: 'boolean' },
      'assigned-clocks': t('phandle-array'),
      'assigned-clock-parents': t('phandle-array'),
      'assigned-clock-rates': t('uint32-array'),
      'assigned-clock-rates-u64': t('uint64-array'),
      'protected-clocks': t('uint32-array'),
    }, {
      dependentRequired: {
        'clock-names': ['clocks'],
        'clock-output-names': ['#clock-cells'],
        'clock-indices': ['clock-output-names'],
        'clock-ranges': ['clocks'],
        'assigned-clock-parents': ['assigned-clocks'],
        'assigned-clock-rates': ['assigned-clocks'],
        'assigned-clock-rates-u64': ['assigned-clocks'],
        'protected-clocks': ['#clock-cells'],
      },
    }),
    generic('gpio/gpio.yaml', {
      'gpio-controller': t('flag'),
      'gpio-line-names': t('non-unique-string-array'),
      ngpios: t('uint32'),
      'gpio-reserved-ranges': t('uint32-matrix'),
      // pin controller, GPIO offset, pin offset, count
      'gpio-ranges': { $ref: '/schemas/types.yaml#/definitions/phandle-array', items: { minItems: 4, maxItems: 4 } },
    }, { dependentRequired: { 'gpio-controller': ['#gpio-cells'], '#gpio-cells': ['gpio-controller'], 'gpio-line-names': ['#gpio-cells'], ngpios: ['#gpio-cells'] } }),
    {
      $id: `${BASE}gpio/gpio-consumer.yaml#`,
      $schema: 'http://devicetree.org/meta-schemas/core.yaml#',
      select: { properties: { 'gpio-hog': false } },
      properties: { gpios: t('phandle-array'), gpio: { oneOf: [{ type: 'object' }, t('phandle-array')] } },
      patternProperties: { '(?<!,nr)-gpios?$': t('phandle-array') },
      additionalProperties: true,
    },
    {
      $id: `${BASE}gpio/gpio-hog.yaml#`,
      $schema: 'http://devicetree.org/meta-schemas/core.yaml#',
      select: { properties: { 'gpio-hog': true }, required: ['gpio-hog'] },
      properties: {
        $nodename: { pattern: '^(hog-[0-9]+|.+-hog(-[0-9]+)?)$' },
        'gpio-hog': t('flag'),
        gpios: t('uint32-matrix'),
        input: t('flag'),
        'line-name': t('string'),
        'output-high': t('flag'),
        'output-low': t('flag'),
      },
      required: ['gpio-hog', 'gpios'],
      oneOf: [{ required: ['input'] }, { required: ['output-high'] }, { required: ['output-low'] }],
      additionalProperties: false,
    },
    generic('gpio/gpio-nexus-node.yaml', { 'gpio-map': t('uint32-matrix'), 'gpio-map-mask': t('uint32-array'), 'gpio-map-pass-thru': t('uint32-array') }),
    generic('iommu/iommu.yaml', { iommus: t('phandle-array'), 'pasid-num-bits': { $ref: '/schemas/types.yaml#/definitions/uint32', default: 0 }, 'dma-can-stall': { type: 'boolean' } }),
    generic('pci/pci-iommu.yaml', { 'iommu-map': t('uint32-matrix'), 'iommu-map-mask': t('uint32') }),
    consumer('power-domain/power-domain-consumer.yaml', 'power-domains', 'power-domain-names'),
    consumer('phy/phy-consumer.yaml', 'phys', 'phy-names'),
    generic('phy/phy-provider.yaml', { 'phy-type': { $ref: '/schemas/types.yaml#/definitions/uint32', minimum: 1, maximum: 22 } }),
    consumer('pwm/pwm-consumer.yaml', 'pwms', 'pwm-names'),
    consumer('reset/reset.yaml', 'resets', 'reset-names'),
    // each shmem entry is one phandle (no arguments)
    consumer('mbox/mbox-consumer.yaml', 'mboxes', 'mbox-names', { shmem: { $ref: '/schemas/types.yaml#/definitions/phandle-array', items: { maxItems: 1 } } }),
    consumer('hwlock/hwlock-consumer.yaml', 'hwlocks', 'hwlock-names'),
    // a repeated "rx"/"tx" names one channel of each of several possible DMA controllers (Renesas)
    generic('dma/dma.yaml', { dmas: t('phandle-array'), 'dma-names': { anyOf: [{ uniqueItems: true }, { items: { enum: ['rx', 'tx'] } }] } },
      { dependentRequired: { 'dma-names': ['dmas'] } }),
    consumer('interconnects.yaml', 'interconnects', 'interconnect-names'),
    consumer('reserved-memory/memory-region.yaml', 'memory-region', 'memory-region-names'),
    generic('iio/iio-consumer.yaml', {
      'io-channels': t('phandle-array'), 'io-channel-names': t('string-array'), 'io-backends': t('phandle-array'), 'io-backend-names': t('string-array'),
    }, { dependentRequired: { 'io-channel-names': ['io-channels'], 'io-backend-names': ['io-backends'] } }),
    generic('iio/iio.yaml', { '#io-channel-cells': { enum: [0, 1, 2] }, '#io-backend-cells': { enum: [0, 1] }, label: true, 'mount-matrix': t('non-unique-string-array') }),
    generic('thermal/thermal.yaml', { 'thermal-zones': { anyOf: [{ type: 'object' }, t('phandle-array')] }, 'thermal-zone-names': t('string-array') }),
    generic('opp/opp.yaml', { 'operating-points-v2': t('phandle'), 'required-opps': t('phandle-array') }),
    generic('pinctrl/pinctrl-consumer.yaml', { 'pinctrl-0': true, 'pinctrl-names': t('string-array') }, {
      patternProperties: { '^pinctrl-[0-9]+$': t('phandle-array') },
      dependentRequired: { 'pinctrl-names': ['pinctrl-0'] },
    }),
    generic('msi-consumer.yaml', { 'msi-parent': t('phandle-array') }),
    generic('post-init-providers.yaml', { 'post-init-providers': t('phandle-array') }),
    generic('wakeup-source.yaml', { 'wakeup-source': { oneOf: [{ type: 'boolean' }, t('phandle-array')] } }),
    generic('bootph.yaml', Object.fromEntries(['bootph-pre-sram', 'bootph-verify', 'bootph-pre-ram', 'bootph-some-ram', 'bootph-all'].map((p) => [p, { type: 'boolean' }]))),
    propertyUnits(),
  ];
}

/** The standard unit suffixes: `-microvolt`, `-hz`, `-ms`, … are integers of known size. */
function propertyUnits(): JsonObject {
  const array = (suffix: string, type = 'uint32-array'): [string, JsonObject] => [suffix, t(type)];
  const pats: [string, JsonObject][] = [
    array('-bits$'), array('-bps$', 'uint32'), array('-kBps$'), array('-percent$', 'int32-array'), array('-bp$', 'int32-array'), array('-mhz$'),
    ['(^(?!opp)).*-hz$', t('uint32-matrix')], array('-sec$'), array('(?<!(rvell,wakeup-gap|refresh-interval))-ms$'), array('-us$'), array('-ns$'),
    array('-ps$'), array('-mm$'), array('-microamp$'), array('-nanoamp$'), array('-microamp-hours$'), array('(?<!ti,[xy]-plate)-ohms$'),
    array('-micro-ohms$'), array('-microwatt$'), array('-milliwatt$'), array('-microwatt-hours$'), array('-microvolt$', 'int32-matrix'),
    array('-picofarads$'), array('-femtofarads$'), array('-celsius$', 'int32-array'), array('-millicelsius$', 'int32-array'), array('-kelvin$'),
    array('-kpascal$', 'int32-array'), array('-pascal$', 'int32-array'),
  ];
  return {
    $id: `${BASE}property-units.yaml#`,
    $schema: 'http://devicetree.org/meta-schemas/core.yaml#',
    select: true,
    properties: { 'opp-hz': t('uint64-matrix') },
    patternProperties: Object.fromEntries(pats),
    additionalProperties: true,
  };
}
