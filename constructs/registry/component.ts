import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { exposeThroughGateway } from '../core/gateway-exposure';
import { standardLabels } from '../core/labels';
import { Layer } from '../core/layers';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { IModelRegistry } from '../core/model-registry';
import { NetworkPeer } from '../core/network';
import { externalDatabaseFrom } from '../database/config';
import { ModelCatalog } from '../model-registry/catalog';
import { MODEL_REGISTRY_PORTS, MODEL_REGISTRY_SERVER_POD_LABELS } from '../model-registry/names';
import { ModelRegistry } from '../model-registry/registry';
import {
  ModelRegistryStorageContainer,
  modelRegistryStorageUri,
} from '../model-registry/storage-container';
import { MODEL_REGISTRY_UI_TENANT_ACCESS, ModelRegistryUi } from '../model-registry/ui';
import { HUB_VERSION } from '../model-registry/versions';
import { HUB_DATABASE_NAME, REGISTRY_RULES, registryShape } from './config';

/** Where the shared services (UI, catalog, the shared registry) run: Kubeflow's `kubeflow`. */
export const HUB_NAMESPACE = 'kubeflow';

/** The dashboard's menu entry of the registry UI. */
export const MODEL_REGISTRY_MENU_ITEM = {
  link: '/model-registry/',
  text: 'Model Registry',
  icon: 'assignment',
};

/** The Role in `kubeflow` that lets the UI show the shared registry to a tenant's people. */
const SHARED_REGISTRY_USER_ROLE = 'model-registry-user';

/**
 * An ALLOW policy on a registry's server pods: the REST port for the UI's backend (which checks
 * each user's access to the namespace with a SubjectAccessReview) and the pods of `namespaces`
 * (the tenant itself, whose notebooks, pipeline steps and model servers' storage initializer call
 * it). The registry checks no caller itself, so nothing else may reach it.
 */
function registryPolicy(
  scope: Construct,
  namespace: string,
  uiPrincipal: string | undefined,
  namespaces: ReadonlySet<string>,
): void {
  const port = String(MODEL_REGISTRY_PORTS.rest);
  const rule = (from: Record<string, unknown>) => ({
    from: [{ source: from }],
    to: [{ operation: { ports: [port] } }],
  });
  new ApiObject(scope, 'ModelRegistryAllow', {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: {
      name: 'model-registry-service',
      namespace,
      labels: standardLabels({ name: 'model-registry', component: 'mesh-policy' }),
    },
    spec: {
      selector: { matchLabels: { ...MODEL_REGISTRY_SERVER_POD_LABELS } },
      action: 'ALLOW',
      // Read at synthesis: in shared mode the tenants add themselves as their profiles are built.
      rules: Lazy.any({
        produce: () => [
          ...(uiPrincipal ? [rule({ principals: [uiPrincipal] })] : []),
          ...(namespaces.size > 0 ? [rule({ namespaces: [...namespaces].sort() })] : []),
        ],
      }),
    },
  });
}

/** Only the registry server reaches its own PostgreSQL, over mutual TLS. */
function databasePolicy(scope: Construct, registry: ModelRegistry, trustDomain: string): void {
  if (!registry.databasePodLabels) return;
  new ApiObject(scope, 'ModelRegistryDatabaseAllow', {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: {
      name: 'model-registry-db',
      namespace: registry.namespace,
      labels: standardLabels({ name: 'model-registry', component: 'mesh-policy' }),
    },
    spec: {
      selector: { matchLabels: { ...registry.databasePodLabels } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            {
              source: {
                principals: [
                  `${trustDomain}/ns/${registry.namespace}/sa/${registry.serviceAccountName}`,
                ],
              },
            },
          ],
          to: [{ operation: { ports: [String(MODEL_REGISTRY_PORTS.postgres)] } }],
        },
      ],
    },
  });
}

/**
 * The model registry and catalog of Kubeflow Hub v0.3.9. `perTenant` (the default) gives every
 * tenant its own registry with its own PostgreSQL in its namespace, reachable by its own pods and
 * by the shared UI, which admits a user only to namespaces where RBAC lets them read Services;
 * `shared` runs one registry in `kubeflow` on the platform's database, which every tenant's people
 * and pods use together. The UI at `/model-registry/`, the catalog, and the storage initializer
 * that lets KServe serve `model-registry://` versions are shared either way.
 */
