import { LAYERS, LayerInfo } from '../../constructs/core/layers';
import { accessDiff, accessReport } from '../../stacks/access';
import { PROTECTED_KINDS, TEMPLATE_HASH_ANNOTATION } from '../../stacks/protection';
import {
  ComponentUpgrades,
  KubeObject,
  RenderedLayer,
  RenderedPlatform,
} from '../../stacks/render';
import { parseInstallRecord } from './versions-doc';

/**
 * `plan`: what applying a new render over a previous output directory would do, as pure
 * functions over plain objects. Reading the directory and the command line live in plan-cli.ts.
 */

/** What a previous `synth` output directory holds, read back. */
export interface PreviousOutput {
  /** The environment name in the directory's marker. */
  readonly environment?: string;
  /** The layer files' objects, by file stem (`06-platform-controllers`), in install order. */
  readonly layers: readonly { readonly id: string; readonly objects: readonly KubeObject[] }[];
  /** images.txt, when the directory has it. */
  readonly images?: readonly string[];
  /** versions.md, when the directory has it. */
  readonly versionsMarkdown?: string;
}

/** What the new render offers the comparison: a rendered platform, and its versions.md. */
export interface NextRender {
  readonly rendered: RenderedPlatform;
  readonly versionsMarkdown?: string;
}

/** One field that differs; values are for display, with secrets masked. */
export interface FieldChange {
  /** JSON-pointer-like: `/spec/template/spec/containers[name=manager]/image`. */
  readonly path: string;
  /** `undefined`: the field is added. */
  readonly before?: string;
  /** `undefined`: the field is removed. */
  readonly after?: string;
  /** For multi-line text: the lines removed (`- `) and added (`+ `), in order. */
  readonly lines?: readonly string[];
}

/**
 * A change the API server rejects in place: the object must be deleted and created again. Or a
 * Job whose template hash changed, which `install.sh` deletes before the apply creates it again.
 */
export interface Recreate {
  /** The immutable fields that differ (none for a Job re-created for its hash alone). */
  readonly fields: readonly string[];
  /** What to do, or what happens, in one sentence. */
  readonly action: string;
  /**
   * `install.sh` re-creates it by itself: a Job whose `TEMPLATE_HASH_ANNOTATION` differs from the
   * previous output's (the GitOps tools re-create it too). Not blocking, and not disruptive: the
   * platform's Jobs are idempotent setup Jobs that run again.
   */
  readonly recreatedByInstall?: boolean;
  /** Upgrade steps of the new render that delete the object before the apply and will run. */
  readonly coveredBy: readonly string[];
  /**
   * Upgrade steps that delete the object but will not run: the installed version of their
   * component (the previous output's versions.md) is not older than the step's. With why.
   */
  readonly notRun?: readonly string[];
  /** Nothing deletes it: the apply fails until someone deletes the object. */
  readonly blocking: boolean;
}

export interface ObjectChange {
  /** `Deployment.apps kubeflow/ml-pipeline`. */
  readonly object: string;
  readonly fields: readonly FieldChange[];
  readonly recreate?: Recreate;
}

export interface RemovedObject {
  readonly object: string;
  /** Why removing it loses data or access that a user must keep; `undefined` when it does not. */
  readonly protected?: string;
}

export interface LayerPlan {
  readonly id: string;
  readonly added: readonly string[];
  readonly removed: readonly RemovedObject[];
  readonly changed: readonly ObjectChange[];
}

export interface VersionChange {
  readonly component: string;
  readonly before?: string;
  readonly after?: string;
}

export interface Plan {
  readonly environment: string;
  readonly previousEnvironment?: string;
  /** Layers with at least one difference, in install order. */
  readonly layers: readonly LayerPlan[];
  /** `accessDiff` lines: `+` gained, `-` lost. */
  readonly access: readonly string[];
  /** `undefined` when the previous directory has no images.txt. */
  readonly images?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** `undefined` when either side has no parseable versions.md. */
  readonly versions?: readonly VersionChange[];
  readonly summary: {
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    /** Objects to delete and re-create, by an upgrade step or by hand (Jobs install.sh re-creates aside). */
    readonly recreate: number;
    /** Of `recreate`, those nothing deletes: the apply fails until someone does. */
    readonly blocking: number;
    /** Jobs `install.sh` re-creates because their template hash changed; each runs again. */
    readonly jobsRecreated: number;
    readonly protectedRemovals: number;
  };
}

