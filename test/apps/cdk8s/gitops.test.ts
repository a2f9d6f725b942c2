import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  APPLICATION_HEALTH_LUA,
  ARGOCD_BUILT_IN_HEALTH,
  PROFILE_HEALTH_LUA,
  WEBHOOK_CA_HEALTH_LUA,
  clusterScopedKinds,
  conditionHealthLua,
  gitRef,
  gitopsFiles,
  healthScripts,
  namespacesUsed,
  syncInOrderScript,
  unprotectedObjects,
} from '../../../apps/cdk8s/gitops';
import { outputFiles } from '../../../apps/cdk8s/output';
import { RenderedPlatform } from '../../../stacks/render';
import { REPO_ROOT, readEnvironment, renderEnv } from '../../helpers';

// Argo CD Application fields (v3.5.1 pkg/apis/application/v1alpha1/types.go): spec.project,
// spec.destination (server or name) and spec.source.repoURL are required. Flux Kustomization
// (kustomize-controller v1.9.4 api/v1): interval, prune, sourceRef required.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = 'https://git.example.com/platform/environments.git';
// Rendered once per file: the default environment (no tenants: the last layer is empty) and prod.
const DEFAULT = renderEnv();
const PROD = renderEnv(readEnvironment('stacks/prod.yaml'));

function files(rendered: RenderedPlatform, tool: 'argocd' | 'flux', revision?: string) {
  return gitopsFiles(rendered, { tool, repoURL: REPO, path: 'dist/prod', revision });
}

function docs(content: string): Json[] {
  return parseAllDocuments(content).map((d) => d.toJS() as Json);
}

function objectsIn(rendered: RenderedPlatform, tool: 'argocd' | 'flux', dir: string): Json[] {
  return files(rendered, tool)
    .filter((f) => f.name.startsWith(dir) && f.name.endsWith('.yaml'))
    .flatMap((f) => docs(f.content));
}

/** The value, or a failed test when there is none. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

const nonEmpty = (r: RenderedPlatform) => r.layers.filter((l) => l.objects.length > 0);

/**
 * Runs a health script in a real Lua VM (wasmoon, in a plain Node process: its WebAssembly loads
 * through a dynamic import Jest's sandbox refuses), with only the libraries Argo CD opens (base,
 * table, package, os): string, math, io, utf8, coroutine and debug are removed first.
 */
