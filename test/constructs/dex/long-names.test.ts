import { DNS_LABEL, DNS_SUBDOMAIN } from '../../../constructs/core/validation';
import { DexConnector, StaticUser, dexPasswordSecretName } from '../../../constructs/dex';
import { DEX_NS, Manifest, buildDex } from './helpers';

const HASH = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
/** 45 characters: emails made from it differ only after the 40th character. */
const PREFIX = 'platform-operations.break-glass.account-0001';
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const names = (objects: readonly Manifest[], kind: string): string[] =>
  objects.filter((o) => o.kind === kind).map((o) => o.metadata.name as string);

describe('Dex names from long input', () => {
  test('generated passwords of users whose emails differ after 40 characters', () => {
    const emails = [`${PREFIX}.alice@example.com`, `${PREFIX}.bob@example.com`];
    const { dex, objects } = buildDex({
      staticUsers: emails.map((e) => StaticUser.generatedPassword(e)),
    });
    const all = objects().all;
    const jobs = names(all, 'Job');
    expect(jobs).toHaveLength(2);
    expect(new Set(jobs).size).toBe(2);
    for (const kind of ['Job', 'ServiceAccount', 'Role', 'RoleBinding']) {
      for (const name of names(all, kind)) expect(name).toMatch(DNS_LABEL);
    }
    // The Secrets keep the whole email: a reader can tell whose they are.
    expect(dex.generatedPasswords.map((p) => p.secretName)).toEqual([
      `dex-password-${PREFIX.replace(/\./g, '-')}-alice-example-com`,
      `dex-password-${PREFIX.replace(/\./g, '-')}-bob-example-com`,
    ]);
    for (const o of all) {
      for (const value of Object.values(o.metadata.labels ?? {})) {
        expect(value).toMatch(LABEL_VALUE);
        expect((value as string).length).toBeLessThanOrEqual(63);
      }
    }
  });

  test('a hash Secret for an email longer than a Secret name may be', () => {
    const email = `${'x'.repeat(300)}@example.com`;
    const name = dexPasswordSecretName(email);
    expect(name).toHaveLength(253);
    expect(name).toMatch(DNS_SUBDOMAIN);
    const o = buildDex({ staticUsers: [StaticUser.passwordHash(email, HASH)] }).objects();
    expect(o.find('Secret', DEX_NS, name).stringData).toEqual({ hash: HASH });
  });

  test('a connector ID of 63 characters mounts its files under valid volume names', () => {
    const id = `ldap-${'d'.repeat(58)}`;
    const { objects } = buildDex({
      connectors: [
        DexConnector.ldap({
          id,
          name: 'Directory',
          host: 'ldap.example.com:636',
          bindDN: 'cn=dex',
          bindPW: { name: 'ldap', key: 'password' },
          rootCA: { name: 'ldap', key: 'ca.crt' },
          userSearch: { baseDN: 'ou=people' },
        }),
      ],
    });
    const pod = objects().find('Deployment', DEX_NS, 'dex').spec.template.spec;
    const volumes = (pod.volumes as Manifest[]).map((v) => v.name as string);
    expect(volumes.filter((v) => v.startsWith('connector-'))).toEqual([
      expect.stringMatching(/^connector-ldap-d+-[0-9a-f]{8}$/),
    ]);
    for (const v of volumes) expect(v).toMatch(DNS_LABEL);
    const mounts = (pod.containers[0].volumeMounts as Manifest[]).map((m) => m.name as string);
    expect(mounts).toEqual(expect.arrayContaining(volumes));
  });
});
