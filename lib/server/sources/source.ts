import type { ClusterModel, SourceInfo } from '../../model/types';

/** Where the cluster model comes from. Every implementation reshapes raw objects through buildModel. */
export interface ClusterSource {
  info(): SourceInfo;
  /** The current model, from memory; throws AppError when the source cannot give a true picture. */
  readModel(): Promise<ClusterModel>;
  /** Changes whenever what readModel would return changes; the browser polls it to follow the cluster. */
  revision(): number;
  close(): void;
}
