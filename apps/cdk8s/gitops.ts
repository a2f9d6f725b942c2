import { ReadinessCheck } from '../../constructs/core/component';
import { MANAGED_BY, PART_OF } from '../../constructs/core/labels';
import { KubeObject, RenderedLayer, RenderedPlatform } from '../../stacks/render';
import type { OutputFile } from './output';
import { yamlDocument } from './yaml';

/**
 * GitOps output: the rendered layers as Argo CD Applications (an app-of-apps whose children sync
 * in layer order) or as Flux Kustomizations (each depending on the previous layer), written into
 * a sub-directory next to the plain layer files. Nothing here is needed by `install.sh`, and the
 * plain files stay as they are: `kubectl apply -f <dir>` is not recursive and the top
 * `kustomization.yaml` lists only the layers, so neither picks up these objects.
 *
 * Field names are checked against the APIs at these tags:
 * - Argo CD v3.5.1 `pkg/apis/application/v1alpha1/types.go` (ApplicationSpec, ApplicationSource,
 *   ApplicationSourceDirectory, SyncPolicy, RetryStrategy, ResourceIgnoreDifferences, AppProject);
 *   sync options from `docs/user-guide/sync-options.md`, the health script keys
 *   (`resource.customizations.health.<group>_<kind>`) and the scripts' Lua libraries (base, table,
 *   package, a safe os; no string library) from `docs/operator-manual/health.md` and
 *   `util/lua/lua.go`; tracking methods from `docs/user-guide/resource_tracking.md`.
 * - Flux kustomize-controller v1.9.4 `api/v1/kustomization_types.go` (dependsOn, path, prune,
 *   deletionPolicy, wait, timeout, retryInterval, patches, healthCheckExprs) and
 *   `docs/spec/v1/kustomizations.md` (the `kustomize.toolkit.fluxcd.io/prune: disabled` and
 *   `.../force: enabled` annotations); healthCheckExprs need Flux 2.5 or later. source-controller
 *   v1.9.1 `api/v1/gitrepository_types.go` (url, interval, ref, ignore). Flux builds a
 *   kustomization with load restrictions off inside the source root (fluxcd/pkg
 *   `kustomize/kustomize_generator.go` at kustomize/v1.35.4), so a per-layer kustomization may name
 *   a layer file two directories up; Argo CD's kustomize keeps the default root-only restriction,
 *   which is why its Applications use a directory source with `include` instead.
 */

export type GitOpsTool = 'argocd' | 'flux';

export interface GitOpsOptions {
  readonly tool: GitOpsTool;
  /** The Git repository the output directory is committed to, as the GitOps tool clones it. */
  readonly repoURL: string;
  /**
   * Branch, tag or commit to follow. For Flux, 40 hex digits are a commit, `refs/...` a full
   * reference name, anything else a branch.
   * @default 'main'
   */
  readonly revision?: string;
  /** The output directory's path inside the repository, e.g. `dist/prod` (no leading `./`). */
  readonly path: string;
}

/** The sub-directory of the output directory each tool's files go to. */
export const GITOPS_DIRECTORIES: Record<GitOpsTool, string> = { argocd: 'argocd', flux: 'flux' };

/** Where Argo CD runs and reads its config; the namespace its install manifests use. */
export const ARGOCD_NAMESPACE = 'argocd';
/** Where Flux runs (`flux bootstrap` / `flux install`). */
export const FLUX_NAMESPACE = 'flux-system';
/** Argo CD's name for the cluster it runs in. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Health checks Argo CD v3.5.1 ships (`resource_customizations/<group>/<kind>/health.lua`) for the
 * groups the platform renders; a generated script for these would replace a maintained one.
 */
export const ARGOCD_BUILT_IN_HEALTH: readonly string[] = [
  'apiextensions.k8s.io/CustomResourceDefinition',
  'cert-manager.io/Certificate',
  'cert-manager.io/ClusterIssuer',
  'cert-manager.io/Issuer',
  'serving.kserve.io/InferenceService',
  'serving.knative.dev/Service',
];

const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** The API group of an object (`''` for the core group). */
function groupOf(o: KubeObject): string {
  return o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
}

