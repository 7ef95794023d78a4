import { serviceAccountUser } from '../model/keys';
import type { WorkloadKind } from '../model/types';

/**
 * The identities the PSP admission plugin asks the authorizer about: the pod's service account, and
 * the requester (a user, or the controller that creates a workload's pods).
 */

export interface Identity {
  user: string;
  groups: string[];
}

export const AUTHENTICATED = 'system:authenticated';
export const MASTERS = 'system:masters';

/**
 * The pod's service account as the plugin builds it (serviceaccount.UserInfo): the two service
 * account groups and NOT system:authenticated, which only the request authenticator adds.
 */
export function podServiceAccountIdentity(namespace: string, name: string): Identity {
  return { user: serviceAccountUser(namespace, name), groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
}

/** A service account authenticating with its token (a requester): its groups plus system:authenticated. */
export function serviceAccountRequesterIdentity(namespace: string, name: string): Identity {
  return { user: serviceAccountUser(namespace, name), groups: [...podServiceAccountIdentity(namespace, name).groups, AUTHENTICATED] };
}

/** An authenticated (or impersonated) user: the authenticator adds system:authenticated. */
export function userIdentity(user: string, groups: string[] = []): Identity {
  return { user, groups: groups.includes(AUTHENTICATED) ? [...groups] : [...groups, AUTHENTICATED] };
}

/** Which controller creates the pods of a workload kind (Deployments and CronJobs through their ReplicaSets and Jobs). */
export const POD_CREATING_CONTROLLER: Partial<Record<WorkloadKind, string>> = {
  Deployment: 'replicaset-controller',
  ReplicaSet: 'replicaset-controller',
  ReplicationController: 'replication-controller',
  StatefulSet: 'statefulset-controller',
  DaemonSet: 'daemon-set-controller',
  Job: 'job-controller',
  CronJob: 'job-controller',
};

export interface ControllerOptions {
  /**
   * kube-controller-manager's --use-service-account-credentials (kubeadm sets it; the binary's
   * default is false, and then every controller is the one user system:kube-controller-manager).
   */
  useServiceAccountCredentials?: boolean;
}

/** The requester PSP sees for a workload's pods; undefined for a bare Pod (its author is the requester). */
export function controllerIdentity(kind: WorkloadKind, opts: ControllerOptions = {}): Identity | undefined {
  const controller = POD_CREATING_CONTROLLER[kind];
  if (!controller) return undefined;
  if (opts.useServiceAccountCredentials === false) return userIdentity('system:kube-controller-manager');
  return serviceAccountRequesterIdentity('kube-system', controller);
}

/** A kubelet, which creates the mirror pods of static pods (they have no service account). */
export function nodeIdentity(nodeName: string): Identity {
  return { user: `system:node:${nodeName}`, groups: ['system:nodes', AUTHENTICATED] };
}
