import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_PATHS } from './api-paths';

/** The route file Next.js serves a path from (dynamic segments by their folder, `[kind]`…). */
function routeFile(apiPath: string): string {
  const parts = new URL(apiPath, 'http://x').pathname.split('/').filter(Boolean);
  let dir = path.resolve(__dirname, '..', 'app');
  for (const part of parts) {
    const literal = path.join(dir, decodeURIComponent(part));
    dir = existsSync(literal) ? literal : path.join(dir, ['[kind]', '[name]'].find((d) => existsSync(path.join(dir, d))) ?? part);
  }
  return path.join(dir, 'route.ts');
}

describe('API_PATHS', () => {
  it('names a route that exists for every path the client calls', () => {
    const samples = [
      ...(Object.values(API_PATHS) as unknown[]).filter((p): p is string => typeof p === 'string'),
      API_PATHS.binding('RoleBinding', 'rb', 'ns'),
      API_PATHS.bindingSubjects('ClusterRoleBinding', 'crb'),
      API_PATHS.psp('eks.privileged'),
      ...(['copy', 'label', 'bypass', 'cleanup'] as const).map((p) => API_PATHS.podSecurityPlan(p)),
    ];
    for (const p of samples) expect(existsSync(routeFile(p)), p).toBe(true);
    expect(API_PATHS.podSecurityPlan('label')).toBe('/api/v1/pod-security/plans/label');
  });
});
