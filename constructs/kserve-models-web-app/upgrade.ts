import { ObjectRef, UpgradeStep } from '../core/component';
import { MODELS_WEB_APP_VERSION } from './versions';

/** An object the rename left behind, with where its name comes from. */
export interface RenamedObject extends ObjectRef {
  /** The upstream file (at kubeflow/community-distribution 26.03) that names it. */
  readonly source: string;
}

/** Where Kubeflow 26.03 and 1.10.x ran the web app (their `overlays/kubeflow` namespace). */
export const MODELS_WEB_APP_PREVIOUS_NAMESPACE = 'kubeflow';

const DIR = 'kubeflow/community-distribution@26.03 applications/kserve/models-web-app';

/**
 * Every object of the web app as Kubeflow 26.03 (and v1.10.x, the same names) installed it
 * before the 26.03.1 rename from `kserve-models-web-app` to `kserve-models-web-application`
 * (community-distribution c736d939, "fix: update kserve models web application for PR #163
 * restructure"; kserve/models-web-app#163). The names are those of `kustomize build
 * overlays/kubeflow` at tag 26.03: no name prefix, no ConfigMap hash (`disableNameSuffixHash`).
 *
 * The rename leaves the old stack running: its VirtualService still claims `/kserve-endpoints/`
 * and sends users to the old pods, whose requests fail with 403 (kubeflow/community-distribution
 * PR #3509 deletes the old ServiceAccount, Service, Deployment and VirtualService after the
 * upgrade). The old ConfigMap, AuthorizationPolicy and the cluster-wide ClusterRole and binding
 * go as well: nothing reads them any more, and the binding would hand the web app's cluster-wide
 * rights to whatever ServiceAccount is created under the old name later.
 */
export function modelsWebAppRenamedObjects(
  namespace: string = MODELS_WEB_APP_PREVIOUS_NAMESPACE,
): readonly RenamedObject[] {
  const old = 'kserve-models-web-app';
  return [
    { resource: 'deployment', namespace, name: old, source: `${DIR}/base/deployment.yaml` },
    { resource: 'service', namespace, name: old, source: `${DIR}/base/service.yaml` },
    { resource: 'serviceaccount', namespace, name: old, source: `${DIR}/base/rbac.yaml` },
    {
      resource: 'configmap',
      namespace,
      name: `${old}-config`,
      source: `${DIR}/overlays/kubeflow/kustomization.yaml (configMapGenerator)`,
    },
    {
      resource: 'virtualservice.networking.istio.io',
      namespace,
      name: old,
      source: `${DIR}/base/istio.yaml`,
    },
    {
      resource: 'authorizationpolicy.security.istio.io',
      namespace,
      name: old,
      source: `${DIR}/overlays/kubeflow/web-app-authorization-policy.yaml`,
    },
    { resource: 'clusterrole', name: `${old}-cluster-role`, source: `${DIR}/base/rbac.yaml` },
    { resource: 'clusterrolebinding', name: `${old}-binding`, source: `${DIR}/base/rbac.yaml` },
  ];
}

/** The pre-rename objects in `kubeflow`, where Kubeflow 26.03 installed them. */
export const MODELS_WEB_APP_RENAMED_OBJECTS: readonly RenamedObject[] =
  modelsWebAppRenamedObjects();

/**
 * The upgrade to 0.18.0 as an `UpgradeStep`: apply the renamed objects, then prune the old ones.
 * Nothing is deleted before the apply, so the app stays reachable until the new route exists.
 */
export function modelsWebAppRenameUpgrade(
  namespace: string = MODELS_WEB_APP_PREVIOUS_NAMESPACE,
): UpgradeStep {
  return {
    version: MODELS_WEB_APP_VERSION,
    description:
      'KServe models web app renamed from kserve-models-web-app to kserve-models-web-application (Kubeflow 26.03.1): remove the old objects, whose route still claims /kserve-endpoints/ and answers 403',
    pruneAfterApply: modelsWebAppRenamedObjects(namespace).map(
      ({ resource, namespace: ns, name }) =>
        ns === undefined ? { resource, name } : { resource, namespace: ns, name },
    ),
  };
}
