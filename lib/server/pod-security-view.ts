import 'server-only';
import { AppError } from '../errors';
import { parseKey } from '../model/keys';
import type { ClusterModel } from '../model/types';
import type { Pod } from '../admission/pod';
import { buildBoard, type Board } from '../pss/board';
import { outcomesOf } from '../pss/psp-outcomes';
import { analysisOf } from './workload-analysis';
import { boardCsv, boardMarkdown } from '../pss/board-export';
import { buildChecklist } from '../pss/checklist';
import type { PssConfiguration } from '../pss/config';
import { checkMessages, evaluatePod, podTemplateOf } from '../pss/evaluate';
import { namespacePolicy } from '../pss/labels';
import { normalizeForServer } from '../pss/normalize';
import { NEWEST_KNOWN_MINOR, serverMinorOf, type PssVersion } from '../pss/version';
import type { BoardQuery, PodSecurityCheckBody } from '../schemas/pod-security';
import { manifestOf } from './analysis-views';
import { podSecurityConfiguration } from './pod-security-config';
import type { ClusterSource } from './sources/source';

/**
 * The migration board and the one-pod check, computed from the source's current model. Models are
 * immutable and replaced on every change, so a board is computed once per model.
 */

/** The API server's minor: its version, else 24 where PSP is served (the last such minor), else the newest known. */
export function serverMinorOfModel(model: Pick<ClusterModel, 'source'>): number {
  const v = model.source.serverVersion;
  if (v) {
    try {
      return serverMinorOf(v);
    } catch {
      /* an unusual version string: fall through */
    }
  }
  return model.source.pspApiServed ? 24 : NEWEST_KNOWN_MINOR;
}

/** Per model, the board and the configuration it was computed with (a changed file gives a new one). */
const boards = new WeakMap<ClusterModel, { config: PssConfiguration; board: Board }>();

/** Whether this model's board is computed (and kept): what the background warm-up is for. */
export function boardComputedFor(model: ClusterModel): boolean {
  return boards.has(model);
}

async function currentBoard(source: ClusterSource): Promise<{ model: ClusterModel; board: Board }> {
  const model = await source.readModel();
  const config = podSecurityConfiguration(source);
  let cached = boards.get(model);
  if (cached?.config !== config) {
    // The PSP outcomes come from the simulation the audit and the namespaces view share.
    const outcomes = model.source.pspApiServed ? outcomesOf(analysisOf(source).simulate(model)) : undefined;
    cached = { config, board: buildBoard({ model, serverMinor: serverMinorOfModel(model), config, outcomes }) };
    boards.set(model, cached);
  }
  return { model, board: cached.board };
}

export async function podSecurityView(source: ClusterSource, q: BoardQuery = {}) {
  const { model, board } = await currentBoard(source);
  const rows = q.namespace ? board.namespaces.filter((r) => r.namespace === q.namespace) : board.namespaces;
  if (q.namespace && rows.length === 0) throw new AppError('not_found', `No namespace ${q.namespace} in this cluster`);
  return {
    serverVersion: model.source.serverVersion ?? null,
    serverMinor: board.serverMinor,
    pspApiServed: model.source.pspApiServed,
    latest: board.latest,
    checklist: buildChecklist(board, { pspApiServed: model.source.pspApiServed, psps: model.psps.length }),
    namespaces: rows,
  };
}

/** The board as a file: Markdown or CSV. */
export async function podSecurityExport(source: ClusterSource, format: 'markdown' | 'csv', namespace?: string): Promise<string> {
  const { model, board } = await currentBoard(source);
  const b = namespace ? { ...board, namespaces: board.namespaces.filter((r) => r.namespace === namespace) } : board;
  return format === 'csv' ? boardCsv(b) : boardMarkdown(b, model.source.serverVersion);
}

/** POST /api/v1/pod-security/check: one pod or template at a level and version, as this server's PodSecurity would judge it. */
export async function podSecurityCheck(source: ClusterSource, body: PodSecurityCheckBody) {
  const model = await source.readModel();
  const serverMinor = serverMinorOfModel(model);
  const config = podSecurityConfiguration(source);
  let object: { kind?: string; metadata?: { namespace?: string } | null } | undefined;
  if (body.workload) {
    const key = parseKey(body.workload);
    object = key ? model.workloads.find((w) => w.kind === key.kind && (w.metadata.namespace ?? '') === (key.namespace ?? '') && w.metadata.name === key.name) : undefined;
    if (!object) throw new AppError('not_found', `No workload ${body.workload} in this cluster`);
  } else {
    object = manifestOf(body.manifest!) as typeof object;
  }
  const template = podTemplateOf(object as never);
  if (!template) throw new AppError('invalid', `manifest: kind ${JSON.stringify(object?.kind ?? '')} carries no pod template (give a Pod, PodTemplate, ReplicationController, ReplicaSet, Deployment, DaemonSet, StatefulSet, Job or CronJob)`);
  const namespace = body.namespace ?? object?.metadata?.namespace ?? undefined;
  const nsObj = namespace ? model.namespaces.find((n) => n.metadata.name === namespace) : undefined;
  if (body.namespace && !nsObj && !body.level) throw new AppError('not_found', `No namespace ${body.namespace} in this cluster`);
  const enforce = namespacePolicy(nsObj?.metadata.labels, config, { serverMinor }).policy.enforce;
  const lv = { level: body.level ?? enforce.level, version: (body.version as PssVersion | undefined) ?? (body.level ? 'latest' : enforce.version) };
  const base = { serverMinor, level: lv.level, version: lv.version, namespace: namespace ?? null };
  if (namespace && config.exemptions.namespaces.includes(namespace)) return { ...base, allowed: true, exempt: 'namespace', checks: [] };
  const rc = (template.spec as { runtimeClassName?: string } | null | undefined)?.runtimeClassName;
  if (rc && config.exemptions.runtimeClasses.includes(rc)) return { ...base, allowed: true, exempt: 'runtimeClass', checks: [] };
  const pod = normalizeForServer({ apiVersion: 'v1', kind: 'Pod', metadata: { annotations: template.metadata?.annotations ?? undefined } as Pod['metadata'], spec: (template.spec ?? { containers: [] }) as Pod['spec'] }, serverMinor);
  const r = evaluatePod(pod, lv, { serverMinor });
  return { ...base, allowed: r.allowed, checks: checkMessages(r), ...(r.allowed ? {} : { message: `violates PodSecurity ${JSON.stringify(r.levelVersion)}: ${r.detail}` }) };
}
