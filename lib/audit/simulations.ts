import { simulationContext, type SimulationContext, type WorkloadOutcome } from '../access/simulate-workload';
import { podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { objectKey } from '../model/keys';
import type { ClusterModel, Workload } from '../model/types';
import { mapAlong } from '../model/map-along';
import { editsFrom, patchedBy, recordEdits, type ListEdit } from '../model/list-edits';
import { WorkloadSimulator, type BulkSimulation } from './workload-simulator';

/** Every top-level workload through admission once; the rules that need outcomes share this. */

/**
 * A simulation as the rules read it: without the pods (submitted and admitted), which no rule reads
 * and which, kept for every workload of a large cluster, make the garbage collector the slowest rule.
 */
export type AuditedSimulation = BulkSimulation;

export interface SimulatedWorkloadResult {
  workload: Workload;
  key: string;
  sim: AuditedSimulation;
}

export interface ClusterSimulation {
  context: SimulationContext;
  /** Simulates any workload (a probe, a workload under a changed grant) against the same policy state, each distinct case once. */
  simulator: WorkloadSimulator;
  results: SimulatedWorkloadResult[];
  outcomes: WorkloadOutcome[];
  /** The workloads scanned, which of them are top-level, and those, for the next scan. */
  scan?: TopLevelScan;
}

/** Who asks admission for a workload's pods: its service account, and its requester (the controller, or a bare pod's creator). */
export function identitiesOf(sim: AuditedSimulation): Identity[] {
  const sa = sim.serviceAccount ? podServiceAccountIdentity(sim.namespace, sim.serviceAccount) : undefined;
  return [sa, sim.requester].filter((x): x is Identity => !!x);
}

/** Workloads owned by a controller (a Deployment's ReplicaSets, a CronJob's Jobs) are their owner's. */
export function isTopLevel(w: Workload): boolean {
  const refs = w.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i].controller) return false;
  return true;
}

const resultKeys = new WeakMap<Workload, SimulatedWorkloadResult>();

/** A workload's result, the same object for the same workload and simulation (so the rules' inputs compare by identity). */
function resultOf(workload: Workload, simulator: WorkloadSimulator): SimulatedWorkloadResult {
  const sim = simulator.simulate(workload);
  const known = resultKeys.get(workload);
  if (known?.sim === sim) return known;
  const r = { workload, key: objectKey(workload.kind, workload.metadata.namespace, workload.metadata.name), sim };
  resultKeys.set(workload, r);
  return r;
}

/**
 * Every top-level workload simulated. Pass the simulator of an earlier call on the same policy state
 * (PSPs, RBAC, ServiceAccounts) to reuse what it already simulated: then only new or changed
 * workloads cost anything.
 */
export function simulateCluster(model: ClusterModel, opts: ControllerOptions, simulator?: WorkloadSimulator, previous?: ClusterSimulation): ClusterSimulation {
  const sim = simulator ?? new WorkloadSimulator(model, simulationContext(model), opts);
  const before = previous?.simulator === sim ? previous : undefined;
  const scan = topLevelWorkloads(model.workloads, before?.scan);
  const { top } = scan;
  const results = before ? resultsFollowing(top, before, sim) : top.map((w) => resultOf(w, sim));
  // Made when read (plan impact compares them; the audit and the outcome views do not): each is
  // kept per result, so reading them after a pod event costs a lookup per workload.
  let outcomesMade: WorkloadOutcome[] | undefined;
  return {
    context: sim.context, simulator: sim, results, scan,
    get outcomes() {
      return (outcomesMade ??= results.map(outcomeOf));
    },
  };
}

/**
 * The results of the top-level workloads from the last simulation's: the same list when the scan
 * kept it, the scan's recorded edits replayed (and recorded in turn, for the audit's rules), or a
 * walk along the last results.
 */
function resultsFollowing(top: Workload[], before: ClusterSimulation, sim: WorkloadSimulator): SimulatedWorkloadResult[] {
  const lastTop = before.scan?.top;
  if (top === lastTop) return before.results;
  const edits = lastTop && editsFrom(top, lastTop);
  if (!edits) return mapAlong(top, before.results, (r) => r.workload, (w) => resultOf(w, sim));
  const patched = patchedBy(before.results, edits, (w) => resultOf(w, sim));
  recordEdits(patched.list, before.results, patched.edits);
  return patched.list;
}

interface TopLevelScan {
  workloads: Workload[];
  /**
   * The top-level workloads, in order, and their places in `workloads` (ascending; a typed array:
   * kept until the next event, its numbers live outside the collected heap).
   */
  top: Workload[];
  positions: Int32Array;
}

