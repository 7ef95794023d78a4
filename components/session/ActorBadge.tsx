'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, ApiError } from '@/lib/client/api';
import type { ActorView } from '@/lib/identity/actor-view';

/** Who changes are made as, always in the header: "acting as alice (group1, group2)", or the way to sign in. */
export function ActorBadge({ actor }: { actor: ActorView }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (actor.mode === 'offline') return null;
  if (!actor.signedIn) {
    if (!actor.canSignIn) {
      return <span className="text-xs text-amber-800" data-testid="actor" title={actor.message}>no signed-in user</span>;
    }
    return (
      <Link href="/sign-in" className="shrink-0 rounded bg-indigo-700 px-2 py-1 text-xs font-semibold text-white hover:bg-indigo-800" data-testid="sign-in-button" title={actor.message}>
        <span className="xl:hidden">Sign in</span><span className="hidden xl:inline">Sign in to make changes</span>
      </Link>
    );
  }
  const groups = actor.groups?.length ? ` (${actor.groups.join(', ')})` : '';
  const signOut = async () => {
    setBusy(true);
    try {
      await api.signOut();
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="flex min-w-0 items-center gap-2 border-l border-slate-200 pl-2">
      <span className="max-w-80 shrink-0 truncate text-slate-700" data-testid="actor" title={`${actor.user}${groups}${actor.verified === false ? ' (the kubeconfig entry name; the API server could not confirm it)' : ''}`}>
        <span className="hidden xl:inline">acting </span>as <strong className="font-semibold">{actor.user}</strong>{groups && <span className="hidden text-slate-500 xl:inline">{groups}</span>}
        {actor.mode === 'kubeconfig' && <span className="hidden text-slate-500 xl:inline"> · kubeconfig</span>}
      </span>
      {actor.mode === 'session' && (
        <button type="button" onClick={signOut} disabled={busy} className="shrink-0 rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100" data-testid="sign-out-button">
          Sign out
        </button>
      )}
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}
