import { describe, expect, it } from 'vitest';
import { allowedHostnames, hostnameOf, isAllowedHost, isSameOrigin, parseHostHeader } from './hosts';

const PORT = 3917;

describe('parseHostHeader', () => {
  it.each([
    ['127.0.0.1', { hostname: '127.0.0.1' }],
    [`127.0.0.1:${PORT}`, { hostname: '127.0.0.1', port: PORT }],
    [`LocalHost:${PORT}`, { hostname: 'localhost', port: PORT }],
    ['[::1]', { hostname: '[::1]' }],
    [`[::1]:${PORT}`, { hostname: '[::1]', port: PORT }],
    ['[0:0:0:0:0:0:0:1]:80', { hostname: '[::1]', port: 80 }],
    ['dash.example.com:65535', { hostname: 'dash.example.com', port: 65535 }],
    ['a:1', { hostname: 'a', port: 1 }],
  ])('reads %j', (value, parsed) => {
    expect(parseHostHeader(value)).toEqual(parsed);
  });

  it.each([
    `localhost:${PORT}.evil.com`,
    `127.0.0.1:${PORT}@evil.com`,
    `evil.com@127.0.0.1:${PORT}`,
    `user:pass@127.0.0.1:${PORT}`,
    '[::1]evil.com',
    `[::1]:${PORT}evil`,
    `[::1]:${PORT}:1`,
    '[::1',
    '[evil.com]',
    '[127.0.0.1]',
    '::1',
    `::1:${PORT}`,
    '127.0.0.1:',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1:99999',
    '127.0.0.1:080',
    '127.0.0.1:+80',
    '127.0.0.1:-1',
    '127.0.0.1:8 0',
    '127.0.0.1:0x50',
    '127.0.0.1:1:2',
    ':3917',
    '',
    ' ',
    '127.0.0.1 ',
    '127.0.0.1\tevil',
    'local host',
    'localhost.',
    '.localhost',
    'local..host',
    '-localhost',
    'localhost-',
    'local_host',
    'localhost/evil',
    'localhost\\evil',
    'localhost#x',
    'localhost?x',
    'localhost%00',
    'localhost\u0000',
    'localhost,evil.com',
    `localhost:${PORT}, evil.com`,
    '127.0.0.1\u202e',
    'ｌocalhost',
    'a'.repeat(64),
    `${'a.'.repeat(127)}aa`,
    'x'.repeat(400),
  ])('refuses %j', (value) => {
    expect(parseHostHeader(value)).toBeNull();
    expect(isAllowedHost(value, {})).toBe(false);
  });

  it('is null for no value', () => {
    expect(parseHostHeader(null)).toBeNull();
    expect(parseHostHeader(undefined)).toBeNull();
    expect(isAllowedHost(null, {})).toBe(false);
  });
});

describe('isAllowedHost', () => {
  it('allows the loopback names with or without a port', () => {
    for (const v of ['127.0.0.1', `127.0.0.1:${PORT}`, 'localhost', `LOCALHOST:${PORT}`, '[::1]', `[::1]:${PORT}`]) expect(isAllowedHost(v, {}), v).toBe(true);
  });

  it('refuses other names, and loopback names dressed up as others', () => {
    for (const v of [`rebind.attacker.example:${PORT}`, 'localhost.evil.com', '127.0.0.2', `localhost:${PORT}.evil.com`, `127.0.0.1:${PORT}@evil.com`, '[::1]evil.com', `[::2]:${PORT}`]) {
      expect(isAllowedHost(v, {}), v).toBe(false);
    }
  });

  it('adds the bound address and PSPD_ALLOWED_HOSTS, IPv6 in its bracketed canonical form', () => {
    const env = { HOST: 'fe80:0:0:0:0:0:0:1', PSPD_ALLOWED_HOSTS: ' Dash.Example.com ,10.0.0.5' };
    expect(allowedHostnames(env)).toEqual(['127.0.0.1', 'localhost', '[::1]', '[fe80::1]', 'dash.example.com', '10.0.0.5']);
    expect(isAllowedHost('[fe80::1]:3000', env)).toBe(true);
    expect(isAllowedHost('dash.example.com', env)).toBe(true);
    expect(isAllowedHost('10.0.0.5:80', env)).toBe(true);
    expect(isAllowedHost('dash.example.com:80@evil.com', env)).toBe(false);
    // A wildcard bind adds nothing.
    expect(allowedHostnames({ HOST: '0.0.0.0' })).toEqual(['127.0.0.1', 'localhost', '[::1]']);
  });

  it('hostnameOf is null for a malformed value', () => {
    expect(hostnameOf(`localhost:${PORT}`)).toBe('localhost');
    expect(hostnameOf(`localhost:${PORT}.evil.com`)).toBeNull();
  });
});

describe('isSameOrigin', () => {
  const host = `127.0.0.1:${PORT}`;
  it('accepts the origin the page was served from', () => {
    expect(isSameOrigin(`http://${host}`, host, 'http:')).toBe(true);
    expect(isSameOrigin(`http://localhost:${PORT}`, `LOCALHOST:${PORT}`, 'http:')).toBe(true);
    expect(isSameOrigin(`http://[::1]:${PORT}`, `[::1]:${PORT}`, 'http:')).toBe(true);
    // Default ports, written or not, on either side; HTTPS behind a TLS-terminating proxy.
    expect(isSameOrigin('http://127.0.0.1', '127.0.0.1:80', 'http:')).toBe(true);
    expect(isSameOrigin('https://dash.example.com', 'dash.example.com', 'https:')).toBe(true);
    expect(isSameOrigin('https://dash.example.com', 'dash.example.com:443', 'https:')).toBe(true);
  });

  it('refuses another scheme, port or host', () => {
    expect(isSameOrigin(`https://${host}`, host, 'http:')).toBe(false);
    expect(isSameOrigin(`http://127.0.0.1:${PORT + 1}`, host, 'http:')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1', host, 'http:')).toBe(false);
    expect(isSameOrigin(`http://localhost:${PORT}`, host, 'http:')).toBe(false);
    expect(isSameOrigin('http://dash.example.com', 'dash.example.com', 'https:')).toBe(false);
    expect(isSameOrigin(`http://attacker.example`, host, 'http:')).toBe(false);
  });

  it('refuses what is not an origin, and a malformed Host', () => {
    for (const origin of ['null', '', `http://${host}/`, `http://${host}/path`, `http://user@${host}`, `ws://${host}`, `file://${host}`, `http://${host}@evil.com`, `http://${host}.evil.com`, 'garbage']) {
      expect(isSameOrigin(origin, host, 'http:'), origin).toBe(false);
    }
    expect(isSameOrigin(`http://${host}`, `${host}@evil.com`, 'http:')).toBe(false);
    expect(isSameOrigin(`http://${host}`, null, 'http:')).toBe(false);
    expect(isSameOrigin(`http://${host}`, host, 'ftp:')).toBe(false);
  });
});
