import type { KubeObject } from '../model/types';

/**
 * A change as a list of object operations, computed from the cluster model before anything is
 * written. The same plan is shown as a diff, dry-run on the API server, applied, or added to the
 * demo's pending changes.
 */
export interface PlanOperation {
  action: 'create' | 'update' | 'delete';
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  /** The object to write (create, update). */
  object?: KubeObject;
  /** The object as it is now (update, delete): the diff's left side, and the precondition. */
  before?: KubeObject;
}

export interface GuardrailRefusal {
  /** The request field that acknowledges the risk. */
  field: 'acknowledgeRisk';
  reason: string;
}

export interface Plan {
  /** One line for humans: "attach PSP restricted to Group system:authenticated". */
  summary: string;
  operations: PlanOperation[];
  /** Things the user should know that do not block the change (foreign bindings, more power). */
  warnings: string[];
  /** Nothing to do: the cluster is already as asked. */
  noop?: string;
  /** Facts about the plan's effect that are no warning (which pods a new PSP would admit, …). */
  notes?: string[];
  /**
   * The `Warning:` texts the API server is predicted to answer to these writes (lib/pss's
   * relabelWarnings for a namespace label change), shown next to what its dry run really answers.
   */
  predictedServerWarnings?: string[];
}

export const RBAC_API = 'rbac.authorization.k8s.io/v1';
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const PSP_API = 'policy/v1beta1';

/** What psp-util writes, kept exactly so that clusters managed by the CLI and by us agree. */
export const PSP_UTIL_ANNOTATION = 'psp-util.k8s.jlandowner.com/psp';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'psp-dashboard';

export function managedName(psp: string): string {
  return `psp-util.${psp}`;
}

/** Whether a binding (by key `Kind/namespace/name` or by name) is the one psp-util manages for `psp`. */
export function isManagedBindingFor(binding: string, psp: string): boolean {
  return binding.split('/').pop() === managedName(psp);
}
