'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, ApiError } from '@/lib/client/api';

/**
 * Paste a bearer token. It goes to the dashboard's server once, which checks it with the API server
 * and keeps it; the page never holds it after the request, and the browser gets only a cookie.
 */
export function SignInForm({ message }: { message?: string }) {
  const router = useRouter();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(message);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(token);
      setToken('');
      router.push('/');
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="flex max-w-xl flex-col gap-3" data-testid="sign-in-form">
      <label htmlFor="token" className="text-sm font-medium text-slate-800">Bearer token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        className="rounded border border-slate-300 px-2 py-1.5 font-mono text-sm"
        aria-describedby="token-help"
        required
        autoFocus
      />
      {error && <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800" data-testid="sign-in-error">{error}</p>}
      <div>
        <button type="submit" disabled={busy || !token.trim()} className="rounded bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 disabled:opacity-50">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}
