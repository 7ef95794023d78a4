import { describe, expect, it } from 'vitest';
import {
  annotationErrors, goQuote, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName,
  labelErrors, validateAnnotations, validateLabels, validateName, validateSubject,
} from './names';

// The messages below are kube-apiserver v1.24.17's, copied from `kubectl create --dry-run=server` answers.
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('DNS-1123 names', () => {
  it('subdomains: lower case, digits, "-" and ".", alphanumeric at each end of each label, 253 at most', () => {
    for (const ok of ['a', 'eks.privileged', 'psp-util.eks.privileged', '0', `${'a'.repeat(63)}.${'b'.repeat(63)}`]) expect(isDNS1123Subdomain(ok), ok).toEqual([]);
    for (const bad of ['', 'UPPER..x', 'a:b', 'a..b', '-a', 'a-', '.a', 'a.', 'a_b', 'a b', 'a\u0000b', 'evil\u202etxt', 'ａ']) expect(isDNS1123Subdomain(bad), bad).toEqual([SUBDOMAIN]);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('labels: no dots, 63 at most', () => {
    expect(isDNS1123Label('kube-system')).toEqual([]);
    expect(isDNS1123Label('a.b')).toEqual([LABEL]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('RBAC object names are path segments', () => {
    expect(isValidPathSegmentName('system:controller:x')).toEqual([]);
    expect(isValidPathSegmentName('UPPER and spaces')).toEqual([]);
    expect(isValidPathSegmentName('..')).toEqual(["may not be '..'"]);
    expect(isValidPathSegmentName('.')).toEqual(["may not be '.'"]);
    expect(isValidPathSegmentName('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
  });

  it('validateName picks the rule of the kind and prints the error as the API server does', () => {
    expect(validateName('PodSecurityPolicy', 'UPPER..x')).toEqual([`metadata.name: Invalid value: "UPPER..x": ${SUBDOMAIN}`]);
    expect(validateName('Namespace', 'a.b')).toEqual([`metadata.name: Invalid value: "a.b": ${LABEL}`]);
    expect(validateName('ClusterRole', '..')).toEqual(['metadata.name: Invalid value: "..": may not be \'..\'']);
    expect(validateName('ClusterRoleBinding', 'psp-util.x')).toEqual([]);
    expect(validateName('ServiceAccount', '')).toEqual(['metadata.name: Required value: name or generateName is required']);
  });
});

describe('labels and annotations', () => {
  it('label keys are [prefix/]name: a DNS subdomain prefix, a name of 63 at most', () => {
    for (const ok of ['app', 'app.kubernetes.io/name', 'My_Key.1', 'example.com/MyName']) expect(isQualifiedName(ok), ok).toEqual([]);
    expect(isQualifiedName('a b')).toEqual([NAME_PART]);
    expect(isQualifiedName('k'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(isQualifiedName('x/')).toEqual(['name part must be non-empty', NAME_PART]);
    expect(isQualifiedName('/x')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('Bad_Prefix/x')).toEqual([`prefix part ${SUBDOMAIN}`]);
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  });

  it('label values: empty, or 63 of the name charset', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_x-y')).toEqual([]);
    expect(isValidLabelValue('x y')).toEqual([LABEL_VALUE]);
    expect(isValidLabelValue('v'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('validateLabels names the field and the bad key or value', () => {
    expect(validateLabels({ 'a b': 'x' })).toEqual([`metadata.labels: Invalid value: "a b": ${NAME_PART}`]);
    expect(validateLabels({ a: 'x y' })).toEqual([`metadata.labels: Invalid value: "x y": ${LABEL_VALUE}`]);
    expect(labelErrors({ [`${'k'.repeat(64)}`]: 'v'.repeat(64) })).toEqual([
      `Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
      `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ]);
    expect(validateLabels(undefined)).toEqual([]);
  });

  it('annotations: keys are qualified names in any case; keys and values 256 KiB at most in all', () => {
    expect(annotationErrors({ 'Example.COM/Key': 'ok', 'kubernetes.io/description': 'x'.repeat(1000) })).toEqual([]);
    expect(validateAnnotations({ 'bad key': 'v' })).toEqual([`metadata.annotations: Invalid value: "bad key": ${NAME_PART}`]);
    expect(validateAnnotations({ a: 'x'.repeat(300 * 1024) })).toEqual(['metadata.annotations: Too long: must have at most 262144 bytes']);
    // The limit counts keys and values, in UTF-8 bytes.
    expect(annotationErrors({ a: 'x'.repeat(262143) })).toEqual([]);
    expect(annotationErrors({ a: 'x'.repeat(262144) })).toHaveLength(1);
    expect(annotationErrors({ a: 'é'.repeat(131072) })).toHaveLength(1);
  });
});

describe('subjects', () => {
  it('a ServiceAccount is a DNS-1123 subdomain in a DNS-1123 label namespace', () => {
    expect(validateSubject({ kind: 'ServiceAccount', name: 'aws-node', namespace: 'kube-system' })).toEqual([]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'a.b', namespace: 'kube-system' })).toEqual([]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'UPPER..x', namespace: 'ns' })).toEqual([`subject.name: Invalid value: "UPPER..x": ${SUBDOMAIN}`]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'a:b', namespace: 'ns' })).toEqual([`subject.name: Invalid value: "a:b": ${SUBDOMAIN}`]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'a\u0000b', namespace: 'ns' })).toEqual([`subject.name: Invalid value: "a\\x00b": ${SUBDOMAIN}`]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'evil\u202etxt', namespace: 'ns' })).toEqual([`subject.name: Invalid value: "evil\\u202etxt": ${SUBDOMAIN}`]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'ok', namespace: 'a.b' })).toEqual([`subject.namespace: Invalid value: "a.b": ${LABEL}`]);
    expect(validateSubject({ kind: 'ServiceAccount', name: 'ok' })).toEqual(['subject.namespace: Required value']);
  });

  it('a User or Group may have any non-empty name, as on the API server', () => {
    for (const name of ['alice', 'UPPER..x', 'a:b', 'a b', 'a\u0000b', 'evil\u202etxt', 'system:serviceaccounts:kube-system']) {
      expect(validateSubject({ kind: 'User', name }), name).toEqual([]);
      expect(validateSubject({ kind: 'Group', name }), name).toEqual([]);
    }
    expect(validateSubject({ kind: 'Group', name: '' })).toEqual(['subject.name: Required value']);
  });
});

describe('goQuote', () => {
  it('escapes as Go\'s %q does', () => {
    expect(goQuote('a\u0000b')).toBe('"a\\x00b"');
    expect(goQuote('a\u007fb')).toBe('"a\\x7fb"');
    expect(goQuote('a\tb\n"\\')).toBe('"a\\tb\\n\\"\\\\"');
    expect(goQuote('evil\u202etxt')).toBe('"evil\\u202etxt"');
    expect(goQuote('a b é 名')).toBe('"a b é 名"');
    expect(goQuote('\u00a0')).toBe('"\\u00a0"');
  });
});
