import type { Pod } from './pod';
import { forbidden, type FieldError } from './field-error';
import type { Strategies } from './strategies';

/**
 * The kubelet's safe sysctls as the v1.24 PSP plugin knows them; `net.ipv4.ip_unprivileged_port_start`
 * joined in 1.22 (checked on the v1.24 server by the integration suite).
 */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];

/** An entry matches exactly, or as a prefix when it ends in `*` (a lone `*` matches everything). */
function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

export function validateSysctls(st: Strategies, pod: Pod): FieldError[] {
  const errors: FieldError[] = [];
  (pod.spec.securityContext?.sysctls ?? []).forEach((s, i) => {
    const path = `pod.spec.securityContext.sysctls[${i}]`;
    if (matchesAny(s.name, st.spec.forbiddenSysctls ?? [])) errors.push(forbidden(path, `sysctl ${JSON.stringify(s.name)} is not allowed`));
    else if (SAFE_SYSCTLS.includes(s.name)) return;
    else if (matchesAny(s.name, st.spec.allowedUnsafeSysctls ?? [])) return;
    else errors.push(forbidden(path, `unsafe sysctl ${JSON.stringify(s.name)} is not allowed`));
  });
  return errors;
}
