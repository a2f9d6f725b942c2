import * as crypto from 'node:crypto';
import type { KubeObject } from './render';

/**
 * Kinds whose objects hold what a user must keep, by kubectl type (`Kind.group`, `Kind` in the
 * core group), with why. `install.sh` never prunes them without `--prune-protected`, `plan` flags
 * their removal, and the objects carry the GitOps tools' annotations that keep them
 * (`PROTECTION_ANNOTATIONS`).
 */
export const PROTECTED_KINDS: readonly { readonly type: string; readonly reason: string }[] = [
  {
    type: 'CustomResourceDefinition.apiextensions.k8s.io',
    reason: 'deleting a CRD deletes every object of its kind',
  },
  { type: 'Profile.kubeflow.org', reason: "a tenant's namespace is owned by its Profile" },
  { type: 'Namespace', reason: 'deleting a namespace deletes everything in it' },
  { type: 'PersistentVolumeClaim', reason: 'data' },
  { type: 'PersistentVolume', reason: 'data' },
  { type: 'StatefulSet.apps', reason: 'the databases and the object store' },
  { type: 'Secret', reason: 'generated passwords and keys the cluster holds only there' },
];

/** An object's kubectl type: `Kind.group`, or `Kind` in the core group. */
export function objectType(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/** Whether an object is of a protected kind. */
export function isProtectedObject(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  const type = objectType(o.apiVersion, o.kind);
  return PROTECTED_KINDS.some((k) => k.type === type);
}

/**
 * What keeps a protected object when a GitOps tool prunes or its Application is deleted: Argo CD
 * neither prunes nor deletes it (`argocd.argoproj.io/sync-options`), Flux does not prune it
 * (`kustomize.toolkit.fluxcd.io/prune`). `install.sh` keeps it by kind.
 */
export const PROTECTION_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** The hash of a Job's pod template, on the Job: `install.sh` re-creates a Job whose hash changed. */
export const TEMPLATE_HASH_ANNOTATION = 'mlops-blueprint.dev/template-hash';

/**
 * What re-creates a Job whose pod template changed (the template is immutable): Argo CD deletes and
 * creates it (`Force=true,Replace=true`, with `ApplyOutOfSyncOnly` on the Applications so that
 * unchanged Jobs are left alone), Flux re-creates it (`kustomize.toolkit.fluxcd.io/force`).
 */
export const JOB_RECREATE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Force=true,Replace=true',
  'kustomize.toolkit.fluxcd.io/force': 'enabled',
};

/**
 * The first 16 hex digits of the SHA-256 of a Job's `spec.template` as rendered (cdk8s writes keys
 * sorted, so the same template gives the same text; a different order would only run the Job once
 * more).
 */
export function templateHash(job: KubeObject): string {
  const spec = job.spec as { template?: unknown } | undefined;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(spec?.template ?? null))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The object as the output holds it: protected objects with `PROTECTION_ANNOTATIONS`, Jobs with
 * their template hash and `JOB_RECREATE_ANNOTATIONS`. Annotations the object sets itself win.
 */
export function withLifecycleAnnotations(o: KubeObject): KubeObject {
  const extra = isProtectedObject(o)
    ? PROTECTION_ANNOTATIONS
    : o.kind === 'Job' && o.apiVersion === 'batch/v1'
      ? { ...JOB_RECREATE_ANNOTATIONS, [TEMPLATE_HASH_ANNOTATION]: templateHash(o) }
      : undefined;
  if (!extra) return o;
  const merged: Record<string, string> = { ...extra, ...(o.metadata.annotations ?? {}) };
  const annotations = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((k) => [k, merged[k]]),
  );
  // Keys in the order cdk8s writes them (sorted), as if the object had them from the start.
  const metadata: Record<string, unknown> = { ...o.metadata, annotations };
  return {
    ...o,
    metadata: Object.fromEntries(
      Object.keys(metadata)
        .sort()
        .map((k) => [k, metadata[k]]),
    ) as KubeObject['metadata'],
  };
}
