import type { ClusterModel, SourceInfo } from '../../model/types';
import type { Change, ChangeResult } from '../../plan/change';
import type { NetChanges } from '../../plan/in-memory';
import type { Identity, KubeConnection } from '../kube/connection';

export interface PendingChanges {
  /** The plans applied to the in-memory copy, in order. */
  history: { summary: string; at: string; operations: number }[];
  /** What they amount to, object by object. */
  changes: NetChanges;
}

/**
 * What a view reads: `policy` is PSPs, RBAC, ServiceAccounts and Namespaces (graph, tree, PSP table,
 * object details); `workloads` is pods and the workload kinds (simulation, namespaces, and with
 * policy the audit). Without a scope, everything.
 */
export type RevisionScope = 'policy' | 'workloads';

/** What a source tells its subscribers: its model changed, or it was closed (nothing follows). */
export type SourceEvent = 'change' | 'closed';

/** Where the cluster model comes from. Every implementation reshapes raw objects through buildModel. */
export interface ClusterSource {
  info(): SourceInfo;
  /** The current model, from memory; throws AppError when the source cannot give a true picture. */
  readModel(): Promise<ClusterModel>;
  /**
   * Changes whenever what readModel would return changes (in `scope`'s part of it, when given); the
   * browser polls it to follow the cluster. Only grows.
   */
  revision(scope?: RevisionScope): number;
  /**
   * Plans and carries out a change: on a live cluster as `identity` (dry run first), on a file
   * source in its in-memory copy. With dryRun nothing is written.
   */
  applyChange(change: Change, opts: { dryRun: boolean; identity: Identity }): Promise<ChangeResult>;
  /** File sources: the changes made in memory, not yet in any cluster. */
  pending?(): PendingChanges;
  discardPending?(): void;
  /** File sources: take back one pending change (0-based), the others planned again. */
  undoPending?(index: number): Promise<void>;
  /** Live sources: settles when every kind's first list has ended, read or failed. */
  loaded?(): Promise<void>;
  /** Live sources: `listener` is told after each change the watches bring, and when the source closes; returns the unsubscribe. */
  subscribe?(listener: (event: SourceEvent) => void): () => void;
  /** Live sources: the API server connection (to ask who a token belongs to, and what it may do). */
  connection?(): KubeConnection;
  close(): void;
}
