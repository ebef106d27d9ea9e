// supplier-disabled and supplier-never-probes: an enabled consumer (node and every
// ancestor available) whose supplier is disabled, or can never become a device.
// Each message says what the kernel lookup of that binding returns when the provider
// never registers (Linux 6.12); kernel facts beyond the binding table are data in
// supplier-bindings.json "statusRules".
import type { SupplierEdge } from '../model/types';
import type { StatusRules } from '../model/iommu';
import type { TreeNode, TreeProperty } from '../tree/types';
import { getProperty } from '../tree/types';
import { phandleTarget } from '../model/graph';
import { compatibles, disabledAncestor, hasRegulatorProperty, isAvailable, nodeRef, propCells, propStrings } from '../model/tree-util';
import { noteName, noteNode } from '../tree/value-reads';
import { message, type CheckContext, type Reporter } from './context';

/** Providers registered from early init by compatible (CLK_OF_DECLARE, IRQCHIP_DECLARE, ...) exist without a device. */
const EARLY_INIT_COMPATIBLES = new Set(['fixed-clock', 'fixed-factor-clock']);

/**
 * What the consumer-side kernel API returns for an entry whose provider never registers; `effect`
 * (after the consumer's name) when the outcome is not "stays deferred for good".
 */
function lookupOutcome(binding: string): { api: string; forGood: boolean; effect?: string } {
  switch (binding) {
    case 'clocks': return { api: 'clk_get() and clk_get_optional() return -EPROBE_DEFER', forGood: true };
    case 'resets': return { api: 'reset_control_get() and its _optional variants return -EPROBE_DEFER', forGood: true };
    case 'phys': return { api: 'phy_get() and phy_optional_get() return -EPROBE_DEFER', forGood: true };
    case 'pwms': return { api: 'pwm_get() returns -EPROBE_DEFER', forGood: true };
    case 'gpios': case '*-gpio': case '*-gpios':
      return { api: 'gpiod_get() and gpiod_get_optional() return -EPROBE_DEFER', forGood: true };
    case '*-supply': return { api: 'regulator_get() and regulator_get_optional() return -EPROBE_DEFER', forGood: true };
    case 'mboxes': return { api: 'mbox_request_channel() returns -EPROBE_DEFER', forGood: true };
    case 'interconnects': return { api: 'of_icc_get() returns -EPROBE_DEFER', forGood: true };
    case 'interrupts': return { api: 'platform_get_irq() returns -EPROBE_DEFER', forGood: true };
    case 'power-domains':
      return { api: 'dev_pm_domain_attach() returns -EPROBE_DEFER', forGood: false, effect: 'defers until the deferred-probe timeout, then fails to probe' };
    default:
      if (/^pinctrl-\d$/.test(binding))
        return { api: 'pinctrl_bind_pins() defers the probe', forGood: false, effect: 'defers until the deferred-probe timeout, then probes without its pin states' };
      return { api: 'the kernel lookup of this entry returns -EPROBE_DEFER', forGood: true };
  }
}

function isCpuNode(n: TreeNode): boolean {
  if (propStrings(n, 'device_type').includes('cpu')) return true;
  noteNode(n);
  if (!n.parent || !/^cpu@/.test(n.name)) return false;
  noteNode(n.parent);
  return n.parent.name === 'cpus';
}

/** A regulator node (its *-supply is resolved by the regulator core for the regulator's own consumers). */
function isRegulator(n: TreeNode): boolean {
  return hasRegulatorProperty(n) || compatibles(n).some((c) => c.startsWith('regulator-'));
}

/** What happens to the consumer of an entry whose provider never registers: a clause, kernel calls in parentheses at its end. */
function consequence(e: SupplierEdge, self: string): string {
  const o = lookupOutcome(e.binding);
  if (isCpuNode(e.consumer))
    return `the cpufreq/cpuidle driver that requests this ${e.binding} entry for CPU ${self} never probes (it gets -EPROBE_DEFER for good; no driver binds to a CPU node itself)`;
  if (e.binding === '*-supply' && isRegulator(e.consumer))
    return `the consumers of regulator ${self} never get it (the regulator core never resolves its supply: regulator_get() returns -EPROBE_DEFER for good)`;
  if (!o.forGood) return `${self} ${o.effect} (${o.api})`;
  return `the driver of ${self} stays deferred unless it ignores the error (${o.api} for good)`;
}

interface Rules {
  /** component node -> the nodes that own it (ownerProperty points at it) */
  owners: Map<TreeNode, TreeNode[]>;
  rules: StatusRules | undefined;
}

