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
      'Group vision-reviewers: kubeflow-view',
      // the platform's job that writes the tenant's object-store keys, and nothing more
      'ServiceAccount minio/tenant-access-vision: Role tenant-access-vision',
      // the job that generates the password of the tenant's own registry database
      'ServiceAccount vision/model-registry-db-generator: Role model-registry-db-generator',
      'User ana@example.com: kubeflow-edit',
      'User bo@example.com: kubeflow-view',
      'User lead@example.com: kubeflow-admin',
    ]);
    expect(report.tenants.map((t) => t.tenant)).toEqual(['nlp', 'vision']);
  });

  test('agrees with the RoleBindings and AuthorizationPolicies, subject by subject', () => {
    const objects = rendered.layers.flatMap((l) => l.objects);
    const inVision = (kind: string) =>
      objects.filter((o) => o.kind === kind && o.metadata.namespace === 'vision');
    const bindings = inVision('RoleBinding');
    const policies = inVision('AuthorizationPolicy');
    const vision = report.tenants.find((t) => t.tenant === 'vision');
    const viaBinding =
      vision?.grants.filter(
        (g) => g.via.startsWith('RoleBinding ') && g.subject.kind !== 'ServiceAccount',
      ) ?? [];
    // every contributor binding (KFAM's annotations) is in the report
    expect(viaBinding.map((g) => g.via.slice('RoleBinding '.length)).sort()).toEqual(
      bindings
        .filter((b) => b.metadata.annotations?.user !== undefined)
        .map((b) => b.metadata.name)
        .sort(),
    );
    for (const g of viaBinding) {
      const name = g.via.slice('RoleBinding '.length);
      const binding = bindings.find((b) => b.metadata.name === name);
      const policy = policies.find((p) => p.metadata.name === name);
      // KFAM's format: the binding and its policy share the name and the user/role annotations
      expect(binding?.metadata.annotations).toEqual({
        user: g.subject.name,
        role: g.role.replace('kubeflow-', ''),
      });
      expect(policy?.metadata.annotations).toEqual(binding?.metadata.annotations);
      expect(binding?.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: g.role,
      });
      const rule = (policy?.spec as { rules: { when: { key: string; values: string[] }[] }[] })
        .rules[0];
      expect(rule.when).toEqual([
        g.subject.kind === 'Group'
          ? { key: 'request.auth.claims[groups]', values: [g.subject.name] }
          : { key: 'request.headers[kubeflow-userid]', values: [g.subject.name] },
      ]);
      expect(g.mesh).toBe(
        `AuthorizationPolicy ${name}: ${g.subject.kind === 'Group' ? 'verified token claim groups' : 'kubeflow-userid header'}`,
      );
    }
    // the owner is the Profile's, bound by the profile controller
    const profile = objects.find((o) => o.kind === 'Profile' && o.metadata.name === 'vision');
    expect((profile?.spec as { owner: unknown }).owner).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: 'lead@example.com',
    });
    expect(vision?.grants.find((g) => g.via === 'Profile vision (owner)')?.subject.name).toBe(
      'lead@example.com',
    );
  });

  test('lists what the tenant pods may reach: exactly the allows that select tenant namespaces', () => {
    const vision = report.tenants.find((t) => t.tenant === 'vision');
    expect(vision?.reaches.map((r) => `${r.namespace}/${r.policy} ${r.ports.join(',')}`)).toEqual([
      'istio-system/allow-istiod-xds 15012/TCP',
      // the cluster-local gateway: a tenant calls its own models (the gateway's policy keeps it to them)
      'knative-serving/allow-knative-local-gateway-clients 8081/TCP',
      // Katib's DB manager: trials' metrics collectors report, suggestions read
      'kubeflow/allow-katib-db-manager-from-tenants 6789/TCP',
      'kubeflow/allow-metadata-grpc-service-from-pipelines 8080/TCP',
      'kubeflow/allow-ml-pipeline-from-tenants 8888/TCP,8887/TCP',
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
      '| User `ana@example.com` | kubeflow-edit | RoleBinding user-ana-example-com-clusterrole-edit | AuthorizationPolicy user-ana-example-com-clusterrole-edit: kubeflow-userid header |',
    );
  });
});

describe('the access diff of two environment files', () => {
  const expected = [
    '- nlp: ServiceAccount minio/tenant-access-nlp has Role tenant-access-nlp',
    '- nlp: ServiceAccount nlp/model-registry-db-generator has Role model-registry-db-generator',
    '- nlp: User nlp-lead@example.com has kubeflow-admin',
    '- nlp: pods may reach istio-system on 15012/TCP',
    '- nlp: pods may reach knative-serving on 8081/TCP',
    '- nlp: pods may reach kubeflow on 6789/TCP',
    '- nlp: pods may reach kubeflow on 8080/TCP',
    '- nlp: pods may reach kubeflow on 8888/TCP, 8887/TCP',
    '- nlp: pods may reach minio on 9000/TCP',
    '- nlp: pods of nlp may read and write: registered models, versions, artifacts in Model registry of nlp',
    '- nlp: tenant exists',
    '- nlp: users RBAC lets read Services in nlp, through the registry UI (kubeflow/model-registry-ui) may read and write: registered models, versions, artifacts in Model registry of nlp',
    '+ speech: ServiceAccount minio/tenant-access-speech has Role tenant-access-speech',
    '+ speech: ServiceAccount speech/model-registry-db-generator has Role model-registry-db-generator',
    '+ speech: User speech-lead@example.com has kubeflow-admin',
    '+ speech: pods may reach istio-system on 15012/TCP',
    '+ speech: pods may reach knative-serving on 8081/TCP',
    '+ speech: pods may reach kubeflow on 6789/TCP',
    '+ speech: pods may reach kubeflow on 8080/TCP',
    '+ speech: pods may reach kubeflow on 8888/TCP, 8887/TCP',
    '+ speech: pods may reach minio on 9000/TCP',
    '+ speech: pods of speech may read and write: registered models, versions, artifacts in Model registry of speech',
    '+ speech: tenant exists',
    '+ speech: users RBAC lets read Services in speech, through the registry UI (kubeflow/model-registry-ui) may read and write: registered models, versions, artifacts in Model registry of speech',
    '+ vision: Group ml-platform has kubeflow-admin',
    '+ vision: User ana@example.com has kubeflow-admin',
    '- vision: User ana@example.com has kubeflow-edit',
    '- vision: User bo@example.com has kubeflow-view',
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