/** Exit codes of `plan`, for a CI job to gate on. */
export const PLAN_EXIT = {
  /** Nothing changes. */
  NO_CHANGES: 0,
  /** Invalid input: the environment, or a previous directory that is not an output directory. */
  INVALID: 1,
  /** Changes that apply in place. */
  CHANGES: 2,
  /**
   * Changes that need a delete and re-create (by an upgrade step or by hand), or remove objects a
   * user must keep. A Job that install.sh re-creates for its template hash is not one: it re-runs
   * an idempotent setup Job, so it counts as a change in place (2).
   */
  DISRUPTIVE: 3,
  /** Usage error (sysexits EX_USAGE), apart from the codes above. */
  USAGE: 64,
} as const;

export function planExitCode(plan: Plan): number {
  const s = plan.summary;
  if (s.recreate > 0 || s.protectedRemovals > 0) return PLAN_EXIT.DISRUPTIVE;
  if (s.added + s.removed + s.changed > 0) return PLAN_EXIT.CHANGES;
  return PLAN_EXIT.NO_CHANGES;
}

/** Code-point order: the same on every machine, whatever its locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * An object's identity across releases: group, kind, namespace and name. The version is left out,
 * so that `v1beta1` -> `v1` of the same group shows as a change of `/apiVersion`.
 */
