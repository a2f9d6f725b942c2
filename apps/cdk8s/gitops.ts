import { ReadinessCheck } from '../../constructs/core/component';
import { MANAGED_BY, PART_OF } from '../../constructs/core/labels';
import { PROTECTED_KINDS, isProtectedObject, objectType } from '../../stacks/protection';
import { KubeObject, RenderedLayer, RenderedPlatform } from '../../stacks/render';
import type { OutputFile } from './output';
import { yamlDocument } from './yaml';

/**
 * GitOps output: the rendered layers as Argo CD Applications (an app-of-apps whose children are
 * created in layer order, with `sync-in-order.sh` for ordered upgrades) or as Flux Kustomizations
 * (each depending on the previous layer at the same revision), written into
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
 *   `.../force: enabled` annotations, which the rendered objects carry: stacks/protection.ts), and
 *   `internal/controller/kustomization_controller.go` (a dependency counts only once it applied
 *   the same source revision; deleting objects skips those with `prune: disabled`);
 *   healthCheckExprs need Flux 2.5 or later. source-controller
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
   * Branch, tag or commit to follow. For Flux, a semantic version (`v1.2.0`, `1.2.0-rc.1`) is a
   * tag, 40 hex digits a commit, `refs/...` a full reference name, anything else a branch.
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

function names(rendered: RenderedPlatform) {
  const prefix = `mlops-${rendered.environment}`;
  return {
    root: prefix,
    project: prefix,
    rootProject: `${prefix}-root`,
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
 * `components/profile-controller/controllers/profile_controller.go`, appendErrorConditionAndReturn)
 * appends a `Failed` condition when a reconcile fails, never removes one and writes nothing on
 * success, so a condition says only that something failed once. A Profile is Healthy once it
 * exists (Progressing while being deleted); the latest `Failed` message, if any, is shown as the
 * message, never as Degraded (which would hold a sync forever after one transient failure).
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
  'for i = #conditions, 1, -1 do',
  '  local c = conditions[i]',
  '  if c.type == "Failed" then',
  '    hs.message = "last reported failure (kept by the profile controller): " .. tostring(c.message or "")',
  '    break',
  '  end',
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

/** Sorted, unique strings. */
function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** The namespaces the objects live in, and those they create (Namespace objects); sorted. */
export function namespacesUsed(objects: readonly KubeObject[]): string[] {
  return sortedUnique(
    objects.flatMap((o) => [
      ...(o.metadata.namespace ? [o.metadata.namespace] : []),
      ...(o.kind === 'Namespace' && o.apiVersion === 'v1' ? [o.metadata.name] : []),
    ]),
  );
}

/**
 * The group/kind pairs of the cluster-scoped objects (those rendered without a namespace: every
 * namespaced object of the render names its namespace), sorted by group, then kind.
 */
export function clusterScopedKinds(
  objects: readonly KubeObject[],
): { group: string; kind: string }[] {
  return sortedUnique(
    objects.filter((o) => !o.metadata.namespace).map((o) => `${groupOf(o)}\u0000${o.kind}`),
  ).map((k) => {
    const [group, kind] = k.split('\u0000');
    return { group, kind };
  });
}

/**
 * A child's destination namespace: the first namespace its layer uses, else the first of the
 * render. Every namespaced object names its namespace, so this only satisfies the AppProject
 * check of the Application's destination (util/argo/argo.go: an empty namespace matches no
 * listed destination).
 */
function destinationNamespace(rendered: RenderedPlatform, l: RenderedLayer): string | undefined {
  return (
    namespacesUsed(l.objects)[0] ?? namespacesUsed(rendered.layers.flatMap((x) => x.objects))[0]
  );
}

