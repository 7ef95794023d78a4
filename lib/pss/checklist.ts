/**
 * Steps 4–5 of the official migration guide as a checklist computed from the cluster: every
 * namespace labelled (pinned), no workload still relying on a PSP that mutates its pods, and the
 * PodSecurityPolicy admission plugin turned off. Pure: the board and what the source says of the API.
 */
import type { Board } from './board';
import { levelLabel, versionLabel } from './labels';

export type ChecklistItemId = 'namespaces-labelled' | 'versions-pinned' | 'no-mutating-psp' | 'psp-admission-off';

export interface ChecklistItem {
  id: ChecklistItemId;
  /** The guide's step. */
  step: number;
  title: string;
  done: boolean;
  /** What is left, in words. */
  detail: string;
  /** What is left, one entry per namespace or workload (`namespace/Kind/name`). */
  items: string[];
}

export interface ClusterFacts {
  /** Whether `policy/v1beta1` PodSecurityPolicies are served (false on v1.25+). */
  pspApiServed: boolean;
  /** How many PodSecurityPolicy objects exist. */
  psps: number;
}

export function buildChecklist(board: Board, cluster: ClusterFacts): ChecklistItem[] {
  const rows = board.namespaces.filter((r) => !r.exempt);
  const unlabelled = rows.filter((r) => r.labels.set[levelLabel('enforce')] === undefined).map((r) => r.namespace);
  const unpinned = rows
    .filter((r) => ['enforce', 'audit', 'warn'].some((m) => r.labels.set[levelLabel(m as 'enforce')] !== undefined && (r.labels.set[versionLabel(m as 'enforce')] ?? 'latest') === 'latest'))
    .map((r) => r.namespace);
  const mutated = [...new Set(board.namespaces.flatMap((r) => [...r.mutations.map((m) => `${r.namespace}/${m.workload}`), ...r.podMutations.map((m) => `${r.namespace}/${m.owner}`)]))];
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return [
    {
      id: 'namespaces-labelled', step: 4, title: 'Every namespace has a Pod Security enforce label', done: unlabelled.length === 0,
      detail: unlabelled.length === 0 ? 'All namespaces set pod-security.kubernetes.io/enforce.' : `${n(unlabelled.length, 'namespace has', 'namespaces have')} no enforce label: the server's default (privileged unless its PodSecurityConfiguration says otherwise) applies there.`,
      items: unlabelled,
    },
    {
      id: 'versions-pinned', step: 4, title: 'Labelled namespaces pin their policy versions', done: unpinned.length === 0,
      detail: unpinned.length === 0 ? 'No label relies on latest.' : `${n(unpinned.length, 'namespace follows', 'namespaces follow')} latest: the next upgrade can tighten its checks without warning.`,
      items: unpinned,
    },
    {
      id: 'no-mutating-psp', step: 2, title: 'No workload relies on a PSP that changes its pods', done: mutated.length === 0,
      detail: mutated.length === 0 ? 'No PSP changes any workload\'s pods.' : `${n(mutated.length, 'workload gets', 'workloads get')} fields set by its PSP; Pod Security Admission never sets them. Put them in the templates first.`,
      items: mutated,
    },
    {
      id: 'psp-admission-off', step: 5, title: 'The PodSecurityPolicy admission plugin is off', done: !cluster.pspApiServed,
      detail: cluster.pspApiServed
        ? `The API server serves the PodSecurityPolicy API (${n(cluster.psps, 'policy', 'policies')}); the plugin may still admit pods. Remove PodSecurityPolicy from --enable-admission-plugins once every namespace is labelled.`
        : 'The API server no longer serves PodSecurityPolicies (v1.25+).',
      items: [],
    },
  ];
}