function collectRules(ctx: CheckContext): Rules {
  const rules = ctx.model.statusRules;
  const owners = new Map<TreeNode, TreeNode[]>();
  if (!rules || rules.componentNodes.length === 0) return { owners, rules };
  const props = new Set(rules.componentNodes.map((c) => c.ownerProperty));
  // (the walk below picks properties by these names)
  for (const x of props) noteName(x);
  const stack: TreeNode[] = [ctx.tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    for (let pIndex = 0, pList = n.properties; pIndex < pList.length; pIndex++) {
      const p = pList[pIndex];
      if (!props.has(p.name)) continue;
      const cells = propCells(p);
      const t = cells && cells.length ? phandleTarget(ctx.tree, cells[0]) : undefined;
      if (!t) continue;
      const l = owners.get(t);
      if (l) l.push(n); else owners.set(t, [n]);
    }
    for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; stack.push(c); }
  }
  return { owners, rules };
}

/**
 * The first tests of the loop below: an entry of an enabled consumer that the kernel requests at probe (not a graph
 * link, not an optional one but an IOMMU's, not a clock controller's parent inputs).
 */
function looksAt(e: SupplierEdge, enabled: (n: TreeNode) => boolean): e is SupplierEdge & { property: TreeProperty } {
  if (e.kind !== 'property' || !e.property) return false;
  if (e.binding === 'remote-endpoint') return false; // graph links to an unused port are normal; fw_devlink skips them
  if (!enabled(e.consumer)) return false;
  // dmas is optional for fw_devlink and drivers fall back to PIO without a channel (an upstream idiom)
  if (e.optional && e.binding !== 'iommus' && e.binding !== 'iommu-map') return false;
  // a clock controller's clocks are its parent inputs: the clock framework keeps a clock whose
  // parent never registers as an orphan, so listing an unused (disabled) input is harmless
  if (e.binding === 'clocks' && getProperty(e.consumer, '#clock-cells')) return false;
  return true;
}

/** undefined: the supplier is available with no disabled ancestor; null: it is itself not available; else its disabled ancestor */
function supplierState(sup: TreeNode): TreeNode | null | undefined {
  return !isAvailable(sup) ? null : disabledAncestor(sup);
}

export function checkSupplierStatus(ctx: CheckContext, r: Reporter): void {
  const enabled = (n: TreeNode) => ctx.enabledInTree(n);
  let rules: Rules | undefined;
  const getRules = () => (rules ??= collectRules(ctx));
  /** The consumer will be probed (or driven) by the kernel. */
  const consumerLive = (n: TreeNode): boolean => {
    if (!enabled(n)) return false;
    const rs = getRules();
    const comp = rs.rules?.componentNodes.find((c) => compatibles(n).some((x) => x.startsWith(c.compatiblePrefix)));
    if (!comp) return true;
    // no driver binds to a component node: it matters only when an enabled owner drives it
    return (rs.owners.get(n) ?? []).some((o) => enabled(o));
  };
  const createdByProvider = (e: SupplierEdge): boolean => {
    const rs = getRules().rules;
    if (!rs) return false;
    const comps = compatibles(e.supplier);
    return rs.providerCreatedConsumers.some((x) => x.binding === e.binding && comps.includes(x.supplierCompatible));
  };
  // a supplier's state, once per node: most edges lead to an available supplier with no disabled ancestor,
  // and those need none of the consumer-side rules below (which read compatibles and walk the tree)
  const states = new Map<TreeNode, TreeNode | null | undefined>();
  const unavailable = (sup: TreeNode): TreeNode | null | undefined => {
    if (states.has(sup)) return states.get(sup);
    const v = supplierState(sup);
    states.set(sup, v);
    return v;
  };
  const seen = new Set<object>();
  /** disabled supplier -> the edges of enabled consumers reported above */
  const disabledConsumers = new Map<TreeNode, SupplierEdge[]>();
  for (let eIndex = 0, eList = ctx.graph.edges; eIndex < eList.length; eIndex++) {
    const e = eList[eIndex];
    if (!looksAt(e, enabled)) continue;
    const sup = e.supplier;
    const state = unavailable(sup);
    if (state === undefined) continue;
    // the IOMMU census (research §5.2) counts every enabled node, so the component rule is for other bindings
    if (e.binding !== 'iommus' && e.binding !== 'iommu-map' && !consumerLive(e.consumer)) continue;
    if (createdByProvider(e)) continue;
    if (state === null) {
      // a disabled PHY inside a registered provider: phy_get() returns -ENODEV ("Requested PHY is
      // disabled"), the kernel's "no such PHY" answer, not a deferral
      if (e.binding === 'phys' && isPhyChildOfLiveProvider(sup, enabled)) continue;
      if (e.binding === 'interrupts') {
        if (seen.has(e.property)) continue; // one report per interrupts property
        seen.add(e.property);
      }
      reportDisabled(r, e);
      const l = disabledConsumers.get(sup);
      if (l) l.push(e); else disabledConsumers.set(sup, [e]);
      continue;
    }
    const anc = state;
    if (e.binding === 'interrupts' || e.binding === 'interrupt-map') continue; // irqchips may be set up by IRQCHIP_DECLARE
    if (compatibles(sup).some((c) => EARLY_INIT_COMPATIBLES.has(c))) continue;
    const self = nodeRef(e.consumer);
    const what = e.binding === 'iommus' || e.binding === 'iommu-map'
      ? `${self} defers until the deferred-probe timeout, then DMAs untranslated (of_iommu_xlate checks only the IOMMU's own status)`
      : `${consequence(e, self)}; fw_devlink makes no link to it`;
    const statusProp = getProperty(anc, 'status');
    r.report(
      'supplier-never-probes',
      e.span,
      message(`${nodeRef(sup)} never probes: it is inside disabled ${nodeRef(anc)}`, `it is never created as a device: ${what}`),
      [r.related(statusProp?.span, `${nodeRef(anc)} is disabled here`)],
    );
  }
  reportSummaries(ctx, r, disabledConsumers);
}

