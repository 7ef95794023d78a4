/**
 * Free 127.0.0.1 ports below the kernel's ephemeral range (read from
 * /proc/sys/net/ipv4/ip_local_port_range), so that no outgoing connection takes one as its local
 * port while the apiserver is stopped between stopApiserver() and startApiserver().
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

function portRange(): [number, number] {
  let lo = 32768;
  try {
    lo = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || lo;
  } catch {
    /* not Linux */
  }
  return lo > 12000 ? [10000, lo - 1] : [lo, 65535];
}

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const [lo, hi] = portRange();
  for (let i = 0; i < 200; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free 127.0.0.1 port in ${lo}-${hi}`);
}

/** n distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}
