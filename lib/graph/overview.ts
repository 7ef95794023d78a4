import { compareNames } from '../rbac/grants';
import { broadSubjectReason } from '../plan/guardrail';
import type { FullGraph } from './build-graph';
import type { GraphNode, PspCard } from './types';

/**
 * One card per PSP the filters keep, counting what its chains hold: the roles that grant it (how
 * many through a wildcard), their bindings, the subjects by kind, the namespaces it is usable in,
 * and the subjects whose grant reaches everyone. The counts are of the filtered graph, before any
 * group collapses, so the overview of a large cluster says everything the chain graph would.
 */
export function buildOverview({ full, keep }: { full: FullGraph; keep: Set<string> }): PspCard[] {
  const kept = (ids: Iterable<string>) => [...ids].filter((id) => keep.has(id));
  const children = (id: string) => kept(full.children.get(id) ?? []);
  const cards: PspCard[] = [];
  for (const id of keep) {
    const psp = full.nodes.get(id)!;
    if (psp.kind !== 'PodSecurityPolicy') continue;
    const roles = children(id);
    const bindings = new Set<string>();
    const namespaces = new Set<string>();
    const subjects = new Set<string>();
    const broad = new Set<string>();
    let clusterWide = false;
    for (const role of roles) {
      for (const b of children(role)) {
        bindings.add(b);
        const binding = full.nodes.get(b)!;
        const scope = binding.kind === 'RoleBinding' ? binding.namespace : undefined;
        if (scope) namespaces.add(scope);
        else clusterWide = true;
        for (const s of children(b)) {
          subjects.add(s);
          const subject = full.nodes.get(s)!;
          if (broadSubjectReason({ kind: subject.kind, name: subject.name, namespace: subject.namespace }, scope)) broad.add(subjectName(subject));
        }
      }
    }
    const count = (kind: GraphNode['kind']) => [...subjects].filter((s) => full.nodes.get(s)!.kind === kind).length;
    cards.push({
      id,
      name: psp.name,
      privileged: psp.privileged || undefined,
      missing: psp.missing || undefined,
      roles: roles.length,
      wildcardRoles: roles.filter((r) => full.edges.get(`${id}>${r}`)?.wildcard).length,
      bindings: bindings.size,
      subjects: { groups: count('Group'), users: count('User'), serviceAccounts: count('ServiceAccount') },
      namespaces: namespaces.size,
      clusterWide,
      broadSubjects: [...broad].sort(compareNames),
    });
  }
  return cards.sort((a, b) => compareNames(a.name, b.name));
}

function subjectName(n: GraphNode): string {
  return n.namespace ? `${n.namespace}/${n.name}` : n.name;
}