function nonEmpty(rendered: RenderedPlatform): RenderedLayer[] {
  return rendered.layers.filter((l) => l.objects.length > 0);
}

/**
 * Objects a prune must never delete on its own: every CRD (deleting one deletes all its objects;
 * the Profile CRD takes every tenant namespace with it), Namespaces (everything in them), Profiles
 * (the tenant's namespace), volumes and claims, and StatefulSets with volume claim templates (the
 * platform's databases and object store).
 */
export function isProtected(o: KubeObject): boolean {
  if (
    ['CustomResourceDefinition', 'Namespace', 'PersistentVolume', 'PersistentVolumeClaim'].includes(
      o.kind,
    )
  ) {
    return true;
  }
  if (o.kind === 'Profile' && groupOf(o) === 'kubeflow.org') return true;
  const spec = o.spec as { volumeClaimTemplates?: unknown[] } | undefined;
  return o.kind === 'StatefulSet' && (spec?.volumeClaimTemplates?.length ?? 0) > 0;
}

function names(rendered: RenderedPlatform) {
  const prefix = `mlops-${rendered.environment}`;
  return {
    root: prefix,
    project: prefix,
    source: prefix,
    layer: (l: RenderedLayer) => `${prefix}-${l.info.id}`,
  };
}

function labels(rendered: RenderedPlatform): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'mlops-blueprint/environment': rendered.environment,
  };
}

