import 'server-only';
import { randomBytes } from 'node:crypto';

/** Who a bearer token belongs to, as the API server's TokenReview (or SelfSubjectReview) says. */
export interface Person {
  user: string;
  groups: string[];
}

export interface Session {
  id: string;
  /** The person's bearer token: kept here only, never sent to the browser, never logged. */
  token: string;
  person: Person;
  createdAt: number;
  lastUsedAt: number;
  /** When the token was last confirmed by the API server. */
  checkedAt: number;
  expiresAt: number;
}

export interface SessionLimits {
  /** A session ends this long after sign-in, used or not. */
  absoluteMs: number;
  /** …or after this long without a request. */
  idleMs: number;
  /** At most this many sessions at once; the least recently used goes first. */
  max: number;
}

/** Eight hours at most (a working day), one hour idle. */
export const SESSION_LIMITS: SessionLimits = { absoluteMs: 8 * 3600_000, idleMs: 3600_000, max: 1000 };

/**
 * Sign-ins of this server process, in memory. Ids are 256 random bits, so a cookie of another
 * server (or of this one before a restart) names nothing here.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly limits: SessionLimits = SESSION_LIMITS, private readonly now: () => number = Date.now) {}

  create(token: string, person: Person): Session {
    this.prune();
    while (this.sessions.size >= this.limits.max) {
      let oldest: Session | undefined;
      for (const s of this.sessions.values()) if (!oldest || s.lastUsedAt < oldest.lastUsedAt) oldest = s;
      this.sessions.delete(oldest!.id);
    }
    const t = this.now();
    const session: Session = { id: randomBytes(32).toString('base64url'), token, person, createdAt: t, lastUsedAt: t, checkedAt: t, expiresAt: t + this.limits.absoluteMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, touched; undefined when unknown, expired or idle too long. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const t = this.now();
    if (t >= s.expiresAt || t - s.lastUsedAt >= this.limits.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastUsedAt = t;
    return s;
  }

  /** Sign-out, or a token the API server no longer accepts. */
  delete(id: string | undefined): boolean {
    return !!id && this.sessions.delete(id);
  }

  markChecked(id: string): void {
    const s = this.sessions.get(id);
    if (s) s.checkedAt = this.now();
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune() {
    const t = this.now();
    for (const s of this.sessions.values()) if (t >= s.expiresAt || t - s.lastUsedAt >= this.limits.idleMs) this.sessions.delete(s.id);
  }
}

/** The process's one store (on globalThis: route handlers and pages may be separate bundles). */
const holder = globalThis as unknown as { __pspdSessions?: SessionStore };
export function sessionStore(): SessionStore {
  holder.__pspdSessions ??= new SessionStore();
  return holder.__pspdSessions;
}
