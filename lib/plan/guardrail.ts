import type { Psp, Subject } from '../model/types';
import { privilegedSettings } from '../psp/privileged-settings';
import { describeSubject } from './subjects';
import type { GuardrailRefusal } from './types';

/** Controllers that create pods: a grant to their identity reaches every pod they create, in every namespace. */
export const POD_CREATING_CONTROLLERS = [
  'replicaset-controller', 'replication-controller', 'daemon-set-controller', 'statefulset-controller', 'job-controller', 'cronjob-controller', 'persistent-volume-binder',
];

/**
 * Why granting to this subject reaches far beyond it, or null. `namespace` is the grant's scope
 * (undefined: cluster-wide).
 */
export function broadSubjectReason(subject: Subject, namespace: string | undefined): string | null {
  const where = namespace ? `in namespace ${namespace}` : 'in every namespace';
  if (subject.kind === 'Group') {
    switch (subject.name) {
      case 'system:authenticated':
        return `every authenticated user and every controller, so every Deployment, DaemonSet and Job ${where} could run pods with it`;
      case 'system:unauthenticated':
        return `anonymous requests ${where}`;
      case 'system:serviceaccounts':
        return `every service account, so every pod ${where} could use it`;
      case 'system:serviceaccounts:kube-system':
        // The group holds the pod-creating controllers (replicaset-controller, job-controller, …), which
        // are the requesters of every workload's pods: a grant to it in namespace X reaches every
        // workload of X. Only kube-system's own grant stays narrow (its controllers' pods live there).
        if (namespace === 'kube-system') return null;
        return `the service accounts of kube-system, which include the controllers that create pods for every Deployment, DaemonSet, StatefulSet and Job ${namespace ? `of namespace ${namespace}` : 'in the cluster'}`;
    }
    return null;
  }
  // The user of every anonymous request (when --anonymous-auth is on); the same reach as its group.
  if (subject.kind === 'User' && subject.name === 'system:anonymous') return `anonymous requests ${where}`;
  const controller =
    subject.kind === 'ServiceAccount' && subject.namespace === 'kube-system' && POD_CREATING_CONTROLLERS.includes(subject.name)
      ? subject.name
      : subject.kind === 'User' && subject.name.startsWith('system:serviceaccount:kube-system:')
        ? subject.name.split(':').pop()!
        : undefined;
  if (controller && POD_CREATING_CONTROLLERS.includes(controller)) {
    return `${controller}, which creates the pods of every workload of its kind ${where}: every such workload could then run pods with it`;
  }
  if (subject.kind === 'User' && subject.name === 'system:kube-controller-manager') {
    return `the controller manager's own identity, which creates every controller's pods when it runs without --use-service-account-credentials`;
  }
  return null;
}

/** A refusal when a privileged PSP would go to a broad subject without acknowledgement. */
export function guardrail(psp: Psp, subject: Subject, namespace: string | undefined, acknowledged: boolean): GuardrailRefusal | null {
  if (acknowledged) return null;
  const critical = privilegedSettings(psp.spec ?? {}).filter((s) => s.severity === 'critical');
  if (critical.length === 0) return null;
  const broad = broadSubjectReason(subject, namespace);
  if (!broad) return null;
  return {
    field: 'acknowledgeRisk',
    reason:
      `PodSecurityPolicy ${psp.metadata.name} allows ${critical.map((s) => `${s.field}: ${s.value}`).join(', ')}. ` +
      `Granting it to ${describeSubject(subject)} reaches ${broad}. Send "acknowledgeRisk": true to do it anyway.`,
  };
}
