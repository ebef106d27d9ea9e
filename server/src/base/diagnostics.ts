// Diagnostics of the analysis core: plain data, file offsets (UTF-16 code units,
// the same unit as JavaScript strings and LSP positions). No LSP types here.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface FileRange {
  file: string;
  start: number;
  end: number;
}

export interface RelatedInformation extends FileRange {
  message: string;
}

export interface Diagnostic extends FileRange {
  severity: Severity;
  /** Stable code, e.g. 'syntax-error'. See DIAGNOSTIC_CODES. */
  code: string;
  message: string;
  related?: RelatedInformation[];
  /** full path of the node the diagnostic is about (`--format json` carries it), where there is one */
  node?: string;
  /** the property concerned (or, for a missing required property, the one missing), where there is one */
  property?: string;
}

/**
 * Every stable diagnostic code with its default severity. Codes are contracts:
 * users' CI configurations and editors rely on them. Add, never rename.
 */
/**
 * A diagnostic with the positions it was reported at in the preprocessed text (where the merge and the
 * checks report), so that an incremental re-analysis can move them and map them to the files again.
 */
export interface PositionedDiagnostic {
  diag: Diagnostic;
  start: number;
  end: number;
  /** per entry of diag.related: its position in the preprocessed text */
  related?: { start: number; end: number }[];
}

export const DIAGNOSTIC_CODES: Record<string, { severity: Severity; description: string; defaultOff?: boolean }> = {
  // front end
  'syntax-error': { severity: 'error', description: 'The text is not valid Devicetree source.' },
  'include-not-found': { severity: 'error', description: 'An #include or /include/ names a file that is not on the include path.' },
  'include-cycle': { severity: 'error', description: 'A file includes itself, directly or through other files.' },
  'include-error': { severity: 'error', description: 'An included file could not be read (a directory, unreadable, too large).' },
  'macro-error': { severity: 'error', description: 'A macro is defined or invoked wrongly (argument count, recursion, bad paste).' },
  'preprocessor-error': { severity: 'error', description: 'A preprocessor directive is malformed, unterminated or reports #error.' },
  'preprocessor-warning': { severity: 'warning', description: '#warning directive, or a questionable preprocessor construct.' },
  'unresolved-reference': { severity: 'error', description: 'A label, path or phandle reference names no node.' },
  'duplicate-label': { severity: 'error', description: 'The same label is defined on two different nodes or properties.' },
  'duplicate-node': { severity: 'error', description: 'Two nodes of the same name are defined in one node body.' },
  'duplicate-property': { severity: 'error', description: 'A property is defined twice in one node body.' },
  'value-error': { severity: 'error', description: 'A value cannot be computed: division by zero, out-of-range cell, bad literal.' },
  'value-truncated': { severity: 'warning', description: 'A value does not fit its /bits/ cell size and is truncated (dtc warns).' },
  'name-property': { severity: 'error', description: 'A "name" property that differs from the node name (dtc check name_properties).' },
  'incbin-error': { severity: 'error', description: 'An /incbin/ file is missing or its range is out of bounds.' },
  'delete-not-found': { severity: 'error', description: '/delete-node/ or /delete-property/ names nothing (dtc ignores a missing property; a missing node reference is an error).' },
  'phandle-error': { severity: 'error', description: 'Explicit phandle values that are invalid or collide.' },
  'resource-limit': { severity: 'error', description: 'Input exceeded a documented limit (nesting depth, expansion size, time).' },
  'internal-error': { severity: 'error', description: 'A defect in the analysis itself (reported instead of crashing).' },
  // Zephyr workspaces and overlay stacks (issue 13)
  'macro-redefined': { severity: 'warning', description: 'A macro is defined again with a different body (cpp warns, except in headers found through a system include directory).' },
  'properties-after-subnodes': { severity: 'warning', description: "Zephyr trees: a property after a subnode in one node body; Zephyr's dtlib accepts it, dtc rejects it." },
  'overlay-no-base': { severity: 'warning', description: 'An overlay for which no base board or .dts was found: analysed alone, its references into the base unchecked.' },
  'overlay-target': { severity: 'error', description: "An overlay fragment's target is not in the base tree, or a stacked file is not an overlay (fdtoverlay fails)." },
  // supplier graph and IOMMU model (issue 3)
  'iommu-cells-mismatch': { severity: 'error', description: 'An iommus specifier has the wrong number of cells for the target #iommu-cells.' },
  'phandle-cells-mismatch': { severity: 'error', description: 'A phandle+args specifier has the wrong number of cells for the provider.' },
  'missing-cells-property': { severity: 'error', description: 'A specifier points at a node without the needed #xxx-cells.' },
  'iommu-cells-model': { severity: 'error', description: "A provider's #iommu-cells is not allowed by the IOMMU model for its compatible." },
  'iommu-map-format': { severity: 'error', description: 'iommu-map is not made of 4-cell rows, or iommu-map-mask is malformed.' },
  'supplier-disabled': { severity: 'warning', description: 'An enabled consumer depends on a disabled supplier.' },
  'supplier-never-probes': { severity: 'warning', description: 'A supplier can never become a device.' },
  'dependency-cycle': { severity: 'warning', description: 'A cycle in the supplier graph blocks probing.' },
  'iommu-unknown': { severity: 'warning', description: 'A node with #iommu-cells whose compatible the model does not know.' },
  'iommu-no-driver': { severity: 'warning', description: 'A known IOMMU that has no kernel driver.' },
  'iommu-mixed-drivers': { severity: 'error', description: "One consumer's iommus names IOMMUs of different drivers." },
  'iommu-legacy-binding': { severity: 'warning', description: 'The legacy arm-smmu mmu-masters binding.' },
  'iommu-model-invalid': { severity: 'error', description: 'The IOMMU model override file is not valid model data (the entry is ignored).' },
  'model-override-invalid': { severity: 'error', description: 'The IOMMU model override file cannot be read or is not valid JSON (language server).' },
  'iommu-missing-fallback': { severity: 'warning', description: 'A SoC-specific IOMMU compatible is not followed by the generic string its driver matches.' },
  'iommu-probe-deadlock': { severity: 'error', description: "An IOMMU's mandatory supplier chain reaches a device behind that IOMMU (or the IOMMU sits inside its own consumer): both wait until the deferred-probe timeout." },
  'iommu-probe-once': { severity: 'information', description: 'A probe-once IOMMU driver (cannot defer) whose node has suppliers that may not be ready at its initcall.', defaultOff: true },
  'iommu-xlate-denied': { severity: 'information', description: 'The IOMMU driver refuses this master at run time (R-Car Gen3/Gen4, RZ/G2 IPMMU allow-list): it DMAs untranslated.', defaultOff: true },
  'iommu-modular-timeout': { severity: 'information', description: 'Consumer (iommus or iommu-map) of an IOMMU whose driver the kernel configuration in force builds as a module: loaded after the deferred-probe timeout, the consumer stays untranslated.' },
  // kernel configuration and command line, the real kernel as the judge (issue 15)
  'raw-phandle': { severity: 'hint', description: 'A phandle written as a number in a tree that also writes references; the target sets that phandle explicitly, so the kernel resolves it (&label says so).' },
  'raw-phandle-unstable': { severity: 'warning', description: 'A phandle written as a number that names a node only through the phandle dtc assigned it: dtc renumbers when references change.' },
  'iommu-stream-conflict': { severity: 'warning', description: 'Two masters with one stream ID on an IOMMU that gives a stream to one device (arm-smmu-v3): the second probes without its IOMMU.' },
  'iommu-driver-not-built': { severity: 'warning', description: "An enabled IOMMU whose driver the kernel configuration in force does not build: its consumers wait until the deferred-probe timeout, then DMA untranslated." },
  'kernel-config-unreadable': { severity: 'warning', description: 'The kernel configuration given (--kconfig, devicetree.kernelConfig) cannot be read; predictions assume no configuration.' },
  // bindings (issue 14): Linux dt-schema and Zephyr bindings
  'binding-unknown-compatible': { severity: 'warning', description: 'A compatible string that no binding documents (dtbs_check: "failed to match any schema").' },
  'binding-unknown-property': { severity: 'warning', description: "A property the node's binding does not allow." },
  'binding-unexpected-child': { severity: 'warning', description: "A child node the node's binding does not allow." },
  'binding-missing-required': { severity: 'warning', description: 'A property the binding requires is missing (not reported on disabled nodes, as dtbs_check).' },
  'binding-type': { severity: 'warning', description: 'A value of the wrong type or integer size for the binding (a string where cells are expected, /bits/ 8 where 32 are).' },
  'binding-value': { severity: 'warning', description: 'A value the binding does not allow (enum, const, pattern, range).' },
  'binding-item-count': { severity: 'warning', description: 'Too few or too many items (strings, cells or phandle groups) for the binding.' },
  'binding-node-name': { severity: 'warning', description: "The node's name does not match the pattern its binding requires." },
  'binding-constraint': { severity: 'warning', description: 'A binding rule over several properties is broken (one of several forms, a dependency, a condition).' },
  'binding-deprecated': { severity: 'information', description: 'A property or compatible the binding marks deprecated.' },
  'binding-load-error': { severity: 'warning', description: 'A binding file cannot be read or is not a valid binding (it is ignored).' },
};