export function objectLabel(o: KubeObject): string {
  const group = apiGroup(o.apiVersion);
  const kind = group === '' ? o.kind : `${o.kind}.${group}`;
  const ns = o.metadata.namespace;
  return `${kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
}

// ---------------------------------------------------------------------------------------------
// Masking

export const MASKED = '(masked)';

/** Field names whose values are credentials (Secret-like keys, env vars, config keys). */
const SENSITIVE = /passw(or)?d|passwd|secret|token|credential|api[-_]?key|private[-_]?key/i;
/** ...unless the field only names or selects one (`secretKeyRef`, `secretName`, `tokenPath`). */
const REFERENCE = /(Ref|Refs|Name|Names|Selector|Path|Key)$/;

function sensitiveSegment(segment: string): boolean {
  return SENSITIVE.test(segment) && !REFERENCE.test(segment);
}

/**
 * Whether the value at `path` (segments, from the object's root) is masked: every value under a
 * Secret's `data` and `stringData`, and any value whose key or list-item name looks like a
 * credential (`[name=DB_PASSWORD]`, a ConfigMap key `client-secret`).
 */
function masked(kind: string, path: readonly string[]): boolean {
  if (kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData') && path.length > 1) {
    return true;
  }
  return path.some(sensitiveSegment);
}

/**
 * Credentials written inside text (a config file in a ConfigMap): the value after a
 * credential-like key and `:` or `=` on the same line is masked, e.g. `password: x` ->
 * `password: (masked)`. Only blanks and tabs may surround the separator: a key that opens a block
 * (`staticPasswords:` and a list on the next lines) has no value of its own to mask.
 */
const IN_TEXT =
  /((?:passw(?:or)?d|passwd|secret|token|credential|api[-_]?key|private[-_]?key|hash)[\w.-]*["']?[ \t]*[:=][ \t]*)("[^"]*"|'[^']*'|[^\s,}]+)/gi;

/**
 * The password of a URL's userinfo (RFC 3986 section 3.2.1): `scheme://user:pass@host` ->
 * `scheme://user:(masked)@host`. The user name stays visible.
 */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s/?#@]+)(@)/gi;

export function maskText(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASKED}$3`).replace(IN_TEXT, `$1${MASKED}`);
}

/** A value for display, with masked leaves (keys stay visible). */
function maskedCopy(kind: string, path: readonly string[], value: unknown): unknown {
  if (masked(kind, path)) return isRecord(value) || Array.isArray(value) ? value : MASKED;
  if (Array.isArray(value)) {
    const keyed = namedItems(value);
    return value.map((v, i) => maskedCopy(kind, [...path, keyed ? segmentOf(v) : String(i)], v));
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskedCopy(kind, [...path, k], v)]),
    );
  }
  return typeof value === 'string' ? maskText(value) : value;
}

const MAX_SHOWN = 200;

function display(kind: string, path: readonly string[], value: unknown): string {
  if (masked(kind, path) && !isRecord(value) && !Array.isArray(value)) return MASKED;
  const text = JSON.stringify(maskedCopy(kind, path, value)) ?? 'null';
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Field diff

/** A list whose items all carry a distinct string `name` is compared by name, not position. */
function namedItems(list: readonly unknown[]): boolean {
  if (list.length === 0) return false;
  const names = list.map((v) => (isRecord(v) && typeof v.name === 'string' ? v.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

function segmentOf(item: unknown): string {
  return `[name=${(item as { name: string }).name}]`;
}

function pointer(path: readonly string[]): string {
  return path
    .map((s) => (s.startsWith('[') ? s : `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`))
    .join('');
}

/** Lines removed and added between two texts (longest common subsequence), or `undefined`. */
function lineDiff(before: string, after: string): string[] | undefined {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 1_000_000) return undefined;
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out;
}

function diffValue(
  kind: string,
  path: string[],
  before: unknown,
  after: unknown,
  out: FieldChange[],
): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push({ path: pointer(path), after: display(kind, path, after) });
    return;
  }
  if (after === undefined) {
    out.push({ path: pointer(path), before: display(kind, path, before) });
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byText);
    for (const k of keys) diffValue(kind, [...path, k], before[k], after[k], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (namedItems(before) && namedItems(after)) {
      const byName = (list: unknown[]) =>
        new Map(list.map((v) => [(v as { name: string }).name, v]));
      const a = byName(before);
      const b = byName(after);
      // Kept items in the new order, then those removed; a pure reorder is a change of order.
      const names = [...b.keys(), ...[...a.keys()].filter((n) => !b.has(n))];
      for (const n of names) diffValue(kind, [...path, `[name=${n}]`], a.get(n), b.get(n), out);
      const kept = [...a.keys()].filter((n) => b.has(n));
      const keptAfter = [...b.keys()].filter((n) => a.has(n));
      if (kept.join('\u0000') !== keptAfter.join('\u0000')) {
        out.push({
          path: `${pointer(path)} (order)`,
          before: JSON.stringify(kept),
          after: JSON.stringify(keptAfter),
        });
      }
      return;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) diffValue(kind, [...path, String(i)], before[i], after[i], out);
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (
    typeof before === 'string' &&
    typeof after === 'string' &&
    (before.includes('\n') || after.includes('\n')) &&
    !masked(kind, path)
  ) {
    const lines = lineDiff(maskText(before), maskText(after));
    if (lines) {
      // Only masked values differ: say so, without them.
      out.push({ path: pointer(path), lines: lines.length > 0 ? lines : ['~ a masked value'] });
      return;
    }
  }
  out.push({
    path: pointer(path),
    before: display(kind, path, before),
    after: display(kind, path, after),
  });
}

/** The fields that differ between two versions of one object, in path order. */
export function diffObject(before: KubeObject, after: KubeObject): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue(after.kind, [], before, after, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Immutable fields
//
// Where the API server refuses an update (kubernetes/kubernetes at v1.32):
// - Deployment, ReplicaSet, DaemonSet (apps/v1): spec.selector. The registry strategies
//   (pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go) hold it immutable for
//   every version after the v1beta1 ones.
// - StatefulSet: all of spec except replicas, template, updateStrategy, minReadySeconds, ordinals
//   and persistentVolumeClaimRetentionPolicy (pkg/apis/apps/validation, ValidateStatefulSetUpdate
//   compares the rest). Newer servers also accept revisionHistoryLimit; we still flag it.
// - Job: selector, completions (outside elastic indexed jobs), completionMode, podFailurePolicy,
//   backoffLimitPerIndex, successPolicy, managedBy and the pod template (scheduling directives
//   of a suspended job aside) (pkg/apis/batch/validation, ValidateJobSpecUpdate).
// - Service: clusterIP and clusterIPs once allocated, and the primary IP family
//   (pkg/apis/core/validation, ValidateServiceUpdate). A Service rendered without a clusterIP got
//   one allocated on create, so a render that now sets one (`None` for a headless Service, or an
//   address) is rejected too; an ExternalName Service has none allocated.
// - PersistentVolumeClaim: spec except resources.requests and volumeAttributesClassName
//   (ValidatePersistentVolumeClaimUpdate). PersistentVolume: its volume source, volumeMode and
//   node affinity (ValidatePersistentVolumeUpdate); other spec fields we treat as mutable.
// - Secret and ConfigMap: data (and binaryData/stringData) once `immutable: true`, and the flag
//   itself; a Secret's type always (ValidateSecretUpdate, ValidateConfigMapUpdate).
// - RoleBinding, ClusterRoleBinding: roleRef (pkg/apis/rbac/validation, "cannot change roleRef").
// - CustomResourceDefinition: spec.scope and spec.names.kind once established; group and
//   names.plural make its name, so they are a different object here
//   (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation).
// - PriorityClass (scheduling.k8s.io): value and preemptionPolicy (pkg/apis/scheduling/validation,
//   ValidatePriorityClassUpdate); preemptionPolicy defaults to PreemptLowerPriority.

type Spec = Record<string, unknown>;

function at(o: KubeObject, ...path: string[]): unknown {
  let v: unknown = o;
  for (const p of path) v = isRecord(v) ? v[p] : undefined;
  return v;
}

function differs(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** Paths under `field` whose values differ, but for the keys listed as mutable. */
function keysExcept(
  before: KubeObject,
  after: KubeObject,
  field: string,
  mutable: readonly string[],
): string[] {
  const a = (at(before, field) ?? {}) as Spec;
  const b = (at(after, field) ?? {}) as Spec;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !mutable.includes(k) && differs(a[k], b[k]))
    .sort(byText)
    .map((k) => `/${field}/${k}`);
}

function pathsThatDiffer(before: KubeObject, after: KubeObject, paths: string[][]): string[] {
  return paths
    .filter((p) => differs(at(before, ...p), at(after, ...p)))
    .map((p) => `/${p.join('/')}`);
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'ordinals',
  'persistentVolumeClaimRetentionPolicy',
];
const PV_MUTABLE = [
  'capacity',
  'accessModes',
  'claimRef',
  'mountOptions',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'volumeAttributesClassName',
];

/** The immutable fields that differ between `before` and `after` (same identity). */
export function immutableChanges(before: KubeObject, after: KubeObject): string[] {
  const group = apiGroup(after.apiVersion);
  const key = `${after.kind}.${group}`;
  switch (key) {
    case 'Deployment.apps':
    case 'ReplicaSet.apps':
    case 'DaemonSet.apps':
      return pathsThatDiffer(before, after, [['spec', 'selector']]);
    case 'StatefulSet.apps':
      return keysExcept(before, after, 'spec', STATEFULSET_MUTABLE);
    case 'Job.batch':
      return pathsThatDiffer(
        before,
        after,
        [
          'selector',
          'template',
          'completions',
          'completionMode',
          'podFailurePolicy',
          'backoffLimitPerIndex',
          'successPolicy',
          'managedBy',
        ].map((f) => ['spec', f]),
      );
    case 'Service.': {
      const set = (v: unknown) =>
        v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
      // Without one in the render, the API server allocated one (ExternalName aside).
      const allocated = at(before, 'spec', 'type') !== 'ExternalName';
      const out: string[] = [];
      for (const f of ['clusterIP', 'clusterIPs']) {
        const old = at(before, 'spec', f);
        const now = at(after, 'spec', f);
        if (set(old) ? differs(old, now) : allocated && set(now)) out.push(`/spec/${f}`);
      }
      const families = (o: KubeObject) =>
        (at(o, 'spec', 'ipFamilies') as unknown[] | undefined)?.[0];
      if (families(before) !== undefined && differs(families(before), families(after))) {
        out.push('/spec/ipFamilies/0');
      }
      return out;
    }
    case 'PersistentVolumeClaim.': {
      const out = keysExcept(before, after, 'spec', ['resources', 'volumeAttributesClassName']);
      const rest = (o: KubeObject) => ({
        ...((at(o, 'spec', 'resources') ?? {}) as Spec),
        requests: undefined,
      });
      if (differs(rest(before), rest(after))) out.push('/spec/resources');
      return out.sort(byText);
    }
    case 'PersistentVolume.':
      return keysExcept(before, after, 'spec', PV_MUTABLE);
    case 'Secret.':
    case 'ConfigMap.': {
      const out = key === 'Secret.' ? pathsThatDiffer(before, after, [['type']]) : [];
      if (at(before, 'immutable') === true) {
        out.push(
          ...pathsThatDiffer(before, after, [
            ['immutable'],
            ['data'],
            ['binaryData'],
            ['stringData'],
          ]),
        );
      }
      return out;
    }
    case 'RoleBinding.rbac.authorization.k8s.io':
    case 'ClusterRoleBinding.rbac.authorization.k8s.io':
      return pathsThatDiffer(before, after, [['roleRef']]);
    case 'CustomResourceDefinition.apiextensions.k8s.io':
      return pathsThatDiffer(before, after, [
        ['spec', 'scope'],
        ['spec', 'names', 'kind'],
      ]);
    case 'PriorityClass.scheduling.k8s.io': {
      const policy = (o: KubeObject) => at(o, 'preemptionPolicy') ?? 'PreemptLowerPriority';
      return [
        ...pathsThatDiffer(before, after, [['value']]),
        ...(policy(before) !== policy(after) ? ['/preemptionPolicy'] : []),
      ];
    }
    default:
      return [];
  }
}

/** What to do about an object whose immutable fields change. */
function recreateAction(o: KubeObject): string {
  const ref = kubectlRef(o);
  switch (o.kind) {
    case 'StatefulSet':
      return `delete it keeping its pods and claims (kubectl delete ${ref} --cascade=orphan), then apply; the claims of volumeClaimTemplates do not change`;
    case 'Job':
      return `delete it (kubectl delete ${ref}); the apply creates it again and it runs again`;
    case 'Service':
      return `delete it (kubectl delete ${ref}) before the apply; its cluster IP changes and clients resolve it again`;
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return `back up its data, delete it (kubectl delete ${ref}) and let the apply create it again: its data is lost`;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return `delete it (kubectl delete ${ref}) before the apply; the grant is missing until the apply`;
    case 'Secret':
    case 'ConfigMap':
      return `delete it (kubectl delete ${ref}) before the apply, then restart the pods that read it`;
    case 'CustomResourceDefinition':
      return `cannot change in place: deleting it (kubectl delete ${ref}) deletes every resource of it; export them first`;
    case 'PriorityClass':
      return `delete it (kubectl delete ${ref}) before the apply; running pods keep their priority, and pods that name it are refused until the apply creates it again`;
    default:
      return `delete it (kubectl delete ${ref}) before the apply; its pods are replaced`;
  }
}

function kubectlResource(o: KubeObject): string {
  const group = apiGroup(o.apiVersion);
  return `${o.kind.toLowerCase()}${group ? `.${group}` : ''}`;
}

function kubectlRef(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${kubectlResource(o)} ${ns ? `-n ${ns} ` : ''}${o.metadata.name}`;
}

