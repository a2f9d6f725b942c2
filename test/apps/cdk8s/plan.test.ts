import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'yaml';
import { main } from '../../../apps/cdk8s/plan-cli';
import {
  MASKED,
  PLAN_EXIT,
  PreviousOutput,
  compareVersions,
  diffObject,
  installedVersions,
  maskText,
  olderThan,
  parseVersions,
  plan,
  planExitCode,
  planText,
  renderedFromObjects,
} from '../../../apps/cdk8s/plan';
import { outputFiles, writeOutput } from '../../../apps/cdk8s/output';
import { readEnvironmentFile, renderEnvironment } from '../../../apps/cdk8s/synth';
import { ComponentVersion } from '../../../constructs/core/release-set';
import { TEMPLATE_HASH_ANNOTATION, withLifecycleAnnotations } from '../../../stacks/protection';
import { ComponentUpgrades, KubeObject, RenderedPlatform } from '../../../stacks/render';
import { versionsDoc } from '../../../apps/cdk8s/versions-doc';

// Counts the YAML parses (calls through to the real parser).
jest.mock('yaml', () => {
  const actual = jest.requireActual<typeof import('yaml')>('yaml');
  return { ...actual, parseAllDocuments: jest.fn(actual.parseAllDocuments) };
});

const FIXTURES = path.join(__dirname, '../../fixtures/plan');
const fixture = (name: string) => path.join(FIXTURES, name);

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    args,
    (m) => out.push(m),
    (m) => err.push(m),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The installed release: base.yaml rendered and written by the real writer. */
let previousDir: string;
let baseRendered: RenderedPlatform;
beforeAll(() => {
  previousDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-plan-')), 'plan');
  baseRendered = renderEnvironment(readEnvironmentFile(fixture('base.yaml')), 'base.yaml');
  writeOutput(previousDir, outputFiles(baseRendered), { environment: baseRendered.environment });
});

// ---------------------------------------------------------------------------------------------
// From real renders of two environments

