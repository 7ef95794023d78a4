'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/** Re-renders the page from the server every few seconds: an error page that heals by itself. */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(t);
  }, [router, seconds]);
  return null;
}
