import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../apps/cdk8s/cli';

/**
 * Invalid environment files, one or more per class of mistake a user makes: each fails with exit
 * code 1, a message that names the config path, what was found and how to fix it, no stack
 * trace, and nothing written.
 */
const base = 'name: dev\npreset: dev\n';
const tenants = (n: number): string =>
  `${base}tenants:\n${Array.from({ length: n }, (_, i) => `  - { name: t-${i}, owner: o${i}@example.com }\n`).join('')}`;

const CASES: { name: string; file: string | Buffer; expected: string[] }[] = [
  {
    name: 'an ACME server over plain HTTP',
    file: `${base}tls:\n  issuer: { type: acme, email: ops@example.com, server: 'http://acme.example.com/dir', solver: { type: http01 } }\n`,
    expected: [
      '`tls.issuer.server` is not an https URL (got "http://acme.example.com/dir"). Give the ACME directory as https://host[:port][/path].',
    ],
  },
  {
    name: "a connector that takes the password database's id, and a repeated one",
    file: `${base}identity:\n  provider: dex\n  dex:\n    connectors:\n      - { type: github, id: local, name: G, clientId: c, clientSecret: { name: s, key: k } }\n      - { type: github, id: local, name: G, clientId: c, clientSecret: { name: s, key: k } }\n`,
    expected: [
      '`identity.dex.connectors[0].id` is taken by Dex\'s password database (got "local"). Choose another ID, such as corporate-sso. [DEX-CONNECTOR-IDS]',
      '`identity.dex.connectors[1].id` repeats identity.dex.connectors[0] (got "local"). Give every connector its own ID. [DEX-CONNECTOR-IDS]',
    ],
  },
  {
    name: 'a static user listed twice',
    file: `${base}identity:\n  provider: dex\n  dex:\n    staticUsers:\n      - { email: a@example.com, generatedPassword: true }\n      - { email: A@example.com, generatedPassword: true }\n`,
    expected: [
      '`identity.dex.staticUsers[1].email` repeats identity.dex.staticUsers[0] (got "A@example.com"). List each user once; emails are compared without regard to case. [DEX-STATIC-USERS]',
    ],
  },
  {
    name: 'a single-label domain',
    file: `${base}domain: localhost\n`,
    expected: ['`domain` is a single label (got "localhost").'],
  },
  {
    name: 'an external gateway without selector labels or service account, and the default revision named',
    file: `${base}mesh:\n  istio:\n    mode: external\n    revision: default\n    gateway: { namespace: ingress, selector: {}, name: gw }\n`,
    expected: [
      '`mesh.istio.revision` names the default revision (got "default"). Leave revision out to use the default revision.',
      '`mesh.istio.gateway.selector` is empty (got an object).',
      '`mesh.istio.gateway.serviceAccount` is required for an external gateway.',
    ],
  },
  {
    name: 'plain-HTTP identity endpoints',
    file: `${base}identity:\n  provider: dex\n  machineToMachine: { audience: gw, jwksUri: 'https://k/keys', issuer: 'http://k' }\n  dex:\n    connectors:\n      - { type: saml, id: s, name: S, ssoURL: 'http://sso', caSecret: { name: c, key: k }, usernameAttr: u, emailAttr: e }\n`,
    expected: [
      '`identity.machineToMachine.issuer` is not an https URL (got "http://k").',
      '`identity.dex.connectors[0].ssoURL` is not an https URL (got "http://sso").',
    ],
  },
  {
    name: 'requests above limits',
    file: `${base}objectStore:\n  type: minio\n  resources: { cpu: { request: '4', limit: '1' }, memory: { request: 8Gi, limit: 1Gi } }\n`,
    expected: [
      '`objectStore.resources.cpu.request` is above its limit 1 (got "4").',
      '`objectStore.resources.memory.request` is above its limit 1Gi (got "8Gi").',
    ],
  },
  {
    name: 'a typo in the keys of a secret source',
    file: `${base}objectStore:\n  type: minio\n  rootCredentials: { type: existing, secretName: m, keys: { rootPasswrd: p } }\n`,
    expected: [
      '`objectStore.rootCredentials.keys.rootPasswrd` is not a known setting. Did you mean `rootPassword`? Known keys here: rootUser, rootPassword.',
    ],
  },
  {
    name: 'a Pulumi-only secret source for plain manifests',
    file: `${base}objectStore:\n  type: minio\n  rootCredentials: { type: pulumi, configKeys: { rootUser: u, rootPassword: p } }\n`,
    expected: [
      '`objectStore.rootCredentials` takes its values from Pulumi secret config (type pulumi), which only `pulumi up` can fill.',
    ],
  },
  {
    name: 'a repeated key',
    file: `${base}tenants:\n  - name: a\n    owner: a@example.com\n    owner: b@example.com\n`,
    expected: ['`tenants[0].owner` is given twice (line 6, column 5). Keep one of them.'],
  },
  {
    name: 'two documents in one file',
    file: `${base}---\n${base}`,
    expected: [
      'The environment file holds 2 YAML documents (got 1 `---` separators). Keep one environment per file.',
    ],
  },
  {
    name: 'keys that are JavaScript internals',
    file: `${base}__proto__: { x: 1 }\nconstructor: 3\n`,
    expected: [
      '`__proto__` is not a known setting. Remove it; known keys here: name, preset,',
      '`constructor` is not a known setting. Remove it; known keys here: name, preset,',
    ],
  },
  {
    name: 'numbers that are not whole or not finite',
    file: `${base}objectStore: { type: minio, storageGiB: 1.5 }\ntenants: [{ name: t, owner: a@example.com, quota: { gpu: .inf } }]\n`,
    expected: [
      '`objectStore.storageGiB` must be a whole number (got number 1.5). Give a whole number of GiB.',
      '`tenants[0].quota.gpu` must be a finite number (got number Infinity). Give a number such as 10, not .inf or .nan.',
    ],
  },
  {
    name: 'a YAML alias bomb',
    file: `${base}a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    expected: [
      'The environment file expands YAML aliases more than 100 times. Write the repeated values out instead of aliasing them.',
    ],
  },
  {
    name: 'more tenants than any platform',
    file: tenants(5001),
    expected: ['`tenants` has more than 5000 tenants (got a list of 5001).'],
  },
  {
    name: 'bytes that are not UTF-8',
    file: Buffer.concat([
      Buffer.from(`${base}tenants: [{ name: t, owner: '`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("@example.com' }]\n"),
    ]),
    expected: ['The environment file is not UTF-8 text. Save it as UTF-8;'],
  },
  {
    name: 'an empty file',
    file: '',
    expected: ['The environment file is empty. Give at least name and preset.'],
  },
];

function run(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    args,
    (m: string) => out.push(m),
    (m: string) => err.push(m),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('invalid environment files: exit 1, every problem with its path, no trace, nothing written', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-invalid-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const file = path.join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, c.file);
    const out = path.join(dir, 'out', c.name.replace(/\W+/g, '-'));
    const r = run(['--config', file, '--out', out]);
    expect(r.code).toBe(1);
    for (const e of c.expected) expect(r.err).toContain(e);
    expect(r.err).toContain('Nothing was written.');
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });

  test.each([
    [
      'a directory',
      (d: string) => d,
      'The environment file is a directory. Give the path of a YAML file with --config',
    ],
    [
      'a missing file',
      (d: string) => path.join(d, 'nope.yaml'),
      'The environment file does not exist. Check the path given with --config.',
    ],
  ])('--config naming %s', (_, where, expected) => {
    const out = path.join(dir, 'out-config');
    const r = run(['--config', where(dir), '--out', out]);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining(expected)]);
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });
});
