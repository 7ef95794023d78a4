import Link from 'next/link';

/** Where a form would be, for a person not signed in: the way to sign in, and why it is needed. */
export function SignInToChange({ what }: { what: string }) {
  return (
    <p className="rounded border border-indigo-200 bg-indigo-50 p-2 text-sm text-indigo-950" data-testid="sign-in-to-change">
      <Link href="/sign-in" className="font-medium text-indigo-800 underline">Sign in to make changes</Link>
      {` — to ${what}, this dashboard acts as you, with your own rights; it never writes with its own account.`}
    </p>
  );
}
