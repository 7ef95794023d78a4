/** The identities of a cluster: random tokens in pki/tokens.csv, and the ServiceAccount signing key. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Identity = 'admin' | 'viewer' | 'rbac-manager' | 'restricted-user' | 'dashboard';
export const IDENTITIES: readonly Identity[] = ['admin', 'viewer', 'rbac-manager', 'restricted-user', 'dashboard'];

export interface Credentials {
  saKeyPath: string;
  saPubPath: string;
  /** --token-auth-file: every identity but `dashboard`, whose token comes from a TokenRequest later */
  tokenFile: string;
  tokens: Record<Identity, string>;
}

/** An RSA service-account key pair and random tokens, written to pkiDir. */
export function writeCredentials(pkiDir: string): Credentials {
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKeyPath = path.join(pkiDir, 'sa.key');
  const saPubPath = path.join(pkiDir, 'sa.pub');
  fs.writeFileSync(saKeyPath, saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(saPubPath, saKey.publicKey.export({ type: 'spki', format: 'pem' }));

  const tok = () => randomBytes(24).toString('hex');
  const tokens: Record<Identity, string> = { admin: tok(), viewer: tok(), 'rbac-manager': tok(), 'restricted-user': tok(), dashboard: '' };
  const tokenFile = path.join(pkiDir, 'tokens.csv');
  fs.writeFileSync(
    tokenFile,
    [
      `${tokens.admin},admin,uid-admin,"system:masters"`,
      `${tokens.viewer},viewer,uid-viewer,"psp-dashboard:viewers"`,
      `${tokens['rbac-manager']},rbac-manager,uid-rbac-manager,"psp-dashboard:rbac-managers"`,
      `${tokens['restricted-user']},restricted-user,uid-restricted-user,"psp-dashboard:restricted-users"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { saKeyPath, saPubPath, tokenFile, tokens };
}
