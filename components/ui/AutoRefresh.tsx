'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { api } from '@/lib/client/api';

/**
 * An error page that heals by itself: every few seconds one small request asks whether the cluster
 * answers again, and the page is rendered again from the server only once it does. (Refreshing the
 * page itself every few seconds made the header's links prefetch every route again each time.)
 */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    let live = true;
    const t = setInterval(() => {
      api.cluster().then(
        () => live && router.refresh(),
        () => undefined,
      );
    }, seconds * 1000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [router, seconds]);
  return null;
}
