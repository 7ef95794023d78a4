import 'server-only';
import { AppError, isAppError } from '../../errors';
import type { ClusterModel, SourceInfo } from '../../model/types';
import { authMode, readConfig, DEMO_SNAPSHOT, type ServerConfig } from '../config';
import { findKubeconfig, KubeConnection } from '../kube/connection';
import { cookieContext, headerContext, type RequestHeaders } from './context-selection';
import { ContextSources, type ContextListing } from './context-sources';
import { FileSource } from './file';
import { readKubeconfigContexts } from './kubeconfig-contexts';
import { LiveSource } from './live';
import type { ClusterSource } from './source';

/**
 * The process's sources: the start context's (opened at start), and with a kubeconfig of several
 * contexts the others', each opened on first use (context-sources.ts). Which one a request reads is
 * that request's input (its header or cookie, context-selection.ts), never a process-wide choice.
 * Kept on globalThis so that a dev-server reload (or a second copy of this module in another server
 * chunk) does not start a second set of watches.
 */
interface Sources {
  config: ServerConfig;
  start: ClusterSource;
  /** Only in kubeconfig auth mode with a kubeconfig file of two or more contexts. */
  contexts?: ContextSources;
  idleTimer?: NodeJS.Timeout;
}
const holder = globalThis as unknown as { __pspdSources?: Sources };

/** A source that could not be set up (an unreadable kubeconfig, an unknown context): every read says why. */
class FailedSource implements ClusterSource {
  constructor(readonly failure: AppError, private readonly config: ServerConfig) {}
  info(): SourceInfo {
    return { kind: this.config.source.kind === 'live' ? 'live' : 'snapshot', name: 'unavailable', pspApiServed: false, state: 'static', readOnly: true };
  }
  readModel(): Promise<ClusterModel> {
    return Promise.reject(this.failure);
  }
  revision() {
    return 0;
  }
  applyChange(): Promise<never> {
    return Promise.reject(this.failure);
  }
  close() {}
}

/** Why a source failed to open, if it is a FailedSource (by shape: see isAppError). */
function failureOf(source: ClusterSource): string | undefined {
  const failure = (source as Partial<FailedSource>).failure;
  return isAppError(failure) ? failure.message : undefined;
}

export function createSource(config: ServerConfig): ClusterSource {
  try {
    return openSource(config);
  } catch (e) {
    return new FailedSource(isAppError(e) ? e : new AppError('source_error', (e as Error).message), config);
  }
}

function openSource(config: ServerConfig): ClusterSource {
  switch (config.source.kind) {
    case 'snapshot':
      // Changes to a snapshot stay in memory as pending changes, exported for kubectl or GitOps.
      return new FileSource(config.source.path, 'snapshot', config.readOnly);
    case 'demo':
      return new FileSource(DEMO_SNAPSHOT, 'demo', config.readOnly,
        config.source.reason === 'no-kubeconfig' ? 'No kubeconfig was found, so the bundled demo cluster is shown.' : undefined);
    case 'live': {
      const live = new LiveSource(KubeConnection.load({ kubeconfig: config.source.kubeconfig, context: config.source.context }), config.readOnly);
      void live.start();
      return live;
    }
  }
}

/**
 * Another context's source. One that cannot be opened (its cluster or user missing from the file)
 * fails that context alone, as a 503 that says why: the dashboard itself is fine.
 */
function openContext(config: ServerConfig, context: string): ClusterSource {
  try {
    return openSource(config);
  } catch (e) {
    const reason = isAppError(e) ? e.message : (e as Error).message;
    return new FailedSource(new AppError('not_ready', `Kubeconfig context "${context}" cannot be opened: ${reason}`, { hint: 'Choose another context in the header.' }), config);
  }
}

/**
 * The contexts to switch between: only when changes are made as the kubeconfig's user (in-cluster,
 * sign-in and auth-proxy modes act as one person on one cluster) and the file names two or more.
 * A kubeconfig that cannot be read here already failed the start source, which says why.
 */
function openContexts(config: ServerConfig, start: ClusterSource): ContextSources | undefined {
  if (config.source.kind !== 'live' || authMode(config) !== 'kubeconfig') return undefined;
  const file = config.source.kubeconfig ?? findKubeconfig({});
  const startContext = start.connection?.().info.context;
  if (!file || !startContext) return undefined;
  let listed;
  try {
    listed = readKubeconfigContexts(file);
  } catch {
    return undefined;
  }
  if (listed.contexts.length < 2) return undefined;
  const kubeconfig = file;
  const open = (context: string) => openContext({ ...config, source: { kind: 'live', kubeconfig, context } }, context);
  return new ContextSources(listed.contexts, listed.current, startContext, start, open, failureOf);
}

