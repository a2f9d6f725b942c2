import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installScript } from '../../../apps/cdk8s/install-script';
import {
  KEEP_ANNOTATION,
  PLATFORM_SELECTOR,
  PROTECTED_KINDS,
  inventory,
  inventoryEntry,
} from '../../../apps/cdk8s/inventory';
import { MANAGED_BY, PART_OF } from '../../../constructs/core/labels';
import { LAYERS, Layer } from '../../../constructs/core/layers';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';
import { ENVIRONMENTS, allObjects, renderEnv } from '../../helpers';
import { FAKE_KUBECTL } from '../../fake-kubectl';

const LABELS = {
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/managed-by': MANAGED_BY,
};

const obj = (apiVersion: string, kind: string, namespace: string | undefined, name: string) =>
  ({
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: LABELS },
  }) as KubeObject;

/** A platform of one environment with a CRD layer and a controller layer. */
function platform(environment: string): RenderedPlatform {
  const info = (layer: Layer) => LAYERS.filter((l) => l.layer === layer)[0];
  return {
    environment,
    production: false,
    layers: [
      {
        info: info(Layer.CRDS),
        objects: [
          obj(
            'apiextensions.k8s.io/v1',
            'CustomResourceDefinition',
            undefined,
            'widgets.example.com',
          ),
        ],
      },
      {
        info: info(Layer.PLATFORM_CONTROLLERS),
        objects: [
          obj('v1', 'ConfigMap', 'kubeflow', 'settings'),
          obj('apps/v1', 'Deployment', 'kubeflow', 'controller'),
          obj('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'controller'),
        ],
      },
    ],
    images: [],
    requiredNamespaces: [],
    requiredSecrets: [],
    requiredCrds: [],
    requiredMeshProviders: [],
    readiness: [],
    overrides: [],
    versions: [],
    upgrades: [],
  };
}

/**
 * What `kubectl get <every kind> -A -l <platform labels>` prints for the listing jsonpath: apiVersion,
 * kind, namespace, name, owner kinds, apply managers, keep annotation.
 */
const LISTING = [
  // rendered now: kept
  ['apps/v1', 'Deployment', 'kubeflow', 'controller', '', 'mlops-blueprint', ''],
  ['v1', 'ConfigMap', 'kubeflow', 'settings', '', 'mlops-blueprint', ''],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'controller', '', 'mlops-blueprint', ''],
  [
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    '',
    'widgets.example.com',
    '',
    'mlops-blueprint',
    '',
  ],
  // no longer rendered: pruned
  ['apps/v1', 'Deployment', 'kubeflow', 'old-controller', '', 'mlops-blueprint', ''],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'old-controller', '', 'mlops-blueprint', ''],
  [
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    '',
    'old-webhook',
    '',
    'mlops-blueprint',
    '',
  ],
  ['example.com/v1beta1', 'Widget', 'kubeflow', 'old-widget', '', 'mlops-blueprint', ''],
  // made by controllers from our objects: an owner, or not applied by install.sh
  ['apps/v1', 'ReplicaSet', 'kubeflow', 'old-controller-5d8f', 'Deployment', '', ''],
  ['v1', 'PersistentVolumeClaim', 'kubeflow', 'data-mysql-0', '', '', ''],
  [
    'v1',
    'Secret',
    'kubeflow',
    'tls-from-cert-manager',
    '',
    'cert-manager-certificates-issuing',
    '',
  ],
  ['v1', 'ConfigMap', 'team-a', 'copied', '', 'kubectl', ''],
  ['batch/v1', 'Job', 'kubeflow', 'backup-29000000', 'CronJob', '', ''],
  // protected
  [
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    '',
    'profiles.kubeflow.org',
    '',
    'mlops-blueprint',
    '',
  ],
  ['kubeflow.org/v1', 'Profile', '', 'team-old', '', 'mlops-blueprint', ''],
  ['v1', 'Namespace', '', 'old-namespace', '', 'mlops-blueprint', ''],
  ['v1', 'PersistentVolumeClaim', 'kubeflow', 'old-data', '', 'mlops-blueprint', ''],
  ['apps/v1', 'StatefulSet', 'kubeflow', 'old-postgres', '', 'mlops-blueprint', ''],
  ['v1', 'Secret', 'kubeflow', 'old-password', '', 'mlops-blueprint', ''],
  // kept by the user's annotation
  ['v1', 'ConfigMap', 'kubeflow', 'pinned', '', 'mlops-blueprint', 'false'],
]
  .map((f) => `${f.join('\t')}\n`)
  .join('');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
}

