import 'server-only';
import { AppError, isAppError } from '../../errors';
import type { ClusterModel, SourceInfo } from '../../model/types';
import { readConfig, DEMO_SNAPSHOT, type ServerConfig } from '../config';
import { KubeConnection } from '../kube/connection';
import { FileSource } from './file';
import { LiveSource } from './live';
import type { ClusterSource } from './source';

/**
 * The process's one source. Kept on globalThis so that a dev-server reload does not start a second
 * set of watches.
 */
const holder = globalThis as unknown as { __pspdSource?: { source: ClusterSource; config: ServerConfig } };

/** A source that could not be set up (an unreadable kubeconfig, an unknown context): every read says why. */
class FailedSource implements ClusterSource {
  constructor(private readonly error: AppError, private readonly config: ServerConfig) {}
  info(): SourceInfo {
    return { kind: this.config.source.kind === 'live' ? 'live' : 'snapshot', name: 'unavailable', pspApiServed: false, state: 'static', readOnly: true };
  }
  readModel(): Promise<ClusterModel> {
    return Promise.reject(this.error);
  }
  revision() {
    return 0;
  }
  applyChange(): Promise<never> {
    return Promise.reject(this.error);
  }
  close() {}
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

export function getSource(): ClusterSource {
  if (!holder.__pspdSource) {
    const config = readConfig();
    holder.__pspdSource = { source: createSource(config), config };
  }
  return holder.__pspdSource.source;
}

export function getConfig(): ServerConfig {
  getSource();
  return holder.__pspdSource!.config;
}

/** For tests: replace the process's source. */
export function setSourceForTests(source: ClusterSource, config: ServerConfig) {
  holder.__pspdSource?.source.close();
  holder.__pspdSource = { source, config };
}