const REAL: readonly { name: string; file: string; code: number; text: string }[] = [
  {
    name: '(a) an added tenant',
    file: 'added-tenant.yaml',
    code: PLAN_EXIT.CHANGES,
    text: `Plan for environment plan

Objects: 32 added, 0 changed, 0 removed.

08-tenants:
  + AuthorizationPolicy.security.istio.io knative-serving/models-speech
  + AuthorizationPolicy.security.istio.io speech/model-registry-db
  + AuthorizationPolicy.security.istio.io speech/model-registry-service
  + AuthorizationPolicy.security.istio.io speech/model-serving
  + ConfigMap speech/artifact-repositories
  + ConfigMap speech/kfp-launcher
  + ConfigMap speech/metadata-grpc-configmap
  + Deployment.apps speech/model-registry-deployment
  + Job.batch minio/tenant-access-speech
  + Job.batch speech/model-registry-db-generator
  + LimitRange speech/container-defaults
  + Namespace speech
  + NetworkPolicy.networking.k8s.io speech/allow-katib-suggestions-from-controller
  + NetworkPolicy.networking.k8s.io speech/allow-knative-revisions
  + NetworkPolicy.networking.k8s.io speech/allow-model-registry-from-ui
  + NetworkPolicy.networking.k8s.io speech/allow-notebooks-from-gateway
  + NetworkPolicy.networking.k8s.io speech/allow-same-namespace
  + NetworkPolicy.networking.k8s.io speech/default-deny-ingress
  + PodDefault.kubeflow.org speech/access-ml-pipeline
  + Profile.kubeflow.org speech
  + Role.rbac.authorization.k8s.io speech/model-registry-db-generator
  + Role.rbac.authorization.k8s.io speech/tenant-access-speech
  + RoleBinding.rbac.authorization.k8s.io speech/model-registry-db-generator
  + RoleBinding.rbac.authorization.k8s.io speech/tenant-access-speech
  + Service speech/model-registry-db
  + Service speech/model-registry-service
  + ServiceAccount minio/tenant-access-speech
  + ServiceAccount speech/kserve-models
  + ServiceAccount speech/model-registry-db
  + ServiceAccount speech/model-registry-db-generator
  + ServiceAccount speech/model-registry-server
  + StatefulSet.apps speech/model-registry-db

Access:
  + speech: ServiceAccount minio/tenant-access-speech has Role tenant-access-speech
  + speech: ServiceAccount speech/model-registry-db-generator has Role model-registry-db-generator
  + speech: User speech-lead@example.com has kubeflow-admin
  + speech: pods may reach istio-system on 15012/TCP
  + speech: pods may reach knative-serving on 8081/TCP
  + speech: pods may reach kubeflow on 6789/TCP
  + speech: pods may reach kubeflow on 8080/TCP
  + speech: pods may reach kubeflow on 8888/TCP, 8887/TCP
  + speech: pods may reach minio on 9000/TCP
  + speech: pods of speech may read and write: registered models, versions, artifacts in Model registry of speech
  + speech: tenant exists
  + speech: users RBAC lets read Services in speech, through the registry UI (kubeflow/model-registry-ui) may read and write: registered models, versions, artifacts in Model registry of speech

Images:
  no change`,
  },
  {
    name: '(b) a removed component',
    file: 'removed-component.yaml',
    code: PLAN_EXIT.DISRUPTIVE,
    text: `Plan for environment plan

Objects: 0 added, 2 changed, 35 removed.
Removed objects a user must keep: 3.

01-crds:
  - CustomResourceDefinition.apiextensions.k8s.io experiments.kubeflow.org  (PROTECTED, install.sh keeps it without --prune-protected: deleting a CRD deletes every object of its kind)
  - CustomResourceDefinition.apiextensions.k8s.io suggestions.kubeflow.org  (PROTECTED, install.sh keeps it without --prune-protected: deleting a CRD deletes every object of its kind)
  - CustomResourceDefinition.apiextensions.k8s.io trials.kubeflow.org  (PROTECTED, install.sh keeps it without --prune-protected: deleting a CRD deletes every object of its kind)

02-namespaces:
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-controller
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-controller-from-apiserver
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-db-manager
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-db-manager-from-tenants
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-db-manager-from-ui
  - NetworkPolicy.networking.k8s.io kubeflow/allow-katib-ui-from-gateway

06-platform-controllers:
  ~ ConfigMap kubeflow/dashboard-config
    /data/links:
      -     },
      -     {
      -       "type": "item",
      -       "link": "/katib/",
      -       "text": "Katib Experiments",
      -       "icon": "kubeflow:katib"
  ~ ConfigMap kubeflow/mysql-init
    /data/create-databases.sh:
      - mysql_note "Creating database katib for the application user"
      - docker_process_sql --database=mysql <<<"CREATE DATABASE IF NOT EXISTS \\\`katib\\\`; GRANT ALL ON \\\`katib\\\`.* TO '$MYSQL_USER'@'%';"
  - AuthorizationPolicy.security.istio.io kubeflow/katib-ui
  - AuthorizationPolicy.security.istio.io kubeflow/katib-ui-require-user
  - Certificate.cert-manager.io kubeflow/katib-webhook-cert
  - ClusterRole.rbac.authorization.k8s.io katib-controller
  - ClusterRole.rbac.authorization.k8s.io katib-ui
  - ClusterRole.rbac.authorization.k8s.io kubeflow-katib-admin
  - ClusterRole.rbac.authorization.k8s.io kubeflow-katib-edit
  - ClusterRole.rbac.authorization.k8s.io kubeflow-katib-view
  - ClusterRoleBinding.rbac.authorization.k8s.io katib-controller
  - ClusterRoleBinding.rbac.authorization.k8s.io katib-ui
  - ConfigMap kubeflow/katib-config
  - ConfigMap kubeflow/trial-templates
  - Deployment.apps kubeflow/katib-controller
  - Deployment.apps kubeflow/katib-db-manager
  - Deployment.apps kubeflow/katib-ui
  - MutatingWebhookConfiguration.admissionregistration.k8s.io katib.kubeflow.org
  - PeerAuthentication.security.istio.io kubeflow/mysql-clients-without-mesh
  - Service kubeflow/katib-controller
  - Service kubeflow/katib-db-manager
  - Service kubeflow/katib-ui
  - ServiceAccount kubeflow/katib-controller
  - ServiceAccount kubeflow/katib-db-manager
  - ServiceAccount kubeflow/katib-ui
  - ValidatingWebhookConfiguration.admissionregistration.k8s.io katib.kubeflow.org
  - VirtualService.networking.istio.io kubeflow/katib-ui

08-tenants:
  - NetworkPolicy.networking.k8s.io vision/allow-katib-suggestions-from-controller

Access:
  - vision: pods may reach kubeflow on 6789/TCP

Images:
  - ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0
  - ghcr.io/kubeflow/katib/enas-cnn-cifar10-cpu:v0.19.0
  - ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0
  - ghcr.io/kubeflow/katib/katib-controller:v0.19.0
  - ghcr.io/kubeflow/katib/katib-db-manager:v0.19.0
  - ghcr.io/kubeflow/katib/katib-ui:v0.19.0
  - ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-darts:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-enas:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-goptuna:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-hyperband:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-optuna:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-pbt:v0.19.0
  - ghcr.io/kubeflow/katib/suggestion-skopt:v0.19.0
  - ghcr.io/kubeflow/katib/tfevent-metrics-collector:v0.19.0

Versions:
  katib: v0.19.0 → (none)`,
  },
  {
    name: '(f) a Job whose pod template changes: re-created by install.sh, in place (exit 2)',
    file: 'added-bucket.yaml',
    code: PLAN_EXIT.CHANGES,
    text: `Plan for environment plan

Objects: 0 added, 1 changed, 0 removed.
Jobs re-created by install.sh (template hash changed): 1; each runs again.

06-platform-controllers:
  ~ Job.batch minio/minio-bucket-provisioner
    /metadata/annotations/mlops-blueprint.dev~1template-hash: "cc48b8f87ec93ac6" → "db9dad78470848bb"
    /spec/template/spec/containers[name=mc]/env[name=BUCKETS]/value: "mlpipeline" → "mlpipeline features"
    /spec/template/spec/containers[name=mc]/env[name=VERSIONED_BUCKETS]/value: "mlpipeline" → "mlpipeline features"
    ! immutable: /spec/template; re-created by install.sh (template hash changed): it runs again

Access:
  no change

Images:
  no change`,
  },
  {
    name: '(e) a role change in a tenant',
    file: 'role-change.yaml',
    code: PLAN_EXIT.CHANGES,
    text: `Plan for environment plan

Objects: 2 added, 0 changed, 2 removed.

08-tenants:
  + AuthorizationPolicy.security.istio.io vision/user-ana-example-com-clusterrole-view
  + RoleBinding.rbac.authorization.k8s.io vision/user-ana-example-com-clusterrole-view
  - AuthorizationPolicy.security.istio.io vision/user-ana-example-com-clusterrole-edit
  - RoleBinding.rbac.authorization.k8s.io vision/user-ana-example-com-clusterrole-edit

Access:
  - vision: User ana@example.com has kubeflow-edit
  + vision: User ana@example.com has kubeflow-view

Images:
  no change`,
  },
];

