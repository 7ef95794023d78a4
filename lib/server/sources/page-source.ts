import 'server-only';
import { headers } from 'next/headers';
import { sourceOf } from './registry';
import type { ClusterSource } from './source';

/** The source a page renders: the context its browser's picker selected (a page request carries no context header). */
export async function pageSource(): Promise<ClusterSource> {
  return sourceOf(await headers());
}
