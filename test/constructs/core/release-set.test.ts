import { RELEASE_SET, releaseSetDrift, semver } from '../../../constructs/core/release-set';

describe('the release set', () => {
  test('every version of the set is a release version', () => {
    for (const [project, p] of Object.entries(RELEASE_SET.projects)) {
      expect([project, semver(p.version)]).toEqual([project, expect.any(Array)]);
    }
  });

  test.each([
    [{ project: 'istio', version: '1.30.1' }, undefined],
    [
      { project: 'istio', version: '1.30.3', newerBecause: 'Envoy CVE fixes of 1.30.3.' },
      undefined,
    ],
    [
      { project: 'istio', version: '1.30.3' },
      'istio 1.30.3 is newer than Kubeflow 26.03.1 (1.30.1) without a reason. Say why in newerBecause.',
    ],
    [
      { project: 'istio', version: '1.29.6' },
      'istio 1.29.6 drifts from Kubeflow 26.03.1 (1.30.1). Pin 1.30.1, or a newer patch of 1.30 with a reason.',
    ],
    [
      { project: 'istio', version: '1.31.0', newerBecause: 'The next minor has what we need.' },
      'istio 1.31.0 drifts from Kubeflow 26.03.1 (1.30.1). Pin 1.30.1, or a newer patch of 1.30 with a reason.',
    ],
    [
      { project: 'dex', version: 'v2.45.1', newerBecause: 'not newer at all' },
      "dex v2.45.1 is the release set's version; remove newerBecause.",
    ],
    [
      { project: 'dex', version: 'latest' },
      'dex latest is not a release version (the set has v2.45.1). Pin a release tag.',
    ],
    // a project numbered major.minor: the next number is another minor, not a patch
    [{ project: 'seaweedfs', version: '4.00' }, undefined],
    [
      { project: 'seaweedfs', version: '4.01', newerBecause: 'S3 versioning fixes of 4.01.' },
      'seaweedfs 4.01 drifts from Kubeflow 26.03.1 (4.00). Pin 4.00, or a newer patch of 4.0 with a reason.',
    ],
    [
      { name: 'minio', version: 'RELEASE.2025', outsideReleaseSet: '' },
      'minio RELEASE.2025 is outside the release set without a reason. Say why in outsideReleaseSet.',
    ],
  ] as const)('%j', (version, expected) => {
    expect(releaseSetDrift(version)).toBe(expected);
  });
});
