// The bulk of the bench's pods go straight into the testenv etcd instead of through the API server:
// at 100–250 creates/s on this shared 2-core machine, 148,000 pods would take 10–25 minutes, while
// etcd takes them in batches in about a minute. The v1.24 API server reads JSON objects from etcd
// (its storage decoder falls back from protobuf to the universal deserializer, and defaulting runs
// on decode), so a pod stored as JSON under /registry/pods/<ns>/<name> is served, listed and
// watched like any other. Each pod is a copy of what real admission returned for its template
// (see load.ts); `checkStoredPods` proves the API server serves them as written.
import * as fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { RawObject } from '../../lib/sources/to-model';

/** etcd allows 128 operations in one transaction by default (--max-txn-ops). */
const TXN_OPS = 128;
const CONCURRENCY = 4;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * The etcd client URL of the testenv cluster a kubeconfig belongs to: the run's state.json beside
 * the kubeconfig, or, for the stable copy in testenv/.run, the run that current.json names.
 */
export function etcdUrlFor(kubeconfig: string): string | undefined {
  const dir = path.dirname(path.resolve(kubeconfig));
  const read = <T,>(f: string): T | undefined => (fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as T) : undefined);
  const current = read<{ dir: string }>(path.join(dir, 'current.json'));
  const state = read<{ ports?: { etcdClient: number } }>(path.join(current?.dir ?? dir, 'state.json'));
  return state?.ports ? `http://127.0.0.1:${state.ports.etcdClient}` : undefined;
}

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error('etcd did not answer in 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** etcd's key for a namespaced object of the core group, as the API server names it. */
export const podKey = (pod: RawObject) => {
  const meta = pod.metadata as { namespace: string; name: string };
  return `/registry/pods/${meta.namespace}/${meta.name}`;
};

/**
 * Puts the pods (already complete: uid, creationTimestamp, no resourceVersion) into etcd through
 * its JSON gateway, TXN_OPS per transaction, each key only if absent (a rerun does not overwrite;
 * like createAll, a pod that exists counts).
 */
export async function putPods(etcdUrl: string, pods: Iterable<RawObject>): Promise<number> {
  const it = pods[Symbol.iterator]();
  let count = 0;
  const nextBatch = () => {
    const batch: RawObject[] = [];
    for (let n = it.next(); !n.done; n = it.next()) if (batch.push(n.value) === TXN_OPS) break;
    return batch;
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let batch = nextBatch(); batch.length; batch = nextBatch()) {
      // One put per key, each guarded by "not created yet": a txn's compare is all-or-nothing, so
      // a batch that partly exists falls back to one transaction per pod.
      const put = (p: RawObject) => ({ requestPut: { key: b64(podKey(p)), value: b64(JSON.stringify(p)) } });
      const absent = (p: RawObject) => ({ key: b64(podKey(p)), target: 'CREATE', result: 'EQUAL', create_revision: '0' });
      const txn = async (ps: RawObject[]) => {
        const res = await post(`${etcdUrl}/v3/kv/txn`, JSON.stringify({ compare: ps.map(absent), success: ps.map(put) }));
        if (res.status !== 200) throw new Error(`etcd txn: HTTP ${res.status} ${res.text.slice(0, 300)}`);
        return (JSON.parse(res.text) as { succeeded?: boolean }).succeeded === true;
      };
      if (!(await txn(batch))) for (const p of batch) await txn([p]);
      count += batch.length;
    }
  }));
  return count;
}