function layerApplication(
  rendered: RenderedPlatform,
  l: RenderedLayer,
  opts: Resolved,
): Record<string, unknown> {
  const n = names(rendered);
  const ignore = ignoreDifferences(l.objects);
  const namespace = destinationNamespace(rendered, l);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: n.layer(l),
      namespace: ARGOCD_NAMESPACE,
      labels: { ...labels(rendered), 'mlops-blueprint/layer': l.info.layer },
      annotations: {
        // Waves order the root's changes to its children (creation, spec changes), not the syncs
        // each child runs on its own when the revision moves: see sync-in-order.sh.
        'argocd.argoproj.io/sync-wave': String(l.info.order),
        // Diffs computed by the API server, with defaults and admission, as server-side apply sees them.
        'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
      },
      // Deleting the Application deletes its objects, except the protected ones, which carry
      // `argocd.argoproj.io/sync-options: Prune=false,Delete=false` (stacks/protection.ts).
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
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
      destination: { server: IN_CLUSTER, ...(namespace ? { namespace } : {}) },
      syncPolicy: {
        // Objects a component no longer renders are pruned; protected ones stay (Prune=false).
        automated: { prune: true, selfHeal: true },
        syncOptions: [
          'ServerSideApply=true',
          // Namespaces are objects of the namespaces layer, with their labels.
          'CreateNamespace=false',
          // Only what is out of sync is applied: a Job (Force=true,Replace=true) is re-created
          // when its template changed, not at every sync.
          'ApplyOutOfSyncOnly=true',
          'PruneLast=true',
          'PrunePropagationPolicy=foreground',
          ...(ignore.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
        ],
        retry: RETRY,
      },
      ...(ignore.length > 0 ? { ignoreDifferences: ignore } : {}),
      revisionHistoryLimit: 10,
    },
  };
}

/**
 * The layers' AppProject: only the repository, the namespaces the render uses, the cluster-scoped
 * kinds it renders; namespaced kinds are not restricted (the destinations bound them).
 */
function appProject(rendered: RenderedPlatform, opts: Resolved): Record<string, unknown> {
  const objects = rendered.layers.flatMap((l) => l.objects);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: names(rendered).project,
      namespace: ARGOCD_NAMESPACE,
      labels: labels(rendered),
    },
    spec: {
      description: `mlops-blueprint environment ${rendered.environment}: the layers`,
      sourceRepos: [opts.repoURL],
      destinations: namespacesUsed(objects).map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: clusterScopedKinds(objects),
    },
  };
}

/**
 * The root Application's AppProject: it may only create Applications in Argo CD's namespace (no
 * cluster-scoped kind; the AppProjects are applied by hand, not synced by the root).
 */
function rootProject(rendered: RenderedPlatform, opts: Resolved): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: names(rendered).rootProject,
      namespace: ARGOCD_NAMESPACE,
      labels: labels(rendered),
    },
    spec: {
      description: `mlops-blueprint environment ${rendered.environment}: the app of apps`,
      sourceRepos: [opts.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }],
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
      project: n.rootProject,
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

/** Seconds `sync-in-order.sh` gives each layer's sync and each wait, unless `TIMEOUT` is set. */
export const SYNC_TIMEOUT_SECONDS = 900;

/**
 * `sync-in-order.sh`: an ordered sync of the layers with the argocd CLI only (v3.5.1
 * `cmd/argocd/commands/app.go`, `cmd/util/app.go`). `pause` turns automated sync off on the root
 * (first, or its self-heal would restore the children) and on every layer; `sync` (the default)
 * syncs each layer's Application and waits for it to be Healthy before the next, and creates a
 * layer's Application from the root when the release adds one (it then syncs on its own: only
 * waited for); `resume` syncs the root, which restores the children's automated policy and any
 * changed Application from Git, then turns the root's automated sync back on.
 */
