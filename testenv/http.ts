/** HTTP against the apiserver: node:https with the cluster's CA, no global TLS switches. */
import * as https from 'node:https';

export interface ApiResponse {
  status: number;
  /** parsed JSON when the body is JSON, else the text */
  body: any;
  text: string;
  /** The texts of the response's `Warning:` headers (299 warnings: PodSecurity warn mode, dry-run relabels). */
  warnings: string[];
}

/** `299 - "text"` header values → the texts, unescaped. */
export function warningTexts(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'warning') continue;
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(rawHeaders[i + 1]);
    if (m) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

export interface Conn {
  host: string;
  port: number;
  ca?: string;
}

export function doRequest(
  conn: Conn,
  token: string | undefined,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 15000,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (data !== undefined) {
      h['Content-Type'] ??= method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      h['Content-Length'] = String(Buffer.byteLength(data));
    }
    const req = https.request(
      {
        host: conn.host,
        port: conn.port,
        method,
        path: urlPath,
        headers: h,
        ca: conn.ca,
        // Before the CA is read (first /readyz poll) the connection is not verified.
        rejectUnauthorized: conn.ca !== undefined,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              parsed = JSON.parse(text);
            } catch {
              /* keep text */
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, warnings: warningTexts(res.rawHeaders) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${urlPath}`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}