/**
 * Whether an upgrade step's ObjectRef names `o`: `resource` as kubectl takes it (`deployment`,
 * `job.batch`, `virtualservice.networking.istio.io`; the plural too), namespace and name.
 */
function refersTo(
  ref: { resource: string; namespace?: string; name: string },
  o: KubeObject,
): boolean {
  if (ref.name !== o.metadata.name || (ref.namespace ?? '') !== (o.metadata.namespace ?? '')) {
    return false;
  }
  const [type, ...rest] = ref.resource.toLowerCase().split('.');
  const kind = o.kind.toLowerCase();
  if (type !== kind && type !== `${kind}s` && type !== `${kind}es`) return false;
  return rest.length === 0 || rest.join('.') === apiGroup(o.apiVersion);
}

// ---------------------------------------------------------------------------------------------
// Upgrade steps: which run

/** GNU `sort -V`'s order of one character: `~` first, then end of text, letters, the rest. */
function charOrder(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Debian's version comparison, which gnulib's filevercmp (behind `sort -V`) runs: runs of
 * non-digits compared by `charOrder`, runs of digits as numbers.
 */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const d = charOrder(a[i]) - charOrder(b[j]);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let first = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (first !== 0) return first;
  }
  return 0;
}

/** A file-name suffix that `sort -V` compares last (`.tar.gz`). */
const VERSION_SUFFIX = /(?:\.[A-Za-z~][A-Za-z0-9~]*)*$/;