export function syncInOrderScript(rendered: RenderedPlatform): string {
  const n = names(rendered);
  const apps = nonEmpty(rendered).map((l) => n.layer(l));
  return [
    '#!/usr/bin/env bash',
    `# Generated by mlops-blueprint: ordered sync of environment ${rendered.environment} with Argo CD.`,
    '# Usage: sync-in-order.sh [pause|sync|resume]   (needs `argocd login` first; TIMEOUT in seconds)',
    'set -euo pipefail',
    '',
    `TIMEOUT="\${TIMEOUT:-${SYNC_TIMEOUT_SECONDS}}"`,
    `ROOT=${n.root}`,
    '# The layers, in install order.',
    `APPS=(${apps.join(' ')})`,
    '',
    'case "${1:-sync}" in',
    '  pause)',
    "    # The root first: its self-heal would put the children's automated policy back.",
    '    argocd app set "$ROOT" --sync-policy none',
    '    for app in "${APPS[@]}"; do',
    '      if argocd app get "$app" >/dev/null 2>&1; then argocd app set "$app" --sync-policy none; fi',
    '    done',
    '    ;;',
    '  sync)',
    '    for app in "${APPS[@]}"; do',
    '      echo "==> $app"',
    '      if argocd app get "$app" >/dev/null 2>&1; then',
    '        argocd app sync "$app" --timeout "$TIMEOUT"',
    '        argocd app wait "$app" --health --timeout "$TIMEOUT"',
    '      else',
    '        # A layer new in this release: the root creates its Application, which then syncs itself.',
    '        argocd app sync "$ROOT" --resource "argoproj.io:Application:$app" --timeout "$TIMEOUT"',
    '        argocd app wait "$app" --sync --health --timeout "$TIMEOUT"',
    '      fi',
    '    done',
    '    ;;',
    '  resume)',
    "    # Restores the children's automated policy (and any changed Application) from Git.",
    '    argocd app sync "$ROOT" --timeout "$TIMEOUT"',
    '    argocd app set "$ROOT" --sync-policy automated --auto-prune --self-heal',
    '    ;;',
    '  *)',
    '    echo "usage: $0 [pause|sync|resume]" >&2',
    '    exit 2',
    '    ;;',
    'esac',
    '',
  ].join('\n');
}

