import type { Capabilities, Container } from './pod';
import { invalid, type FieldError } from './field-error';
import type { Strategies } from './strategies';

/**
 * The capabilities strategy. Defaulting rewrites a container's capabilities only when the set sizes
 * change (a required drop already present, or a default add already requested, leaves the lists as
 * the author wrote them, order and duplicates included); a rewrite yields sorted lists.
 */

const sortedList = (s: Set<string>): string[] | undefined => (s.size ? [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : undefined);

export function generateCapabilities(st: Strategies, c: Container): Capabilities | undefined {
  const current = c.securityContext?.capabilities ?? undefined;
  const containerAdd = new Set(current?.add ?? []);
  const containerDrop = new Set(current?.drop ?? []);
  const defaultAdd = new Set((st.spec.defaultAddCapabilities ?? []).filter((cap) => !containerDrop.has(cap)));
  const combinedAdd = new Set([...defaultAdd, ...containerAdd]);
  const combinedDrop = new Set([...(st.spec.requiredDropCapabilities ?? []), ...containerDrop]);
  if (combinedAdd.size === containerAdd.size && combinedDrop.size === containerDrop.size) return current;
  const out: Capabilities = {};
  const add = sortedList(combinedAdd);
  const drop = sortedList(combinedDrop);
  if (add) out.add = add;
  if (drop) out.drop = drop;
  return out;
}

export function validateCapabilities(st: Strategies, scPath: string, caps: Capabilities | undefined): FieldError[] {
  const defaults = st.spec.defaultAddCapabilities ?? [];
  const requiredDrops = st.spec.requiredDropCapabilities ?? [];
  if (!caps) {
    if (defaults.length === 0 && requiredDrops.length === 0) return [];
    return [invalid(`${scPath}.capabilities`, { kind: 'raw', text: 'null' }, 'required capabilities are not set on the securityContext')];
  }
  const allowed = new Set(st.spec.allowedCapabilities ?? []);
  // `*` in allowedCapabilities skips every capability check, required drops included.
  if (allowed.has('*')) return [];
  const errors: FieldError[] = [];
  for (const cap of caps.add ?? []) {
    if (!defaults.includes(cap) && !allowed.has(cap)) {
      errors.push(invalid(`${scPath}.capabilities.add`, { kind: 'string', value: cap }, 'capability may not be added'));
    }
  }
  const drops = new Set(caps.drop ?? []);
  for (const cap of requiredDrops) {
    if (!drops.has(cap)) {
      errors.push(invalid(`${scPath}.capabilities.drop`, { kind: 'capabilities', value: caps.drop ?? null }, `${cap} is required to be dropped but was not found`));
    }
  }
  return errors;
}