describe('plan against a previous synth output', () => {
  test('the same environment plans no changes (exit 0)', () => {
    const r = run(['--previous', previousDir, '--config', fixture('base.yaml')]);
    expect(r).toEqual({
      code: PLAN_EXIT.NO_CHANGES,
      out: 'Plan for environment plan\n\nNo changes: the previous output already holds every object as rendered.',
      err: '',
    });
  });

  test.each(REAL)('$name', ({ file, code, text }) => {
    const r = run(['--previous', previousDir, '--config', fixture(file)]);
    expect(r.err).toBe('');
    expect(r.out).toBe(text);
    expect(r.code).toBe(code);
  });

  test('the previous directory is read once: each layer file is parsed once', () => {
    const parse = jest.mocked(yaml.parseAllDocuments);
    parse.mockClear();
    const r = run(['--previous', previousDir, '--config', fixture('base.yaml')]);
    expect(r.code).toBe(PLAN_EXIT.NO_CHANGES);
    const layerFiles = fs
      .readdirSync(previousDir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .map((f) => fs.readFileSync(path.join(previousDir, f), 'utf8'));
    expect(layerFiles.length).toBeGreaterThan(3);
    const parsed = parse.mock.calls.map(([text]) => text);
    // Once each; the new render is compared as objects, never written and parsed back.
    expect(layerFiles.map((text) => parsed.filter((t) => t === text).length)).toEqual(
      layerFiles.map(() => 1),
    );
  });

  test('installed versions: each component is found under its row of versions.md', () => {
    const installed = installedVersions(baseRendered, parseVersions(versionsDoc(baseRendered)));
    expect(baseRendered.upgrades.length).toBeGreaterThan(3);
    for (const u of baseRendered.upgrades) {
      expect([u.component, installed.get(u.component)]).toEqual([u.component, u.version]);
    }
    // Without a previous versions.md every component is unknown: every step runs.
    const unknown = installedVersions(baseRendered, undefined);
    expect([...unknown.values()].every((v) => v === undefined)).toBe(true);
  });

  test('--format json carries the same plan and the exit code', () => {
    const r = run(['-p', previousDir, '-c', fixture('role-change.yaml'), '--format', 'json']);
    expect(r.code).toBe(PLAN_EXIT.CHANGES);
    const json = JSON.parse(r.out) as {
      exitCode: number;
      summary: Record<string, number>;
      layers: { id: string; added: string[]; removed: { object: string }[] }[];
      access: string[];
    };
    expect(json.exitCode).toBe(PLAN_EXIT.CHANGES);
    expect(json.summary).toEqual({
      added: 2,
      removed: 2,
      changed: 0,
      recreate: 0,
      blocking: 0,
      jobsRecreated: 0,
      protectedRemovals: 0,
    });
    expect(json.layers.map((l) => l.id)).toEqual(['08-tenants']);
    expect(json.access).toEqual([
      '- vision: User ana@example.com has kubeflow-edit',
      '+ vision: User ana@example.com has kubeflow-view',
    ]);
  });
});

describe('invalid input and usage', () => {
  test('a missing environment file is a config error: one message, no trace, exit 1', () => {
    const missing = fixture('no-such-file.yaml');
    const r = run(['--previous', previousDir, '--config', missing]);
    expect(r.code).toBe(PLAN_EXIT.INVALID);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      'The environment file does not exist. Check the path given with --config.',
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('a directory without the marker is not a previous output (exit 1)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-plan-empty-'));
    const r = run(['--previous', dir, '--config', fixture('base.yaml')]);
    expect(r).toEqual({
      code: PLAN_EXIT.INVALID,
      out: '',
      err: `${dir} is not an output directory of mlops-blueprint (no .mlops-blueprint marker). Give the directory synth wrote with --previous.`,
    });
    const gone = run(['--previous', path.join(dir, 'gone')]);
    expect(gone.code).toBe(PLAN_EXIT.INVALID);
    expect(gone.err).toBe(
      `The previous output ${path.join(dir, 'gone')} does not exist. Give the directory synth wrote (e.g. dist/prod) with --previous.`,
    );
  });

  test('usage errors exit 64, apart from the plan codes', () => {
    expect(run([]).code).toBe(PLAN_EXIT.USAGE);
    expect(run([]).err).toMatch(/^plan needs --previous <dir>/);
    expect(run(['-p', previousDir, '--format', 'yaml']).code).toBe(PLAN_EXIT.USAGE);
    expect(run(['-p', previousDir, '--bogus']).code).toBe(PLAN_EXIT.USAGE);
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('  3   changes that need a delete and re-create');
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-made object sets for the comparison alone

function deployment(
  namespace: string,
  name: string,
  image: string,
  selector: Record<string, string> = { app: name },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: { containers: [{ name: 'main', image }] },
      },
    },
  };
}

const LAYER = '06-platform-controllers';

function planOf(
  before: KubeObject[],
  after: KubeObject[],
  extra: {
    images?: [string[], string[]];
    upgrades?: ComponentUpgrades[];
    versions?: ComponentVersion[];
    previousVersionsMarkdown?: string;
  } = {},
) {
  const previous: PreviousOutput = {
    environment: 'test',
    layers: [{ id: LAYER, objects: before }],
    ...(extra.images ? { images: extra.images[0] } : {}),
    ...(extra.previousVersionsMarkdown !== undefined
      ? { versionsMarkdown: extra.previousVersionsMarkdown }
      : {}),
  };
  const rendered = {
    ...renderedFromObjects('test', [{ id: LAYER, objects: after }]),
    images: extra.images?.[1] ?? [],
    upgrades: extra.upgrades ?? [],
    versions: extra.versions ?? [],
  };
  return plan(previous, { rendered });
}

describe('the comparison', () => {
  test('(c) an image bump: the container field by name, and the bill of materials', () => {
    const p = planOf(
      [deployment('kubeflow', 'ml-pipeline', 'ghcr.io/kubeflow/api-server:2.4.0')],
      [deployment('kubeflow', 'ml-pipeline', 'ghcr.io/kubeflow/api-server:2.5.0')],
      {
        images: [
          ['ghcr.io/kubeflow/api-server:2.4.0', 'quay.io/other:1'],
          ['ghcr.io/kubeflow/api-server:2.5.0', 'quay.io/other:1'],
        ],
      },
    );
    expect(planText(p)).toBe(
      [
        'Plan for environment test',
        '',
        'Objects: 0 added, 1 changed, 0 removed.',
        '',
        '06-platform-controllers:',
        '  ~ Deployment.apps kubeflow/ml-pipeline',
        '    /spec/template/spec/containers[name=main]/image: "ghcr.io/kubeflow/api-server:2.4.0" → "ghcr.io/kubeflow/api-server:2.5.0"',
        '',
        'Access:',
        '  no change',
        '',
        'Images:',
        '  + ghcr.io/kubeflow/api-server:2.5.0',
        '  - ghcr.io/kubeflow/api-server:2.4.0',
      ].join('\n'),
    );
    expect(planExitCode(p)).toBe(PLAN_EXIT.CHANGES);
  });

  test('(d) a changed immutable selector: covered by an upgrade step, or blocking', () => {
    const p = planOf(
      [
        deployment('kubeflow', 'profiles-deployment', 'p:1', { app: 'profiles' }),
        deployment('kubeflow', 'katib-ui', 'k:1', { app: 'katib-ui' }),
      ],
      [
        deployment('kubeflow', 'profiles-deployment', 'p:1', { 'app.kubernetes.io/name': 'p' }),
        deployment('kubeflow', 'katib-ui', 'k:1', { app: 'katib', component: 'ui' }),
      ],
      {
        upgrades: [
          {
            component: 'kubeflow-dashboard',
            version: 'v2.0.0',
            steps: [
              {
                version: 'v2.0.0',
                description: 'replace the profile controller Deployment (new selector)',
                deleteBeforeApply: [
                  { resource: 'deployment', namespace: 'kubeflow', name: 'profiles-deployment' },
                ],
              },
            ],
          },
        ],
      },
    );
    expect(planText(p)).toBe(
      [
        'Plan for environment test',
        '',
        'Objects: 0 added, 2 changed, 0 removed.',
        'Delete and re-create: 2 (1 not covered by an upgrade step: the apply fails until they are deleted).',
        '',
        '06-platform-controllers:',
        '  ~ Deployment.apps kubeflow/katib-ui',
        '    /spec/selector/matchLabels/app: "katib-ui" → "katib"',
        '    /spec/selector/matchLabels/component: added "ui"',
        '    /spec/template/metadata/labels/app: "katib-ui" → "katib"',
        '    /spec/template/metadata/labels/component: added "ui"',
        '    ! immutable: /spec/selector; needs delete and re-create: delete it (kubectl delete deployment.apps -n kubeflow katib-ui) before the apply; its pods are replaced',
        '    ! BLOCKING: no upgrade step of the new release deletes it',
        '  ~ Deployment.apps kubeflow/profiles-deployment',
        '    /spec/selector/matchLabels/app: removed "profiles"',
        '    /spec/selector/matchLabels/app.kubernetes.io~1name: added "p"',
        '    /spec/template/metadata/labels/app: removed "profiles"',
        '    /spec/template/metadata/labels/app.kubernetes.io~1name: added "p"',
        '    ! immutable: /spec/selector; needs delete and re-create: delete it (kubectl delete deployment.apps -n kubeflow profiles-deployment) before the apply; its pods are replaced',
        '    ! covered by upgrade step kubeflow-dashboard v2.0.0: replace the profile controller Deployment (new selector)',
        '',
        'Access:',
        '  no change',
        '',
        'Images:',
        '  unknown: the previous output has no images.txt',
      ].join('\n'),
    );
    expect(p.summary).toMatchObject({ recreate: 2, blocking: 1 });
    expect(planExitCode(p)).toBe(PLAN_EXIT.DISRUPTIVE);
  });

  test('an upgrade step covers a change only when install.sh runs it (older installed version)', () => {
    const before = [deployment('kubeflow', 'profiles-deployment', 'p:1', { app: 'profiles' })];
    const after = [
      deployment('kubeflow', 'profiles-deployment', 'p:2', { 'app.kubernetes.io/name': 'p' }),
    ];
    const upgrades: ComponentUpgrades[] = [
      {
        component: 'kubeflow-dashboard',
        version: 'v2.0.0',
        steps: [
          {
            version: 'v2.0.0',
            description: 'replace the profile controller Deployment (new selector)',
            deleteBeforeApply: [
              { resource: 'deployment', namespace: 'kubeflow', name: 'profiles-deployment' },
            ],
          },
        ],
      },
    ];
    // install.sh records the component's version; versions.md lists it under its project.
    const versions: ComponentVersion[] = [{ project: 'dashboard', version: 'v2.0.0' }];
    const installed = (version: string) =>
      [
        '# Versions of the "test" environment',
        '',
        '| component | deploys | release set | status |',
        '| --- | --- | --- | --- |',
        `| dashboard (kubeflow/dashboard) | \`${version}\` | \`v2.0.0\` | as in the set |`,
        '',
      ].join('\n');
    const recreateOf = (previousVersionsMarkdown?: string) =>
      planOf(before, after, {
        upgrades,
        versions,
        ...(previousVersionsMarkdown !== undefined ? { previousVersionsMarkdown } : {}),
      });

    // Installed v1.10.0: `older_than v1.10.0 v2.0.0` holds, the step deletes it first.
    const older = recreateOf(installed('v1.10.0'));
    expect(older.layers[0].changed[0].recreate).toMatchObject({
      coveredBy: [
        'kubeflow-dashboard v2.0.0: replace the profile controller Deployment (new selector)',
      ],
      blocking: false,
    });
    expect(older.summary).toMatchObject({ recreate: 1, blocking: 0 });
    // Unknown (no versions.md before): the step runs, as install.sh runs it.
    expect(recreateOf().layers[0].changed[0].recreate?.blocking).toBe(false);

    // Installed v2.0.0 already (a selector changed again later): the step does not run.
    const same = recreateOf(installed('v2.0.0'));
    expect(same.summary).toMatchObject({ recreate: 1, blocking: 1 });
    expect(planExitCode(same)).toBe(PLAN_EXIT.DISRUPTIVE);
    expect(
      planText(same)
        .split('\n')
        .filter((l) => l.startsWith('    !')),
    ).toEqual([
      '    ! immutable: /spec/selector; needs delete and re-create: delete it (kubectl delete deployment.apps -n kubeflow profiles-deployment) before the apply; its pods are replaced',
      '    ! not covered: upgrade step kubeflow-dashboard v2.0.0 runs only for an install older than v2.0.0 (installed: v2.0.0)',
      '    ! BLOCKING: no upgrade step of the new release that runs for this install deletes it',
    ]);
    // Newer than the step (v2.1.0 installed, sort -V: 2.1.0 after 2.0.0): blocking too.
    expect(recreateOf(installed('v2.1.0')).summary.blocking).toBe(1);

    // A versions.md with the install record names the component itself: that version counts,
    // not the project row's.
    const recorded = (version: string) =>
      [
        installed('v2.0.0'),
        '## Install record',
        '',
        '| component | recorded version |',
        '| --- | --- |',
        `| kubeflow-dashboard | \`${version}\` |`,
        '',
      ].join('\n');
    expect(recreateOf(recorded('v1.10.0')).summary).toMatchObject({ recreate: 1, blocking: 0 });
    expect(recreateOf(recorded('v2.0.0')).summary).toMatchObject({ recreate: 1, blocking: 1 });
  });

  test('versions compare as sort -V does, and older_than as install.sh does', () => {
    // The order GNU `sort -V` (coreutils 9) prints for these lines.
    const sorted = [
      '0.9.10',
      '0.11.0',
      '1.2.3',
      '1.2.3a',
      '1.2.3.4',
      '1.9.0',
      '1.10.0',
      '2.0',
      '2.0.0~rc1',
      '2.0.0',
      '2.0.0-rc1',
      'RELEASE.2024-12-18T13-15-44Z',
      'RELEASE.2025-09-07T16-13-09Z',
    ];
    expect([...sorted].reverse().sort(compareVersions)).toEqual(sorted);
    expect(olderThan('v1.10.0', 'v2.0.0')).toBe(true);
    expect(olderThan('v1.9.0', '1.10.0')).toBe(true);
    expect(olderThan('v2.0.0', '2.0.0')).toBe(false);
    expect(olderThan('v2.1.0', 'v2.0.0')).toBe(false);
    expect(olderThan(undefined, 'v2.0.0')).toBe(true);
    expect(olderThan('', 'v2.0.0')).toBe(true);
  });

  test('a Job whose template changed is re-created by install.sh: not blocking, exit 2', () => {
    const job = (image: string, completions?: number): KubeObject =>
      withLifecycleAnnotations(
        obj('batch/v1', 'Job', {
          spec: {
            ...(completions !== undefined ? { completions } : {}),
            template: { spec: { containers: [{ name: 'j', image }], restartPolicy: 'Never' } },
          },
        }),
      );
    const before = job('gen:1');
    const after = job('gen:2');
    const hash = (o: KubeObject) => o.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION] ?? '';
    expect(hash(before)).not.toBe(hash(after));
    const p = planOf([before], [after]);
    expect(p.layers[0].changed[0].recreate).toEqual({
      fields: ['/spec/template'],
      action: 're-created by install.sh (template hash changed): it runs again',
      recreatedByInstall: true,
      coveredBy: [],
      blocking: false,
    });
    expect(p.summary).toMatchObject({ changed: 1, recreate: 0, blocking: 0, jobsRecreated: 1 });
    expect(planExitCode(p)).toBe(PLAN_EXIT.CHANGES);
    const text = planText(p);
    expect(text).toContain(
      'Jobs re-created by install.sh (template hash changed): 1; each runs again.',
    );
    expect(text).toContain(
      '    ! immutable: /spec/template; re-created by install.sh (template hash changed): it runs again',
    );
    expect(text).not.toContain('BLOCKING');
    expect(text).not.toContain('Delete and re-create');

    // A Job of a release before the hash: install.sh finds no hash on the live Job, re-creates it.
    const unhashed: KubeObject = {
      ...before,
      metadata: { name: 'o', namespace: 'ns' },
    };
    expect(planOf([unhashed], [before]).summary).toMatchObject({ jobsRecreated: 1, recreate: 0 });

    // Another immutable field with the same template: the hash is the same, install.sh leaves it.
    const more = planOf([job('gen:1', 1)], [job('gen:1', 2)]);
    expect(more.layers[0].changed[0].recreate).toMatchObject({
      fields: ['/spec/completions'],
      blocking: true,
    });
    expect(more.summary).toMatchObject({ recreate: 1, blocking: 1, jobsRecreated: 0 });
    expect(planExitCode(more)).toBe(PLAN_EXIT.DISRUPTIVE);
  });

  test('Service clusterIP and PriorityClass value and preemptionPolicy are immutable', () => {
    const svc = (spec: Record<string, unknown>) => obj('v1', 'Service', { spec });
    const pc = (fields: Record<string, unknown>) =>
      obj('scheduling.k8s.io/v1', 'PriorityClass', fields, 'platform-critical', '');
    const cases: { before: KubeObject; after: KubeObject; fields: string[] }[] = [
      // Rendered without one, the live Service has an allocated address: headless is refused.
      {
        before: svc({ ports: [{ port: 80 }] }),
        after: svc({ clusterIP: 'None', ports: [{ port: 80 }] }),
        fields: ['/spec/clusterIP'],
      },
      {
        before: svc({ ports: [{ port: 80 }] }),
        after: svc({ clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] }),
        fields: ['/spec/clusterIP', '/spec/clusterIPs'],
      },
      // An ExternalName Service has no address allocated.
      {
        before: svc({ type: 'ExternalName', externalName: 'a.example.com' }),
        after: svc({ clusterIP: 'None', ports: [{ port: 80 }] }),
        fields: [],
      },
      { before: pc({ value: 1000 }), after: pc({ value: 2000 }), fields: ['/value'] },
      {
        before: pc({ value: 1000 }),
        after: pc({ value: 1000, preemptionPolicy: 'Never' }),
        fields: ['/preemptionPolicy'],
      },
      // The default written out is no change; the description is mutable.
      {
        before: pc({ value: 1000 }),
        after: pc({ value: 1000, preemptionPolicy: 'PreemptLowerPriority', description: 'x' }),
        fields: [],
      },
    ];
    for (const c of cases) {
      const change = planOf([c.before], [c.after]).layers[0].changed[0];
      expect([c.after, change.recreate?.fields ?? []]).toEqual([c.after, c.fields]);
    }
    const p = planOf([pc({ value: 1000 })], [pc({ value: 2000 })]);
    expect(p.layers[0].changed[0].recreate?.action).toBe(
      'delete it (kubectl delete priorityclass.scheduling.k8s.io platform-critical) before the apply; running pods keep their priority, and pods that name it are refused until the apply creates it again',
    );
    expect(planExitCode(p)).toBe(PLAN_EXIT.DISRUPTIVE);
  });

  test('masking in text stays on its line, and URL passwords are masked', () => {
    // A key that opens a block has no value: the list item on the next line stays readable.
    const dex = [
      'staticPasswords:',
      '- email: admin@example.com',
      '  hash: "$2y$10$abcdefghijklmnopqrstuv"',
      '  username: admin',
    ].join('\n');
    expect(maskText(dex)).toBe(
      [
        'staticPasswords:',
        '- email: admin@example.com',
        `  hash: ${MASKED}`,
        '  username: admin',
      ].join('\n'),
    );
    expect(maskText('url: postgres://mlflow:s3cr3t@db.kubeflow:5432/mlflow?sslmode=require')).toBe(
      `url: postgres://mlflow:${MASKED}@db.kubeflow:5432/mlflow?sslmode=require`,
    );
    expect(maskText('s3://bucket/path and https://example.com:8443/x')).toBe(
      's3://bucket/path and https://example.com:8443/x',
    );
    // In a field diff: an env var holding a URL with a password.
    const env = (url: string): KubeObject =>
      obj('apps/v1', 'Deployment', {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'm', image: 'i', env: [{ name: 'DB_URL', value: url }] }],
            },
          },
        },
      });
    expect(
      diffObject(env('mysql://root:old@mysql:3306/a'), env('mysql://root:new@mysql:3306/b')),
    ).toEqual([
      {
        path: '/spec/template/spec/containers[name=m]/env[name=DB_URL]/value',
        before: `"mysql://root:${MASKED}@mysql:3306/a"`,
        after: `"mysql://root:${MASKED}@mysql:3306/b"`,
      },
    ]);
  });

  test('Secret values and credential-like keys are masked; only the key shows', () => {
    const secret = (value: string, extra: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'kubeflow' },
      data: { password: Buffer.from(value).toString('base64'), ...extra },
    });
    const config = (password: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'kubeflow' },
      data: { 'db-password': password, host: 'mysql' },
    });
    const withEnv = (token: string, secretName: string): KubeObject => ({
      ...deployment('kubeflow', 'app', 'a:1'),
      spec: {
        selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app' } },
          spec: {
            containers: [
              {
                name: 'main',
                image: 'a:1',
                env: [
                  { name: 'API_TOKEN', value: token },
                  {
                    name: 'DB',
                    valueFrom: { secretKeyRef: { name: secretName, key: 'password' } },
                  },
                ],
              },
            ],
          },
        },
      },
    });
    const p = planOf(
      [secret('hunter2'), config('old-pass'), withEnv('tok-1', 'db')],
      [secret('hunter3', { user: 'dXNlcg==' }), config('new-pass'), withEnv('tok-2', 'db2')],
    );
    const text = planText(p);
    for (const value of [
      'hunter',
      'aHVudGVy',
      'old-pass',
      'new-pass',
      'tok-1',
      'tok-2',
      'dXNlcg',
    ]) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain(`    /data/password: ${MASKED} → ${MASKED}`);
    expect(text).toContain(`    /data/user: added ${MASKED}`);
    expect(text).toContain(`    /data/db-password: ${MASKED} → ${MASKED}`);
    expect(text).toContain(
      `    /spec/template/spec/containers[name=main]/env[name=API_TOKEN]/value: ${MASKED} → ${MASKED}`,
    );
    // A reference to a Secret is not a credential: its change shows.
    expect(text).toContain(
      '    /spec/template/spec/containers[name=main]/env[name=DB]/valueFrom/secretKeyRef/name: "db" → "db2"',
    );
    // Credentials inside a config file: the line shows, its value does not.
    const file = (password: string, level: string): KubeObject =>
      obj('v1', 'ConfigMap', {
        data: { 'app.yaml': `db:\n  password: ${password}\nlog: ${level}\n` },
      });
    expect(diffObject(file('s3cret', 'info'), file('n3w', 'debug'))).toEqual([
      {
        path: '/data/app.yaml',
        lines: ['- log: info', '+ log: debug'],
      },
    ]);
    expect(diffObject(file('s3cret', 'info'), file('n3w', 'info'))).toEqual([
      { path: '/data/app.yaml', lines: ['~ a masked value'] },
    ]);
    // A whole Secret data map added keeps its keys and masks its values.
    const added = diffObject(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'dA==' } },
    );
    expect(added).toEqual([{ path: '/data', after: `{"token":"${MASKED}"}` }]);
  });

  test('a version bump of apiVersion within a group is a change, not a removal and an addition', () => {
    const crd = (version: string): KubeObject => ({
      apiVersion: `example.com/${version}`,
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'ns' },
    });
    const p = planOf([crd('v1beta1')], [crd('v1')]);
    expect(p.layers[0].changed).toEqual([
      {
        object: 'Widget.example.com ns/w',
        fields: [
          { path: '/apiVersion', before: '"example.com/v1beta1"', after: '"example.com/v1"' },
        ],
      },
    ]);
    expect(p.summary).toMatchObject({ added: 0, removed: 0, changed: 1 });
  });

  test('immutable fields of other kinds: StatefulSet, Job, Service, PVC, RoleBinding, immutable Secret', () => {
    const cases: { before: KubeObject; after: KubeObject; fields: string[] }[] = [
      {
        before: sts({ serviceName: 'db', replicas: 1 }),
        after: sts({ serviceName: 'db-headless', replicas: 2 }),
        fields: ['/spec/serviceName'],
      },
      {
        before: obj('batch/v1', 'Job', {
          spec: { template: { spec: { containers: [{ name: 'j', image: 'a' }] } } },
        }),
        after: obj('batch/v1', 'Job', {
          spec: { template: { spec: { containers: [{ name: 'j', image: 'b' }] } } },
        }),
        fields: ['/spec/template'],
      },
      {
        before: obj('v1', 'Service', { spec: { clusterIP: 'None', ports: [{ port: 80 }] } }),
        after: obj('v1', 'Service', { spec: { ports: [{ port: 81 }] } }),
        fields: ['/spec/clusterIP'],
      },
      {
        before: pvc('10Gi', 'standard'),
        after: pvc('20Gi', 'standard'),
        fields: [],
      },
      {
        before: pvc('10Gi', 'standard'),
        after: pvc('10Gi', 'fast'),
        fields: ['/spec/storageClassName'],
      },
      {
        before: obj('rbac.authorization.k8s.io/v1', 'RoleBinding', {
          roleRef: { kind: 'ClusterRole', name: 'edit' },
        }),
        after: obj('rbac.authorization.k8s.io/v1', 'RoleBinding', {
          roleRef: { kind: 'ClusterRole', name: 'view' },
        }),
        fields: ['/roleRef'],
      },
      {
        before: obj('v1', 'Secret', { immutable: true, data: { a: 'YQ==' } }),
        after: obj('v1', 'Secret', { immutable: true, data: { a: 'Yg==' } }),
        fields: ['/data'],
      },
      {
        before: obj('v1', 'ConfigMap', { data: { a: '1' } }),
        after: obj('v1', 'ConfigMap', { data: { a: '2' } }),
        fields: [],
      },
    ];
    for (const c of cases) {
      const change = planOf([c.before], [c.after]).layers[0].changed[0];
      expect([c.before.kind, change.recreate?.fields ?? []]).toEqual([c.before.kind, c.fields]);
    }
  });

  test('removing a CRD, a namespace or a volume claim is a protected removal (exit 3)', () => {
    const p = planOf(
      [
        obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {}, 'profiles.kubeflow.org', ''),
        obj('v1', 'Namespace', {}, 'team-a', ''),
        pvc('10Gi', 'standard'),
        obj('v1', 'ConfigMap', {}),
      ],
      [],
    );
    expect(p.layers[0].removed).toEqual([
      { object: 'ConfigMap ns/o' },
      {
        object: 'CustomResourceDefinition.apiextensions.k8s.io profiles.kubeflow.org',
        protected:
          'the Profile CRD: deleting it deletes every Profile and, through the profile controller, every tenant namespace',
      },
      {
        object: 'Namespace team-a',
        protected: 'deleting a namespace deletes everything in it',
      },
      { object: 'PersistentVolumeClaim ns/o', protected: 'data' },
    ]);
    expect(planExitCode(p)).toBe(PLAN_EXIT.DISRUPTIVE);
    // Removing a plain object applies in place.
    expect(planExitCode(planOf([obj('v1', 'ConfigMap', {})], []))).toBe(PLAN_EXIT.CHANGES);
  });
});

function obj(
  apiVersion: string,
  kind: string,
  fields: Record<string, unknown>,
  name = 'o',
  namespace = 'ns',
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...fields,
  };
}

function sts(spec: Record<string, unknown>): KubeObject {
  return obj('apps/v1', 'StatefulSet', {
    spec: { selector: { matchLabels: { a: 'b' } }, ...spec },
  });
}

function pvc(size: string, storageClassName: string): KubeObject {
  return obj('v1', 'PersistentVolumeClaim', {
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: size } },
    },
  });
}
