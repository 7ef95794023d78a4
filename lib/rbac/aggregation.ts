import type { PolicyRule, Role } from '../model/types';
import { matchesSelector } from '../model/labels';
import { compareNames } from './grants';

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return JSON.stringify(normaliseRule(a)) === JSON.stringify(normaliseRule(b));
}

function normaliseRule(r: PolicyRule): PolicyRule {
  return {
    apiGroups: r.apiGroups ?? [],
    resources: r.resources ?? [],
    verbs: r.verbs ?? [],
    resourceNames: r.resourceNames ?? [],
    nonResourceURLs: r.nonResourceURLs ?? [],
  };
}

/**
 * Fills in the rules of aggregated ClusterRoles the way the clusterrole-aggregation controller does:
 * for each selector (ORed), the matching ClusterRoles other than itself, sorted by name, their rules
 * appended unless an identical rule is already there. Only roles whose stored `rules` are empty are
 * computed: a snapshot taken before the controller ran, or hand-written files. A live cluster's stored
 * rules are what the authorizer reads, so live sources do not call this.
 *
 * Aggregated roles may select other aggregated roles, so this iterates until nothing changes.
 */
export function aggregateClusterRoles(clusterRoles: Role[]): Role[] {
  const result = clusterRoles.map((r) => ({ ...r, rules: [...(r.rules ?? [])] }));
  const toCompute = result.filter(
    (r) => (r.aggregationRule?.clusterRoleSelectors?.length ?? 0) > 0 && r.rules.length === 0,
  );
  if (toCompute.length === 0) return result;
  const sorted = [...result].sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const target of toCompute) {
      const selectors = target.aggregationRule?.clusterRoleSelectors ?? [];
      const rules: PolicyRule[] = [];
      for (const source of sorted) {
        if (source === target) continue;
        if (!selectors.some((s) => matchesSelector(source.metadata.labels, s))) continue;
        for (const rule of source.rules) if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
      }
      if (rules.length !== target.rules.length) {
        target.rules = rules;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return result;
}
