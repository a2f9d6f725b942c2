import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { ResourceSpec, resourceRequirementsJson } from '../core/resources';
import { restrictedContainerSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  MODEL_REGISTRY_NAMES,
  MODEL_REGISTRY_PORTS,
  MODEL_REGISTRY_STORAGE_CONTAINER,
} from './names';
import { HUB_LABELS } from './private/labels';
import { HUB_IMAGES } from './versions';

/** KServe's API of ClusterStorageContainer (`serving.kserve.io/v1alpha1`). */
export const CLUSTER_STORAGE_CONTAINER_API_VERSION = 'serving.kserve.io/v1alpha1';

/** Upstream's (`options/csi/clusterstoragecontainer.yaml`): 100m and 100Mi requested, 1Gi limit. */
export const MODEL_REGISTRY_STORAGE_INITIALIZER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m' },
  memory: { request: '100Mi', limit: '1Gi' },
};

/**
 * The initializer's environment (`cmd/csi/main.go` at v0.3.8): `MODEL_REGISTRY_BASE_URL` is the
 * `host:port` of the registry a bare URI goes to (default `localhost:8080`), and with
 * `?namespace=<ns>` the host becomes `<MODEL_REGISTRY_SERVICE_NAME>.<ns>.<MODEL_REGISTRY_CLUSTER_DOMAIN>`
 * on the base URL's port (defaults `model-registry-service`, `svc.cluster.local`); the scheme is
 * `MODEL_REGISTRY_SCHEME` (default `http`).
 */
export const MODEL_REGISTRY_STORAGE_INITIALIZER_ENV = {
  baseUrl: 'MODEL_REGISTRY_BASE_URL',
  scheme: 'MODEL_REGISTRY_SCHEME',
  serviceName: 'MODEL_REGISTRY_SERVICE_NAME',
  clusterDomain: 'MODEL_REGISTRY_CLUSTER_DOMAIN',
} as const;

export interface ModelRegistryStorageContainerProps {
  /**
   * The registry a URI without `?namespace=` and without a host resolves against: the shared
   * registry's Service host and port.
   * @default - upstream's `model-registry-service.kubeflow.svc.cluster.local:8080`
   */
  readonly defaultRegistry?: { readonly serviceHost: string; readonly port: number };
  /**
   * The cluster's DNS domain, for `?namespace=` URIs.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /** @default HUB_IMAGES.storageInitializer - ghcr.io/kubeflow/hub/storage-initializer:v0.3.9 */
  readonly image?: ImageRef;
  /** @default MODEL_REGISTRY_STORAGE_INITIALIZER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/**
 * The ClusterStorageContainer `model-registry-storage-initializer` (`options/csi`): KServe runs the
 * Hub's storage initializer as the init container of an InferenceService whose `storageUri`
 * starts with `model-registry://`. It looks up the model version in a registry, takes the newest
 * model artifact's URI and downloads that with KServe's providers (S3 and others, with the
 * credentials KServe gives the pod). URI forms (`cmd/csi/internal/storage/modelregistry_provider.go`):
 * `model-registry://<model>[/<version>]` (the default registry; the newest version without one),
 * `model-registry://<host:port>/<model>[/<version>]`, and either with `?namespace=<ns>` (a
 * tenant's registry, `model-registry-service.<ns>.svc.<domain>` on the default's port).
 * Needs KServe's CRDs: it belongs in the platform-resources layer.
 * @see https://github.com/kubeflow/hub/tree/v0.3.8/cmd/csi
 */
export class ModelRegistryStorageContainer extends Construct {
  /** `host:port` of the default registry (`MODEL_REGISTRY_BASE_URL`). */
  public readonly baseUrl: string;
  public readonly clusterDomain: string;
  public readonly name: string = MODEL_REGISTRY_STORAGE_CONTAINER.name;
  public readonly uriPrefix: string = MODEL_REGISTRY_STORAGE_CONTAINER.uriPrefix;
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ModelRegistryStorageContainerProps = {}) {
    super(scope, id);
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    const def = props.defaultRegistry ?? {
      serviceHost: `${MODEL_REGISTRY_NAMES.service}.kubeflow.svc.${this.clusterDomain}`,
      port: MODEL_REGISTRY_PORTS.rest,
    };
    this.baseUrl = `${def.serviceHost}:${def.port}`;
    throwIfProblems(`ModelRegistryStorageContainer "${id}"`, [
      ...(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(def.serviceHost)
        ? []
        : [
            propProblem(
              'defaultRegistry.serviceHost',
              'is not a host name',
              `"${def.serviceHost}"`,
              'Use the Service host, e.g. model-registry-service.kubeflow.svc.cluster.local.',
            ),
          ]),
      ...(Number.isInteger(def.port) && def.port >= 1 && def.port <= 65535
        ? []
        : [
            propProblem(
              'defaultRegistry.port',
              'is not a port number',
              String(def.port),
              'Use 8080.',
            ),
          ]),
    ]);
    const E = MODEL_REGISTRY_STORAGE_INITIALIZER_ENV;
    const env = [
      { name: E.baseUrl, value: this.baseUrl },
      // Only where the cluster's domain differs from the program's default.
      ...(this.clusterDomain === 'cluster.local'
        ? []
        : [{ name: E.clusterDomain, value: `svc.${this.clusterDomain}` }]),
    ];
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: CLUSTER_STORAGE_CONTAINER_API_VERSION,
      kind: 'ClusterStorageContainer',
      metadata: { name: this.name, labels: HUB_LABELS.labels('storage-initializer') },
      spec: {
        container: {
          name: MODEL_REGISTRY_STORAGE_CONTAINER.container,
          image: resolveImage(this, props.image ?? HUB_IMAGES.storageInitializer),
          imagePullPolicy: 'IfNotPresent',
          env,
          resources: resourceRequirementsJson(
            props.resources ?? MODEL_REGISTRY_STORAGE_INITIALIZER_DEFAULT_RESOURCES,
          ),
          // The image runs as 65532 and writes only to the model volume KServe mounts.
          securityContext: restrictedContainerSecurityContext(),
        },
        supportedUriFormats: [{ prefix: this.uriPrefix }],
      },
    });
  }
}

/**
 * The `storageUri` of a registered model version in the registry of `namespace`:
 * `model-registry://<model>/<version>?namespace=<ns>` (without a version, the newest). The
 * initializer splits the URI on `/` and does not unescape it, so model and version names must be
 * free of `/`, `?`, `#`, `%` and spaces; the namespace must match `[a-zA-Z0-9_-]+`.
 */
export function modelRegistryStorageUri(
  model: string,
  version?: string,
  namespace?: string,
): string {
  const bad = [model, version ?? 'x'].find((p) => p === '' || /[/?#%\s]/.test(p));
  if (bad !== undefined) {
    throw new Error(
      `modelRegistryStorageUri: "${bad}" cannot be a path segment of a model-registry:// URI. Use a model and version name without /, ?, #, % or spaces.`,
    );
  }
  if (namespace !== undefined && !/^[a-zA-Z0-9_-]+$/.test(namespace)) {
    throw new Error(
      `modelRegistryStorageUri: namespace "${namespace}" is not accepted by the storage initializer (letters, digits, _ and - only).`,
    );
  }
  const path = version === undefined ? model : `${model}/${version}`;
  return `${MODEL_REGISTRY_STORAGE_CONTAINER.uriPrefix}${path}${namespace ? `?namespace=${namespace}` : ''}`;
}
