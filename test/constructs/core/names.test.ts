import { MAX_LABEL_NAME, MAX_SUBDOMAIN_NAME, boundedName } from '../../../constructs/core/names';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../../../constructs/core/validation';

const LONG_LOCAL = 'a-very-long-local-part.with.dots+and+tags';

describe('boundedName', () => {
  test.each<[string[], string]>([
    [['istio-startup-check'], 'istio-startup-check'],
    [['dex-password-', 'admin@kubeflow.localhost'], 'dex-password-admin-kubeflow-localhost'],
    [['dex-password', 'Ops.Team@Example.COM'], 'dex-password-ops-team-example-com'],
    [['tenant', '', 'owner'], 'tenant-owner'],
    [['--a__b--'], 'a-b'],
  ])('a name that fits is only cleaned: %j', (parts, name) => {
    expect(boundedName(parts)).toBe(name);
  });

  test('a name that does not fit is cut and ends with a hash of the parts as given', () => {
    const parts = ['dex-password', `${LONG_LOCAL}@example.com`, 'generator'];
    const name = boundedName(parts);
    expect(name).toHaveLength(MAX_LABEL_NAME);
    expect(name).toMatch(DNS_LABEL);
    expect(name).toMatch(/^dex-password-a-very-long-local-part-with-dots-and-tags-[0-9a-f]{8}$/);
    // The same on every run.
    expect(boundedName(parts)).toBe(name);
  });

  test('inputs that differ only past the cut get different names', () => {
    const a = boundedName(['dex-password', `${LONG_LOCAL}.alice@example.com`, 'generator']);
    const b = boundedName(['dex-password', `${LONG_LOCAL}.bob@example.com`, 'generator']);
    expect(a.slice(0, 54)).toBe(b.slice(0, 54));
    expect(a).not.toBe(b);
  });

  test('where the parts split counts, so names made of different parts differ', () => {
    const long = 'x'.repeat(70);
    expect(boundedName([`${long}-a`, 'b'])).not.toBe(boundedName([long, 'a-b']));
  });

  test('a cut never leaves "-" before the hash', () => {
    // The cut falls right after a hyphen.
    const name = boundedName([`${'a'.repeat(53)}-${'b'.repeat(20)}`]);
    expect(name).toMatch(/^a{53}-[0-9a-f]{8}$/);
  });

  test('parts with no letter or digit become the hash alone', () => {
    const name = boundedName(['@@', '..']);
    expect(name).toMatch(/^[0-9a-f]{8}$/);
    expect(name).toMatch(DNS_LABEL);
    expect(boundedName(['@@', '.'])).not.toBe(name);
  });

  test('a subdomain-length name stays whole up to 253 characters', () => {
    const email = `${'m'.repeat(200)}@example.com`;
    expect(boundedName(['dex-password', email], { max: MAX_SUBDOMAIN_NAME })).toBe(
      `dex-password-${'m'.repeat(200)}-example-com`,
    );
    const longer = boundedName(['dex-password', `${'m'.repeat(300)}@example.com`], {
      max: MAX_SUBDOMAIN_NAME,
    });
    expect(longer).toHaveLength(MAX_SUBDOMAIN_NAME);
    expect(longer).toMatch(DNS_SUBDOMAIN);
  });

  test.each([9, 254, 62.5])('refuses max %p', (max) => {
    expect(() => boundedName(['a'], { max })).toThrow(
      `boundedName: max must be a whole number from 10 to 253 (got ${max}).`,
    );
  });
});
