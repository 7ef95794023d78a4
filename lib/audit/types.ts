import type { SourceInfo } from '../model/types';

/**
 * An audit of a cluster's PodSecurityPolicies and the RBAC that grants them: findings with their
 * evidence and, where the mutation API can do it, the fix as a request. Plain JSON throughout, so
 * the same report is the API's answer, the page's props and the exports' input.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AuditRuleId =
  | 'privileged-psp-broad-grant'
  | 'privileged-psp-every-default-sa'
  | 'shadowed-restrictive-psp'
  | 'workload-refused'
  | 'dangling-reference'
  | 'wildcard-use-grant'
  | 'unused-psp'
  | 'no-psp-api'
  | 'incomplete-read';

/**
 * One piece of evidence. For grants it is the chain subject → binding → role → rule, each an object
 * key (`Kind/namespace/name`); for other findings it names the objects involved.
 */
export interface Evidence {
  /** The chain or the fact in one line, for people and exports. */
  text: string;
  subject?: string;
  binding?: string;
  role?: string;
  /** Index of the granting rule in the role's `rules`. */
  ruleIndex?: number;
  /** That rule as RBAC spells it: `use on podsecuritypolicies in policy [eks.privileged]`. */
  rule?: string;
  /** That rule in a person's words: `rule 1 allows use of PSP eks.privileged`. */
  ruleInWords?: string;
  psp?: string;
  /** Other objects the evidence is about (workloads, namespaces). */
  objects?: string[];
}

/** A request the mutation API accepts (previewed with ?dryRun=true before it is applied). */
export interface FixRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

export interface FixImpact {
  /** Workloads admitted now that would be refused once the fix is applied (their next pods fail). */
  refusedAfter: string[];
  /** Workloads whose pods would get another PSP than now. */
  changedPsp: string[];
}

export interface Fix {
  description: string;
  request: FixRequest;
  /** The same change as a kubectl command, for whoever applies fixes outside the dashboard (auditors hand them on). */
  kubectl?: string;
  /** What the fix does to the workloads' admission, simulated on the model with the fix applied. */
  impact?: FixImpact;
}

export interface Finding {
  /** Stable across runs on the same cluster: the rule and the objects it is about. */
  id: string;
  rule: AuditRuleId;
  severity: Severity;
  title: string;
  detail: string;
  evidence: Evidence[];
  fix?: Fix;
}

export interface AuditOptions {
  /**
   * kube-controller-manager's --use-service-account-credentials (default true, as kubeadm and EKS
   * run it); false makes every controller the single user system:kube-controller-manager.
   */
  useServiceAccountCredentials?: boolean;
  /** The report's timestamp (passed in, so the audit stays a pure function). */
  now?: Date;
  /** Simulate each grant-removing fix to report the workloads it would break (default true). */
  simulateFixImpact?: boolean;
  /** At most this many evidence items per finding (default 20); the rest are counted. */
  maxEvidence?: number;
}

export interface AuditReport {
  generatedAt?: string;
  source: SourceInfo;
  useServiceAccountCredentials: boolean;
  /** Findings per severity. */
  summary: Record<Severity, number>;
  workloads: { simulated: number; refused: number };
  /** Sorted by severity, then by rule (grants, admission, hygiene), then by title. */
  findings: Finding[];
}
