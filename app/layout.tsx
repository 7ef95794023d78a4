import './globals.css';
import type { Metadata } from 'next';
import { SourceHeader } from '@/components/ui/SourceHeader';
import { headers } from 'next/headers';
import { contextsView, sourceOf } from '@/lib/server/sources/registry';
import { currentActor } from '@/lib/server/identity/actor';

export const metadata: Metadata = {
  title: 'PSP Dashboard',
  description: 'PodSecurityPolicies and the RBAC that grants them',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The first read waits for the initial LIST (once); the header then shows the real version and state.
  const requestHeaders = await headers();
  const source = sourceOf(requestHeaders);
  await source.readModel().catch(() => undefined);
  const actor = await currentActor(requestHeaders);
  const contexts = contextsView(requestHeaders);
  return (
    <html lang="en">
      <body>
        {/* The context this page shows: lib/client/api.ts sends it with every request. */}
        {contexts.switchable && <meta name="pspd-context" content={contexts.selected} />}
        <SourceHeader source={source.info()} actor={actor} contexts={contexts.switchable ? contexts : undefined} />
        {children}
      </body>
    </html>
  );
}
