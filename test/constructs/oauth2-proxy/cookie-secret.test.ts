import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROXY_NS, Manifest } from '../dex/helpers';
import { buildStack } from './helpers';

/**
 * The key oauth2-proxy v7.15.2 makes of a cookie secret (`pkg/encryption/utils.go`,
 * `SecretBytes`): the value without trailing `=`, decoded with Go's `base64.RawURLEncoding`
 * (URL alphabet, no padding, CR and LF skipped, a length of 4n+1 invalid, unused trailing bits
 * ignored), is the key if it has 16, 24 or 32 bytes; otherwise the value's own bytes are. The
 * session cookie's cipher is AES with that key (`NewCFBCipher`), so its length picks AES-128,
 * -192 or -256.
 */
function secretBytes(secret: string): Buffer {
  const encoded = secret.replace(/=+$/, '').replace(/[\r\n]/g, '');
  if (/^[A-Za-z0-9_-]*$/.test(encoded) && encoded.length % 4 !== 1) {
    const decoded = Buffer.from(encoded, 'base64url');
    if ([16, 24, 32].includes(decoded.length)) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

/**
 * Runs the cookie secret generator Job's own script, as synthesized, against a stand-in `kubectl`
 * that finds no Secret and records the one created; returns the generated value.
 */
function runGenerator(job: Manifest): string {
  const container = job.spec.template.spec.containers[0] as Manifest;
  const script = container.command[2] as string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cookie-secret-'));
  try {
    const bin = path.join(dir, 'bin');
    const out = path.join(dir, 'out');
    fs.mkdirSync(bin);
    fs.mkdirSync(out);
    fs.writeFileSync(
      path.join(bin, 'kubectl'),
      [
        '#!/usr/bin/env bash',
        '# get: no Secret exists yet. create: keep each --from-file as <namespace>.<key>.',
        'if [ "$1" = get ]; then exit 1; fi',
        'ns=""; for a in "$@"; do',
        '  case "$prev" in --namespace) ns="$a";; esac',
        '  case "$a" in --from-file=*) spec="${a#--from-file=}"; cp "${spec#*=}" "$OUT/$ns.${spec%%=*}";; esac',
        '  prev="$a"',
        'done',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env: Record<string, string> = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      OUT: out,
      POD_NAMESPACE: job.metadata.namespace as string,
      HOME: dir,
    };
    for (const e of container.env as Manifest[]) if (e.value !== undefined) env[e.name] = e.value;
    // The Job writes to its in-memory /tmp; here, to the test's own directory.
    const r = spawnSync('bash', ['-c', script.replaceAll('/tmp/', `${dir}/`)], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`generator failed: ${r.stderr}`);
    return fs.readFileSync(path.join(out, `${PROXY_NS}.cookieSecret`), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the generated cookie secret', () => {
  const job = buildStack().objects().find('Job', PROXY_NS, 'oauth2-proxy-cookie-secret-generator');

  test('decodes, as oauth2-proxy decodes it, to a 32-byte key: AES-256', () => {
    const values = Array.from({ length: 20 }, () => runGenerator(job));
    for (const value of values) {
      expect(value).toMatch(/^[A-Za-z0-9]{43}$/);
      expect(secretBytes(value)).toHaveLength(32);
    }
    // Random: no two runs agree.
    expect(new Set(values).size).toBe(values.length);
  });

  test("the rule the test applies is oauth2-proxy's: 32 characters would give AES-192", () => {
    const sample = 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xYz2A4c6E8g0I'; // 43 alphanumerics
    expect(secretBytes(sample)).toHaveLength(32);
    // The former shape (32 alphanumerics; Kubeflow's 32 hex characters too) decodes to 24 bytes.
    expect(secretBytes(sample.slice(0, 32))).toHaveLength(24);
    expect(secretBytes('7d16fee92f8d11b8940b081b3f8b8acb')).toHaveLength(24);
    // `openssl rand -base64 32 | tr -- '+/' '-_'` (44 characters with '=') decodes to 32.
    expect(secretBytes(`${Buffer.alloc(32, 7).toString('base64url')}=`)).toHaveLength(32);
    // A length that decodes to no AES size is taken as raw bytes (40 characters: 40 bytes).
    expect(secretBytes(sample.slice(0, 40))).toHaveLength(40);
  });
});
