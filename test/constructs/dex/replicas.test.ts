import { DEX_STORAGE_REQUESTS } from './crd-facts';
import { DEX_NS, Manifest, buildDex, dexConfigOf } from './helpers';

/**
 * Two Dex replicas, as Kubeflow 26.03.1 runs them: what they share and what they need for it.
 * Upstream facts in `crd-facts.ts` (`DEX_STORAGE_REQUESTS`).
 */
describe('Dex with two replicas', () => {
  const { objects } = buildDex();
  const o = objects();
  const deployment = o.find('Deployment', DEX_NS, 'dex');

  test('is the default, with a PodDisruptionBudget that keeps one replica running', () => {
    expect(deployment.spec.replicas).toBe(2);
    const pdb = o.find('PodDisruptionBudget', DEX_NS, 'dex');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(deployment.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
  });

  test('the replicas share one storage and one signer: login state and keys live in the API server', () => {
    const config = dexConfigOf(o);
    expect(config.storage.type).toBe('kubernetes');
    // The local signer keeps its keys in the storage (SigningKey `openid-connect-keys`) and reads
    // them on every signature, so both replicas sign with the same key and serve the same JWKS.
    expect(config.signer.type).toBe('local');
    // One ConfigMap for every replica: the same static clients, connectors and users.
    const volumes = deployment.spec.template.spec.volumes as Manifest[];
    expect(volumes.find((v) => v.name === 'config')?.configMap.name).toBe('dex');
  });

  test('the Role grants every verb the storage uses, so concurrent writes resolve by conflict', () => {
    const [rule] = o.find('Role', DEX_NS, 'dex').rules as Manifest[];
    const needed = [...new Set(DEX_STORAGE_REQUESTS.map((r) => r.verb))].sort();
    expect([...(rule.verbs as string[])].sort()).toEqual(needed);
    // Key rotation and the refresh-token lock are where replicas race.
    expect(rule.resources).toEqual(expect.arrayContaining(['signingkeies', 'refreshtokens']));
    // A PUT with a resourceVersion is what makes the race safe; nothing that bypasses it.
    for (const verb of ['patch', 'watch', 'deletecollection', '*']) {
      expect(rule.verbs).not.toContain(verb);
    }
  });

  test('only Dex may read the signing keys, which include the private key', () => {
    const readers = [...o.ofKind('Role'), ...o.ofKind('ClusterRole')].filter((r) =>
      (r.rules as Manifest[]).some(
        (rule) =>
          (rule.apiGroups as string[]).includes('dex.coreos.com') &&
          ((rule.resources as string[]).includes('signingkeies') ||
            (rule.resources as string[]).includes('*')),
      ),
    );
    expect(readers.map((r) => r.metadata.name)).toEqual(['dex']);
    expect(o.find('RoleBinding', DEX_NS, 'dex').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'dex', namespace: DEX_NS },
    ]);
  });

  test('no sticky sessions: the Service balances freely and no DestinationRule pins a replica', () => {
    const service = o.find('Service', DEX_NS, 'dex');
    expect(service.spec.sessionAffinity ?? 'None').toBe('None');
    for (const rule of o.ofKind('DestinationRule')) {
      expect(rule.spec.trafficPolicy?.loadBalancer?.consistentHash).toBeUndefined();
    }
  });

  test('a config change rolls every replica together', () => {
    const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
    expect(annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });
});
