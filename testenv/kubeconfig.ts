/** The run's kubeconfig: one context per identity, current-context admin, the apiserver's CA. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IDENTITIES, type Identity } from './credentials';

function kubeconfigYaml(server: string, caPem: string, tokens: Record<Identity, string>): string {
  const ca = Buffer.from(caPem).toString('base64');
  const ns: Partial<Record<Identity, string>> = { 'restricted-user': 'team-a', dashboard: 'psp-dashboard' };
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    '- name: psp-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    ...IDENTITIES.flatMap((id) => [`- name: ${id}`, '  user:', `    token: ${tokens[id]}`]),
    'contexts:',
    ...IDENTITIES.flatMap((id) => [
      `- name: ${id}`,
      '  context:',
      '    cluster: psp-test',
      `    user: ${id}`,
      ...(ns[id] ? [`    namespace: ${ns[id]}`] : []),
    ]),
    'current-context: admin',
    '',
  ];
  return lines.join('\n');
}

/** Writes <dir>/kubeconfig (mode 0600) and returns its path. */
export function writeKubeconfig(dir: string, server: string, caPem: string, tokens: Record<Identity, string>): string {
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, kubeconfigYaml(server, caPem, tokens), { mode: 0o600 });
  return kubeconfigPath;
}