function argocdFiles(rendered: RenderedPlatform, opts: Resolved): OutputFile[] {
  const dir = GITOPS_DIRECTORIES.argocd;
  return [
    { name: `${dir}/README.md`, content: gitopsReadme(rendered, opts) },
    file(`${dir}/argocd-cm.yaml`, [argocdConfigPatch(rendered)]),
    file(`${dir}/project.yaml`, [rootProject(rendered, opts), appProject(rendered, opts)]),
    file(`${dir}/root.yaml`, [rootApplication(rendered, opts)]),
    { name: `${dir}/sync-in-order.sh`, content: syncInOrderScript(rendered), mode: 0o755 },
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

/** A semantic version (`v1.2.0`, `1.2.0-rc.1`, `v1.2.0+build`): a release tag. */
const SEMVER_TAG = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The GitRepository `ref` for a revision (source-controller v1.9.1 GitRepositoryRef): a semantic
 * version is a tag, 40 hex digits a commit, `refs/...` a full reference name, anything else a
 * branch.
 */
export function gitRef(revision: string): Record<string, string> {
  if (SEMVER_TAG.test(revision)) return { tag: revision };
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
    const exprs = healthCheckExprs(rendered.readiness, l.objects);
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
        // Objects no longer rendered are pruned; protected objects carry
        // `kustomize.toolkit.fluxcd.io/prune: disabled` (stacks/protection.ts) and stay, and Jobs
        // `kustomize.toolkit.fluxcd.io/force: enabled` (re-created when their template changes).
        prune: true,
        // Deleting the Kustomization deletes what prune would (the default, made explicit): the
        // protected objects stay.
        deletionPolicy: 'MirrorPrune',
        // Every object of the layer must be ready (kstatus: rollouts, Jobs complete, CRDs
        // established) before the next layer's dependsOn is met.
        wait: true,
        ...(exprs.length > 0 ? { healthCheckExprs: exprs } : {}),
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

/** `kind namespace/name` of a reference, as the README shows it. */
function refText(r: { resource: string; namespace?: string; name: string }): string {
  return `\`${r.resource} ${r.namespace ? `${r.namespace}/` : ''}${r.name}\``;
}

/**
 * Objects of a protected kind whose own annotations replace the protection (stacks/protection.ts
 * lets an object's annotations win): the tool's prune or deletion would remove them.
 */
export function unprotectedObjects(rendered: RenderedPlatform, tool: GitOpsTool): KubeObject[] {
  return rendered.layers
    .flatMap((l) => l.objects)
    .filter((o) => {
      if (!isProtectedObject(o)) return false;
      const a = o.metadata.annotations ?? {};
      if (tool === 'flux') return a['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled';
      const options = (a['argocd.argoproj.io/sync-options'] ?? '').split(',').map((x) => x.trim());
      return !(options.includes('Prune=false') && options.includes('Delete=false'));
    });
}

function gitopsReadme(rendered: RenderedPlatform, opts: Resolved): string {
  const dir = GITOPS_DIRECTORIES[opts.tool];
  const layers = nonEmpty(rendered);
  const n = names(rendered);
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
  const kept = PROTECTED_KINDS.map((k) => `\`${k.type}\``).join(', ');
  const exposed = unprotectedObjects(rendered, opts.tool).map(
    (o) =>
      `\`${objectType(o.apiVersion, o.kind)} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}\``,
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
      `Everything here is for an Argo CD running in the \`${ARGOCD_NAMESPACE}\` namespace (its install`,
      "manifests' namespace): for another one, change `metadata.namespace` of every file here.",
      '',
      '`argocd-cm.yaml` is a fragment: applied server-side, it adds its keys to the existing `argocd-cm`',
      'and leaves the others. If another manager (Helm, the Argo CD operator, an earlier',
      '`kubectl apply`) already set one of its keys, the apply fails with a conflict: merge the keys',
      "into that source instead (Helm `configs.cm`, the operator's `ArgoCD` resource), or add",
      '`--force-conflicts` to take them over (that manager may set them back at its next apply).',
      'It switches resource tracking to annotations (label tracking would',
      "rewrite `app.kubernetes.io/instance`, which the platform's selectors use) and adds health checks",
      'Argo CD does not ship: child Applications (without it the root does not wait between layers),',
      'webhook configurations (Progressing until their CA is injected, for every Application of this',
      'Argo CD), Kubeflow Profiles and the readiness kinds the components declare.',
      '',
      `\`project.yaml\` holds two AppProjects: \`${n.rootProject}\` lets the root Application \`${n.root}\``,
      `create only Applications in \`${ARGOCD_NAMESPACE}\`; \`${n.project}\` lets the layers' Applications`,
      'write only to the namespaces this environment uses and only the cluster-scoped kinds it renders.',
      'Both are applied by hand (the root does not sync them): re-apply `project.yaml` when a release',
      'adds a namespace or a cluster-scoped kind, before syncing it.',
      '',
      '## What is ordered, and what is not',
      '',
      `- First install: the root syncs the layers' Applications in sync-wave order and waits for each`,
      '  to be Healthy (the Application health check above) before creating the next.',
      '- Later commits: every layer Application follows `targetRevision` itself. When the revision',
      '  moves, each one syncs on its own, all at the same time, in no layer order; the waves only',
      '  order changes the root makes to the Application objects. Inside one layer Argo CD applies',
      '  by its kind order (namespaces and CRDs first) without waiting between objects.',
      '- For an ordered upgrade use `sync-in-order.sh` (the argocd CLI only, after `argocd login`):',
      '',
      '```sh',
      `${opts.path}/${dir}/sync-in-order.sh pause    # automated sync off: root ${n.root}, then every layer`,
      '# merge the new release; run the upgrade steps below',
      `${opts.path}/${dir}/sync-in-order.sh sync     # per layer: argocd app sync, then argocd app wait --health`,
      `${opts.path}/${dir}/sync-in-order.sh resume   # argocd app sync ${n.root}; automated sync back on`,
      '```',
      '',
      '  `pause` runs `argocd app set <app> --sync-policy none` on the root (first: its self-heal would',
      '  restore the children) and on each layer. A layer Application new in the release is created',
      '  by `sync` in its place; other changes to the Applications themselves apply at `resume`.',
      '- An ApplicationSet with a RollingSync strategy is not generated: the progressive-sync feature',
      '  must be enabled in the ApplicationSet controller and was not verified for this release.',
      '',
      '## Pruning and deletion',
      '',
      'Every layer Application prunes what the platform no longer renders (`prune: true`) and carries',
      'the resources finalizer (deleting it deletes its objects). Objects of the protected kinds',
      `(${kept}) carry \`argocd.argoproj.io/sync-options: Prune=false,Delete=false\`: Argo CD neither`,
      'prunes them nor deletes them with their Application; remove them by hand after reading',
      '`argocd app diff`. Jobs carry `Force=true,Replace=true` and are re-created when their template',
      'changes; `ApplyOutOfSyncOnly=true` leaves unchanged ones alone.',
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
      'Kustomization depends on the previous one and waits for all its objects; a dependency counts',
      'only once it applied the same source revision, so the layer order holds for every commit,',
      'not only the first. healthCheckExprs need Flux 2.5 or later. For a private repository add',
      '`spec.secretRef` to the GitRepository.',
      '',
      '## Pruning and deletion',
      '',
      'Every layer prunes what the platform no longer renders (`prune: true`), and deleting a',
      'Kustomization deletes the same (`deletionPolicy: MirrorPrune`). Objects of the protected kinds',
      `(${kept}) carry \`kustomize.toolkit.fluxcd.io/prune: disabled\` and stay; remove them by hand.`,
      'Jobs carry `kustomize.toolkit.fluxcd.io/force: enabled`: their template is immutable, so a',
      'changed Job is re-created.',
      '',
    );
  }
  if (exposed.length > 0) {
    lines.push(
      `Not protected, because their own annotations replace the protection: ${exposed.join(', ')}.`,
      '',
    );
  }
  const steps = rendered.upgrades.flatMap((u) =>
    u.steps
      .filter((s) => (s.deleteBeforeApply ?? []).length > 0 || (s.pruneAfterApply ?? []).length > 0)
      .map((s) => ({ component: u.component, step: s })),
  );
  const pause =
    opts.tool === 'argocd'
      ? [
          `1. Pause: \`${opts.path}/${dir}/sync-in-order.sh pause\` (\`argocd app set <app> --sync-policy none\``,
          `   on \`${n.root}\`, then on each layer), so that self-heal does not put back what you delete.`,
        ]
      : [
          '1. Pause every layer, so that no reconcile puts back what you delete:',
          '',
          '   ```sh',
          ...layers.map((l) => `   flux suspend kustomization ${n.layer(l)} -n ${FLUX_NAMESPACE}`),
          '   ```',
        ];
  const resume =
    opts.tool === 'argocd'
      ? [
          `4. Sync in order and resume: \`sync-in-order.sh sync\`, run the deletions "after" below, then`,
          '   `sync-in-order.sh resume`.',
        ]
      : [
          '4. Resume in layer order (each waits for its layer), then run the deletions "after" below:',
          '',
          '   ```sh',
          ...layers.map((l) => `   flux resume kustomization ${n.layer(l)} -n ${FLUX_NAMESPACE}`),
          '   ```',
        ];
  lines.push(
    '## Upgrades',
    '',
    '`install.sh` runs recorded upgrade steps (deletions of objects whose immutable fields change)',
    `before and after applying; ${tool} does not. Each step applies only when upgrading from a`,
    "version of its component older than the step's version (`install.sh` decides with `older_than`",
    'from the versions it recorded; here, read the version you run in the `versions.md` of the',
    'output you last synced). For a release with steps that apply to you:',
    '',
    ...pause,
    '2. Commit the new output to the followed revision.',
    '3. Run the "before" deletions of the steps that apply (never before step 1: a running tool',
    '   would re-create the object from the old revision).',
    ...resume,
    '',
    'Steps recorded in this release:',
    '',
    ...(steps.length > 0
      ? steps.map(
          ({ component, step }) =>
            `- ${component} ${step.version}, only when the installed ${component} is older than ${step.version}: ${step.description.replace(/\.?$/, '.')} Delete before: ${(step.deleteBeforeApply ?? []).map(refText).join(', ') || 'nothing'}; after: ${(step.pruneAfterApply ?? []).map(refText).join(', ') || 'nothing'}.`,
        )
      : ['- None recorded for this release.']),
    '',
  );
  return `${lines.join('\n')}`;
}
