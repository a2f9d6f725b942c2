import { Construct } from 'constructs';

/**
 * The model registry of the platform (Kubeflow Hub): what serving needs to know to serve a
 * registered model version by reference (`model-registry://<model>/<version>`), which KServe's
 * storage initializer resolves to the version's artifact in the tenant's object-store prefix.
 */
export interface IModelRegistry {
  /** `perTenant`: a registry in each tenant's namespace; `shared`: one in `kubeflow`. */
  readonly mode: 'perTenant' | 'shared';
  /**
   * The `storageUri` of a registered model version, as the tenant's InferenceService names it
   * (the registry of that tenant answers it).
   */
  storageUri(namespace: string, model: string, version: string): string;
  /**
   * Makes KServe resolve `model-registry://` URIs: the ClusterStorageContainer of the registry's
   * storage initializer, created under `scope` (the serving component's platform-resources layer).
   */
  addStorageContainer(scope: Construct): void;
}

/** The URI scheme of a registered model version. */
export const MODEL_REGISTRY_URI_SCHEME = 'model-registry://';
