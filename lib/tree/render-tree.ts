import type { ClusterModel } from '../model/types';
import { describe, resolvePspRelations, rolesGranting, type PspRelations } from '../rbac/relations';

/**
 * The text tree in psp-util's format, as the reference article prints it:
 *
 *   📙 PSP eks.privileged
 *   └── 📕 ClusterRole eks:podsecuritypolicy:privileged
 *       └── 📘 ClusterRoleBinding eks:podsecuritypolicy:authenticated
 *           └── 📗 Subject{Kind: Group, Name: system:authenticated, Namespace: }
 *
 * By default only grants psp-util itself lists (explicit resourceNames), so the output matches
 * psp-util on the same cluster; `all` adds wildcard grants, marked `(wildcard)`.
 * PSP blocks are separated by a blank line, as psp-util prints them.
 */
export function renderTree(model: ClusterModel, opts: { all?: boolean } = {}, rel: PspRelations = resolvePspRelations(model)): string {
  const blocks: string[] = [];
  for (const psp of rel.psps) {
    const name = psp.metadata.name;
    const lines = [`📙 PSP ${name}`];
    for (const { role, grant } of rolesGranting(rel, name, !!opts.all)) {
      const icon = role.role.kind === 'ClusterRole' ? '📕 ClusterRole' : '📓 Role';
      lines.push(child(1, `${icon} ${describe(role.role)}${grant.wildcard ? ' (wildcard)' : ''}`));
      for (const b of rel.bindingsByRole.get(role.key) ?? []) {
        const bicon = b.binding.kind === 'ClusterRoleBinding' ? '📘 ClusterRoleBinding' : '📓 RoleBinding';
        lines.push(child(2, `${bicon} ${describe(b.binding)}`));
        for (const s of b.binding.subjects ?? []) {
          lines.push(child(3, `📗 Subject{Kind: ${s.kind}, Name: ${s.name}, Namespace: ${s.namespace ?? ''}}`));
        }
      }
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length ? blocks.join('\n\n') + '\n' : '';
}

function child(depth: number, text: string): string {
  return `${' '.repeat(4 * (depth - 1))}└── ${text}`;
}