function openSources(config: ServerConfig): Sources {
  const start = createSource(config);
  const contexts = openContexts(config, start);
  // Idle contexts are closed on each lookup, and every minute when nobody looks.
  const idleTimer = contexts ? setInterval(() => contexts.closeIdle(), 60_000).unref() : undefined;
  return { config, start, contexts, idleTimer };
}

function sources(): Sources {
  holder.__pspdSources ??= openSources(readConfig());
  return holder.__pspdSources;
}

export function getConfig(): ServerConfig {
  return sources().config;
}

/** The start context's source (the only one without a kubeconfig of several contexts). */
export function startSource(): ClusterSource {
  return sources().start;
}

/** The contexts the dashboard can switch between, or undefined when it shows one cluster. */
export function contextSources(): ContextSources | undefined {
  return sources().contexts;
}

/** The context the browser's picker selected (its cookie), when known; else the start context. */
export function selectedContext(headers: RequestHeaders): string | undefined {
  const contexts = contextSources();
  if (!contexts) return undefined;
  const chosen = cookieContext(headers);
  return chosen !== undefined && contexts.has(chosen) ? chosen : contexts.startContext;
}

/**
 * The context this request reads: the one its page shows (header), else the picker's (cookie), else
 * the start context. A header naming no context of the kubeconfig is a 400: the page is out of date.
 */
export function requestContext(headers: RequestHeaders): string | undefined {
  const contexts = contextSources();
  if (!contexts) return undefined;
  const shown = headerContext(headers);
  if (shown === undefined) return selectedContext(headers);
  if (!contexts.has(shown)) throw new AppError('invalid', `The kubeconfig has no context "${shown}": reload the page.`);
  return shown;
}

/** The source this request reads and writes (see requestContext). */
export function sourceOf(headers: RequestHeaders): ClusterSource {
  const context = requestContext(headers);
  return context === undefined ? startSource() : contextSources()!.get(context);
}

/**
 * Before a change: the page that sends it must still show the selected context. A preview made on
 * one context and applied after the picker switched (here or in another tab) is refused, so a
 * confirmation never lands on another cluster than the one it showed.
 */
export function checkContextUnchanged(headers: RequestHeaders): void {
  const shown = headerContext(headers);
  const selected = selectedContext(headers);
  if (shown === undefined || selected === undefined || shown === selected) return;
  throw new AppError('conflict', `This page was prepared on context "${shown}", but context "${selected}" is selected now: nothing was changed. Reload the page and review the change on "${selected}".`, { context: selected, pageContext: shown });
}

/** Whether `context` may be selected: a 400 when the dashboard shows one cluster, a 404 for a name the kubeconfig lacks. */
export function checkSelectable(context: string): void {
  const contexts = contextSources();
  if (!contexts) throw new AppError('invalid', 'This dashboard shows one cluster: contexts can be switched only when it runs with a kubeconfig of several contexts, as its user.');
  if (!contexts.has(context)) throw new AppError('not_found', `The kubeconfig has no context "${context}".`);
}

/** GET /api/v1/contexts: the contexts, the start and selected one, and each source's state. */
export function contextsView(headers: RequestHeaders): { switchable: boolean; selected?: string; contexts: (ContextListing & { selected: boolean })[] } {
  const contexts = contextSources();
  if (!contexts) {
    const conn = startSource().connection?.().info;
    return { switchable: false, selected: conn && !conn.inCluster ? conn.context : undefined, contexts: [] };
  }
  const selected = selectedContext(headers)!;
  return { switchable: true, selected, contexts: contexts.list().map((c) => ({ ...c, selected: c.name === selected })) };
}

/** For tests: replace the process's sources with one (no contexts to switch between). */
export function setSourceForTests(source: ClusterSource, config: ServerConfig) {
  closeSources();
  holder.__pspdSources = { config, start: source };
}

/** For tests: open the sources as the server would from `config` (a kubeconfig of several contexts gets a picker). */
export function openSourcesForTests(config: ServerConfig): void {
  closeSources();
  holder.__pspdSources = openSources(config);
}

function closeSources() {
  const s = holder.__pspdSources;
  if (!s) return;
  clearInterval(s.idleTimer);
  s.start.close();
  s.contexts?.closeAll();
}
