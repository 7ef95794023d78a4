import type { Metadata } from 'next';
import { Suspense } from 'react';
import { redirect } from 'next/navigation';
import { PolicyGraph } from '@/components/graph/PolicyGraph';
import { ServerError } from '@/components/ui/ServerError';
import { clusterView, graphView } from '@/lib/server/views';
import { graphOptions, graphQueryFromRecord, sceneKey } from '@/lib/graph/url-query';
import { pageSource } from '@/lib/server/sources/page-source';
import { headers } from 'next/headers';
import { currentActor } from '@/lib/server/identity/actor';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Graph · PSP Dashboard' };

export default async function GraphPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Clusters without the PSP API (v1.25+) land on the migration board; auditors (read-only mode) and
  // snapshots on the audit. Any query (?view=graph, ?node=…) asks for the graph.
  const params = await searchParams;
  const asked = Object.keys(params).length > 0;
  const source = await pageSource();
  await source.readModel().catch(() => undefined);
  const info = source.info();
  if (!asked && !info.pspApiServed && info.name !== 'unavailable') redirect('/migration');
  if ((info.readOnly || info.kind === 'snapshot') && !asked) redirect('/audit');
  let cluster;
  try {
    cluster = { ...(await clusterView(source)), actor: await currentActor(await headers()) };
  } catch (e) {
    return <ServerError error={e} />;
  }
  // The first scene, laid out here, comes with the page: the graph paints without another request.
  const query = graphQueryFromRecord(params);
  const scene = await graphView(source, graphOptions(query), query.view ?? 'auto').catch(() => undefined);
  return (
    <Suspense>
      <PolicyGraph cluster={cluster} initial={scene && { key: sceneKey(query, []), scene }} />
    </Suspense>
  );
}