export const registryComponent = defineComponent({
  key: 'model-registry',
  description: 'Kubeflow Hub: the model registry, its UI and the model catalog',
  toggle: 'registry.hub.enabled',
  config: { shape: registryShape, rules: REGISTRY_RULES },
  namespaces: [HUB_NAMESPACE],
  needs: (config) => [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.kubeflowProfiles,
    ...(config.registry.hub.mode === 'shared' &&
    (config.registry.hub.database?.type ?? 'platform') === 'platform'
      ? [Contracts.database]
      : []),
  ],
  offers: [Contracts.modelRegistry],
  versions: () => [{ project: 'hub', version: HUB_VERSION }],
  enabled: (config) => config.registry.hub.enabled,
  build(ctx) {
    const hub = ctx.config.registry.hub;
    const controllers = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const namespace = ctx.namespace(HUB_NAMESPACE, { owner: 'kubeflow', mesh: true });
    const gateway = ctx.get(Contracts.gateway);
    const profiles = ctx.get(Contracts.kubeflowProfiles);
    const gatewayPrincipal = gateway.principal;
    const trustDomain = gatewayPrincipal?.split('/ns/')[0] ?? 'cluster.local';
    const meshLabels = standardLabels({ name: 'model-registry', component: 'mesh-policy' });

    let uiPrincipal: string | undefined;
    let uiPeer: NetworkPeer | undefined;
    if (hub.ui.enabled) {
      const ui = new ModelRegistryUi(controllers, 'ModelRegistryUi', {
        namespace: HUB_NAMESPACE,
        replicas: hub.replicas,
      });
      uiPrincipal = `${trustDomain}/ns/${HUB_NAMESPACE}/sa/${ui.serviceAccountName}`;
      uiPeer = NetworkPeer.namespace(HUB_NAMESPACE, { ...ui.podLabels });
      exposeThroughGateway(controllers, {
        gateway,
        namespace,
        id: 'model-registry-ui',
        prefix: ui.pathPrefix,
        rewrite: ui.rewrite,
        service: { host: ui.serviceHost, port: ui.servicePort },
        podPort: ui.port,
        podLabels: ui.podLabels,
        description: 'the model registry UI at /model-registry/ from the ingress gateway',
        component: 'Model registry UI',
        labels: meshLabels,
      });
      // The backend reads the user from the header; without it the request skipped the gateway.
      new ApiObject(controllers, 'ModelRegistryUiRequireUser', {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'AuthorizationPolicy',
        metadata: {
          name: 'model-registry-ui-require-user',
          namespace: HUB_NAMESPACE,
          labels: meshLabels,
        },
        spec: {
          selector: { matchLabels: { ...ui.podLabels } },
          action: 'DENY',
          rules: [
            {
              to: [{ operation: { ports: [String(ui.port)] } }],
              when: [{ key: `request.headers[${ui.userIdHeader}]`, notValues: ['*'] }],
            },
          ],
        },
      });
      profiles.addMenuEntry(MODEL_REGISTRY_MENU_ITEM);
    }

    if (hub.catalog.enabled) {
      const catalog = new ModelCatalog(controllers, 'ModelCatalog', {
        namespace: HUB_NAMESPACE,
        replicas: hub.replicas,
      });
      // The catalog lists public model metadata: every signed-in user may read it through the
      // gateway, and the UI's backend asks it in `kubeflow`.
      const exposure = exposeThroughGateway(controllers, {
        gateway,
        namespace,
        id: 'model-catalog',
        prefix: '/api/model_catalog/',
        service: { host: catalog.serviceHost, port: catalog.port },
        podLabels: catalog.podLabels,
        description: 'the model catalog API at /api/model_catalog/ from the ingress gateway',
        component: 'Model catalog',
        labels: meshLabels,
      });
      // Only the catalog reaches its PostgreSQL, over mutual TLS.
      if (catalog.databasePodLabels && catalog.databaseServiceAccountName) {
        namespace.allowIngress('model-catalog-postgres-from-catalog', {
          description: "the model catalog's own PostgreSQL, for the catalog",
          podLabels: { ...catalog.databasePodLabels },
          from: [NetworkPeer.sameNamespace({ ...catalog.podLabels })],
          ports: [{ port: MODEL_REGISTRY_PORTS.postgres }],
        });
        new ApiObject(controllers, 'ModelCatalogDatabaseAllow', {
          apiVersion: ISTIO_SECURITY_API_VERSION,
          kind: 'AuthorizationPolicy',
          metadata: {
            name: 'model-catalog-postgres',
            namespace: HUB_NAMESPACE,
            labels: meshLabels,
          },
          spec: {
            selector: { matchLabels: { ...catalog.databasePodLabels } },
            action: 'ALLOW',
            rules: [
              {
                from: [
                  {
                    source: {
                      principals: [
                        `${trustDomain}/ns/${HUB_NAMESPACE}/sa/${catalog.serviceAccountName}`,
                      ],
                    },
                  },
                ],
                to: [{ operation: { ports: [String(MODEL_REGISTRY_PORTS.postgres)] } }],
              },
            ],
          },
        });
      }
      if (hub.ui.enabled) {
        exposure.allowFromNamespace(HUB_NAMESPACE, {
          description: "the model registry UI's backend reads the catalog",
        });
      }
    }

    let registry: IModelRegistry;
    if (hub.mode === 'shared') {
      const db = hub.database ?? { type: 'platform' as const };
      const database =
        db.type === 'platform'
          ? ctx.get(Contracts.database)
          : externalDatabaseFrom(controllers, 'ModelRegistryDatabase', db);
      const shared = new ModelRegistry(controllers, 'ModelRegistry', {
        namespace: HUB_NAMESPACE,
        database: { type: 'platform', database, databaseName: HUB_DATABASE_NAME },
        replicas: hub.replicas,
      });
      database.grantAccess(
        'model-registry-database',
        NetworkPeer.namespace(HUB_NAMESPACE, { ...shared.podLabels }),
      );
      const tenants = new Set<string>();
      registryPolicy(controllers, HUB_NAMESPACE, uiPrincipal, tenants);
      namespace.allowIngress('model-registry-from-tenants', {
        description: "the shared model registry's REST API for the tenants' pods and the UI",
        podLabels: { ...shared.podLabels },
        from: [
          NetworkPeer.namespacesLabelled({ ...profileLabel(profiles.namespaceLabels) }),
          ...(uiPeer ? [uiPeer] : []),
        ],
        ports: [{ port: MODEL_REGISTRY_PORTS.rest }],
      });
      // The UI shows a namespace's registries to users who may read its Services: each tenant's
      // people may read the shared registry's Service in `kubeflow`.
      new k8s.KubeRole(controllers, 'SharedRegistryUserRole', {
        metadata: {
          name: SHARED_REGISTRY_USER_ROLE,
          namespace: HUB_NAMESPACE,
          labels: standardLabels({ name: 'model-registry', component: 'rbac' }),
        },
        rules: MODEL_REGISTRY_UI_TENANT_ACCESS.map((r) => ({
          apiGroups: [...(r.apiGroups ?? [])],
          resources: [...(r.resources ?? [])],
          verbs: [...r.verbs],
        })),
      });
      profiles.addToProfiles({
        id: 'model-registry',
        build: (scope, tenant, people) => {
          tenants.add(tenant);
          new k8s.KubeRoleBinding(scope, 'SharedModelRegistryUser', {
            metadata: {
              name: `${SHARED_REGISTRY_USER_ROLE}-${tenant}`,
              namespace: HUB_NAMESPACE,
              labels: standardLabels({ name: 'model-registry', component: 'rbac' }),
            },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Role',
              name: SHARED_REGISTRY_USER_ROLE,
            },
            subjects: [people.owner, ...people.members.map((m) => m.user)].map((name) => ({
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'User',
              name,
            })),
          });
        },
      });
      registry = {
        mode: 'shared',
        storageUri: (_ns, model, version) => modelRegistryStorageUri(model, version),
        addStorageContainer: (scope) =>
          void new ModelRegistryStorageContainer(scope, 'ModelRegistryStorageContainer', {
            defaultRegistry: { serviceHost: shared.serviceHost, port: shared.port },
          }),
      };
    } else {
      const size = hub.tenantDatabase ?? { storageGiB: 5 };
      if (uiPeer) {
        profiles.allowIntoProfiles({
          id: 'model-registry-from-ui',
          description: "the model registry UI's backend calls the tenant's registry",
          podLabels: { ...MODEL_REGISTRY_SERVER_POD_LABELS },
          from: [uiPeer],
          ports: [{ port: MODEL_REGISTRY_PORTS.rest }],
        });
      }
      profiles.addToProfiles({
        id: 'model-registry',
        build: (scope, tenant) => {
          const own = new ModelRegistry(scope, 'ModelRegistry', {
            namespace: tenant,
            database: {
              type: 'postgres',
              storageGiB: size.storageGiB,
              ...(size.storageClassName ? { storageClassName: size.storageClassName } : {}),
            },
          });
          registryPolicy(scope, tenant, uiPrincipal, new Set([tenant]));
          databasePolicy(scope, own, trustDomain);
        },
      });
      registry = {
        mode: 'perTenant',
        storageUri: (ns, model, version) => modelRegistryStorageUri(model, version, ns),
        addStorageContainer: (scope) =>
          void new ModelRegistryStorageContainer(scope, 'ModelRegistryStorageContainer', {}),
      };
    }
    ctx.offer(Contracts.modelRegistry, registry);
  },
});

/** The label every profile namespace carries (`app.kubernetes.io/part-of: kubeflow-profile`). */
function profileLabel(labels: Readonly<Record<string, string>>): Record<string, string> {
  const key = 'app.kubernetes.io/part-of';
  return { [key]: labels[key] ?? 'kubeflow-profile' };
}
