import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../errors';
import { ListItemsReader } from './list-items';
import { warningTexts } from './warnings';

/**
 * Who a request to the API server acts as. The dashboard reads with its own identity (the
 * kubeconfig's user, or its service account in a pod); writes will carry the signed-in user's
 * bearer token or impersonation headers. So identity is a per-request input, never process state.
 */
export type Identity =
  | { kind: 'own' }
  | { kind: 'token'; token: string }
  | { kind: 'impersonate'; user: string; groups?: string[] };

export const OWN_IDENTITY: Identity = { kind: 'own' };

export interface KubeResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** The `Warning:` headers' texts, in order (admission plugins' warnings, deprecations). */
  warnings?: string[];
}

export interface KubeConnectionInfo {
  server: string;
  context: string;
  /** The kubeconfig's user entry (a name in the file, not necessarily the cluster's user name). */
  user?: string;
  kubeconfigPath?: string;
  inCluster: boolean;
}

export interface LoadOptions {
  kubeconfig?: string;
  context?: string;
}

/** Where a kubeconfig would come from: --kubeconfig, then KUBECONFIG (first existing entry), then ~/.kube/config. */
export function findKubeconfig(opts: LoadOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (opts.kubeconfig) return opts.kubeconfig;
  for (const p of (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean)) if (existsSync(p)) return p;
  const home = path.join(env.HOME || os.homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

export function inClusterAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
}

/** A cluster endpoint plus the dashboard's own credentials, loaded from kubeconfig or in-cluster config. */
export class KubeConnection {
  /** Keep-alive agents by the TLS credentials they present (see `chooseAgent`). */
  private readonly agents = new Map<string, https.Agent>();
  /** Writes reuse connections too: for bulk writers (the benchmarks), never for the dashboard's changes. */
  keepAliveWrites = false;

  private constructor(private readonly kc: KubeConfig, readonly info: KubeConnectionInfo) {}

  static load(opts: LoadOptions): KubeConnection {
    const kc = new KubeConfig();
    const file = findKubeconfig(opts);
    if (file) {
      try {
        kc.loadFromFile(file);
      } catch (e) {
        throw new AppError('source_error', `Cannot read kubeconfig ${file}: ${(e as Error).message}`);
      }
      if (opts.context) {
        if (!kc.getContexts().some((c) => c.name === opts.context)) {
          throw new AppError('source_error', `Context "${opts.context}" is not in kubeconfig ${file}. Contexts there: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
        }
        kc.setCurrentContext(opts.context);
      }
    } else if (inClusterAvailable()) {
      kc.loadFromCluster();
    } else {
      throw new AppError('source_error', 'No kubeconfig found (KUBECONFIG, ~/.kube/config) and not running in a pod');
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new AppError('source_error', `The current context of ${file ?? 'the in-cluster config'} names no cluster`);
    return new KubeConnection(kc, { server: cluster.server.replace(/\/$/, ''), context: file ? kc.getCurrentContext() : 'in-cluster', user: kc.getCurrentUser()?.name, kubeconfigPath: file, inCluster: !file });
  }

  private async requestOptions(method: string, identity: Identity, headers: Record<string, string>): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: { Accept: 'application/json', ...headers } };
    await this.kc.applyToHTTPSOptions(opts);
    const h = opts.headers as Record<string, string | string[]>;
    if (identity.kind === 'token') {
      // The user's own token replaces ours; a client certificate of ours must not go along either.
      delete opts.cert;
      delete opts.key;
      for (const k of Object.keys(h)) if (k.toLowerCase() === 'authorization') delete h[k];
      h.Authorization = `Bearer ${identity.token}`;
    } else if (identity.kind === 'impersonate') {
      h['Impersonate-User'] = identity.user;
      if (identity.groups?.length) h['Impersonate-Group'] = identity.groups;
    }
    this.chooseAgent(opts, method);
    return opts;
  }

  /**
   * client-node makes a new https.Agent on every call, with our TLS credentials in it: every
   * request paid a TCP and TLS handshake (about 4 ms of CPU on each side here), and a request with
   * a user's token still presented our client certificate. So the agent is made here from the
   * credentials this identity presents. Reads (GET: lists, watches, probes) share one keep-alive
   * agent. Writes get a fresh connection each, unless `keepAliveWrites`: a write sent on an open
   * connection to a frozen API server is delivered when it resumes, after the request has timed
   * out, where a new connection's TLS handshake never completes and the write is never sent (the
   * applier's read-back relies on that). Proxied clusters keep client-node's agent.
   */
  private chooseAgent(opts: https.RequestOptions, method: string): void {
    if (this.kc.getCurrentCluster()?.proxyUrl || !(opts.agent instanceof https.Agent)) return;
    const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
    if (method !== 'GET' && !this.keepAliveWrites) {
      opts.agent = new https.Agent(tls);
      return;
    }
    const key = JSON.stringify(tls);
    let agent = this.agents.get(key);
    if (!agent) this.agents.set(key, (agent = new https.Agent({ ...tls, keepAlive: true })));
    opts.agent = agent;
  }

  /**
   * Opens a request. `deadline`: the whole request, connection and TLS handshake included, must be
   * over by then (the socket's idle timeout alone does not cover a handshake with a frozen server:
   * seen on a SIGSTOPped kube-apiserver, where a new connection hung until the server resumed).
   * `idleTimeoutMs`: for streams, the longest silence.
   */
  private open(method: string, apiPath: string, identity: Identity, body: string | undefined, limit: { deadlineMs?: number; idleTimeoutMs?: number }, headers: Record<string, string> = {}) {
    return this.requestOptions(method, identity, body ? { 'Content-Type': 'application/json', ...headers } : headers).then(
      (opts) =>
        new Promise<{ res: http.IncomingMessage; done: () => void }>((resolve, reject) => {
          const url = new URL(this.info.server + apiPath);
          const mod = url.protocol === 'http:' ? http : https;
          let timer: NodeJS.Timeout | undefined;
          const done = () => clearTimeout(timer);
          const req = mod.request(url, { ...opts, method }, (res) => resolve({ res, done }));
          if (limit.deadlineMs !== undefined) {
            const ms = limit.deadlineMs;
            timer = setTimeout(() => req.destroy(new Error(`timed out after ${ms} ms`)), ms);
          }
          if (limit.idleTimeoutMs !== undefined) {
            const ms = limit.idleTimeoutMs;
            req.setTimeout(ms, () => req.destroy(new Error(`no data for ${ms} ms`)));
          }
          req.on('error', (e) => {
            done();
            reject(e);
          });
          if (body) req.write(body);
          req.end();
        }),
    );
  }

  /** One request; transport failures become AppError('unreachable'). HTTP errors are returned, not thrown. */
  async request(method: string, apiPath: string, opts: { identity?: Identity; body?: unknown; timeoutMs?: number; contentType?: string } = {}): Promise<KubeResponse> {
    let opened: { res: http.IncomingMessage; done: () => void };
    try {
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      opened = await this.open(method, apiPath, opts.identity ?? OWN_IDENTITY, body, { deadlineMs: opts.timeoutMs ?? 15_000 }, opts.contentType ? { 'Content-Type': opts.contentType } : {});
    } catch (e) {
      throw unreachable(this.info.server, e);
    }
    // The deadline covers the body too. A connection reset while the body arrives is a transport
    // failure like any other, not a 500.
    const { res, done } = opened;
    const chunks: Buffer[] = [];
    try {
      for await (const c of res) chunks.push(c as Buffer);
    } catch (e) {
      throw unreachable(this.info.server, e);
    } finally {
      done();
    }
    return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, warnings: warningTexts(res.rawHeaders) };
  }

  /**
   * A list: a 2xx body is read as it arrives, each item given to `onItem` as soon as it is parsed
   * (see ListItemsReader), and the list without its items is returned in `list`; any other answer
   * is returned whole in `body`. The deadline covers the body, as for `request`.
   */
  async listItems(apiPath: string, opts: { timeoutMs?: number }, onItem: (item: Record<string, unknown>) => void): Promise<KubeResponse & { list?: Record<string, unknown> }> {
    let opened: { res: http.IncomingMessage; done: () => void };
    try {
      opened = await this.open('GET', apiPath, OWN_IDENTITY, undefined, { deadlineMs: opts.timeoutMs ?? 15_000 });
    } catch (e) {
      throw unreachable(this.info.server, e);
    }
    const { res, done } = opened;
    const status = res.statusCode ?? 0;
    const reader = status >= 200 && status < 300 ? new ListItemsReader(onItem) : undefined;
    let body = '';
    try {
      res.setEncoding('utf8');
      for await (const c of res) {
        if (reader) reader.write(c as string);
        else body += c as string;
      }
    } catch (e) {
      throw unreachable(this.info.server, e);
    } finally {
      done();
    }
    return { status, body, headers: res.headers, ...(reader ? { list: reader.finish() } : {}) };
  }

  /** A streaming GET (a watch). The caller reads lines from the response and destroys it when done. */
  async stream(apiPath: string, identity: Identity = OWN_IDENTITY, idleTimeoutMs = 330_000): Promise<http.IncomingMessage> {
    try {
      // The response headers must come within 30 s (a frozen server never sends them); then only silence counts.
      const { res, done } = await this.open('GET', apiPath, identity, undefined, { deadlineMs: Math.min(idleTimeoutMs, 30_000), idleTimeoutMs });
      done();
      return res;
    } catch (e) {
      throw unreachable(this.info.server, e);
    }
  }
}

function unreachable(server: string, e: unknown): AppError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code ? `${err.code}${err.message ? ` (${err.message})` : ''}` : String(err?.message ?? e);
  return new AppError('unreachable', `The cluster at ${server} is unreachable: ${why}`, {
    hint: 'Check that the API server is up and reachable from this machine (VPN, port-forward), then the dashboard reconnects by itself.',
  });
}