function runHealthAll(
  cases: readonly { lua: string; obj: unknown }[],
): { status: string; message: string }[] {
  const program = `
    const { LuaFactory } = require('wasmoon');
    let input = '';
    process.stdin.on('data', (d) => (input += d));
    process.stdin.on('end', async () => {
      const results = [];
      for (const code of JSON.parse(input)) {
        const lua = await new LuaFactory().createEngine();
        try {
          await lua.doString('string = nil; math = nil; io = nil; utf8 = nil; coroutine = nil; debug = nil');
          await lua.doString(code);
          results.push({ status: lua.global.get('status'), message: lua.global.get('message') });
        } finally {
          lua.global.close();
        }
      }
      process.stdout.write(JSON.stringify(results));
    });`;
  const codes = cases.map(
    ({ lua, obj }) =>
      `obj = ${toLua(obj)}\nlocal function check()\n${lua}\nend\nlocal hs = check()\nstatus = hs.status\nmessage = hs.message`,
  );
  const r = spawnSync(process.execPath, ['-e', program], {
    cwd: REPO_ROOT,
    input: JSON.stringify(codes),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { status: string; message: string }[];
}

// Every script runs in one Lua process (starting wasmoon is the slow part), before the tests.
const pending: { lua: string; obj: unknown }[] = [];
let healthResults: { status: string; message: string }[] = [];
/** Rows of [name, object, expected] with the object queued for `lua`; the test reads its result. */
function withHealth(
  lua: string,
  rows: readonly [string, unknown, string][],
): [string, () => { status: string; message: string }, string][] {
  return rows.map(([name, obj, expected]) => {
    const i = pending.push({ lua, obj }) - 1;
    return [name, () => healthResults[i], expected];
  });
}

/** A JSON value as a Lua table constructor (arrays 1-based, null as nil). */
function toLua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return `{ ${v.map(toLua).join(', ')} }`;
  if (typeof v === 'object') {
    return `{ ${Object.entries(v as Json)
      .map(([k, x]) => `[${JSON.stringify(k)}] = ${toLua(x)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(v);
}

describe('Argo CD', () => {
  const apps = (r: RenderedPlatform) =>
    objectsIn(r, 'argocd', 'argocd/apps/').filter((o) => o.kind === 'Application');

  test.each([
    ['default', DEFAULT],
    ['prod', PROD],
  ])('%s: one Application per non-empty layer, in layer order, valid', (_, rendered) => {
    const layers = nonEmpty(rendered);
    const list = apps(rendered);
    expect(list.map((a) => a.metadata.name)).toEqual(
      layers.map((l) => `mlops-${rendered.environment}-${l.info.id}`),
    );
    const waves = list.map((a) => Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']));
    expect(waves).toEqual(layers.map((l) => l.info.order));
    waves.slice(1).forEach((w, i) => expect(w).toBeGreaterThan(waves[i]));
    const layerFiles = outputFiles(rendered).map((f) => f.name);
    for (const [i, a] of list.entries()) {
      expect(a.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(a.metadata.namespace).toBe('argocd');
      expect(a.spec.project).toBe(`mlops-${rendered.environment}`);
      expect(a.spec.destination.server).toBe('https://kubernetes.default.svc');
      // A namespace the project permits (an empty one matches no destination of a project).
      expect(namespacesUsed(rendered.layers.flatMap((l) => l.objects))).toContain(
        a.spec.destination.namespace,
      );
      expect(a.spec.source).toMatchObject({
        repoURL: REPO,
        targetRevision: 'main',
        path: 'dist/prod',
      });
      // An explicit directory source, only this layer's file, which outputFiles writes.
      expect(a.spec.source.directory).toEqual({
        recurse: false,
        include: `${layers[i].info.id}.k8s.yaml`,
      });
      expect(layerFiles).toContain(a.spec.source.directory.include);
      expect(a.spec.source.kustomize).toBeUndefined();
      expect(a.spec.syncPolicy.syncOptions).toEqual(
        expect.arrayContaining([
          'ServerSideApply=true',
          'CreateNamespace=false',
          // Force/Replace Jobs are re-created only when out of sync.
          'ApplyOutOfSyncOnly=true',
        ]),
      );
      // An object moving between layers must not jam the sync (controller/sync.go v3.5.1).
      expect(a.spec.syncPolicy.syncOptions).not.toContain('FailOnSharedResource=true');
      // Every layer prunes and deletes with its Application; protected objects carry their own
      // Prune=false,Delete=false.
      expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(a.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(a.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      if (a.spec.ignoreDifferences) {
        expect(a.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
        for (const d of a.spec.ignoreDifferences) expect(d.kind).toEqual(expect.any(String));
      }
    }
    // No Application for the empty tenants layer of the default environment.
    if (rendered === DEFAULT)
      expect(list.some((a) => a.metadata.name.endsWith('08-tenants'))).toBe(false);
  });

  test('protected objects carry the Argo CD annotations that keep them (none overridden in prod)', () => {
    const crd = must(
      PROD.layers
        .flatMap((l) => l.objects)
        .find(
          (o) =>
            o.kind === 'CustomResourceDefinition' && o.metadata.name === 'profiles.kubeflow.org',
        ),
      'the Profile CRD',
    );
    expect(crd.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe(
      'Prune=false,Delete=false',
    );
    expect(unprotectedObjects(PROD, 'argocd')).toEqual([]);
    expect(unprotectedObjects(PROD, 'flux')).toEqual([]);
    // An object that replaces the protection with its own annotations is named in the README.
    const override = {
      ...PROD,
      layers: PROD.layers.map((l) =>
        l.info.layer !== 'namespaces'
          ? l
          : {
              ...l,
              objects: [
                ...l.objects,
                {
                  apiVersion: 'v1',
                  kind: 'Namespace',
                  metadata: {
                    name: 'scratch',
                    annotations: { 'argocd.argoproj.io/sync-options': 'Prune=true' },
                  },
                },
              ],
            },
      ),
    };
    expect(unprotectedObjects(override, 'argocd').map((o) => o.metadata.name)).toEqual(['scratch']);
    const readme = must(
      files(override, 'argocd').find((f) => f.name === 'argocd/README.md'),
      'a README',
    ).content;
    expect(readme).toContain('their own annotations replace the protection: `Namespace scratch`');
  });

  test('ignoreDifferences: injected CA bundles, Knative webhook rules and certificates, HPA replicas', () => {
    const byLayer = new Map(apps(PROD).map((a) => [a.metadata.labels['mlops-blueprint/layer'], a]));
    const ignored = (layer: string) =>
      must(byLayer.get(layer), `layer ${layer}`).spec.ignoreDifferences as Json[];
    expect(ignored('infrastructure')).toContainEqual({
      group: 'admissionregistration.k8s.io',
      kind: 'MutatingWebhookConfiguration',
      name: 'cert-manager-webhook',
      jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
    });
    expect(ignored('infrastructure')).toContainEqual({
      group: 'apps',
      kind: 'Deployment',
      name: 'istiod',
      namespace: 'istio-system',
      jsonPointers: ['/spec/replicas'],
    });
    expect(ignored('crds')).toContainEqual({
      group: 'apiextensions.k8s.io',
      kind: 'CustomResourceDefinition',
      name: 'jobsets.jobset.x-k8s.io',
      jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'],
    });
    expect(ignored('platform-controllers')).toContainEqual({
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingWebhookConfiguration',
      name: 'config.webhook.serving.knative.dev',
      jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.rules'],
    });
    expect(ignored('platform-controllers')).toContainEqual({
      group: '',
      kind: 'Secret',
      name: 'webhook-certs',
      namespace: 'knative-serving',
      jsonPointers: ['/data'],
    });
  });

  test('root app-of-apps and project', () => {
    const all = objectsIn(PROD, 'argocd', 'argocd/');
    const root = must(
      all.find((o) => o.kind === 'Application' && o.metadata.name === 'mlops-prod'),
      'a match',
    );
    expect(root.spec.source).toEqual({
      repoURL: REPO,
      targetRevision: 'main',
      path: 'dist/prod/argocd/apps',
      directory: { recurse: false },
    });
    expect(root.spec.destination.namespace).toBe('argocd');
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    // The root's own project: only Applications, only in argocd, nothing cluster-scoped.
    expect(root.spec.project).toBe('mlops-prod-root');
    const projects = new Map(
      all.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name, p]),
    );
    expect([...projects.keys()]).toEqual(['mlops-prod-root', 'mlops-prod']);
    expect(must(projects.get('mlops-prod-root'), 'the root project').spec).toEqual({
      description: 'mlops-blueprint environment prod: the app of apps',
      sourceRepos: [REPO],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }],
    });
    const project = must(projects.get('mlops-prod'), 'the layers project');
    expect(project.spec.sourceRepos).toEqual([REPO]);
  });

  test('the layers project allows exactly the namespaces and cluster-scoped kinds of the render', () => {
    const project = must(
      objectsIn(PROD, 'argocd', 'argocd/project.yaml').find(
        (o) => o.metadata.name === 'mlops-prod',
      ),
      'the layers project',
    );
    const objects = PROD.layers.flatMap((l) => l.objects);
    const allowedNs = (project.spec.destinations as Json[]).map((d) => d.namespace as string);
    expect(allowedNs).not.toContain('*');
    expect(allowedNs).toEqual(expect.arrayContaining(['kubeflow', 'istio-system', 'cert-manager']));
    // Every namespaced object goes to a listed namespace, every Namespace object is listed.
    for (const o of objects) {
      if (o.metadata.namespace) expect(allowedNs).toContain(o.metadata.namespace);
      if (o.kind === 'Namespace') expect(allowedNs).toContain(o.metadata.name);
    }
    const kinds = (project.spec.clusterResourceWhitelist as Json[]).map(
      (k) => `${k.group}/${k.kind}`,
    );
    expect(kinds).not.toContain('*/*');
    expect(kinds).toEqual(
      expect.arrayContaining([
        '/Namespace',
        'apiextensions.k8s.io/CustomResourceDefinition',
        'rbac.authorization.k8s.io/ClusterRole',
        'admissionregistration.k8s.io/MutatingWebhookConfiguration',
        'kubeflow.org/Profile',
      ]),
    );
    // Namespaced kinds are not listed as cluster-scoped.
    expect(kinds).not.toContain('apps/Deployment');
    expect(kinds).not.toContain('/Secret');
    expect(project.spec.clusterResourceWhitelist).toEqual(clusterScopedKinds(objects));
    expect(project.spec.namespaceResourceWhitelist).toBeUndefined();
  });

  test('sync-in-order.sh: pause, per-layer sync then wait in layer order, resume, argocd only', () => {
    const script = must(
      files(PROD, 'argocd').find((f) => f.name === 'argocd/sync-in-order.sh'),
      'the script',
    );
    expect(script.mode).toBe(0o755);
    expect(script.content).toBe(syncInOrderScript(PROD));
    expect(script.content).not.toContain('kubectl');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-in-order-'));
    try {
      const scriptPath = path.join(dir, 'sync-in-order.sh');
      fs.writeFileSync(scriptPath, script.content, { mode: 0o755 });
      const log = path.join(dir, 'calls');
      // A fake argocd: records each call; `app get` fails for the tenants layer (new in a release).
      fs.writeFileSync(
        path.join(dir, 'argocd'),
        `#!/usr/bin/env bash\necho "$*" >> "${log}"\nif [ "$1 $2" = "app get" ] && [ "$3" = "mlops-prod-08-tenants" ]; then exit 1; fi\nexit 0\n`,
        { mode: 0o755 },
      );
      const run = (arg: string) => {
        fs.writeFileSync(log, '');
        const r = spawnSync('bash', [scriptPath, arg], {
          env: { PATH: `${dir}:/usr/bin:/bin`, TIMEOUT: '60' },
          encoding: 'utf8',
        });
        expect(r.status).toBe(0);
        return fs
          .readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('app get'));
      };
      const apps = nonEmpty(PROD).map((l) => `mlops-prod-${l.info.id}`);
      expect(run('pause')).toEqual([
        'app set mlops-prod --sync-policy none',
        ...apps
          .filter((a) => !a.endsWith('08-tenants'))
          .map((a) => `app set ${a} --sync-policy none`),
      ]);
      expect(run('sync')).toEqual(
        apps.flatMap((a) =>
          a.endsWith('08-tenants')
            ? [
                `app sync mlops-prod --resource argoproj.io:Application:${a} --timeout 60`,
                `app wait ${a} --sync --health --timeout 60`,
              ]
            : [`app sync ${a} --timeout 60`, `app wait ${a} --health --timeout 60`],
        ),
      );
      expect(run('resume')).toEqual([
        'app sync mlops-prod --timeout 60',
        'app set mlops-prod --sync-policy automated --auto-prune --self-heal',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('README: what is ordered, the argocd-cm namespace and conflicts, no ApplicationSet', () => {
    const readme = must(
      files(PROD, 'argocd').find((f) => f.name === 'argocd/README.md'),
      'a README',
    ).content;
    expect(readme).toContain('all at the same time, in no layer order');
    expect(readme).toContain('sync-in-order.sh pause');
    expect(readme).toContain('`--force-conflicts`');
    expect(readme).toContain('Argo CD running in the `argocd` namespace');
    expect(readme).toContain('RollingSync strategy is not generated');
    expect(files(PROD, 'argocd').some((f) => f.name.includes('applicationset'))).toBe(false);
  });

  test('argocd-cm: annotation tracking and health scripts Argo CD does not ship', () => {
    const cm = objectsIn(PROD, 'argocd', 'argocd/argocd-cm.yaml')[0];
    expect(cm.metadata).toMatchObject({ name: 'argocd-cm', namespace: 'argocd' });
    expect(cm.data['application.resourceTrackingMethod']).toBe('annotation');
    const keys = Object.keys(cm.data).filter((k) =>
      k.startsWith('resource.customizations.health.'),
    );
    expect(keys).toEqual([
      'resource.customizations.health.admissionregistration.k8s.io_MutatingWebhookConfiguration',
      'resource.customizations.health.admissionregistration.k8s.io_ValidatingWebhookConfiguration',
      'resource.customizations.health.argoproj.io_Application',
      'resource.customizations.health.kubeflow.org_Profile',
    ]);
    // The readiness kinds of this environment are cert-manager's, which Argo CD knows.
    expect(
      PROD.readiness
        .map((c) => `${c.group}/${c.kind}`)
        .every((k) => ARGOCD_BUILT_IN_HEALTH.includes(k)),
    ).toBe(true);
  });

  test('a readiness kind Argo CD does not know gets a script for its condition', () => {
    const rendered = {
      ...DEFAULT,
      readiness: [
        ...DEFAULT.readiness,
        { group: 'example.io', kind: 'Widget', condition: 'Available' },
      ],
    };
    const script = must(
      healthScripts(rendered).find((s) => s.kind === 'Widget'),
      'a match',
    );
    expect(script.lua).toBe(conditionHealthLua('Available'));
  });
});

describe('health scripts run in Lua', () => {
  beforeAll(() => {
    healthResults = runHealthAll(pending);
  });
  const cond = (type: string, status: string, message = `${type} ${status}`) => ({
    type,
    status,
    message,
  });
  const lua = conditionHealthLua('Ready');

  test.each(
    withHealth(lua, [
      [
        'Ready True',
        {
          metadata: { generation: 2 },
          status: { observedGeneration: 2, conditions: [cond('Ready', 'True')] },
        },
        'Healthy',
      ],
      [
        'Ready False',
        { metadata: {}, status: { conditions: [cond('Ready', 'False')] } },
        'Progressing',
      ],
      ['no status', { metadata: {} }, 'Progressing'],
      [
        'no Ready condition',
        { metadata: {}, status: { conditions: [cond('Other', 'True')] } },
        'Progressing',
      ],
      [
        'stale generation',
        {
          metadata: { generation: 3 },
          status: { observedGeneration: 2, conditions: [cond('Ready', 'True')] },
        },
        'Progressing',
      ],
      [
        'Stalled',
        {
          metadata: {},
          status: { conditions: [cond('Ready', 'False'), cond('Stalled', 'True', 'bad spec')] },
        },
        'Degraded',
      ],
      [
        'being deleted',
        {
          metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' },
          status: { conditions: [cond('Ready', 'True')] },
        },
        'Progressing',
      ],
    ]),
  )('condition Ready: %s', (_, result, status) => {
    expect(result().status).toBe(status);
  });

  const stalled = withHealth(lua, [
    [
      'Stalled',
      { metadata: {}, status: { conditions: [cond('Stalled', 'True', 'bad spec')] } },
      'Degraded',
    ],
  ])[0][1];
  test('a Stalled message is reported', () => {
    expect(stalled()).toEqual({ status: 'Degraded', message: 'bad spec' });
  });

  // The profile controller appends Failed conditions and never clears them (kubeflow/dashboard
  // v2.0.0 profile_controller.go appendErrorConditionAndReturn): never Degraded from them.
  test.each(
    withHealth(PROFILE_HEALTH_LUA, [
      ['no status', { metadata: {} }, 'Healthy'],
      [
        'a Failed condition',
        {
          metadata: {},
          status: { conditions: [cond('Failed', '', 'namespace owned by another')] },
        },
        'Healthy',
      ],
      [
        'Failed then something else',
        { metadata: {}, status: { conditions: [cond('Failed', ''), cond('Successful', 'True')] } },
        'Healthy',
      ],
      ['being deleted', { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } }, 'Progressing'],
    ]),
  )('Profile: %s', (_, result, status) => {
    expect(result().status).toBe(status);
  });

  const profileMessages = withHealth(PROFILE_HEALTH_LUA, [
    [
      'two failures',
      {
        metadata: {},
        status: {
          conditions: [
            cond('Failed', '', 'first'),
            cond('Other', 'True'),
            cond('Failed', '', 'second'),
          ],
        },
      },
      'Healthy',
    ],
    ['none', { metadata: {}, status: {} }, 'Healthy'],
  ]);
  test('Profile: the latest Failed message is shown', () => {
    expect(profileMessages[0][1]()).toEqual({
      status: 'Healthy',
      message: 'last reported failure (kept by the profile controller): second',
    });
    expect(profileMessages[1][1]()).toEqual({ status: 'Healthy', message: '' });
  });

  test.each(
    withHealth(WEBHOOK_CA_HEALTH_LUA, [
      [
        'service without CA',
        { webhooks: [{ name: 'a', clientConfig: { service: { name: 's' } } }] },
        'Progressing',
      ],
      [
        'service with CA',
        { webhooks: [{ name: 'a', clientConfig: { service: { name: 's' }, caBundle: 'Q0E=' } }] },
        'Healthy',
      ],
      [
        'URL without CA',
        { webhooks: [{ name: 'a', clientConfig: { url: 'https://x' } }] },
        'Healthy',
      ],
      [
        'one of two without CA',
        {
          webhooks: [
            { name: 'a', clientConfig: { service: {}, caBundle: 'Q0E=' } },
            { name: 'b', clientConfig: { service: {} } },
          ],
        },
        'Progressing',
      ],
    ]),
  )('webhook CA: %s', (_, result, status) => {
    expect(result().status).toBe(status);
  });

  test.each(
    withHealth(APPLICATION_HEALTH_LUA, [
      ['Healthy', { status: { health: { status: 'Healthy' } } }, 'Healthy'],
      ['Degraded', { status: { health: { status: 'Degraded', message: 'x' } } }, 'Degraded'],
      ['Missing', { status: { health: { status: 'Missing' } } }, 'Progressing'],
      ['no status', {}, 'Progressing'],
    ]),
  )('child Application: %s', (_, result, status) => {
    expect(result().status).toBe(status);
  });
});

describe('Flux', () => {
  const kustomizations = (r: RenderedPlatform) =>
    objectsIn(r, 'flux', 'flux/kustomizations/').filter((o) => o.kind === 'Kustomization');

  test.each([
    ['default', DEFAULT],
    ['prod', PROD],
  ])('%s: one Kustomization per non-empty layer, each depending on the previous', (_, rendered) => {
    const layers = nonEmpty(rendered);
    const list = kustomizations(rendered);
    const name = (i: number) => `mlops-${rendered.environment}-${layers[i].info.id}`;
    expect(list.map((k) => k.metadata.name)).toEqual(layers.map((_l, i) => name(i)));
    expect(list[0].spec.dependsOn).toBeUndefined();
    list.slice(1).forEach((k, i) => expect(k.spec.dependsOn).toEqual([{ name: name(i) }]));
    const all = files(rendered, 'flux');
    for (const [i, k] of list.entries()) {
      expect(k.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
      expect(k.metadata.namespace).toBe('flux-system');
      expect(k.spec).toMatchObject({
        sourceRef: { kind: 'GitRepository', name: `mlops-${rendered.environment}` },
        prune: true,
        wait: true,
        interval: expect.any(String),
        timeout: expect.any(String),
      });
      // The per-layer kustomization names exactly the layer file, relative to its directory.
      const dir = k.spec.path.replace(/^\.\//, '');
      expect(dir).toBe(`dist/prod/flux/layers/${layers[i].info.id}`);
      const kust = docs(
        must(
          all.find((f) => f.name === `flux/layers/${layers[i].info.id}/kustomization.yaml`),
          'a match',
        ).content,
      )[0];
      expect(kust.resources.map((r: string) => path.posix.normalize(`${dir}/${r}`))).toEqual([
        `dist/prod/${layers[i].info.id}.k8s.yaml`,
      ]);
    }
    // The entry point lists the source and the layers' Kustomizations, not the layer directories.
    const entry = docs(
      must(
        all.find((f) => f.name === 'flux/kustomization.yaml'),
        'a match',
      ).content,
    )[0];
    expect(entry.resources).toEqual([
      'gitrepository.yaml',
      ...layers.map((l) => `kustomizations/${l.info.id}.yaml`),
    ]);
  });

  test('prune on every layer, no per-object patches (the objects carry the annotations), MirrorPrune', () => {
    const list = kustomizations(PROD);
    for (const k of list) {
      expect(k.spec.prune).toBe(true);
      expect(k.spec.deletionPolicy).toBe('MirrorPrune');
      expect(k.spec.patches).toBeUndefined();
    }
    const objects = PROD.layers.flatMap((l) => l.objects);
    const mysql = must(
      objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'mysql'),
      'the mysql StatefulSet',
    );
    expect(mysql.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    const job = must(
      objects.find((o) => o.kind === 'Job' && o.metadata.name === 'mysql-credentials-generator'),
      'the generator Job',
    );
    expect(job.metadata.annotations?.['kustomize.toolkit.fluxcd.io/force']).toBe('enabled');
  });

  test('healthCheckExprs for the readiness kinds in the layer', () => {
    const byLayer = new Map(
      kustomizations(PROD).map((k) => [k.metadata.labels['mlops-blueprint/layer'], k]),
    );
    expect(
      must(byLayer.get('infrastructure-config'), `layer ${'infrastructure-config'}`).spec
        .healthCheckExprs,
    ).toEqual([
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
      },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
      },
    ]);
    expect(
      must(byLayer.get('identity'), `layer ${'identity'}`).spec.healthCheckExprs,
    ).toBeUndefined();
  });

  test('GitRepository: ref from the revision, only the output directory in the artifact', () => {
    const repo = (revision?: string) =>
      docs(
        must(
          files(PROD, 'flux', revision).find((f) => f.name === 'flux/gitrepository.yaml'),
          'a match',
        ).content,
      )[0];
    expect(repo().spec).toMatchObject({ url: REPO, ref: { branch: 'main' }, interval: '5m' });
    expect(repo().spec.ignore).toBe('/*\n!/dist/\n/dist/*\n!/dist/prod/\n');
    expect(repo('refs/tags/v1.2.0').spec.ref).toEqual({ name: 'refs/tags/v1.2.0' });
    expect(repo('0123456789abcdef0123456789abcdef01234567').spec.ref).toEqual({
      commit: '0123456789abcdef0123456789abcdef01234567',
    });
    expect(repo('v1.2.0').spec.ref).toEqual({ tag: 'v1.2.0' });
  });

  test.each([
    ['v1.2.0', { tag: 'v1.2.0' }],
    ['1.2.0', { tag: '1.2.0' }],
    ['v1.2.0-rc.1', { tag: 'v1.2.0-rc.1' }],
    ['v10.20.30+build.5', { tag: 'v10.20.30+build.5' }],
    ['refs/tags/v1.2.0', { name: 'refs/tags/v1.2.0' }],
    ['refs/heads/main', { name: 'refs/heads/main' }],
    [
      '0123456789abcdef0123456789abcdef01234567',
      { commit: '0123456789abcdef0123456789abcdef01234567' },
    ],
    ['main', { branch: 'main' }],
    ['release-1.2', { branch: 'release-1.2' }],
    ['v1.2', { branch: 'v1.2' }],
  ])('Flux ref for %s', (revision, ref) => {
    expect(gitRef(revision)).toEqual(ref);
  });

  test('README: ordered on every revision, suspend before deleting and resume after', () => {
    const readme = must(
      files(PROD, 'flux').find((f) => f.name === 'flux/README.md'),
      'a README',
    ).content;
    expect(readme).toContain('the layer order holds for every commit');
    const suspend = readme.indexOf('flux suspend kustomization mlops-prod-01-crds -n flux-system');
    const deletions = readme.indexOf('Run the "before" deletions');
    const resume = readme.indexOf('flux resume kustomization mlops-prod-01-crds -n flux-system');
    expect(suspend).toBeGreaterThan(0);
    expect(deletions).toBeGreaterThan(suspend);
    expect(resume).toBeGreaterThan(deletions);
  });
});

describe('both tools', () => {
  test.each(['argocd', 'flux'] as const)(
    '%s: files in their own sub-directory, deterministic',
    (tool) => {
      const a = files(PROD, tool);
      expect(a.every((f) => f.name.startsWith(`${tool}/`))).toBe(true);
      expect(files(PROD, tool)).toEqual(a);
      // Every YAML file parses; none is a layer file kubectl would read from the output directory.
      for (const f of a.filter((x) => x.name.endsWith('.yaml')))
        expect(() => docs(f.content)).not.toThrow();
    },
  );

  test('the same environment rendered twice gives the same files', () => {
    expect(files(renderEnv(), 'argocd')).toEqual(files(DEFAULT, 'argocd'));
  });

  test('README: the prerequisites GitOps cannot create, and the layer order', () => {
    const readme = must(
      files(PROD, 'flux').find((f) => f.name === 'flux/README.md'),
      'a match',
    ).content;
    for (const s of PROD.requiredSecrets)
      expect(readme).toContain(`Secret \`${s.namespace}/${s.name}\``);
    expect(readme).toContain('1. `01-crds`');
    expect(readme).toContain('8. `08-tenants`');
    expect(
      must(
        files(DEFAULT, 'argocd').find((f) => f.name === 'argocd/README.md'),
        'a match',
      ).content,
    ).toContain('Nothing: this environment references no external CRD, namespace or Secret.');
  });

  test.each(['argocd', 'flux'] as const)(
    '%s README: each upgrade step applies only from an older version',
    (tool) => {
      const rendered = {
        ...PROD,
        upgrades: [
          {
            component: 'kserve',
            version: 'v0.15.2',
            steps: [
              {
                version: 'v0.15.0',
                description: 'the controller selector changed',
                deleteBeforeApply: [
                  {
                    resource: 'deployment',
                    namespace: 'kserve',
                    name: 'kserve-controller-manager',
                  },
                ],
              },
              { version: 'v0.14.0', description: 'nothing to delete' },
            ],
          },
        ],
      };
      const readme = must(
        files(rendered, tool).find((f) => f.name === `${tool}/README.md`),
        'a README',
      ).content;
      expect(readme).toContain(
        '- kserve v0.15.0, only when the installed kserve is older than v0.15.0: the controller selector changed. Delete before: `deployment kserve/kserve-controller-manager`; after: nothing.',
      );
      expect(readme).not.toContain('nothing to delete');
      expect(readme).toContain('`older_than`');
      const pause = tool === 'argocd' ? '--sync-policy none' : 'flux suspend kustomization';
      expect(readme.indexOf(pause)).toBeLessThan(readme.indexOf('- kserve v0.15.0'));
    },
  );

  test('a path outside the repository is refused', () => {
    expect(() => gitopsFiles(PROD, { tool: 'flux', repoURL: REPO, path: '../dist' })).toThrow(
      '`path` is not a path inside the repository (got "../dist"). Give the output directory relative to the repository root, e.g. dist/prod.',
    );
  });
});
