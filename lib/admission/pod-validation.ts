import { podContainers, type Pod } from './pod';

/**
 * The API's own pod validation runs after the mutating admission chain, so a PSP default can make a
 * pod invalid: `allowPrivilegeEscalation: false` written onto a privileged container, or onto one
 * that adds CAP_SYS_ADMIN (spelled so: the check compares that literal). These are the only pod
 * validation rules a PSP default can break; each is reported with the API's detail text.
 */
export function invalidAfterAdmission(pod: Pod): string[] {
  const out: string[] = [];
  for (const { container, path } of podContainers(pod)) {
    const sc = container.securityContext;
    if (sc?.allowPrivilegeEscalation !== false) continue;
    if (sc.privileged === true) out.push(`${path}.securityContext: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`);
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
      out.push(`${path}.securityContext: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`);
    }
  }
  return out;
}
