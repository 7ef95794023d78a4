import { Suspense } from 'react';
import { PolicyGraph } from '@/components/graph/PolicyGraph';
import { ServerError } from '@/components/ui/ServerError';
import { clusterView } from '@/lib/server/views';

export const dynamic = 'force-dynamic';

export default async function GraphPage() {
  let cluster;
  try {
    cluster = await clusterView();
  } catch (e) {
    return <ServerError error={e} />;
  }
  return (
    <Suspense>
      <PolicyGraph cluster={cluster} />
    </Suspense>
  );
}
