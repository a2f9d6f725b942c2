import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Minio } from '../../../constructs/minio/minio';
import {
  BUCKET_LIFECYCLE_SCRIPT,
  BucketLifecycle,
  TENANT_MINIO_SCRIPT,
  TENANT_ACCESS_SCRIPTS,
  TENANT_SECRET_SCRIPT,
  TenantObjectStoreAccess,
  TenantObjectStoreAccessProps,
  tenantPolicy,
} from '../../../constructs/minio/tenant-access';
import { MINIO_VERSIONS } from '../../../constructs/minio/versions';
import { CORE_IMAGES } from '../../../constructs/core/versions';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Obj, findObject, objectsOfKind, testChart } from '../../helpers';

type Extra = Partial<Omit<TenantObjectStoreAccessProps, 'minio'>>;

function build(tenants: (Extra & { tenantNamespace: string })[], buckets?: string[]) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'minio' });
  const minio = new Minio(chart, 'Minio', {
    namespace,
    ...(buckets ? { buckets: buckets.map((name) => ({ name })) } : {}),
  });
  const accesses = tenants.map(
    (t) => new TenantObjectStoreAccess(chart, `Access-${t.tenantNamespace}`, { minio, ...t }),
  );
  return { chart, minio, accesses, objects: synth() };
}

const env = (c: Obj, name: string) => c.env.find((e: Obj) => e.name === name);
const jobOf = (objects: Obj[], ns: string) =>
  findObject(objects, 'Job', 'minio', `tenant-access-${ns}`);

describe('TenantObjectStoreAccess defaults', () => {
  test('mlpipeline bucket, the two private prefixes, the KFP Secret name and keys', () => {
    const { accesses } = build([{ tenantNamespace: 'team-a' }]);
    const a = accesses[0];
    expect(a.bucket).toBe('mlpipeline');
    expect(a.prefixes).toEqual(['private-artifacts/team-a/', 'private/team-a/']);
    expect(a.datasetsBucket).toBeUndefined();
    expect(a.accessKey).toBe('tenant-team-a');
    expect(a.policyName).toBe('tenant-team-a');
    expect(a.jobName).toBe('tenant-access-team-a');
    expect(a.credentials).toEqual({
      secretName: 'mlpipeline-minio-artifact',
      namespace: 'team-a',
      accessKeyKey: 'accesskey',
      secretKeyKey: 'secretkey',
    });
  });
});

describe('the policy', () => {
  test('exactly the tenant prefixes: objects, list with a prefix condition, bucket location', () => {
    expect(
      tenantPolicy({ bucket: 'mlpipeline', prefixes: ['private-artifacts/a/', 'private/a/'] }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BucketLocation',
          Effect: 'Allow',
          Action: ['s3:GetBucketLocation'],
          Resource: ['arn:aws:s3:::mlpipeline'],
        },
        {
          Sid: 'ListOwnPrefixes',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: ['arn:aws:s3:::mlpipeline'],
          Condition: { StringLike: { 's3:prefix': ['private-artifacts/a/*', 'private/a/*'] } },
        },
        {
          Sid: 'ObjectsUnderOwnPrefixes',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: [
            'arn:aws:s3:::mlpipeline/private-artifacts/a/*',
            'arn:aws:s3:::mlpipeline/private/a/*',
          ],
        },
      ],
    });
  });

  test('a datasets bucket adds its own list and object statements', () => {
    const p = tenantPolicy({
      bucket: 'mlpipeline',
      prefixes: ['private/a/'],
      datasetsBucket: 'a-data',
    });
    expect(p.Statement[0].Resource).toEqual(['arn:aws:s3:::mlpipeline', 'arn:aws:s3:::a-data']);
    expect(p.Statement.slice(3)).toEqual([
      {
        Sid: 'ListDatasets',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::a-data'],
      },
      {
        Sid: 'DatasetObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: ['arn:aws:s3:::a-data/*'],
      },
    ]);
  });

  test("the Job carries the policy, and it never names another tenant's prefix", () => {
    // `team` is a prefix of `team-b`'s name: every pattern must end at the `/`.
    const { objects, accesses } = build([
      { tenantNamespace: 'team' },
      { tenantNamespace: 'team-b' },
    ]);
    for (const [self, other] of [
      ['team', 'team-b'],
      ['team-b', 'team'],
    ]) {
      const mc = jobOf(objects, self).spec.template.spec.containers[0];
      const policy = JSON.parse(env(mc, 'POLICY').value);
      expect(policy).toEqual(accesses.find((a) => a.accessKey === `tenant-${self}`)?.policy);
      const patterns: string[] = policy.Statement.flatMap((s: Obj) => [
        ...s.Resource,
        ...(s.Condition?.StringLike['s3:prefix'] ?? []),
      ]);
      for (const pattern of patterns) {
        if (pattern === 'arn:aws:s3:::mlpipeline') continue;
        expect(pattern).toMatch(new RegExp(`(^|/)(private|private-artifacts)/${self}/\\*$`));
        expect(pattern).not.toContain(`/${other}/`);
        // As MinIO matches `*`: the pattern must not reach into the other tenant's keys.
        const re = new RegExp(
          `^${pattern
            .replace(/^arn:aws:s3:::mlpipeline\//, '')
            .replace(/[.]/g, '\\.')
            .replace('*', '.*')}$`,
        );
        expect(re.test(`private-artifacts/${other}/run/x`)).toBe(false);
        expect(re.test(`private/${other}/x`)).toBe(false);
        expect(re.test(`private-artifacts/${self}/run/x`) || re.test(`private/${self}/x`)).toBe(
          true,
        );
      }
      // Nothing outside the tenant's prefixes: no shared or v1 artifact reads.
      expect(JSON.stringify(policy)).not.toMatch(
        /shared\/|mlpipeline\/artifacts|"arn:aws:s3:::mlpipeline\/\*"|"\*"|s3:\*/,
      );
    }
  });
});