function trimPath(path: string): string {
  return path.replace(/^\.\//, '').replace(/\/+$/, '');
}

function file(name: string, docs: readonly Record<string, unknown>[]): OutputFile {
  return { name, content: docs.map((d) => yamlDocument(d)).join('---\n') };
}

/**
 * The GitOps files for `rendered`, under `argocd/` or `flux/`, in a stable order. Empty layers get
 * no Application or Kustomization.
 */
export function gitopsFiles(rendered: RenderedPlatform, options: GitOpsOptions): OutputFile[] {
  const opts = { ...options, path: trimPath(options.path), revision: options.revision ?? 'main' };
  if (opts.path === '' || opts.path.startsWith('/') || opts.path.split('/').includes('..')) {
    throw new Error(
      `\`path\` is not a path inside the repository (got "${options.path}"). Give the output directory relative to the repository root, e.g. dist/prod.`,
    );
  }
  if (opts.repoURL.trim() === '') {
    throw new Error(
      '`repoURL` is empty. Give the URL the GitOps tool clones, e.g. https://github.com/acme/platform.git.',
    );
  }
  return opts.tool === 'argocd' ? argocdFiles(rendered, opts) : fluxFiles(rendered, opts);
}

type Resolved = Required<GitOpsOptions>;

// ---------------------------------------------------------------------------------------------
// Argo CD

/** Fields controllers write into objects that we render without them. */
export function ignoreDifferences(objects: readonly KubeObject[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const hpaTargets = new Set(
    objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler')
      .map((o) => {
        const ref = (o.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
        return `${ref.kind}/${o.metadata.namespace ?? ''}/${ref.name}`;
      }),
  );
  for (const o of objects) {
    const id = { group: groupOf(o), kind: o.kind, name: o.metadata.name };
    const ns = o.metadata.namespace ? { namespace: o.metadata.namespace } : {};
    if (WEBHOOK_KINDS.includes(o.kind)) {
      const hooks = (o.webhooks ?? []) as {
        clientConfig?: { caBundle?: string };
        rules?: unknown[];
      }[];
      const paths: string[] = [];
      // cert-manager's cainjector (annotation cert-manager.io/inject-ca-from*), istiod and the
      // Knative webhooks write the CA of webhooks rendered without one.
      if (hooks.some((h) => !h.clientConfig?.caBundle))
        paths.push('.webhooks[]?.clientConfig.caBundle');
      // Knative's webhooks fill in the rules of configurations rendered without any.
      if (hooks.some((h) => (h.rules ?? []).length === 0)) paths.push('.webhooks[]?.rules');
      if (paths.length > 0) out.push({ ...id, jqPathExpressions: paths });
    }
    if (o.kind === 'CustomResourceDefinition') {
      const conversion = (
        o.spec as {
          conversion?: { strategy?: string; webhook?: { clientConfig?: { caBundle?: string } } };
        }
      ).conversion;
      if (conversion?.strategy === 'Webhook' && !conversion.webhook?.clientConfig?.caBundle) {
        out.push({ ...id, jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'] });
      }
    }
    // A Secret rendered without data is filled by a controller (Knative's webhook certificates).
    if (o.kind === 'Secret' && o.data === undefined && o.stringData === undefined) {
      out.push({ ...id, ...ns, jsonPointers: ['/data'] });
    }
    if (hpaTargets.has(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)) {
      out.push({ ...id, ...ns, jsonPointers: ['/spec/replicas'] });
    }
  }
  return out;
}

/** Lua for Argo CD: `obj` is the live object, the script returns `{ status, message }`. */
export interface HealthScript {
  readonly group: string;
  readonly kind: string;
  readonly lua: string;
}

/** Common head of our scripts: deletion, a missing status, a generation not yet observed. */
const LUA_HEAD = [
  'local hs = { status = "Progressing", message = "" }',
  'if obj.metadata.deletionTimestamp ~= nil then',
  '  hs.message = "being deleted"',
  '  return hs',
  'end',
  'if obj.status == nil then',
  '  hs.message = "waiting for the controller to report a status"',
  '  return hs',
  'end',
  'local generation = obj.metadata.generation',
  'local observed = obj.status.observedGeneration',
  'if generation ~= nil and observed ~= nil and observed < generation then',
  '  hs.message = "the controller has not observed generation " .. generation .. " yet"',
  '  return hs',
  'end',
];

/**
 * A condition-based check, as `install.sh` waits (`kubectl wait --for=condition=<C>`): True is
 * Healthy; `Stalled` True (the kstatus convention) is Degraded; False or Unknown is Progressing,
 * since controllers report False while they work (cert-manager's Ready while issuing).
 */
export function conditionHealthLua(condition: string): string {
  return [
    ...LUA_HEAD,
    `local wanted = ${JSON.stringify(condition)}`,
    'for _, c in ipairs(obj.status.conditions or {}) do',
    '  if c.type == "Stalled" and c.status == "True" then',
    '    hs.status = "Degraded"',
    '    hs.message = c.message or "stalled"',
    '    return hs',
    '  end',
    'end',
    'for _, c in ipairs(obj.status.conditions or {}) do',
    '  if c.type == wanted then',
    '    if c.status == "True" then',
    '      hs.status = "Healthy"',
    '    end',
    '    hs.message = c.message or (wanted .. " is " .. tostring(c.status))',
    '    return hs',
    '  end',
    'end',
    'hs.message = "waiting for condition " .. wanted',
    'return hs',
    '',
  ].join('\n');
}

/**
 * Kubeflow Profiles: the profile controller (kubeflow/dashboard v2.0.0
 * `components/profile-controller/controllers/profile_controller.go`) appends a condition of type
 * `Failed` when a reconcile fails and writes no condition on success, so the latest condition
 * decides: `Failed` is Degraded, anything else (or none) is Healthy.
 */
export const PROFILE_HEALTH_LUA = [
  'local hs = { status = "Healthy", message = "" }',
  'if obj.metadata.deletionTimestamp ~= nil then',
  '  hs.status = "Progressing"',
  '  hs.message = "being deleted"',
  '  return hs',
  'end',
  'local conditions = {}',
  'if obj.status ~= nil and obj.status.conditions ~= nil then conditions = obj.status.conditions end',
  'local last = conditions[#conditions]',
  'if last ~= nil and last.type == "Failed" then',
  '  hs.status = "Degraded"',
  '  hs.message = last.message or "the profile controller failed to reconcile"',
  'end',
  'return hs',
  '',
].join('\n');

/**
 * Webhook configurations: Progressing until every webhook that calls a Service has a CA bundle,
 * which cainjector, istiod or Knative's webhook inject (what `install.sh` waits for with
 * `wait_for_ca`); a webhook without one fails every call it gets.
 */
export const WEBHOOK_CA_HEALTH_LUA = [
  'local hs = { status = "Healthy", message = "" }',
  'for _, w in ipairs(obj.webhooks or {}) do',
  '  local cc = w.clientConfig or {}',
  '  if cc.service ~= nil and (cc.caBundle == nil or cc.caBundle == "") then',
  '    hs.status = "Progressing"',
  '    hs.message = "waiting for the CA bundle of webhook " .. tostring(w.name)',
  '    return hs',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

/**
 * Child Applications of the app-of-apps: Argo CD dropped the health of Applications in 1.8, so
 * without this the root does not wait for one layer before syncing the next (Argo CD
 * `docs/operator-manual/health.md`). Missing and Unknown read as Progressing.
 */
export const APPLICATION_HEALTH_LUA = [
  'local hs = { status = "Progressing", message = "" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  local s = obj.status.health.status',
  '  if s == "Healthy" or s == "Degraded" or s == "Suspended" then hs.status = s end',
  '  hs.message = obj.status.health.message or s',
  'end',
  'return hs',
  '',
].join('\n');

/**
 * The health scripts the platform needs and Argo CD does not ship: the readiness checks the
 * components declare, Kubeflow Profiles, webhook CA injection and child Applications; sorted.
 */
export function healthScripts(rendered: RenderedPlatform): HealthScript[] {
  const scripts = new Map<string, HealthScript>();
  const add = (group: string, kind: string, lua: string) => {
    const key = `${group}/${kind}`;
    if (!ARGOCD_BUILT_IN_HEALTH.includes(key) && !scripts.has(key)) {
      scripts.set(key, { group, kind, lua });
    }
  };
  for (const check of rendered.readiness) {
    add(check.group, check.kind, conditionHealthLua(check.condition ?? 'Ready'));
  }
  const objects = rendered.layers.flatMap((l) => l.objects);
  if (objects.some((o) => o.kind === 'Profile' && groupOf(o) === 'kubeflow.org')) {
    add('kubeflow.org', 'Profile', PROFILE_HEALTH_LUA);
  }
  for (const kind of WEBHOOK_KINDS) {
    if (objects.some((o) => o.kind === kind))
      add('admissionregistration.k8s.io', kind, WEBHOOK_CA_HEALTH_LUA);
  }
  add('argoproj.io', 'Application', APPLICATION_HEALTH_LUA);
  return [...scripts.values()].sort((a, b) =>
    `${a.group}_${a.kind}` < `${b.group}_${b.kind}`
      ? -1
      : `${a.group}_${a.kind}` > `${b.group}_${b.kind}`
        ? 1
        : 0,
  );
}

/** The `argocd-cm` fragment: annotation tracking and our health scripts. */
export function argocdConfigPatch(rendered: RenderedPlatform): Record<string, unknown> {
  const data: Record<string, string> = {
    // Label tracking (the default before Argo CD 3.0) would overwrite `app.kubernetes.io/instance`,
    // which the platform's selectors use.
    'application.resourceTrackingMethod': 'annotation',
  };
  for (const s of healthScripts(rendered)) {
    data[`resource.customizations.health.${s.group}_${s.kind}`] = s.lua;
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'argocd-cm',
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    },
    data,
  };
}

const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

function layerApplication(
  rendered: RenderedPlatform,
  l: RenderedLayer,
  opts: Resolved,
): Record<string, unknown> {
  const n = names(rendered);
  const keep = l.objects.some(isProtected);
  const ignore = ignoreDifferences(l.objects);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: n.layer(l),
      namespace: ARGOCD_NAMESPACE,
      labels: { ...labels(rendered), 'mlops-blueprint/layer': l.info.layer },
      annotations: {
        // Waves order the children of the root Application: each waits for the one before.
        'argocd.argoproj.io/sync-wave': String(l.info.order),
        // Diffs computed by the API server, with defaults and admission, as server-side apply sees them.
        'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
      },
      // Deleting the Application deletes its objects, except in a layer holding what must be kept.
      ...(keep ? {} : { finalizers: ['resources-finalizer.argocd.argoproj.io'] }),
    },
    spec: {
      project: n.project,
      source: {
        repoURL: opts.repoURL,
        targetRevision: opts.revision,
        path: opts.path,
        // An explicit directory source: the output directory's kustomization.yaml would otherwise
        // make Argo CD build every layer into each Application.
        directory: { recurse: false, include: `${l.info.id}.k8s.yaml` },
      },
      destination: { server: IN_CLUSTER },
      syncPolicy: {
        // A layer holding protected objects is pruned by hand, after reading what would go.
        automated: { prune: !keep, selfHeal: true },
        syncOptions: [
          'ServerSideApply=true',
          // Namespaces are objects of the namespaces layer, with their labels.
          'CreateNamespace=false',
          'PruneLast=true',
          'PrunePropagationPolicy=foreground',
          // Another Application managing the same object is an error, not a tug of war.
          'FailOnSharedResource=true',
          ...(ignore.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
        ],
        retry: RETRY,
      },
      ...(ignore.length > 0 ? { ignoreDifferences: ignore } : {}),
      revisionHistoryLimit: 10,
    },
  };
}

function appProject(rendered: RenderedPlatform, opts: Resolved): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: names(rendered).project,
      namespace: ARGOCD_NAMESPACE,
      labels: labels(rendered),
    },
    spec: {
      description: `mlops-blueprint environment ${rendered.environment}`,
      sourceRepos: [opts.repoURL],
      // The platform is cluster-wide: CRDs, namespaces, cluster roles, webhooks.
      destinations: [{ server: IN_CLUSTER, namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
}

function rootApplication(rendered: RenderedPlatform, opts: Resolved): Record<string, unknown> {
  const n = names(rendered);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: n.root, namespace: ARGOCD_NAMESPACE, labels: labels(rendered) },
    spec: {
      project: n.project,
      source: {
        repoURL: opts.repoURL,
        targetRevision: opts.revision,
        path: `${opts.path}/${GITOPS_DIRECTORIES.argocd}/apps`,
        directory: { recurse: false },
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
        retry: RETRY,
      },
    },
  };
}

function argocdFiles(rendered: RenderedPlatform, opts: Resolved): OutputFile[] {
  const dir = GITOPS_DIRECTORIES.argocd;
  return [
    { name: `${dir}/README.md`, content: gitopsReadme(rendered, opts) },
    file(`${dir}/argocd-cm.yaml`, [argocdConfigPatch(rendered)]),
    file(`${dir}/project.yaml`, [appProject(rendered, opts)]),
    file(`${dir}/root.yaml`, [rootApplication(rendered, opts)]),
    ...nonEmpty(rendered).map((l) =>
      file(`${dir}/apps/${l.info.id}.yaml`, [layerApplication(rendered, l, opts)]),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Flux

/**
 * CEL health checks for the readiness kinds: Current once the condition is True. No `failed`
 * expression: controllers report False while they work, and Flux stops waiting at the first
 * Failed; a condition that stays False ends in the Kustomization's timeout, as `kubectl wait` does.
 * A generation not yet observed is InProgress before any expression runs (fluxcd/pkg
 * `runtime/cel/status_evaluator.go`).
 */
export function healthCheckExprs(
  readiness: readonly ReadinessCheck[],
  objects: readonly KubeObject[],
): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const check of readiness) {
    const sample = objects.find((o) => o.kind === check.kind && groupOf(o) === check.group);
    if (!sample) continue;
    const condition = check.condition ?? 'Ready';
    out.set(`${check.group}/${check.kind}`, {
      apiVersion: sample.apiVersion,
      kind: check.kind,
      current: `status.conditions.exists(c, c.type == '${condition}' && c.status == 'True')`,
    });
  }
  return [...out.values()];
}

/** Patches adding Flux's per-object annotations: keep protected objects, re-create Jobs. */
function fluxPatches(objects: readonly KubeObject[]): Record<string, unknown>[] {
  const patches: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const annotate = (o: KubeObject, annotation: string, value: string) => {
    const key = `${annotation} ${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''} ${o.metadata.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const escaped = o.metadata.name.replace(/[.]/g, '\\.');
    patches.push({
      patch: yamlDocument({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.metadata.name, annotations: { [annotation]: value } },
      }),
      target: {
        ...(groupOf(o) ? { group: groupOf(o) } : {}),
        kind: o.kind,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        name: `^${escaped}$`,
      },
    });
  };
  for (const o of objects) {
    if (isProtected(o)) annotate(o, 'kustomize.toolkit.fluxcd.io/prune', 'disabled');
    // A Job's template is immutable: a changed Job is deleted and created again. Ours are
    // idempotent (generators keep what exists, provisioners converge).
    if (o.kind === 'Job') annotate(o, 'kustomize.toolkit.fluxcd.io/force', 'enabled');
  }
  return patches;
}

/** `refs/...` a name, 40 hex digits a commit, anything else a branch. */
function gitRef(revision: string): Record<string, string> {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/')) return { name: revision };
  return { branch: revision };
}

/** Only the output directory goes into the artifact (gitignore syntax, one level at a time). */
function sourceIgnore(path: string): string {
  const parts = path.split('/');
  const lines = ['/*'];
  parts.forEach((_, i) => {
    const dir = `/${parts.slice(0, i + 1).join('/')}/`;
    lines.push(`!${dir}`);
    if (i < parts.length - 1) lines.push(`${dir}*`);
  });
  return `${lines.join('\n')}\n`;
}

function fluxFiles(rendered: RenderedPlatform, opts: Resolved): OutputFile[] {
  const dir = GITOPS_DIRECTORIES.flux;
  const n = names(rendered);
  const layers = nonEmpty(rendered);
  const gitRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: n.source, namespace: FLUX_NAMESPACE, labels: labels(rendered) },
    spec: {
      url: opts.repoURL,
      ref: gitRef(opts.revision),
      interval: '5m',
      ignore: sourceIgnore(opts.path),
    },
  };
  const kustomizations = layers.map((l, i) => {
    const keep = l.objects.some(isProtected);
    const exprs = healthCheckExprs(rendered.readiness, l.objects);
    const patches = fluxPatches(l.objects);
    return {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {
        name: n.layer(l),
        namespace: FLUX_NAMESPACE,
        labels: { ...labels(rendered), 'mlops-blueprint/layer': l.info.layer },
      },
      spec: {
        ...(i > 0 ? { dependsOn: [{ name: n.layer(layers[i - 1]) }] } : {}),
        sourceRef: { kind: 'GitRepository', name: n.source },
        path: `./${opts.path}/${dir}/layers/${l.info.id}`,
        interval: '10m',
        retryInterval: '1m',
        timeout: '10m',
        prune: true,
        // Deleting the Kustomization leaves a layer holding protected objects in place.
        ...(keep ? { deletionPolicy: 'Orphan' } : {}),
        // Every object of the layer must be ready (kstatus: rollouts, Jobs complete, CRDs
        // established) before the next layer's dependsOn is met.
        wait: true,
        ...(exprs.length > 0 ? { healthCheckExprs: exprs } : {}),
        ...(patches.length > 0 ? { patches } : {}),
      },
    };
  });
  return [
    { name: `${dir}/README.md`, content: gitopsReadme(rendered, opts) },
    file(`${dir}/kustomization.yaml`, [
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['gitrepository.yaml', ...layers.map((l) => `kustomizations/${l.info.id}.yaml`)],
      },
    ]),
    file(`${dir}/gitrepository.yaml`, [gitRepository]),
    ...kustomizations.map((k, i) => file(`${dir}/kustomizations/${layers[i].info.id}.yaml`, [k])),
    ...layers.map((l) =>
      file(`${dir}/layers/${l.info.id}/kustomization.yaml`, [
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: [`../../../${l.info.id}.k8s.yaml`],
        },
      ]),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// README

function gitopsReadme(rendered: RenderedPlatform, opts: Resolved): string {
  const dir = GITOPS_DIRECTORIES[opts.tool];
  const layers = nonEmpty(rendered);
  const lines: string[] = [];
  const tool = opts.tool === 'argocd' ? 'Argo CD' : 'Flux';
  lines.push(
    `# ${tool} for environment ${rendered.environment}`,
    '',
    `Generated by mlops-blueprint from the same layers as \`install.sh\`. ${tool} reads`,
    `\`${opts.path}\` of ${opts.repoURL} at \`${opts.revision}\`; commit this output there.`,
    '',
    '## Before the first sync',
    '',
    'GitOps cannot create what the platform only references. Do these by hand (or from your own',
    'secret manager), as `install.sh` checks them:',
    '',
  );
  const pre: string[] = [];
  for (const c of rendered.requiredCrds) pre.push(`- CRD \`${c.name}\` installed (${c.purpose}).`);
  for (const ns of rendered.requiredNamespaces)
    pre.push(`- Namespace \`${ns.name}\` exists (${ns.purpose}).`);
  for (const p of rendered.requiredMeshProviders) {
    pre.push(
      `- The mesh config \`${p.namespace}/${p.configMap}\` names the ext-authz provider \`${p.name}\`.`,
    );
  }
  for (const s of rendered.requiredSecrets) {
    pre.push(
      `- Secret \`${s.namespace}/${s.name}\` with keys ${s.keys.map((k) => `\`${k}\``).join(', ')} (${s.purpose}); create it once its namespace exists (layer 02).`,
    );
  }
  lines.push(
    ...(pre.length > 0
      ? pre
      : ['- Nothing: this environment references no external CRD, namespace or Secret.']),
    '',
  );
  lines.push(
    '## Order',
    '',
    ...layers.map((l) => `${l.info.order}. \`${l.info.id}\`: ${l.info.description}`),
    '',
  );
  if (opts.tool === 'argocd') {
    lines.push(
      '## Install',
      '',
      '```sh',
      `kubectl apply --server-side --field-manager=mlops-blueprint -f ${opts.path}/${dir}/argocd-cm.yaml`,
      `kubectl apply -f ${opts.path}/${dir}/project.yaml -f ${opts.path}/${dir}/root.yaml`,
      '```',
      '',
      '`argocd-cm.yaml` is a fragment: applied server-side, it adds its keys to the existing `argocd-cm`',
      'and leaves the others. It switches resource tracking to annotations (label tracking would',
      "rewrite `app.kubernetes.io/instance`, which the platform's selectors use) and adds health checks",
      'Argo CD does not ship: child Applications (without it the root does not wait between layers),',
      'webhook configurations (Progressing until their CA is injected, for every Application of this',
      'Argo CD), Kubeflow Profiles and the readiness kinds the components declare.',
      '',
      `The root Application \`${names(rendered).root}\` syncs one Application per layer in \`apps/\`, in`,
      'sync-wave order, and waits for each to be Healthy before the next. Layers holding objects that',
      'must be kept (CRDs, namespaces, Profiles, volumes, database StatefulSets) are not pruned',
      'automatically and carry no deletion finalizer: review `argocd app diff` and prune by hand.',
      '',
    );
  } else {
    lines.push(
      '## Install',
      '',
      '```sh',
      `kubectl apply -k ${opts.path}/${dir}`,
      '```',
      '',
      `or point a Kustomization of your fleet repository at \`./${opts.path}/${dir}\`. Each layer's`,
      'Kustomization depends on the previous one and waits for all its objects. Protected objects',
      '(CRDs, namespaces, Profiles, volumes, database StatefulSets) are patched with',
      '`kustomize.toolkit.fluxcd.io/prune: disabled`, and Jobs with `kustomize.toolkit.fluxcd.io/force: enabled`',
      '(their template is immutable). healthCheckExprs need Flux 2.5 or later. For a private repository',
      'add `spec.secretRef` to the GitRepository.',
      '',
    );
  }
  const steps = rendered.upgrades.flatMap((u) =>
    u.steps
      .filter((s) => (s.deleteBeforeApply ?? []).length > 0 || (s.pruneAfterApply ?? []).length > 0)
      .map((s) => ({ component: u.component, step: s })),
  );
  lines.push(
    '## Upgrades',
    '',
    '`install.sh` runs recorded upgrade steps (deletions of objects whose immutable fields change)',
    `before applying; ${tool} does not. Before syncing a new release, run them by hand:`,
    '',
    ...(steps.length > 0
      ? steps.map(
          ({ component, step }) =>
            `- ${component} ${step.version}: ${step.description.replace(/\.?$/, '.')} Delete before: ${(step.deleteBeforeApply ?? []).map((r) => `\`${r.resource} ${r.namespace ? `${r.namespace}/` : ''}${r.name}\``).join(', ') || 'nothing'}; after: ${(step.pruneAfterApply ?? []).map((r) => `\`${r.resource} ${r.namespace ? `${r.namespace}/` : ''}${r.name}\``).join(', ') || 'nothing'}.`,
        )
      : ['- None recorded for this release.']),
    '',
  );
  return `${lines.join('\n')}`;
}