function run(
  args: string[],
  opts: { recorded?: string; environment?: string; listing?: string } = {},
): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-prune-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'install.sh'),
      installScript(platform(opts.environment ?? 'dev')),
    );
    fs.writeFileSync(path.join(dir, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'listing.tsv'), opts.listing ?? LISTING);
    fs.writeFileSync(path.join(dir, 'calls.log'), '');
    const result = spawnSync('bash', [path.join(dir, 'install.sh'), ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        KUBECTL: path.join(dir, 'kubectl'),
        KUBECTL_LOG: path.join(dir, 'calls.log'),
        FAKE_LISTING: path.join(dir, 'listing.tsv'),
        FAKE_API_RESOURCES:
          'configmaps events endpoints deployments.apps endpointslices.discovery.k8s.io',
        INSTALLED: opts.recorded ? `environment=${opts.recorded}` : '',
      },
    });
    const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const deletes = (r: Run) => r.calls.filter((c) => /(^| )delete /.test(c));

describe('install.sh prune with a fake kubectl', () => {
  test("a namespace the output no longer uses keeps its network and mesh policies (a removed tenant's database stays fenced)", () => {
    const listing = [
      [
        'networking.k8s.io/v1',
        'NetworkPolicy',
        'team-old',
        'default-deny-ingress',
        '',
        'mlops-blueprint',
        '',
      ],
      [
        'security.istio.io/v1',
        'AuthorizationPolicy',
        'team-old',
        'registry-db',
        '',
        'mlops-blueprint',
        '',
      ],
      ['v1', 'Service', 'team-old', 'registry-db', '', 'mlops-blueprint', ''],
      // in a namespace the output still uses: pruned as usual
      ['networking.k8s.io/v1', 'NetworkPolicy', 'kubeflow', 'allow-old', '', 'mlops-blueprint', ''],
    ]
      .map((f) => `${f.join('\t')}\n`)
      .join('');
    expect(deletes(run([], { listing }))).toEqual([
      'delete -n kubeflow NetworkPolicy.v1.networking.k8s.io allow-old --ignore-not-found --wait=false',
      'delete -n team-old Service registry-db --ignore-not-found --wait=false',
    ]);
    const all = deletes(run(['--prune-protected'], { listing }));
    expect(all).toContain(
      'delete -n team-old NetworkPolicy.v1.networking.k8s.io default-deny-ingress --ignore-not-found --wait=false',
    );
    expect(
      all.some((c) => c.includes('AuthorizationPolicy.v1.security.istio.io registry-db')),
    ).toBe(true);
  });

  test('deletes what the output no longer renders, custom resources first, and keeps the rest', () => {
    const r = run([]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(deletes(r)).toEqual([
      'delete -n kubeflow Widget.v1beta1.example.com old-widget --ignore-not-found --wait=true --timeout=600s',
      'delete ValidatingWebhookConfiguration.v1.admissionregistration.k8s.io old-webhook --ignore-not-found --wait=false',
      'delete -n kubeflow Deployment.v1.apps old-controller --ignore-not-found --wait=false',
      'delete ClusterRole.v1.rbac.authorization.k8s.io old-controller --ignore-not-found --wait=false',
    ]);
    expect(r.stdout).toContain(
      [
        'Keeping 6 protected objects the output no longer renders (CRDs, Profiles, namespaces, volumes, databases, Secrets; delete them with --prune-protected):',
        '  Profile.kubeflow.org team-old',
        '  PersistentVolumeClaim kubeflow/old-data',
        '  Secret kubeflow/old-password',
        '  StatefulSet.apps kubeflow/old-postgres',
        '  CustomResourceDefinition.apiextensions.k8s.io profiles.kubeflow.org',
        '  Namespace old-namespace',
        `Keeping 1 objects annotated ${KEEP_ANNOTATION}=false:`,
        '  ConfigMap kubeflow/pinned',
        'Would prune 4 objects:',
        '  Widget.example.com kubeflow/old-widget',
        '  ValidatingWebhookConfiguration.admissionregistration.k8s.io old-webhook',
        '  Deployment.apps kubeflow/old-controller',
        '  ClusterRole.rbac.authorization.k8s.io old-controller',
        'Pruned 4 objects.',
      ].join('\n'),
    );
  });

  test('lists every listable kind but events and endpoints, by the platform labels', () => {
    const r = run([]);
    const listing = r.calls.filter((c) => c.includes(' -l '));
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatch(
      new RegExp(
        `^get configmaps,deployments\\.apps --all-namespaces -l ${PLATFORM_SELECTOR} -o jsonpath=`,
      ),
    );
    expect(r.calls).toContain('api-resources --verbs=list,delete -o name');
  });

  test('prunes after the last apply and the install record', () => {
    const r = run([]);
    const lastApply = r.calls.map((c) => /^apply .* -f \d\d-/.test(c)).lastIndexOf(true);
    const firstDelete = r.calls.findIndex((c) => / delete /.test(` ${c}`));
    const record = r.calls.findIndex((c) =>
      c.includes('create configmap mlops-blueprint-installed'),
    );
    expect(lastApply).toBeGreaterThan(-1);
    expect(record).toBeGreaterThan(lastApply);
    expect(firstDelete).toBeGreaterThan(record);
  });

  test('--prune-protected deletes the protected objects too, CRDs and namespaces last', () => {
    const r = run(['--prune-protected']);
    expect(r.status).toBe(0);
    expect(deletes(r)).toEqual([
      'delete Profile.v1.kubeflow.org team-old --ignore-not-found --wait=true --timeout=600s',
      'delete -n kubeflow Widget.v1beta1.example.com old-widget --ignore-not-found --wait=true --timeout=600s',
      'delete ValidatingWebhookConfiguration.v1.admissionregistration.k8s.io old-webhook --ignore-not-found --wait=false',
      'delete -n kubeflow Deployment.v1.apps old-controller --ignore-not-found --wait=false',
      'delete -n kubeflow PersistentVolumeClaim old-data --ignore-not-found --wait=false',
      'delete -n kubeflow Secret old-password --ignore-not-found --wait=false',
      'delete -n kubeflow StatefulSet.v1.apps old-postgres --ignore-not-found --wait=false',
      'delete ClusterRole.v1.rbac.authorization.k8s.io old-controller --ignore-not-found --wait=false',
      'delete CustomResourceDefinition.v1.apiextensions.k8s.io profiles.kubeflow.org --ignore-not-found --wait=false',
      'delete Namespace old-namespace --ignore-not-found --wait=false',
    ]);
    expect(r.stdout).toContain('Would prune 10 objects:');
    // the user's annotation holds even then
    expect(r.calls.some((c) => c.includes('pinned'))).toBe(false);
  });

  test('never deletes objects made by controllers or applied by another manager', () => {
    const all = [...deletes(run([])), ...deletes(run(['--prune-protected']))];
    for (const name of [
      'old-controller-5d8f',
      'data-mysql-0',
      'tls-from-cert-manager',
      'copied',
      'backup-29000000',
    ]) {
      expect(all.filter((c) => c.includes(name))).toEqual([]);
    }
  });

  test('--prune-dry-run lists and deletes nothing', () => {
    const r = run(['--prune-dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Would prune 4 objects:');
    expect(r.stdout).toContain('Dry run (--prune-dry-run): nothing deleted.');
    expect(deletes(r)).toEqual([]);
    // it still applies and records
    expect(r.calls.filter((c) => c.startsWith('apply '))).toHaveLength(3);
  });

  test('--no-prune neither lists nor deletes', () => {
    const r = run(['--no-prune']);
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.includes(' -l ') || c.startsWith('api-resources'))).toEqual([]);
    expect(deletes(r)).toEqual([]);
  });

  test('skips pruning when the cluster was installed by another environment', () => {
    const r = run([], { recorded: 'prod', environment: 'dev' });
    expect(r.status).toBe(0);
    expect(deletes(r)).toEqual([]);
    expect(r.stderr).toContain("install record names the environment 'prod', not 'dev'");
    expect(
      run([], { recorded: 'dev', environment: 'dev' }).calls.some((c) => c.includes('delete ')),
    ).toBe(true);
  });

  test('rejects an unknown option before touching the cluster', () => {
    const r = run(['--prune']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown option --prune');
    expect(r.stderr).toContain(
      'Usage: install.sh [--no-prune] [--prune-dry-run] [--prune-protected]',
    );
    expect(r.calls).toEqual([]);
  });
});

describe('the inventory', () => {
  test('names each object by kubectl type and namespace/name', () => {
    expect(inventoryEntry(obj('apps/v1', 'Deployment', 'kubeflow', 'a'))).toBe(
      'Deployment.apps kubeflow/a',
    );
    expect(inventoryEntry(obj('v1', 'Namespace', undefined, 'kubeflow'))).toBe(
      'Namespace kubeflow',
    );
    expect(inventory(platform('dev'))).toEqual([
      'ClusterRole.rbac.authorization.k8s.io controller',
      'ConfigMap kubeflow/settings',
      'CustomResourceDefinition.apiextensions.k8s.io widgets.example.com',
      'Deployment.apps kubeflow/controller',
    ]);
  });

  test('protects CRDs, Profiles, namespaces, volumes, StatefulSets and Secrets', () => {
    expect(PROTECTED_KINDS.map((k) => k.type).sort()).toEqual([
      'CustomResourceDefinition.apiextensions.k8s.io',
      'Namespace',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'Profile.kubeflow.org',
      'Secret',
      'StatefulSet.apps',
    ]);
  });

  describe.each(ENVIRONMENTS)('$name', ({ env }) => {
    const rendered = renderEnv(env);
    const objects = allObjects(rendered);
    const script = installScript(rendered);

    test('install.sh holds every rendered object once', () => {
      const start = script.split('\n').indexOf("  cat <<'INVENTORY'");
      const end = script.split('\n').indexOf('INVENTORY');
      const listed = script.split('\n').slice(start + 1, end);
      expect(listed).toHaveLength(objects.length);
      expect(new Set(listed)).toEqual(new Set(objects.map(inventoryEntry)));
    });

    test('every object but a namespace carries the labels prune selects on', () => {
      // Namespaces are protected: one without the labels is simply never a candidate.
      const unlabelled = objects.filter(
        (o) =>
          o.kind !== 'Namespace' &&
          Object.entries(LABELS).some(([k, v]) => o.metadata.labels?.[k] !== v),
      );
      expect(unlabelled.map(inventoryEntry)).toEqual([]);
    });

    test('the PVCs StatefulSets make carry our labels, and PVCs are protected', () => {
      // The controller copies a claim template's labels onto each PVC it creates, without an
      // owner; only the field-manager check and the protected kinds keep them from pruning.
      const templates = objects
        .filter((o) => o.kind === 'StatefulSet')
        .flatMap(
          (s) => (s.spec.volumeClaimTemplates ?? []) as { metadata: KubeObject['metadata'] }[],
        );
      expect(templates.length).toBeGreaterThan(0);
      for (const t of templates) {
        expect(t.metadata.labels?.['app.kubernetes.io/managed-by']).toBe(MANAGED_BY);
      }
      expect(PROTECTED_KINDS.map((k) => k.type)).toEqual(
        expect.arrayContaining(['PersistentVolumeClaim', 'StatefulSet.apps']),
      );
    });
  });
});
