import { z } from 'zod';
import { FS_TYPE_OF_SOURCE } from '../admission/volumes';

/**
 * The shape of the Pod fields the admission engine reads (lib/admission/, lib/access/), checked
 * before it sees a pod: what the API server's decoder would refuse ("cannot unmarshal string into
 * Go struct field … of type bool") is a 400 naming the field, not an engine that trips over a
 * `null` container. Fields the engine does not read pass through unchecked (as any object), and
 * `null` is accepted wherever Go decodes it (pointers, slices, maps: nil; plain values: untouched).
 * How deep a manifest may nest is checked first, without recursion (`tooDeep`).
 */

/** Deeper than any real object: a CronJob's pod template's node affinity's values sit at depth 14. */
export const MAX_MANIFEST_DEPTH = 64;

/**
 * The path of the first object or array nested deeper than `max`, or null. Iterative, so a 10,000-
 * deep document cannot overflow the stack here (the engine's recursive clone and comparison would).
 */
export function tooDeep(value: unknown, max = MAX_MANIFEST_DEPTH): string | null {
  const stack: { v: unknown; depth: number; path: (string | number)[] }[] = [{ v: value, depth: 0, path: [] }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return formatPath(path);
    if (Array.isArray(v)) v.forEach((c, i) => stack.push({ v: c, depth: depth + 1, path: [...path, i] }));
    else for (const [k, c] of Object.entries(v)) stack.push({ v: c, depth: depth + 1, path: [...path, k] });
  }
  return null;
}

/** `spec.containers[0].securityContext`, `metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]`: field.Path's notation. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${String(seg)}]`;
  }
  return out || '(the manifest)';
}

const expected = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'Required value' : `expected ${what}`),
});

const str = z.string(expected('a string')).nullish();
const bool = z.boolean(expected('a boolean')).nullish();
/** Go's int64, as far as JSON numbers are exact. */
const int64 = z.int(expected('an integer')).nullish();
const int32 = z.int32(expected('a 32-bit integer')).nullish();
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape, expected('an object'));
const list = <T extends z.ZodType>(item: T) => z.array(item, expected('a list'));
const stringMap = z.record(z.string(), z.string(expected('a string')), expected('an object of strings')).nullish();

const seLinuxOptions = obj({ user: str, role: str, type: str, level: str }).nullish();
const seccompProfile = obj({ type: str, localhostProfile: str }).nullish();

export const containerSecurityContextSchema = obj({
  privileged: bool,
  capabilities: obj({ add: list(z.string(expected('a string'))).nullish(), drop: list(z.string(expected('a string'))).nullish() }).nullish(),
  runAsUser: int64,
  runAsGroup: int64,
  runAsNonRoot: bool,
  seLinuxOptions,
  readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool,
  procMount: str,
  seccompProfile,
});

export const podSecurityContextSchema = obj({
  runAsUser: int64,
  runAsGroup: int64,
  runAsNonRoot: bool,
  seLinuxOptions,
  supplementalGroups: list(z.int(expected('an integer'))).nullish(),
  fsGroup: int64,
  sysctls: list(obj({ name: z.string(expected('a string')), value: str })).nullish(),
  seccompProfile,
});

const containerSchema = obj({
  name: str,
  image: str,
  ports: list(obj({ containerPort: int32, hostPort: int32, protocol: str, name: str, hostIP: str })).nullish(),
  volumeMounts: list(obj({ name: str, mountPath: str, readOnly: bool })).nullish(),
  securityContext: containerSecurityContextSchema.nullish(),
});

/** Every volume source is a struct in Go: an object or null. The ones the engine reads are typed further. */
const volumeSources = Object.fromEntries(Object.keys(FS_TYPE_OF_SOURCE).map((k) => [k, obj({}).nullish()]));
const volumeSchema = obj({
  ...volumeSources,
  name: z.string(expected('a string')),
  hostPath: obj({ path: str, type: str }).nullish(),
  flexVolume: obj({ driver: str }).nullish(),
  csi: obj({ driver: str }).nullish(),
  projected: obj({
    sources: list(obj({
      serviceAccountToken: obj({ path: str, audience: str }).nullish(),
      configMap: obj({ name: str }).nullish(),
      downwardAPI: obj({ items: list(obj({ path: str, fieldRef: obj({ apiVersion: str, fieldPath: str }).nullish() })).nullish() }).nullish(),
    })).nullish(),
  }).nullish(),
});

export const podSpecSchema = obj({
  containers: list(containerSchema).nullish(),
  initContainers: list(containerSchema).nullish(),
  ephemeralContainers: list(containerSchema).nullish(),
  volumes: list(volumeSchema).nullish(),
  securityContext: podSecurityContextSchema.nullish(),
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  runtimeClassName: str,
});

export const objectMetaSchema = obj({
  name: str,
  generateName: str,
  namespace: str,
  labels: stringMap,
  annotations: stringMap,
});

/** A pod template (or a Pod): `{metadata?, spec}`. */
export const podTemplateSchema = obj({ metadata: objectMetaSchema.nullish(), spec: podSpecSchema });

const MAX_ISSUES = 5;

/**
 * Why this pod template's shape is not one the API server would decode, field by field
 * (`spec.containers[0]: expected an object`), or null. `prefix` is where the template sits in the
 * manifest (`spec.template` for a Deployment), so the paths name the field the user wrote.
 */
export function podShapeErrors(template: unknown, prefix = ''): string | null {
  const deep = tooDeep(template);
  if (deep) return `${prefixed(prefix, deep)}: nested deeper than ${MAX_MANIFEST_DEPTH} levels`;
  const r = podTemplateSchema.safeParse(template);
  if (r.success) return null;
  const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path, prefix)}: ${i.message}`);
  const more = r.error.issues.length - MAX_ISSUES;
  return issues.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function prefixed(prefix: string, path: string): string {
  if (!prefix || path === '(the manifest)') return prefix || path;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Why this object's metadata (name, namespace, labels, annotations) cannot be decoded, or null. */
export function metadataShapeErrors(metadata: unknown, prefix = 'metadata'): string | null {
  const r = objectMetaSchema.nullish().safeParse(metadata);
  if (r.success) return null;
  return r.error.issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path, prefix)}: ${i.message}`).join('; ');
}