// (every finding and summary comes from an entry that passes both tests: one that does not, taken out of the graph or
// put in by a keystroke, changes nothing here)
checkSupplierStatus.graphMatters = (ctx: CheckContext, e: SupplierEdge): boolean => looksAt(e, (n) => ctx.enabledInTree(n)) && supplierState(e.supplier) !== undefined;

/** A PHY node with no compatible of its own, whose parent (the provider device) is enabled. */
function isPhyChildOfLiveProvider(phy: TreeNode, enabled: (n: TreeNode) => boolean): boolean {
  const parent = phy.parent;
  return compatibles(phy).length === 0 && !!parent && compatibles(parent).length > 0 && enabled(parent);
}

/** 'disabled', or the other non-okay status the node has ("reserved": left to firmware), with a note on what it means. */
function statusWord(n: TreeNode): { word: string; note?: string } {
  const v = propStrings(n, 'status')[0];
  if (v === undefined || v === 'disabled') return { word: 'disabled' };
  if (v === 'reserved') return { word: 'reserved (left to firmware)', note: 'the kernel never creates it' };
  return { word: `not available (status = "${v}")` };
}

function reportDisabled(r: Reporter, e: SupplierEdge): void {
  const self = nodeRef(e.consumer);
  const sup = nodeRef(e.supplier);
  const state = statusWord(e.supplier);
  const prop = e.property!;
  let msg: string;
  if (e.binding === 'iommus') {
    msg = message(`IOMMU ${sup} is disabled`, `${self} DMAs untranslated: the kernel drops its whole iommus list (of_iommu_xlate: -ENODEV)`);
  } else if (e.binding === 'iommu-map') {
    msg = message(`row ${e.index}: IOMMU ${sup} is disabled`, `the devices whose IDs this row maps DMA untranslated, with nothing in dmesg (of_iommu_xlate: -ENODEV)`);
  } else {
    msg = message(`${prop.name} supplier ${sup} is ${state.word}`, `${state.note ?? 'it never registers'}, so ${consequence(e, self)}; fw_devlink makes no link to an unavailable node`);
  }
  const statusProp = getProperty(e.supplier, 'status');
  r.report('supplier-disabled', e.span, msg, [r.related(statusProp?.span, `${sup} is ${state.word.split(' ')[0]} here`)]);
}

/**
 * One summary at the status property that disables a supplier (the line a board edits to disable it),
 * beside the per-consumer diagnostics: "N enabled devices behind &smmu DMA untranslated".
 */
function reportSummaries(ctx: CheckContext, r: Reporter, disabled: Map<TreeNode, SupplierEdge[]>): void {
  for (const [sup, edges] of disabled) {
    const statusProp = getProperty(sup, 'status');
    if (!statusProp) continue;
    const consumers = [...new Set(edges.map((e) => e.consumer))];
    const iommu = edges.every((e) => e.binding === 'iommus' || e.binding === 'iommu-map');
    const n = consumers.length;
    const devs = n === 1 ? '1 enabled device' : `${n} enabled devices`;
    const names = consumers.slice(0, 4).map(nodeRef).join(', ') + (n > 4 ? ', …' : '');
    let fact: string;
    let detail: string;
    if (iommu) {
      const mapped = edges.some((e) => e.binding === 'iommu-map');
      fact = `${devs} behind ${nodeRef(sup)} will DMA untranslated`;
      detail = `${names}${mapped ? ' (and the PCI devices its iommu-map rows map)' : ''}: of_iommu_xlate fails on a disabled IOMMU (-ENODEV) and the kernel logs nothing`;
    } else {
      fact = `${devs} depend${n === 1 ? 's' : ''} on ${statusWord(sup).word.split(' ')[0]} ${nodeRef(sup)}`;
      detail = `${names}: it never registers, so ${n === 1 ? 'that driver stays' : 'their drivers stay'} deferred or ${n === 1 ? 'runs' : 'run'} without it`;
    }
    const related = edges.slice(0, 50).map((e) => r.related(e.span, `${e.property?.name ?? e.binding} of ${nodeRef(e.consumer)}`));
    r.report('supplier-disabled', statusProp.span, message(fact, detail), related, { node: sup, property: 'status' });
  }
  void ctx;
}