describe('the Job', () => {
  test('kubectl init container writes the Secret; mc container configures MinIO; pinned images', () => {
    const { objects } = build([{ tenantNamespace: 'team-a' }]);
    const job = jobOf(objects, 'team-a');
    const pod = job.spec.template.spec;
    expect(job.spec.backoffLimit).toBe(6);
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(pod.restartPolicy).toBe('Never');
    const [init] = pod.initContainers;
    const [mc] = pod.containers;
    expect(init.image).toBe(`registry.k8s.io/kubectl:${CORE_IMAGES.kubectl.tag}`);
    expect(mc.image).toBe(
      `quay.io/minio/mc:${MINIO_VERSIONS.client.tag}@${MINIO_VERSIONS.client.digest}`,
    );
    // Both scripts come from one ConfigMap next to MinIO, mounted read-only, not a copy per Job.
    expect(init.command).toEqual(['/bin/bash', '/scripts/tenant-secret.sh']);
    expect(mc.command).toEqual(['/bin/sh', '/scripts/tenant-minio.sh']);
    const scripts = objects.filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === TENANT_ACCESS_SCRIPTS,
    );
    expect(scripts).toHaveLength(1);
    expect(scripts[0].metadata.namespace).toBe(job.metadata.namespace);
    expect(scripts[0].data).toEqual({
      'tenant-secret.sh': TENANT_SECRET_SCRIPT,
      'tenant-minio.sh': TENANT_MINIO_SCRIPT,
    });
    for (const c of [init, mc]) {
      expect(c.volumeMounts).toContainEqual({
        name: 'scripts',
        mountPath: '/scripts',
        readOnly: true,
      });
    }
    expect(job.spec.template.spec.volumes).toContainEqual({
      name: 'scripts',
      configMap: { name: TENANT_ACCESS_SCRIPTS },
    });
    expect(env(init, 'SECRET_NAME').value).toBe('mlpipeline-minio-artifact');
    expect(env(init, 'TENANT_NAMESPACE').value).toBe('team-a');
    expect(env(init, 'TENANT_USER').value).toBe('tenant-team-a');
    expect(JSON.parse(env(init, 'SECRET_LABELS').value)).toMatchObject({
      'app.kubernetes.io/component': 'tenant-credentials',
    });
    expect(env(mc, 'TENANT_USER').value).toBe('tenant-team-a');
    expect(env(mc, 'POLICY_NAME').value).toBe('tenant-team-a');
    expect(env(mc, 'MINIO_ENDPOINT').value).toBe('http://minio.minio.svc.cluster.local:9000');
    // Both containers share only the hand-off volume and the read-only scripts.
    const mounts = (c: Obj) => c.volumeMounts.map((m: Obj) => m.name);
    expect(mounts(init).filter((v: string) => mounts(mc).includes(v))).toEqual([
      'handoff',
      'scripts',
    ]);
    expect(pod.volumes.find((v: Obj) => v.name === 'handoff').emptyDir.medium).toBe('Memory');
  });

  test('root credentials only as secretKeyRefs of the mc container, in the minio namespace', () => {
    const { objects } = build([{ tenantNamespace: 'team-a' }]);
    const job = jobOf(objects, 'team-a');
    expect(job.metadata.namespace).toBe('minio');
    const [init] = job.spec.template.spec.initContainers;
    const [mc] = job.spec.template.spec.containers;
    expect(env(mc, 'MINIO_ROOT_USER')).toEqual({
      name: 'MINIO_ROOT_USER',
      valueFrom: { secretKeyRef: { name: 'minio-root-credentials', key: 'rootUser' } },
    });
    expect(env(mc, 'MINIO_ROOT_PASSWORD')).toEqual({
      name: 'MINIO_ROOT_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'minio-root-credentials', key: 'rootPassword' } },
    });
    expect(JSON.stringify(init)).not.toContain('minio-root-credentials');
    // Outside MinIO's namespace nothing refers to the root Secret.
    for (const o of objects.filter((x) => x.metadata.namespace !== 'minio')) {
      expect(JSON.stringify(o)).not.toContain('minio-root-credentials');
    }
  });

  test('only the kubectl container gets an API token', () => {
    const { objects } = build([{ tenantNamespace: 'team-a' }]);
    const pod = jobOf(objects, 'team-a').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    const tokenDir = '/var/run/secrets/kubernetes.io/serviceaccount';
    expect(pod.initContainers[0].volumeMounts).toContainEqual({
      name: 'api-token',
      mountPath: tokenDir,
      readOnly: true,
    });
    expect(pod.containers[0].volumeMounts.map((m: Obj) => m.name)).not.toContain('api-token');
    const token = pod.volumes.find((v: Obj) => v.name === 'api-token').projected.sources;
    expect(token[0].serviceAccountToken.path).toBe('token');
    expect(token[1].configMap.name).toBe('kube-root-ca.crt');
  });

  test('restricted security and requests/limits on every container', () => {
    const { objects } = build([{ tenantNamespace: 'team-a' }]);
    const pod = jobOf(objects, 'team-a').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
  });

  test('RBAC: a Role in the tenant namespace, get/patch on that one Secret, create', () => {
    const { objects } = build([{ tenantNamespace: 'team-a', secretName: 'my-s3' }]);
    const role = findObject(objects, 'Role', 'team-a', 'tenant-access-team-a');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['my-s3'],
        verbs: ['get', 'patch'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'team-a', 'tenant-access-team-a');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'tenant-access-team-a',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'tenant-access-team-a', namespace: 'minio' },
    ]);
    // Nothing cluster-wide and nothing in MinIO's namespace.
    expect(objectsOfKind(objects, 'ClusterRole')).toEqual([]);
    expect(objectsOfKind(objects, 'ClusterRoleBinding')).toEqual([]);
    expect(
      objects.filter((o) => o.kind.startsWith('Role') && o.metadata.namespace !== 'team-a'),
    ).toEqual(
      objects.filter((o) => o.kind.startsWith('Role') && o.metadata.name.endsWith('-generator')),
    );
  });

  test('four objects per tenant and one shared network allow to the API port', () => {
    const { objects } = build([
      { tenantNamespace: 'a' },
      { tenantNamespace: 'b' },
      { tenantNamespace: 'c' },
    ]);
    const mine = objects.filter((o) =>
      ['tenant-access-a', 'tenant-access-b', 'tenant-access-c'].includes(o.metadata.name),
    );
    expect(mine.map((o) => `${o.kind}/${o.metadata.namespace}`).sort()).toEqual(
      ['a', 'b', 'c']
        .flatMap((t) => [`Job/minio`, `ServiceAccount/minio`, `Role/${t}`, `RoleBinding/${t}`])
        .sort(),
    );
    const allow = findObject(objects, 'NetworkPolicy', 'minio', 'allow-minio-from-tenant-access');
    expect(allow.spec.ingress[0].ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
    expect(allow.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'minio',
      'app.kubernetes.io/instance': 'minio',
      'app.kubernetes.io/component': 'tenant-access',
    });
    expect(jobOf(objects, 'a').spec.template.metadata.labels).toMatchObject(
      allow.spec.ingress[0].from[0].podSelector.matchLabels,
    );
  });

  test('a datasets bucket is created by the Job and named in the policy', () => {
    const { objects } = build([{ tenantNamespace: 'team-a', datasetsBucket: 'team-a-data' }]);
    const mc = jobOf(objects, 'team-a').spec.template.spec.containers[0];
    expect(env(mc, 'TENANT_BUCKETS').value).toBe('team-a-data');
    expect(env(mc, 'POLICY').value).toContain('arn:aws:s3:::team-a-data/*');
  });

  test('a long namespace gives a bounded Job name', () => {
    const ns = `t${'x'.repeat(62)}`;
    const { accesses, objects } = build([{ tenantNamespace: ns }]);
    expect(accesses[0].jobName).toHaveLength(63);
    expect(accesses[0].jobName).toMatch(/^tenant-access-tx+-[0-9a-f]{8}$/);
    expect(findObject(objects, 'Job', 'minio', accesses[0].jobName)).toBeDefined();
  });

  test('deterministic: two syntheses are equal', () => {
    const a = build([{ tenantNamespace: 'team-a', datasetsBucket: 'ds-a' }]).objects;
    const b = build([{ tenantNamespace: 'team-a', datasetsBucket: 'ds-a' }]).objects;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // No secret value is ever synthesized: only the generator scripts make one.
    expect(objectsOfKind(a, 'Secret')).toEqual([]);
  });

  test('invalid props are all reported together', () => {
    expect(() =>
      build([
        {
          tenantNamespace: 'Team A',
          bucket: 'nope',
          prefixes: ['private/*', '/abs/'],
          datasetsBucket: 'nope',
          secretName: 'Bad_Name',
        },
      ]),
    ).toThrow(
      [
        'TenantObjectStoreAccess Team A:',
        '`tenantNamespace` is not a namespace name (got "Team A"). Use a DNS label such as team-a.',
        '`bucket` is not a bucket MinIO creates (got "nope"). Use one of: mlpipeline.',
        '`prefixes[0]` is not a literal key prefix ending with / (got "private/*"). Use letters, digits, / and -_.!\'() only, such as private/Team A/.',
        '`prefixes[1]` is not a literal key prefix ending with / (got "/abs/"). Use letters, digits, / and -_.!\'() only, such as private/Team A/.',
        '`datasetsBucket` is not a bucket of the tenant\'s own (got "nope"). Use a valid S3 bucket name other than the artifact bucket nope.',
        '`secretName` is not a Secret name (got "Bad_Name"). Use a DNS label such as mlpipeline-minio-artifact.',
      ].join('\n'),
    );
    expect(() => build([{ tenantNamespace: 'a', prefixes: [] }])).toThrow(
      '`prefixes` is empty (got []). Give at least one prefix, or leave it out.',
    );
  });
});

