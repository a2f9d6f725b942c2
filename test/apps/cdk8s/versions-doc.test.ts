import { outputFiles } from '../../../apps/cdk8s/output';
import { parseVersions } from '../../../apps/cdk8s/plan';
import { parseInstallRecord } from '../../../apps/cdk8s/versions-doc';
import { RELEASE_SET } from '../../../constructs/core/release-set';
import { synthesize } from '../../../stacks/pipeline';
import { readEnvironment } from '../../helpers';

describe('versions.md', () => {
  const { rendered } = synthesize(readEnvironment('stacks/prod.yaml'));
  const doc = outputFiles(rendered).find((f) => f.name === 'versions.md')?.content ?? '';

  test('names the release set and lists every deployed upstream version against it', () => {
    expect(doc).toContain(`Release set: **${RELEASE_SET.name}** (\`${RELEASE_SET.source}\`).`);
    for (const v of rendered.versions) {
      const name = 'project' in v ? v.project : v.name;
      expect(doc).toMatch(
        new RegExp(`\\| ${name}[^|]*\\| \`${v.version.replace(/[.]/g, '\\.')}\` \\|`),
      );
    }
    expect(doc).toContain('| minio | `RELEASE.2025-09-07T16-13-09Z` | not in the set |');
  });

  test('records the version install.sh records for each component, and plan reads it back', () => {
    const record = parseInstallRecord(doc);
    expect(record).toEqual(new Map(rendered.upgrades.map((u) => [u.component, u.version])));
    expect(record?.size).toBeGreaterThan(5);
    expect(record?.get('cert-manager')).toMatch(/^v\d+\.\d+\.\d+$/);
    // The versions table above it reads as before.
    expect(parseVersions(doc)?.get('istio')).toBe(
      rendered.versions.find((v) => 'project' in v && v.project === 'istio')?.version,
    );
    // A versions.md from before the section: no record.
    expect(parseInstallRecord(doc.slice(0, doc.indexOf('## Install record')))).toBeUndefined();
  });

  test('shows what an external component does not deploy: nothing of it', () => {
    const external = synthesize({
      name: 'x',
      preset: 'dev',
      certManager: { mode: 'external' },
      tls: { issuer: { type: 'external', clusterIssuer: 'corp' } },
    }).rendered;
    const text = outputFiles(external).find((f) => f.name === 'versions.md')?.content ?? '';
    expect(text).not.toContain('cert-manager (');
    expect(text).toContain('istio (istio/istio)');
  });
});
