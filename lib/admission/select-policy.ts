import type { Psp } from '../model/types';
import { compareNames } from '../rbac/grants';
import { diffObjects, semanticEqual, type Mutation } from './diff';
import { formatFieldError, type FieldError } from './field-error';
import type { Pod } from './pod';
import { mutatePod, validatePod } from './provider';
import { buildStrategies } from './strategies';

/**
 * The admission plugin's choice (computeSecurityContext): every PSP in byte-wise name order is
 * applied to a copy of the pod and validated; authorization is asked only of PSPs that pass; the
 * first authorized PSP that leaves the pod unchanged wins, else the first authorized one that
 * changes it, else the pod is refused with the errors of the authorized PSPs only.
 */

export const PSP_ANNOTATION = 'kubernetes.io/psp';

export type Verdict =
  /** Chosen: the pod gets this PSP's name in `kubernetes.io/psp`. */
  | 'chosen'
  /** Its strategies could not be built; the plugin skips it (and logs only). */
  | 'invalid-policy'
  /** It refuses the pod (errors recorded). */
  | 'rejects'
  /** It would change the pod, and the phase allows no change (Validate, or after a webhook). */
  | 'mutation-not-allowed'
  /** It would admit the pod, but neither the service account nor the requester may use it. */
  | 'not-authorized'
  /** It admits the pod unchanged, but an earlier (by name) authorized PSP also does. */
  | 'earlier-non-mutating-won'
  /** It admits the pod after defaulting, but another authorized PSP was preferred. */
  | 'preferred-other';

export interface PolicyEvaluation {
  psp: string;
  verdict: Verdict;
  /** Whether the PSP changes the pod (for PSPs that admit it). */
  mutated?: boolean;
  authorized?: boolean;
  errors: string[];
  fieldErrors?: FieldError[];
  mutations?: Mutation[];
  /** Why it was or was not chosen, in a sentence. */
  reason: string;
}

export interface SelectionInput {
  pod: Pod;
  namespace: string;
  psps: Psp[];
  isAuthorized: (pspName: string) => boolean;
  /** true in Admit (CREATE); false in Validate (UPDATE, or re-validation after mutating webhooks). */
  mutationAllowed?: boolean;
  /** Diff every admitting PSP's mutations (default true); false diffs only the chosen one's (bulk simulation). */
  diffEveryPolicy?: boolean;
  /**
   * What applying and validating each PSP gave for this same pod and these same PSPs in an earlier
   * call, to reuse (filled when empty): it does not depend on authorization, so a bulk simulation
   * checks one pod shape against the PSPs once for all the identities and namespaces it runs under.
   */
  checked?: PolicyChecks;
}

/** Each PSP's strategies, and what applying and validating it did to one pod (see SelectionInput.checked). */
export interface PolicyChecks {
  built?: { psp: Psp; r: ReturnType<typeof buildStrategies> }[];
  /** `errors`: the field errors as the API server words them (shared by the evaluations of every case of this pod: read, do not change). */
  byPsp: Map<string, Check>;
}

/** What applying and validating one PSP did to the pod; `diff`, what it changed, once asked. */
type Check = { pod: Pod; copy: Pod; fieldErrors: FieldError[]; errors: string[]; mutated: boolean; diff?: Mutation[] };

const diffOf = (check: Check): Mutation[] => (check.diff ??= diffObjects(check.pod, check.copy));

export interface SelectionResult {
  allowed: boolean;
  /** The PSP written to `kubernetes.io/psp`. */
  psp?: string;
  /** The admitted pod, `kubernetes.io/psp` included. */
  pod?: Pod;
  /** What the chosen PSP changed (the annotation the plugin adds is not listed). */
  mutations: Mutation[];
  /** The field errors of authorized PSPs, when refused. */
  errors: string[];
  /** The whole refusal, as the API server words it (`pods "x" is forbidden: …`). */
  message?: string;
  evaluations: PolicyEvaluation[];
}

function podDisplayName(pod: Pod): string {
  return pod.metadata.name || pod.metadata.generateName || '';
}

