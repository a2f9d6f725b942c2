import * as path from 'node:path';
import { run } from '../../apps/cdk8s/bin';
import { outputFiles } from '../../apps/cdk8s/output';
import { accessDiff, accessReport } from '../../stacks/access';
import { synthesize } from '../../stacks/pipeline';
import { REPO_ROOT, readEnvironment } from '../helpers';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/access');

describe('the access report', () => {
  const { rendered } = synthesize(readEnvironment('test/fixtures/access/before.yaml'));
  const report = accessReport(rendered);

  test('lists who has which role in each tenant, as the RoleBindings grant it', () => {
    const vision = report.tenants.find((t) => t.tenant === 'vision');
    expect(vision?.grants.map((g) => `${g.subject.kind} ${g.subject.name}: ${g.role}`)).toEqual([
      'Group vision-reviewers: view',
      'User ana@example.com: edit',
      'User bo@example.com: view',
      'User lead@example.com: admin',
    ]);
    expect(report.tenants.map((t) => t.tenant)).toEqual(['nlp', 'vision']);
  });

  test('lists what the tenant pods may reach: exactly the allows that select tenant namespaces', () => {
    const vision = report.tenants.find((t) => t.tenant === 'vision');
    expect(vision?.reaches.map((r) => `${r.namespace}/${r.policy} ${r.ports.join(',')}`)).toEqual([
      'istio-system/allow-istiod-xds 15012/TCP',
      'minio/allow-object-store-from-tenants 9000/TCP',
    ]);
  });

  test('is written to the output as access.md, and as JSON by mlops-blueprint access', async () => {
    const files = Object.fromEntries(outputFiles(rendered).map((f) => [f.name, f.content]));
    expect(Object.keys(files).filter((f) => f.endsWith('.json'))).toEqual([]);
    const out: string[] = [];
    const code = await run(
      ['access', '--config', path.join(FIXTURES, 'before.yaml'), '--format', 'json'],
      { stdout: (s) => out.push(s), stderr: (s) => out.push(s) },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(files['access.md']).toContain(
      '| User `ana@example.com` | edit | RoleBinding tenant-member-0 |',
    );
  });
});

describe('the access diff of two environment files', () => {
  const expected = [
    '- nlp: User nlp-lead@example.com has admin',
    '- nlp: pods may reach istio-system on 15012/TCP',
    '- nlp: pods may reach minio on 9000/TCP',
    '- nlp: tenant exists',
    '+ speech: User speech-lead@example.com has admin',
    '+ speech: pods may reach istio-system on 15012/TCP',
    '+ speech: pods may reach minio on 9000/TCP',
    '+ speech: tenant exists',
    '+ vision: Group ml-platform has admin',
    '+ vision: User ana@example.com has admin',
    '- vision: User ana@example.com has edit',
    '- vision: User bo@example.com has view',
  ];

  test('says who gains and loses what, line by line', () => {
    const before = accessReport(
      synthesize(readEnvironment('test/fixtures/access/before.yaml')).rendered,
    );
    const after = accessReport(
      synthesize(readEnvironment('test/fixtures/access/after.yaml')).rendered,
    );
    expect(accessDiff(before, after)).toEqual(expected);
    expect(accessDiff(before, before)).toEqual([]);
  });

  test('mlops-blueprint access-diff prints it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(
      ['access-diff', path.join(FIXTURES, 'before.yaml'), path.join(FIXTURES, 'after.yaml')],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    expect([code, err.join('')]).toEqual([0, '']);
    expect(out.join('')).toBe(`${expected.join('\n')}\n`);
    const usage: string[] = [];
    expect(
      await run(['access-diff', 'one.yaml'], {
        stdout: () => undefined,
        stderr: (s) => usage.push(s),
      }),
    ).toBe(2);
    expect(usage.join('')).toContain('access-diff takes two environment files (got 1 arguments).');
  });
});