/** Codes of the front end (preprocess, parse, merge): the ones dtc's own tests and the kernel corpus are judged by. */
export const FRONT_END_CODES: ReadonlySet<string> = new Set([
  'syntax-error', 'include-not-found', 'include-cycle', 'include-error', 'macro-error', 'preprocessor-error',
  'unresolved-reference', 'duplicate-label', 'duplicate-node', 'duplicate-property', 'value-error', 'incbin-error',
  'name-property', 'delete-not-found', 'phandle-error', 'resource-limit', 'overlay-target',
]);

export function defaultSeverity(code: string): Severity {
  return DIAGNOSTIC_CODES[code]?.severity ?? 'error';
}

/** User configuration of severities: a code maps to a severity or 'off'. */
export type SeverityOverrides = Record<string, Severity | 'off' | 'on'>;

/** Apply defaults and overrides; returns undefined when the diagnostic is switched off. */
export function applySeverity(d: Diagnostic, overrides: SeverityOverrides | undefined): Diagnostic | undefined {
  const o = overrides?.[d.code];
  const info = DIAGNOSTIC_CODES[d.code];
  if (o === 'off') return undefined;
  if (o === undefined && info?.defaultOff) return undefined;
  if (o === undefined || o === 'on') return d;
  return o === d.severity ? d : { ...d, severity: o };
}
