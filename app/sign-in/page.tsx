import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { SignInForm } from '@/components/session/SignInForm';
import { currentActor } from '@/lib/server/identity/actor';
import { SESSION_LIMITS } from '@/lib/server/identity/sessions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in · PSP Dashboard' };

const hours = (ms: number) => `${ms / 3600_000} hour${ms === 3600_000 ? '' : 's'}`;

/** Sign-in for the in-cluster dashboard: a person's own token, so that changes are theirs. */
export default async function SignInPage() {
  const actor = await currentActor(await headers());
  return (
    <main className="max-w-3xl p-6">
      <h1 className="mb-2 text-xl font-semibold">Sign in</h1>
      {!actor.canSignIn ? (
        <p role="status" className="rounded border border-slate-300 bg-slate-50 p-3 text-slate-800">
          {actor.mode === 'kubeconfig'
            ? 'This dashboard acts as your kubeconfig\'s user: there is nothing to sign in to.'
            : actor.mode === 'header'
              ? 'Sign-in is handled by the auth proxy in front of this dashboard.'
              : 'The demo and snapshots keep changes in memory: there is nothing to sign in to.'}
        </p>
      ) : (
        <>
          {actor.signedIn && (
            <p role="status" className="mb-3 text-sm text-slate-700">Signed in as <strong>{actor.user}</strong>. Signing in again replaces that session.</p>
          )}
          <div className="mb-4 space-y-2 text-sm text-slate-700" id="token-help">
            <p>
              This dashboard reads the cluster with its own service account, which may only read. Changes are made
              <strong> as you</strong>: your token goes with every dry run and write, so the API server checks your rights and its audit log
              names you.
            </p>
            <p>Paste a bearer token of this cluster, for example:</p>
            <ul className="list-disc pl-5 font-mono text-xs">
              <li>kubectl -n NAMESPACE create token SERVICEACCOUNT --duration=1h</li>
              <li>the token or OIDC id-token of your kubeconfig user</li>
            </ul>
            <p>
              The token stays on the dashboard&apos;s server, in memory; your browser keeps only a session cookie that scripts cannot read.
              The session ends when you sign out, after {hours(SESSION_LIMITS.idleMs)} without use, after {hours(SESSION_LIMITS.absoluteMs)} at most, or when the
              dashboard restarts.
            </p>
          </div>
          <SignInForm message={actor.signedIn ? undefined : actor.message} />
        </>
      )}
    </main>
  );
}