/**
 * The top-level workloads, in order. With the last scan, the edits that made this list from its list
 * (when its maker recorded them: the live cache does) are replayed on the last answer; otherwise a
 * workload that is the same object at about the same place keeps its answer (a pointer comparison,
 * where reading the owner references of 150,000 objects costs the engine its slowest step).
 */
function topLevelWorkloads(workloads: Workload[], last?: TopLevelScan): TopLevelScan {
  const edits = last && editsFrom(workloads, last.workloads);
  if (edits) return replayedScan(workloads, last, edits);
  // A byte per workload of the last scan (at 176,000 workloads an array of booleans is 1.4 MB, a large object only a full collection frees).
  const lastFlags = new Uint8Array(last?.workloads.length ?? 0);
  for (const p of last?.positions ?? []) lastFlags[p] = 1;
  const prev = last?.workloads ?? [];
  let j = 0;
  const top: Workload[] = [];
  const positions: number[] = [];
  for (let i = 0; i < workloads.length; i++) {
    const w = workloads[i];
    let k = j;
    while (k < prev.length && k <= j + 2 && prev[k] !== w) k++;
    let flag: boolean;
    if (k < prev.length && k <= j + 2) {
      flag = lastFlags[k] === 1;
      j = k + 1;
    } else flag = isTopLevel(w);
    if (flag) {
      top.push(w);
      positions.push(i);
    }
  }
  return { workloads, top, positions: Int32Array.from(positions) };
}

/**
 * The last scan with the edits applied: each costs a binary search, a shift of the places after
 * it (15,000 numbers at most) and a splice; no workload is read but the inserted ones. The edits'
 * changes of the top-level list are recorded on it (its results follow them), and when an edit
 * touched no top-level workload the last list stands (so do its results and views).
 */
function replayedScan(workloads: Workload[], last: TopLevelScan, edits: readonly ListEdit<Workload>[]): TopLevelScan {
  // Copied when first changed, with room for the insertions.
  let positions = last.positions;
  let size = positions.length;
  const writable = () => {
    if (positions === last.positions) {
      positions = new Int32Array(size + edits.length);
      positions.set(last.positions);
    }
    return positions;
  };
  const topEdits: ListEdit<Workload>[] = [];
  for (const e of edits) {
    // The first top-level place at or after the edit.
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid] < e.index) lo = mid + 1;
      else hi = mid;
    }
    if (e.removed !== undefined) {
      if (lo < size && positions[lo] === e.index) {
        writable().copyWithin(lo, lo + 1, size--);
        topEdits.push({ index: lo, removed: e.removed });
      }
      if (lo < size) {
        const p = writable();
        for (let i = lo; i < size; i++) p[i]--;
      }
    }
    if (e.insert !== undefined) {
      if (lo < size) {
        const p = writable();
        for (let i = lo; i < size; i++) p[i]++;
      }
      if (isTopLevel(e.insert)) {
        writable().copyWithin(lo + 1, lo, size++);
        positions[lo] = e.index;
        topEdits.push({ index: lo, insert: e.insert });
      }
    }
  }
  if (positions.length !== size) positions = positions.slice(0, size);
  if (topEdits.length === 0) return { workloads, top: last.top, positions };
  const top = patchedBy(last.top, topEdits, (w) => w).list;
  recordEdits(top, last.top, topEdits);
  return { workloads, top, positions };
}

const outcomes = new WeakMap<SimulatedWorkloadResult, WorkloadOutcome>();

function outcomeOf(r: SimulatedWorkloadResult): WorkloadOutcome {
  let o = outcomes.get(r);
  if (!o) {
    const { workload, sim: s } = r;
    o = {
      kind: workload.kind, namespace: s.namespace, name: workload.metadata.name, serviceAccount: s.serviceAccount,
      requester: s.requester?.user, allowed: s.allowed, psp: s.psp, mutated: s.mutations.length > 0, message: s.message,
    };
    outcomes.set(r, o);
  }
  return o;
}

const byChosenPsp = new WeakMap<ClusterSimulation, Map<string, SimulatedWorkloadResult[]>>();

/** The allowed results by the PSP their pods get (what a grant-removing fix can change), in the results' order. */
export function resultsByChosenPsp(simulation: ClusterSimulation): Map<string, SimulatedWorkloadResult[]> {
  let index = byChosenPsp.get(simulation);
  if (!index) {
    index = new Map();
    for (const r of simulation.results) {
      if (!r.sim.allowed || !r.sim.psp) continue;
      let list = index.get(r.sim.psp);
      if (!list) index.set(r.sim.psp, (list = []));
      list.push(r);
    }
    byChosenPsp.set(simulation, index);
  }
  return index;
}
