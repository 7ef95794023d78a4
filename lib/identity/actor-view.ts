/**
 * Who is acting, as the browser may know it: never a token. `changes` says whether this person
 * may change anything through this dashboard, and if not, why.
 */
export interface ActorView {
  /** offline: demo or snapshot (changes go to memory); the other three: see AuthMode. */
  mode: 'offline' | 'kubeconfig' | 'session' | 'header';
  signedIn: boolean;
  user?: string;
  groups?: string[];
  /** false when the user name is the kubeconfig's entry name and the server could not confirm it. */
  verified?: boolean;
  /** Sign-in is offered (session mode). */
  canSignIn: boolean;
  expiresAt?: string;
  changes: { allowed: boolean; reason?: 'read-only' | 'sign-in' };
  /** Why the person is not signed in any more (an expired or revoked token). */
  message?: string;
}


/** Whether changes may be made through this dashboard now, and if not, why. */
export type ChangesAllowed = ActorView['changes'];