describe('mc commands as the pinned release spells them', () => {
  test('user add reads the keys from stdin, policy create takes a file, attach takes --user', () => {
    expect(TENANT_MINIO_SCRIPT).toContain('mc admin user add platform < /handoff/credentials');
    expect(TENANT_MINIO_SCRIPT).toContain(
      'mc admin policy create platform "$POLICY_NAME" /tmp/policy.json',
    );
    expect(TENANT_MINIO_SCRIPT).toContain(
      'mc admin policy attach platform "$POLICY_NAME" --user "$TENANT_USER"',
    );
    expect(TENANT_MINIO_SCRIPT).toContain('mc mb --ignore-existing "platform/$bucket"');
    // The deprecated spellings of older releases are gone.
    expect(TENANT_MINIO_SCRIPT).not.toMatch(/policy (add|set) /);
  });
});

/**
 * The scripts run against fakes of kubectl and mc that keep Secrets in a directory, so that
 * idempotence is shown by running them, not by reading them.
 */
describe('the scripts, run against fakes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-access-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'handoff'));
    fs.mkdirSync(path.join(dir, 'tmp'));
    fs.mkdirSync(path.join(dir, 'secrets'));
    const node = process.execPath;
    fs.writeFileSync(
      path.join(dir, 'bin', 'kubectl'),
      `#!${node}
const fs = require('fs'); const path = require('path');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(dir, 'kubectl.log'))}, args.join(' ') + '\\n');
const opt = (n) => { const i = args.indexOf(n); return i < 0 ? undefined : args[i + 1]; };
const store = ${JSON.stringify(path.join(dir, 'secrets'))};
const file = (ns, name) => path.join(store, ns + '.' + name + '.json');
if (args[0] === 'get') {
  const f = file(opt('--namespace'), args[2]);
  if (!fs.existsSync(f)) { if (args.includes('--ignore-not-found')) process.exit(0); console.error('NotFound'); process.exit(1); }
  const s = JSON.parse(fs.readFileSync(f, 'utf8'));
  const o = opt('-o');
  if (o === 'name') process.stdout.write('secret/' + args[2] + '\\n');
  else { const key = /\\{\\.data\\.(\\w+)\\}/.exec(o)[1]; process.stdout.write((s.data || {})[key] || ''); }
} else if (args[0] === 'create') {
  const s = JSON.parse(fs.readFileSync(opt('--filename'), 'utf8'));
  const f = file(s.metadata.namespace, s.metadata.name);
  if (fs.existsSync(f)) { console.error('AlreadyExists'); process.exit(1); }
  fs.writeFileSync(f, JSON.stringify(s));
} else if (args[0] === 'patch') {
  const f = file(opt('--namespace'), args[2]);
  const s = JSON.parse(fs.readFileSync(f, 'utf8'));
  const p = JSON.parse(fs.readFileSync(opt('--patch-file'), 'utf8'));
  s.data = { ...(s.data || {}), ...p.data };
  fs.writeFileSync(f, JSON.stringify(s));
} else { console.error('unexpected'); process.exit(2); }
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(dir, 'bin', 'mc'),
      `#!/bin/sh
echo "mc $*" >> ${dir}/mc.log
case "$*" in
  "admin user add platform") cat >> ${dir}/mc.log ;;
  "admin policy create "*) cat "$5" >> ${dir}/mc.log; echo >> ${dir}/mc.log ;;
  "ilm rule import "*) cat >> ${dir}/mc.log; echo >> ${dir}/mc.log ;;
