import { handle, parseBody } from '../../_http/respond';
import { guardMutation, readJson } from '../../_http/guard';
import { signInBodySchema } from '@/lib/schemas/session';
import { currentActor, signIn, signOut } from '@/lib/server/identity/actor';

export const dynamic = 'force-dynamic';

/** Who is acting: the signed-in person (session), the proxy's (header), the kubeconfig's user, or nobody. Never a token. */
export function GET(req: Request) {
  return handle(async () => Response.json(await currentActor(req.headers)));
}

/** Sign in with a bearer token: checked with a TokenReview, kept on the server; the browser gets an HttpOnly cookie. */
export function POST(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { token } = parseBody(await readJson(req), signInBodySchema);
    const { actor, cookie } = await signIn(req.url, req.headers, token);
    return Response.json(actor, { headers: { 'Set-Cookie': cookie } });
  });
}

/** Sign out: the session ends on the server, and the cookie is cleared. */
export function DELETE(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { cookie, ended } = signOut(req.url, req.headers);
    return Response.json({ ...(await currentActor(new Headers({ host: req.headers.get('host') ?? '' }))), ended }, { headers: { 'Set-Cookie': cookie } });
  });
}
