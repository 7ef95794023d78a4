import './globals.css';
import type { Metadata } from 'next';
import { SourceHeader } from '@/components/ui/SourceHeader';
import { headers } from 'next/headers';
import { getSource } from '@/lib/server/sources/registry';
import { currentActor } from '@/lib/server/identity/actor';

export const metadata: Metadata = {
  title: 'PSP Dashboard',
  description: 'PodSecurityPolicies and the RBAC that grants them',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The first read waits for the initial LIST (once); the header then shows the real version and state.
  await getSource().readModel().catch(() => undefined);
  const source = getSource().info();
  const actor = await currentActor(await headers());
  return (
    <html lang="en">
      <body>
        <SourceHeader source={source} actor={actor} />
        {children}
      </body>
    </html>
  );
}
