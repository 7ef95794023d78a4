/**
 * A stalling API server during a change, on a real kube-apiserver v1.24: the server is frozen
 * (SIGSTOP) at each step of a two-write plan — before the first write, between the writes, after
 * the last — and thawed while the dashboard reads back, or only after it answered. Each time, what
 * the answer says about each object must be what the cluster then holds, and no state may be more
 * permissive than before or after the plan (a binding whose role is gone revives on the next attach).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { KubeConnection, OWN_IDENTITY } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { applyChangeLive, type ApplyHooks, type ApplyLimits } from '../lib/server/apply';
import { attachChange, cleanChange } from '../lib/plan/requests';
import { managedStateFromModel, planAttach, planClean } from '../lib/plan/attach';
import type { PlanOperation } from '../lib/plan/types';
import { isAppError, type AppError } from '../lib/errors';
import type { ChangeResult } from '../lib/plan/change';
import { clusterAvailable, until } from './support';

const run = clusterAvailable('1.24');

// Short limits so that each scenario takes seconds: requests give up after 1.5 s, the writes of an
// attempt after 6 s, and reading back gets at least 8 s.
const LIMITS: ApplyLimits = { requestTimeoutMs: 1_500, budgetMs: 6_000, recoveryMinMs: 8_000 };

type State = 'present' | 'absent';

describe.runIf(run)('changes while the API server freezes, on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let conn: KubeConnection;
  let live: LiveSource;
  let pid = 0;
  let frozen = false;

  const freeze = () => {
    process.kill(pid, 'SIGSTOP');
    frozen = true;
  };
  const thaw = () => {
    if (frozen) process.kill(pid, 'SIGCONT');
    frozen = false;
  };

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24' });
    pid = Number(execFileSync('pgrep', ['-f', `kube-apiserver.*--cert-dir=${cluster.dir}`], { encoding: 'utf8' }).trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    conn = KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'admin' });
    live = new LiveSource(conn, false);
    await live.start();
  });

  afterAll(async () => {
    thaw();
    live?.close();
    await cluster?.stop();
  });

  async function createPsp(name: string) {
    const res = await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies', {
      metadata: { name },
      spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['configMap', 'secret'] },
    });
    expect(res.status).toBe(201);
    await until(`the live cache to see PSP ${name}`, 10_000, async () => ((await live.readModel()).psps.some((p) => p.metadata.name === name) ? true : undefined));
  }

  async function stateOf(psp: string): Promise<{ role: State; binding: State }> {
    const get = async (path: string): Promise<State> => ((await cluster.request('admin', 'GET', path)).status === 200 ? 'present' : 'absent');
    return {
      role: await get(`/apis/rbac.authorization.k8s.io/v1/clusterroles/psp-util.${psp}`),
      binding: await get(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/psp-util.${psp}`),
    };
  }

  /** Attach as admin with hooks; returns the result or the error, after the server is thawed. */
  async function attachWith(psp: string, hooks: ApplyHooks): Promise<{ result?: ChangeResult; error?: AppError }> {
    try {
      const result = await applyChangeLive(conn, OWN_IDENTITY, () => live.readModel(), attachChange({ psp, subjects: [{ kind: 'Group', name: `${psp}-team` }] }), { dryRun: false }, LIMITS, hooks);
      return { result };
    } catch (e) {
      if (!isAppError(e)) throw e;
      return { error: e };
    } finally {
      thaw();
    }
  }

  /** The answer's account of each object, as present/absent (unknown stays unknown). */
  function claimed(error: AppError): Record<string, string> {
    const objects = (error.details?.objects ?? []) as { kind: string; action: string; state: string }[];
    return Object.fromEntries(objects.map((o) => [o.kind, o.state === 'as-before' ? (o.action === 'create' ? 'absent' : 'present') : o.state === 'as-written' ? (o.action === 'create' ? 'present' : 'absent') : o.state]));
  }

  function checkNotMorePermissive(s: { role: State; binding: State }) {
    // The plan goes from nothing to role + binding: a binding without its role is neither, and dangerous.
    expect(s.binding === 'present' && s.role === 'absent', 'a binding left without its role').toBe(false);
  }

  it('frozen before the first write, thawed while reading back: the answer matches the cluster', async () => {
    await createPsp('freeze-first');
    let thawTimer: NodeJS.Timeout | undefined;
    const { result, error } = await attachWith('freeze-first', {
      beforeWrite: (i) => {
        if (i !== 0) return;
        freeze();
        thawTimer = setTimeout(thaw, 3_000);
      },
    });
    clearTimeout(thawTimer);
    const now = await stateOf('freeze-first');
    checkNotMorePermissive(now);
    if (result) {
      expect(now).toEqual({ role: 'present', binding: 'present' });
    } else {
      expect(error!.code).toBe('unreachable');
      expect(error!.message).toMatch(/Read back from the API server/);
      const says = claimed(error!);
      expect(says.ClusterRole).toBe(now.role);
      if (now.role === 'absent') expect(error!.message).toMatch(/nothing of this change remains: the cluster is as before/);
    }
  });

  it('frozen between the writes, thawed while reading back: what was written is verified, undone newest first, and said', async () => {
    await createPsp('freeze-between');
    let thawTimer: NodeJS.Timeout | undefined;
    const { result, error } = await attachWith('freeze-between', {
      beforeWrite: (i) => {
        if (i !== 1) return;
        freeze();
        thawTimer = setTimeout(thaw, 3_000);
      },
    });
    clearTimeout(thawTimer);
    expect(result).toBeUndefined();
    const now = await stateOf('freeze-between');
    checkNotMorePermissive(now);
    const says = claimed(error!);
    expect(says).toEqual({ ClusterRole: now.role, ClusterRoleBinding: now.binding });
    // The server answered within the read-back time, so everything could be undone.
    expect(now).toEqual({ role: 'absent', binding: 'absent' });
    expect(error!.message).toMatch(/nothing of this change remains: the cluster is as before/);
  });

  it('frozen after the last write: the change is reported done, as it is', async () => {
    await createPsp('freeze-after');
    const { result, error } = await attachWith('freeze-after', { afterWrite: (i) => (i === 1 ? freeze() : undefined) });
    expect(error).toBeUndefined();
    expect(result!.performed.map((p) => p.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(await stateOf('freeze-after')).toEqual({ role: 'present', binding: 'present' });
  });

  it('frozen between the writes for longer than the dashboard waits: it says what it cannot know and undoes nothing blindly', async () => {
    await createPsp('freeze-long');
    const t0 = Date.now();
    const { error } = await attachWith('freeze-long', { beforeWrite: (i) => (i === 1 ? freeze() : undefined) });
    const took = Date.now() - t0;
    // Bounded: the writes' budget plus the read-back time, and a little.
    expect(took).toBeLessThan(LIMITS.budgetMs + LIMITS.recoveryMinMs + 2 * LIMITS.requestTimeoutMs + 5_000);
    expect(error!.code).toBe('unreachable');
    const objects = error!.details!.objects as { kind: string; state: string }[];
    expect(objects.map((o) => `${o.kind} ${o.state}`)).toEqual(['ClusterRole unknown', 'ClusterRoleBinding unknown']);
    expect(error!.message).toMatch(/kubectl get clusterrole psp-util\.freeze-long -o yaml; kubectl get clusterrolebinding psp-util\.freeze-long -o yaml/);
    expect(error!.message).not.toMatch(/as before/);
    // Once the server is back: the role the first write made is still there (it was not deleted
    // under a binding that may land), so whatever the binding did, nothing is left dangling.
    await until('the API server to answer again', 20_000, async () => ((await cluster.request('admin', 'GET', '/readyz')).status === 200 ? true : undefined));
    const now = await stateOf('freeze-long');
    expect(now.role).toBe('present');
    checkNotMorePermissive(now);
  });

  it('a write refused mid-plan (someone else made the binding): the role is undone and verified, and the retry will not revive their subjects unasked', async () => {
    await createPsp('raced');
    const { error } = await attachWith('raced', {
      beforeWrite: async (i) => {
        if (i !== 1) return;
        const res = await cluster.request('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
          metadata: { name: 'psp-util.raced' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp-util.raced' },
          subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'someone-elses-team' }],
        });
        expect(res.status).toBe(201);
      },
    });
    // The conflict undid the role (verified), re-planned on the fresh state, and found a binding
    // whose role is missing: creating the role would hand the PSP to someone-elses-team.
    expect(error!.code).toBe('conflict');
    expect(error!.message).toMatch(/ClusterRole psp-util\.raced is missing, but bindings to it remain: ClusterRoleBinding psp-util\.raced \(Group someone-elses-team\)/);
    expect(await stateOf('raced')).toEqual({ role: 'absent', binding: 'present' });
  });

  it('clean frozen between its deletes and thawed: the answer matches, and the binding never outlives its role', async () => {
    const ok = await applyChangeLive(conn, OWN_IDENTITY, () => live.readModel(), attachChange({ psp: 'freeze-after', subjects: [{ kind: 'Group', name: 'more' }] }), { dryRun: false }, LIMITS);
    expect(ok.performed.length).toBe(1);
    await until('the live cache to see the binding', 10_000, async () => ((await live.readModel()).clusterRoleBindings.find((b) => b.metadata.name === 'psp-util.freeze-after')?.subjects.length === 2 ? true : undefined));
    let thawTimer: NodeJS.Timeout | undefined;
    let error: AppError | undefined;
    try {
      await applyChangeLive(conn, OWN_IDENTITY, () => live.readModel(), cleanChange('freeze-after'), { dryRun: false }, LIMITS, {
        beforeWrite: (i) => {
          if (i !== 1) return;
          freeze();
          thawTimer = setTimeout(thaw, 3_000);
        },
      });
    } catch (e) {
      error = e as AppError;
    } finally {
      clearTimeout(thawTimer);
      thaw();
    }
    const now = await stateOf('freeze-after');
    checkNotMorePermissive(now);
    if (error) {
      const says = claimed(error);
      // delete operations: as-written means gone, as-before means still there
      expect(says.ClusterRoleBinding === 'absent' ? 'absent' : 'present').toBe(now.binding);
      expect(says.ClusterRole === 'absent' ? 'absent' : 'present').toBe(now.role);
    } else {
      expect(now).toEqual({ role: 'absent', binding: 'absent' });
    }
  });
  it('a plan of several changes writes every grant before any removal, whatever order it was planned in', async () => {
    await createPsp('order-old');
    await createPsp('order-new');
    await applyChangeLive(conn, OWN_IDENTITY, () => live.readModel(), attachChange({ psp: 'order-old', subjects: [{ kind: 'Group', name: 'order-team' }] }), { dryRun: false }, LIMITS);
    await until('the live cache to see the old grant', 10_000, async () => ((await live.readModel()).clusterRoleBindings.some((b) => b.metadata.name === 'psp-util.order-old') ? true : undefined));
    // Planned removal first: the team moves from order-old to order-new.
    const move = {
      plan: (model: Parameters<typeof planClean>[0]) => {
        const clean = planClean(model, 'order-old');
        const attach = planAttach({ psp: 'order-new', subjects: [{ kind: 'Group', name: 'order-team' }] }, managedStateFromModel(model, 'order-new'));
        if ('refused' in attach) throw new Error(attach.refused.reason);
        return { summary: 'move order-team to order-new', warnings: [], operations: [...clean.operations, ...attach.operations] };
      },
    };
    const written: PlanOperation[] = [];
    const result = await applyChangeLive(conn, OWN_IDENTITY, () => live.readModel(), move, { dryRun: false }, LIMITS, { beforeWrite: (_i, op) => void written.push(op) });
    expect(written.map((o) => `${o.action} ${o.kind} ${o.name}`)).toEqual([
      'create ClusterRole psp-util.order-new',
      'create ClusterRoleBinding psp-util.order-new',
      'delete ClusterRoleBinding psp-util.order-old',
      'delete ClusterRole psp-util.order-old',
    ]);
    expect(result.performed.map((p) => p.action)).toEqual(['create', 'create', 'delete', 'delete']);
    expect(await stateOf('order-new')).toEqual({ role: 'present', binding: 'present' });
    expect(await stateOf('order-old')).toEqual({ role: 'absent', binding: 'absent' });
  });
});
