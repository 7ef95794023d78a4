/**
 * Names, labels and annotations checked the way the API server checks them, with its wording, so
 * that the demo and snapshot sources (which have no API server to refuse anything) refuse what a
 * live cluster would. The rules and messages are those of k8s.io/apimachinery v1.24
 * (pkg/util/validation: IsDNS1123Subdomain, IsDNS1123Label, IsQualifiedName, IsValidLabelValue;
 * pkg/api/validation: ValidateAnnotations and its 256 KiB limit; pkg/api/validation/path:
 * IsValidPathSegmentName) and pkg/apis/rbac/validation (which name rule each object and subject gets).
 * Each check returns the API server's messages, empty when the value is valid.
 */

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Keys plus values, in bytes (pkg/api/validation TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

const maxLenError = (n: number) => `must be no more than ${n} characters`;
const emptyError = () => 'must be non-empty';
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Go appends "'example', " per example with " or " between them: "(e.g. 'my-name',  or '123-abc', regex …".
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** Go measures strings in bytes (UTF-8). */
const byteLength = (s: string) => new TextEncoder().encode(s).length;

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** Names of Roles, ClusterRoles and their bindings: anything that is safe as one URL path segment. */
export function isValidPathSegmentName(value: string): string[] {
  for (const bad of ['.', '..']) if (value === bad) return [`may not be '${bad}'`];
  return ['/', '%'].filter((bad) => value.includes(bad)).map((bad) => `may not contain '${bad}'`);
}

/** A label key, annotation key or other "qualified name": `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME.test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/**
 * A string as Go's %q prints it (strconv.Quote): control, format and other non-printable characters
 * escaped, so that a NUL or a right-to-left override in a name cannot hide in an error message.
 */
export function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `Invalid value: "value": detail`, the body of a field.Invalid error. */
export const invalidBody = (value: string, detail: string) => `Invalid value: ${goQuote(value)}: ${detail}`;
/** `path: Invalid value: "value": detail`, as field.Invalid prints. */
export const invalidValue = (path: string, value: string, detail: string) => `${path}: ${invalidBody(value, detail)}`;

/** metav1 validation.ValidateLabels, without the path: each key a qualified name, each value a label value. */
export function labelErrors(labels: Record<string, string> | null | undefined): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalidBody(k, m));
    for (const m of isValidLabelValue(v)) errs.push(invalidBody(v, m));
  }
  return errs;
}

/** ValidateAnnotations, without the path: each key a qualified name (case does not matter), keys and values 256 KiB at most in all. */
export function annotationErrors(annotations: Record<string, string> | null | undefined): string[] {
  const errs: string[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidBody(k, m));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(`Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`);
  return errs;
}

export const validateLabels = (labels: Record<string, string> | null | undefined, path = 'metadata.labels') => labelErrors(labels).map((e) => `${path}: ${e}`);
export const validateAnnotations = (annotations: Record<string, string> | null | undefined, path = 'metadata.annotations') => annotationErrors(annotations).map((e) => `${path}: ${e}`);

/** Which name rule each kind's `metadata.name` follows on the API server. */
export const NAME_RULE = {
  Namespace: isDNS1123Label,
  ServiceAccount: isDNS1123Subdomain,
  PodSecurityPolicy: isDNS1123Subdomain,
  ClusterRole: isValidPathSegmentName,
  Role: isValidPathSegmentName,
  ClusterRoleBinding: isValidPathSegmentName,
  RoleBinding: isValidPathSegmentName,
} as const;

/** The name of an object of this kind, as `path: Invalid value: …` errors (empty: valid). */
export function validateName(kind: keyof typeof NAME_RULE, name: string, path = 'metadata.name'): string[] {
  if (name.length === 0) return [`${path}: Required value: name or generateName is required`];
  return NAME_RULE[kind](name).map((m) => invalidValue(path, name, m));
}

/**
 * An RBAC subject as pkg/apis/rbac/validation's validateRoleBindingSubject sees it: a ServiceAccount's
 * name is a DNS-1123 subdomain (ValidateServiceAccountName). Its namespace the API server does not
 * check at all (v1.24 stores a ClusterRoleBinding to ServiceAccount `UPPER..x/ok`); we refuse what
 * is not a DNS-1123 label, since no namespace can have such a name and the grant would reach nobody.
 * Users and groups may have any non-empty name: kube-apiserver v1.24 stores `a:b`, `UPPER..x`, spaces,
 * tabs, newlines, DEL, NUL and U+202E (right-to-left override) in a User or Group subject without
 * complaint (each checked with `kubectl create --dry-run=server` against testenv's v1.24 server), and
 * authenticators (OIDC claims, webhook tokens, client certificates) can produce such names, so
 * refusing them here would refuse grants a live cluster accepts. Error messages quote them the way
 * the API server does (goQuote), so such characters are escaped there.
 */
export function validateSubject(s: { kind: string; name: string; namespace?: string }, path = 'subject'): string[] {
  if (s.name.length === 0) return [`${path}.name: Required value`];
  if (s.kind !== 'ServiceAccount') return [];
  const errs = isDNS1123Subdomain(s.name).map((m) => invalidValue(`${path}.name`, s.name, m));
  if (!s.namespace) errs.push(`${path}.namespace: Required value`);
  else errs.push(...isDNS1123Label(s.namespace).map((m) => invalidValue(`${path}.namespace`, s.namespace!, m)));
  return errs;
}