/** `sort -V` order of two versions (GNU coreutils, filevercmp, then byte order). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const prefix = (v: string) => v.slice(0, v.length - (VERSION_SUFFIX.exec(v)?.[0].length ?? 0));
  const d = verrevcmp(prefix(a), prefix(b)) || verrevcmp(a, b);
  return d !== 0 ? d : byText(a, b);
}

/**
 * `install.sh`'s `older_than`: whether the installed version is older than a step's, ignoring a
 * leading `v`. An unknown installed version is older (an install from before the record; on a
 * fresh install the deletions find nothing).
 */
export function olderThan(installed: string | undefined, version: string): boolean {
  if (installed === undefined || installed === '') return true;
  const a = installed.replace(/^v/, '');
  const b = version.replace(/^v/, '');
  return a !== b && compareVersions(a, b) < 0;
}

/**
 * The version of each component as `install.sh` recorded it, read from the previous output's
 * versions.md. `install.sh` records a component's first declared version (`ComponentUpgrades`);
 * versions.md lists it under its project's name. The new render tells which row that is: each
 * component's version is matched with the next row of the new render's versions holding it (rows
 * are in component order). A component that the previous output did not list is unknown.
 */
export function installedVersions(
  rendered: Pick<RenderedPlatform, 'versions' | 'upgrades'>,
  previous: ReadonlyMap<string, string> | undefined,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const rows = rendered.versions.map((v) => ({
    key: 'project' in v ? v.project : v.name,
    version: v.version,
  }));
  let next = 0;
  for (const u of rendered.upgrades) {
    const at = rows.findIndex((r, i) => i >= next && r.version === u.version);
    if (at >= 0) next = at + 1;
    out.set(u.component, at >= 0 ? previous?.get(rows[at].key) : undefined);
  }
  return out;
}

