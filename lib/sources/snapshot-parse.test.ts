import { describe, expect, it } from 'vitest';
import { modelFromSnapshotFiles, parseSnapshotText } from './snapshot-parse';
import type { SourceInfo } from '../model/types';

const source: SourceInfo = { kind: 'snapshot', name: 'x', pspApiServed: true, state: 'static', readOnly: true };

describe('parseSnapshotText', () => {
  it('reads multi-document YAML and flattens Lists, typed lists included', () => {
    const text = `apiVersion: v1
kind: List
items:
- {kind: ClusterRole, metadata: {name: a}, rules: []}
---
---
kind: RoleBindingList
items:
- metadata: {name: b, namespace: n}
  roleRef: {kind: Role, name: r}
`;
    const objs = parseSnapshotText(text, 'rbac.yaml');
    expect(objs.map((o) => [o.object.kind, o.where])).toEqual([
      ['ClusterRole', 'rbac.yaml, document 1, item 0'],
      ['RoleBinding', 'rbac.yaml, document 3, item 0'],
    ]);
  });

  it('reads kubectl -o json output', () => {
    const objs = parseSnapshotText(JSON.stringify({ kind: 'List', items: [{ kind: 'Namespace', metadata: { name: 'n' } }] }), 'ns.json');
    expect(objs[0].object.metadata).toEqual({ name: 'n' });
  });

  it('names the file and the document of a YAML error', () => {
    expect(() => parseSnapshotText('kind: Role\nmetadata: {name: a}\n---\nkind: [unclosed\n', 'bad.yaml')).toThrow(/^bad\.yaml, document 2: invalid YAML at line \d+, column \d+: /);
    expect(() => parseSnapshotText('kind: Role\nmetadata:\n  name: a\n  labels: {a: b\n', 'open.yaml')).toThrow(/^open\.yaml, document 1: invalid YAML at line [45], column \d+: /);
  });

  it('names the file of a JSON error, and refuses documents that are not objects', () => {
    expect(() => parseSnapshotText('{"kind": ', 'bad.json')).toThrow(/bad\.json, document 1: invalid JSON/);
    expect(() => parseSnapshotText('{\n  "kind": "List",\n  "items": [,]\n}', 'comma.json')).toThrow(/comma\.json, document 1: invalid JSON at line 3, column 1[34]: Unexpected token/);
    expect(() => parseSnapshotText('- a\n- b\n', 'list.yaml')).toThrow(/list\.yaml, document 1: expected a Kubernetes object/);
    expect(() => parseSnapshotText('metadata: {name: x}\n', 'nokind.yaml')).toThrow(/nokind\.yaml, document 1: the object has no kind/);
  });
});

describe('modelFromSnapshotFiles', () => {
  it('skips and counts unknown kinds', () => {
    const m = modelFromSnapshotFiles([{ name: 'f.yaml', text: 'kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b}\n---\nkind: Service\nmetadata: {name: c}\n' }], source);
    expect(m.warnings).toEqual([{ code: 'unknown-kind', message: 'Skipped 3 object(s) of kinds the dashboard does not read: ConfigMap (2), Service (1)' }]);
  });

  it('reads ReplicationControllers as workloads, from kubectl get rc -o yaml (a ReplicationControllerList)', () => {
    const text = `apiVersion: v1
kind: ReplicationControllerList
items:
- metadata: {name: legacy, namespace: web}
  spec:
    replicas: 0
    selector: {app: legacy}
    template:
      metadata: {labels: {app: legacy}}
      spec: {containers: [{name: app, image: nginx}]}
`;
    const m = modelFromSnapshotFiles([{ name: 'rc.yaml', text }], source);
    expect(m.warnings).toEqual([]);
    expect(m.workloads.map((w) => [w.kind, w.metadata.namespace, w.metadata.name, w.spec.replicas])).toEqual([['ReplicationController', 'web', 'legacy', 0]]);
  });

  it('rejects an invalid object of a known kind, naming where it is', () => {
    expect(() => modelFromSnapshotFiles([{ name: 'f.yaml', text: 'kind: RoleBinding\nmetadata: {name: b}\nsubjects: []\n' }], source)).toThrow(
      /^f\.yaml, document 1: RoleBinding is invalid: roleRef/,
    );
  });

  it('drops managedFields', () => {
    const m = modelFromSnapshotFiles([{ name: 'f.yaml', text: 'kind: Namespace\nmetadata: {name: a, managedFields: [{manager: x}]}\n' }], source);
    expect(m.namespaces[0].metadata).toEqual({ name: 'a' });
  });
});