esac
`,
      { mode: 0o755 },
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const localPaths = (script: string) =>
    script.replace(/\/(handoff|tmp)\//g, (_m, d: string) => `${dir}/${d}/`);
  const secretFile = () => path.join(dir, 'secrets', 'team-a.mlpipeline-minio-artifact.json');
  const decoded = () => {
    const s = JSON.parse(fs.readFileSync(secretFile(), 'utf8'));
    return Object.fromEntries(
      Object.entries(s.data as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );
  };
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

  function runJob(): { secretEnv: Record<string, string>; mcEnv: Record<string, string> } {
    const { objects } = build([{ tenantNamespace: 'team-a' }]);
    const pod = jobOf(objects, 'team-a').spec.template.spec;
    const plain = (c: Obj) =>
      Object.fromEntries(c.env.filter((e: Obj) => 'value' in e).map((e: Obj) => [e.name, e.value]));
    const base = { PATH: `${dir}/bin:${process.env.PATH ?? ''}` };
    const secretEnv = { ...base, ...plain(pod.initContainers[0]) };
    execFileSync('bash', ['-c', localPaths(TENANT_SECRET_SCRIPT)], { env: secretEnv });
    const mcEnv = {
      ...base,
      ...plain(pod.containers[0]),
      MINIO_ROOT_USER: 'root',
      MINIO_ROOT_PASSWORD: 'rootpass',
    };
    execFileSync('sh', ['-c', localPaths(TENANT_MINIO_SCRIPT)], { env: mcEnv });
    return { secretEnv, mcEnv };
  }

  test('the first run generates the key, writes the Secret and the MinIO user with that key', () => {
    runJob();
    const data = decoded();
    expect(data.accesskey).toBe('tenant-team-a');
    expect(data.secretkey).toMatch(/^[A-Za-z0-9]{40}$/);
    const secret = JSON.parse(fs.readFileSync(secretFile(), 'utf8'));
    expect(secret.metadata.labels['app.kubernetes.io/component']).toBe('tenant-credentials');
    const mc = read('mc.log');
    // The user is added with the Secret's key, read from stdin, never from the command line.
    expect(mc).toContain(`mc admin user add platform\ntenant-team-a\n${data.secretkey}\n`);
    expect(
      mc
        .split('\n')
        .filter((l) => l.startsWith('mc '))
        .join('\n'),
    ).not.toContain(data.secretkey);
    expect(read('kubectl.log')).not.toContain(data.secretkey);
    expect(mc).toContain('mc admin policy attach platform tenant-team-a --user tenant-team-a');
    expect(fs.existsSync(path.join(dir, 'handoff', 'credentials'))).toBe(false);
  });

  test('a re-run keeps the key: it checks the Secret first and creates nothing', () => {
    runJob();
    const first = decoded().secretkey;
    fs.writeFileSync(path.join(dir, 'kubectl.log'), '');
    fs.writeFileSync(path.join(dir, 'mc.log'), '');
    runJob();
    expect(decoded().secretkey).toBe(first);
    const calls = read('kubectl.log');
    expect(calls.split('\n')[0]).toBe(
      'get secret mlpipeline-minio-artifact --namespace team-a --ignore-not-found -o name',
    );
    expect(calls).not.toMatch(/^(create|patch)/m);
    expect(read('mc.log')).toContain(`tenant-team-a\n${first}\n`);
  });

  test('a Secret with another access key (say, a copy of the root keys) is taken over', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    fs.writeFileSync(
      secretFile(),
      JSON.stringify({
        metadata: { name: 'mlpipeline-minio-artifact', namespace: 'team-a' },
        data: { accesskey: b64('root'), secretkey: b64('rootpass'), other: b64('kept') },
      }),
    );
    runJob();
    const data = decoded();
    expect(data.accesskey).toBe('tenant-team-a');
    expect(data.secretkey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(data.other).toBe('kept');
    expect(read('kubectl.log')).toMatch(
      /^patch secret mlpipeline-minio-artifact --namespace team-a --type merge --patch-file /m,
    );
  });

  test('the lifecycle Job imports one noncurrent-expiration rule', () => {
    const { chart, synth } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'minio' });
    const minio = new Minio(chart, 'Minio', { namespace });
    new BucketLifecycle(chart, 'Lifecycle', {
      minio,
      bucket: 'mlpipeline',
      noncurrentVersionExpirationDays: 30,
    });
    const objects = synth();
    const job = findObject(objects, 'Job', 'minio', 'minio-lifecycle-mlpipeline');
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['/bin/sh', '-c', BUCKET_LIFECYCLE_SCRIPT]);
    expect(env(c, 'MINIO_ROOT_PASSWORD').valueFrom.secretKeyRef.name).toBe(
      'minio-root-credentials',
    );
    const plain = Object.fromEntries(
      c.env.filter((e: Obj) => 'value' in e).map((e: Obj) => [e.name, e.value]),
    );
    execFileSync('sh', ['-c', localPaths(BUCKET_LIFECYCLE_SCRIPT)], {
      env: {
        ...plain,
        MINIO_ROOT_USER: 'root',
        MINIO_ROOT_PASSWORD: 'rootpass',
        PATH: `${dir}/bin:${process.env.PATH ?? ''}`,
      },
    });
    expect(read('mc.log')).toContain(
      'mc ilm rule import platform/mlpipeline\n{"Rules":[{"ID":"noncurrent-version-expiration","Status":"Enabled","NoncurrentVersionExpiration":{"NoncurrentDays":30}}]}\n',
    );
    expect(
      findObject(objects, 'NetworkPolicy', 'minio', 'allow-minio-from-bucket-lifecycle'),
    ).toBeDefined();
    expect(
      () =>
        new BucketLifecycle(chart, 'Bad', {
          minio,
          bucket: 'other',
          noncurrentVersionExpirationDays: 0,
        }),
    ).toThrow(
      [
        'BucketLifecycle other:',
        '`bucket` is not a bucket MinIO creates (got "other"). Use one of: mlpipeline.',
        '`noncurrentVersionExpirationDays` is not a whole number of days from 1 to 36500 (got 0). Use for example 30.',
      ].join('\n'),
    );
  });
});