/** The upgrade steps whose `deleteBeforeApply` names `o`: those that run, and those that do not. */
function deletingSteps(
  upgrades: readonly ComponentUpgrades[],
  installed: ReadonlyMap<string, string | undefined>,
  o: KubeObject,
): { coveredBy: string[]; notRun: string[] } {
  const coveredBy: string[] = [];
  const notRun: string[] = [];
  for (const u of upgrades) {
    for (const s of u.steps) {
      if (!(s.deleteBeforeApply ?? []).some((r) => refersTo(r, o))) continue;
      const was = installed.get(u.component);
      if (olderThan(was, s.version))
        coveredBy.push(`${u.component} ${s.version}: ${s.description}`);
      else {
        notRun.push(
          `${u.component} ${s.version} runs only for an install older than ${s.version} (installed: ${was ?? ''})`,
        );
      }
    }
  }
  return { coveredBy, notRun };
}

/**
 * Whether `install.sh` deletes the Job before the apply: its template hash differs from the live
 * Job's, which is the previous output's (none on a Job from before the hash).
 */
function jobRecreatedByInstall(before: KubeObject, after: KubeObject): boolean {
  if (after.kind !== 'Job' || apiGroup(after.apiVersion) !== 'batch') return false;
  const hash = after.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION];
  return hash !== undefined && hash !== before.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION];
}

const JOB_RECREATED = 're-created by install.sh (template hash changed)';

// ---------------------------------------------------------------------------------------------
// Removals a user must keep

const PROFILE_CRD = 'profiles.kubeflow.org';

/**
 * Why removing `o` loses what a user must keep; `undefined` when it does not. The kinds are
 * `install.sh`'s protected kinds, which it prunes only with `--prune-protected`.
 */
export function protectedRemoval(o: KubeObject): string | undefined {
  const group = apiGroup(o.apiVersion);
  if (o.kind === 'CustomResourceDefinition' && o.metadata.name === PROFILE_CRD) {
    return 'the Profile CRD: deleting it deletes every Profile and, through the profile controller, every tenant namespace';
  }
  const type = group ? `${o.kind}.${group}` : o.kind;
  return PROTECTED_KINDS.find((k) => k.type === type)?.reason;
}

// ---------------------------------------------------------------------------------------------
// The plan

interface Located {
  readonly layer: string;
  readonly object: KubeObject;
}

function index(
  layers: readonly { id: string; objects: readonly KubeObject[] }[],
): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const l of layers)
    for (const o of l.objects) out.set(objectLabel(o), { layer: l.id, object: o });
  return out;
}