export function selectPolicy(input: SelectionInput): SelectionResult {
  const { pod, isAuthorized } = input;
  const mutationAllowed = input.mutationAllowed ?? true;
  const hint = mutationAllowed ? undefined : pod.metadata.annotations?.[PSP_ANNOTATION];
  const strategies = () => [...input.psps].sort((a, b) => {
    if (hint !== undefined) {
      if (a.metadata.name === hint && b.metadata.name !== hint) return -1;
      if (b.metadata.name === hint && a.metadata.name !== hint) return 1;
    }
    return compareNames(a.metadata.name, b.metadata.name);
  }).map((psp) => ({ psp, r: buildStrategies(psp) }));
  const evaluations: PolicyEvaluation[] = [];
  const built = (input.checked && hint === undefined ? (input.checked.built ??= strategies()) : undefined) ?? strategies();
  for (const { psp, r } of built) {
    if (!r.ok) evaluations.push({ psp: psp.metadata.name, verdict: 'invalid-policy', errors: [r.error], reason: `its strategies cannot be built (${r.error}); the plugin skips it` });
  }
  const providers = built.flatMap(({ r }) => (r.ok ? [r.strategies] : []));
  const refuse = (msg: string, errors: string[]): SelectionResult => ({
    allowed: false, mutations: [], errors, evaluations,
    message: `pods ${JSON.stringify(podDisplayName(pod))} is forbidden: PodSecurityPolicy: ${msg}`,
  });
  if (providers.length === 0) return refuse('no providers available to validate pod request', []);

  type Candidate = { name: string; pod: Pod; evaluation: PolicyEvaluation; check: Check };
  let firstMutating: Candidate | undefined;
  let chosen: Candidate | undefined;
  const authorizedCache = new Map<string, boolean>();
  const authorized = (name: string) => {
    if (!authorizedCache.has(name)) authorizedCache.set(name, isAuthorized(name));
    return authorizedCache.get(name)!;
  };
  for (const st of providers) {
    const name = st.name;
    let check = input.checked?.byPsp.get(name);
    if (!check) {
      const copy = mutatePod(st, pod);
      const fieldErrors = validatePod(st, copy);
      check = { pod, copy, fieldErrors, errors: fieldErrors.map(formatFieldError), mutated: fieldErrors.length === 0 && !semanticEqual(pod, copy) };
      input.checked?.byPsp.set(name, check);
    }
    const { copy, fieldErrors, mutated } = check;
    if (fieldErrors.length > 0) {
      evaluations.push({ psp: name, verdict: 'rejects', fieldErrors, errors: check.errors, reason: 'it refuses the pod' });
      continue;
    }
    const mutations = mutated && input.diffEveryPolicy !== false ? diffOf(check) : [];
    const evaluation: PolicyEvaluation = { psp: name, verdict: 'preferred-other', mutated, errors: [], mutations, reason: '' };
    evaluations.push(evaluation);
    if (chosen) {
      evaluation.verdict = mutated ? 'preferred-other' : 'earlier-non-mutating-won';
      evaluation.reason = `${chosen.name} admits the pod unchanged and comes first by name`;
      continue;
    }
    if (mutated && !mutationAllowed) {
      evaluation.verdict = 'mutation-not-allowed';
      evaluation.reason = 'it would change the pod, and this phase allows no change';
      continue;
    }
    evaluation.authorized = authorized(name);
    if (!evaluation.authorized) {
      evaluation.verdict = 'not-authorized';
      evaluation.reason = "it admits the pod, but neither the pod's service account nor the requester may use it";
      continue;
    }
    if (!mutated) {
      chosen = { name, pod: copy, evaluation, check };
      continue;
    }
    if (!firstMutating) firstMutating = { name, pod: copy, evaluation, check };
    else {
      evaluation.reason = `${firstMutating.name} also admits the pod after defaulting and comes first by name`;
    }
  }
  const winner = chosen ?? firstMutating;
  if (winner) {
    winner.evaluation.verdict = 'chosen';
    winner.evaluation.reason = chosen
      ? 'the first authorized PSP (by name) that admits the pod unchanged'
      : 'no authorized PSP admits the pod unchanged; this is the first authorized one (by name) that admits it after defaulting';
    if (chosen && firstMutating) {
      firstMutating.evaluation.reason = `it would admit the pod after defaulting, but ${chosen.name} admits it unchanged, and that takes precedence`;
    }
    const out: Pod = { ...winner.pod, metadata: { ...winner.pod.metadata, annotations: { ...(winner.pod.metadata.annotations ?? {}), [PSP_ANNOTATION]: winner.name } } };
    if (winner.evaluation.mutated && !winner.evaluation.mutations?.length) winner.evaluation.mutations = diffOf(winner.check);
    return { allowed: true, psp: winner.name, pod: out, mutations: winner.evaluation.mutations ?? [], errors: [], evaluations };
  }
  // The plugin iterates a Go map here, so the order of PSPs in the message is not deterministic.
  const errors = evaluations.filter((e) => e.verdict === 'rejects' && authorized(e.psp)).flatMap((e) => e.errors);
  for (const e of evaluations) if (e.verdict === 'rejects') e.authorized = authorized(e.psp);
  return refuse(`${mutationAllowed ? 'unable to admit pod' : 'unable to validate pod'}: [${errors.join(' ')}]`, errors);
}