/** The access report needs a rendered platform; the previous side is built from its objects. */
export function renderedFromObjects(
  environment: string,
  layers: readonly { readonly id: string; readonly objects: readonly KubeObject[] }[],
): RenderedPlatform {
  const rendered: RenderedLayer[] = layers.map((l) => ({
    info: LAYERS.find((i) => i.id === l.id) ?? unknownLayer(l.id),
    objects: l.objects,
  }));
  return {
    environment,
    production: false,
    layers: rendered,
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

/** A layer file of another release, whose stem this release does not know. */
function unknownLayer(id: string): LayerInfo {
  const order = Number.parseInt(id, 10);
  return {
    layer: id.replace(/^\d+-/, '') as LayerInfo['layer'],
    order: Number.isNaN(order) ? 0 : order,
    id,
    description: 'a layer of another release',
  };
}

/** Component versions from a versions.md (its first table), by component. */
export function parseVersions(markdown: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) break;
    const row = /^\| (.+?) \| `([^`]+)` \|/.exec(line);
    if (row) {
      inTable = true;
      out.set(row[1].replace(/ \(.*\)$/, ''), row[2]);
    }
  }
  return inTable ? out : undefined;
}

/** Layer ids of both sides, in install order (by number, then stem). */
function layerOrder(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort((a, b) => {
    const d = (Number.parseInt(a, 10) || 0) - (Number.parseInt(b, 10) || 0);
    return d !== 0 ? d : byText(a, b);
  });
}

/** What applying `next` over `previous` changes. */
export function plan(previous: PreviousOutput, next: NextRender): Plan {
  const rendered = next.rendered;
  const before = index(previous.layers);
  const after = index(rendered.layers.map((l) => ({ id: l.info.id, objects: l.objects })));
  const layers = new Map<
    string,
    { added: string[]; removed: RemovedObject[]; changed: ObjectChange[] }
  >();
  const layer = (id: string) => {
    let l = layers.get(id);
    if (!l) layers.set(id, (l = { added: [], removed: [], changed: [] }));
    return l;
  };
  const wasVersions = previous.versionsMarkdown
    ? parseVersions(previous.versionsMarkdown)
    : undefined;
  // The versions install.sh recorded, when the previous versions.md lists them (since the install
  // record section); before, matched from the versions table.
  const record = previous.versionsMarkdown
    ? parseInstallRecord(previous.versionsMarkdown)
    : undefined;
  const installed = record
    ? new Map<string, string | undefined>(
        rendered.upgrades.map((u) => [u.component, record.get(u.component)]),
      )
    : installedVersions(rendered, wasVersions);
  for (const [label, now] of after) {
    const was = before.get(label);
    if (!was) {
      layer(now.layer).added.push(label);
      continue;
    }
    const fields = diffObject(was.object, now.object);
    if (was.layer !== now.layer) {
      fields.unshift({ path: '(layer)', before: was.layer, after: now.layer });
    }
    if (fields.length === 0) continue;
    const immutable = immutableChanges(was.object, now.object);
    let recreate: Recreate | undefined;
    if (jobRecreatedByInstall(was.object, now.object)) {
      recreate = {
        fields: immutable,
        action: `${JOB_RECREATED}: it runs again`,
        recreatedByInstall: true,
        coveredBy: [],
        blocking: false,
      };
    } else if (immutable.length > 0) {
      const { coveredBy, notRun } = deletingSteps(rendered.upgrades, installed, now.object);
      recreate = {
        fields: immutable,
        action: recreateAction(now.object),
        coveredBy,
        ...(notRun.length > 0 ? { notRun } : {}),
        blocking: coveredBy.length === 0,
      };
    }
    layer(now.layer).changed.push({ object: label, fields, ...(recreate ? { recreate } : {}) });
  }
  for (const [label, was] of before) {
    if (after.has(label)) continue;
    const why = protectedRemoval(was.object);
    layer(was.layer).removed.push({ object: label, ...(why ? { protected: why } : {}) });
  }
  const ordered: LayerPlan[] = layerOrder(layers.keys()).map((id) => {
    const l = layer(id);
    return {
      id,
      added: l.added.sort(byText),
      removed: l.removed.sort((a, b) => byText(a.object, b.object)),
      changed: l.changed.sort((a, b) => byText(a.object, b.object)),
    };
  });

  const previousEnvironment = previous.environment ?? rendered.environment;
  const access = accessDiff(
    accessReport(renderedFromObjects(previousEnvironment, previous.layers)),
    accessReport(rendered),
  );

  let images: Plan['images'];
  if (previous.images) {
    const was = new Set(previous.images);
    const now = new Set(rendered.images);
    images = {
      added: [...now].filter((i) => !was.has(i)).sort(byText),
      removed: [...was].filter((i) => !now.has(i)).sort(byText),
    };
  }

  let versions: VersionChange[] | undefined;
  const nowVersions = next.versionsMarkdown ? parseVersions(next.versionsMarkdown) : undefined;
  if (wasVersions && nowVersions) {
    versions = [...new Set([...wasVersions.keys(), ...nowVersions.keys()])]
      .sort(byText)
      .filter((c) => wasVersions.get(c) !== nowVersions.get(c))
      .map((c) => ({
        component: c,
        ...(wasVersions.has(c) ? { before: wasVersions.get(c) } : {}),
        ...(nowVersions.has(c) ? { after: nowVersions.get(c) } : {}),
      }));
  }

  const all = ordered.flatMap((l) => l.changed);
  const recreates = all.filter((c) => c.recreate && !c.recreate.recreatedByInstall);
  return {
    environment: rendered.environment,
    ...(previous.environment !== undefined ? { previousEnvironment: previous.environment } : {}),
    layers: ordered,
    access,
    ...(images ? { images } : {}),
    ...(versions ? { versions } : {}),
    summary: {
      added: ordered.reduce((n, l) => n + l.added.length, 0),
      removed: ordered.reduce((n, l) => n + l.removed.length, 0),
      changed: all.length,
      recreate: recreates.length,
      blocking: recreates.filter((c) => c.recreate?.blocking).length,
      jobsRecreated: all.filter((c) => c.recreate?.recreatedByInstall).length,
      protectedRemovals: ordered.reduce(
        (n, l) => n + l.removed.filter((r) => r.protected).length,
        0,
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Text

function fieldLines(f: FieldChange): string[] {
  if (f.lines) return [`    ${f.path}:`, ...f.lines.map((l) => `      ${l}`)];
  if (f.before === undefined) return [`    ${f.path}: added ${f.after ?? ''}`];
  if (f.after === undefined) return [`    ${f.path}: removed ${f.before}`];
  return [`    ${f.path}: ${f.before} → ${f.after}`];
}

/** The plan as text: a summary, then each layer's objects, access, images and versions. */
export function planText(p: Plan): string {
  const s = p.summary;
  const lines = [
    `Plan for environment ${p.environment}${
      p.previousEnvironment !== undefined && p.previousEnvironment !== p.environment
        ? ` (previous output: environment ${p.previousEnvironment})`
        : ''
    }`,
  ];
  if (s.added + s.removed + s.changed === 0) {
    lines.push('', 'No changes: the previous output already holds every object as rendered.');
    return lines.join('\n');
  }
  lines.push(
    '',
    `Objects: ${s.added} added, ${s.changed} changed, ${s.removed} removed.`,
    ...(s.recreate > 0
      ? [
          `Delete and re-create: ${s.recreate} (${s.blocking} not covered by an upgrade step: the apply fails until they are deleted).`,
        ]
      : []),
    ...(s.jobsRecreated > 0 ? [`Jobs ${JOB_RECREATED}: ${s.jobsRecreated}; each runs again.`] : []),
    ...(s.protectedRemovals > 0
      ? [`Removed objects a user must keep: ${s.protectedRemovals}.`]
      : []),
  );
  for (const l of p.layers) {
    lines.push('', `${l.id}:`);
    for (const a of l.added) lines.push(`  + ${a}`);
    for (const c of l.changed) {
      lines.push(`  ~ ${c.object}`);
      for (const f of c.fields) lines.push(...fieldLines(f));
      if (c.recreate) {
        const r = c.recreate;
        const immutable = r.fields.length > 0 ? `immutable: ${r.fields.join(', ')}; ` : '';
        if (r.recreatedByInstall) lines.push(`    ! ${immutable}${r.action}`);
        else {
          lines.push(
            `    ! ${immutable}needs delete and re-create: ${r.action}`,
            ...r.coveredBy.map((step) => `    ! covered by upgrade step ${step}`),
            ...(r.notRun ?? []).map((step) => `    ! not covered: upgrade step ${step}`),
            ...(r.blocking
              ? [
                  r.notRun
                    ? '    ! BLOCKING: no upgrade step of the new release that runs for this install deletes it'
                    : '    ! BLOCKING: no upgrade step of the new release deletes it',
                ]
              : []),
          );
        }
      }
    }
    for (const r of l.removed) {
      lines.push(
        `  - ${r.object}${r.protected ? `  (PROTECTED, install.sh keeps it without --prune-protected: ${r.protected})` : ''}`,
      );
    }
  }
  lines.push('', 'Access:');
  lines.push(...(p.access.length === 0 ? ['  no change'] : p.access.map((a) => `  ${a}`)));
  lines.push('', 'Images:');
  if (!p.images) lines.push('  unknown: the previous output has no images.txt');
  else if (p.images.added.length + p.images.removed.length === 0) lines.push('  no change');
  else {
    lines.push(
      ...p.images.added.map((i) => `  + ${i}`),
      ...p.images.removed.map((i) => `  - ${i}`),
    );
  }
  if (p.versions && p.versions.length > 0) {
    lines.push(
      '',
      'Versions:',
      ...p.versions.map(
        (v) => `  ${v.component}: ${v.before ?? '(none)'} → ${v.after ?? '(none)'}`,
      ),
    );
  }
  return lines.join('\n');
}
