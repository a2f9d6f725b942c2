import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { IGateway } from '../core/mesh';
import { IModelRegistry, MODEL_REGISTRY_URI_SCHEME } from '../core/model-registry';
import { Layer } from '../core/layers';
import { INamespace, NetworkPeer } from '../core/network';
import { SCOPED_CREDENTIAL_KEYS } from '../core/object-store';
import { KnativeServing } from '../knative-serving/knative-serving';
import { KNATIVE_SERVING_PORTS } from '../knative-serving/names';
import { NetIstio } from '../knative-serving/net-istio';
import { KnativeLocalGateway } from '../knative-serving/net-istio-local-gateway';
import { LOCAL_GATEWAY_POD_LABELS } from '../knative-serving/net-istio-names';
import { KNATIVE_SERVING_VERSION } from '../knative-serving/versions';
import { KServeKubeflowRoles } from '../kserve/aggregated-roles';
import { KServe } from '../kserve/kserve';
import { KSERVE_CONTROLLER_POD_LABELS, KSERVE_PORTS } from '../kserve/names';
import { ClusterServingRuntimes } from '../kserve/serving-runtimes';
import { KSERVE_VERSION } from '../kserve/versions';
import { KServeModelsWebApp } from '../kserve-models-web-app/models-web-app';
import { MODELS_WEB_APP_MENU_ITEM } from '../kserve-models-web-app/names';
import { modelsWebAppRenameUpgrade } from '../kserve-models-web-app/upgrade';
import { MODELS_WEB_APP_VERSION } from '../kserve-models-web-app/versions';
import {
  MODEL_SERVICE_ACCOUNT,
  ServingAccessContext,
  modelAllowFrom,
  modelPath,
  tenantServingAccess,
} from './access';
import {
  KSERVE_NAMESPACES,
  ModelConfig,
  SERVING_RULES,
  ServingMode,
  isServerless,
  servingShape,
  servingTenantShape,
} from './config';
import { InferenceService } from './inference-service';
import { monitorServingPlatform, scrapeTenantModels } from './monitoring';
import { ISTIO_MERGED_METRICS_PORT } from '../core/monitoring';

/** Knative Serving's namespace (upstream's). */
export const KNATIVE_SERVING_NAMESPACE = 'knative-serving';

/**
 * Model serving: KServe v0.18.0 with its runtimes and the models web app at `/kserve-endpoints/`,
 * on Knative Serving with net-istio and a cluster-local gateway (`Serverless`) or on plain
 * Deployments (`Standard`, nothing of Knative installed). Every tenant gets a model service
 * account with its own object-store keys and the policies that admit its callers to its models;
 * the models of `tenants[].models` are rendered as InferenceServices.
 */
export const servingComponent = defineComponent({
  key: 'serving',
  description: 'KServe model serving, on Knative Serving or raw deployments',
  toggle: 'serving.enabled',
  config: {
    shape: servingShape,
    tenantShape: servingTenantShape,
    rules: SERVING_RULES,
  },
  namespaces: [...KSERVE_NAMESPACES, KNATIVE_SERVING_NAMESPACE],
  needs: [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.objectStore,
    Contracts.serviceIssuer,
    Contracts.kubeflowProfiles,
  ],
  // Registered model versions are served by reference when the model registry is installed; the
  // cluster's Prometheus scrapes serving and pages on it when monitoring is on.
  uses: [Contracts.modelRegistry, Contracts.monitoring],
  versions: (config) => [
    { project: 'kserve', version: KSERVE_VERSION },
    { project: 'models-web-app', version: MODELS_WEB_APP_VERSION },
    ...(isServerless(config.serving.deploymentMode)
      ? [{ project: 'knative-serving' as const, version: KNATIVE_SERVING_VERSION }]
      : []),
  ],
  upgrades: [modelsWebAppRenameUpgrade()],
  enabled: (config) => config.serving.enabled,
  build(ctx) {
    const settings = ctx.config.serving;
    const serverless = isServerless(settings.deploymentMode);
    const controllers = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const gateway = ctx.get(Contracts.gateway);
    const mesh = ctx.get(Contracts.mesh);
    const store = ctx.get(Contracts.objectStore);
    const profiles = ctx.get(Contracts.kubeflowProfiles);
    const gatewayPrincipal = gateway.principal;
    if (!gatewayPrincipal) {
      throw new Error(
        `Model serving admits callers through the ingress gateway, but the identity of gateway ${gateway.gatewayRef} is unknown. Name its service account (mesh.istio.gateway.serviceAccount).`,
      );
    }
    const trustDomain = gatewayPrincipal.split('/ns/')[0] ?? 'cluster.local';
    const kserveNamespace = ctx.namespace(settings.namespace, {
      owner: settings.namespace === 'kubeflow' ? 'kubeflow' : 'kserve',
      mesh: true,
    });
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const scraper = settings.metrics.scraper;
    if (monitoring && scraper) {
      // Two routes for one purpose: the scraper's allows admit a Prometheus inside the mesh to
      // the application ports; the monitoring's Prometheus (outside the mesh) reads the sidecars.
      throw new Error(
        "`serving.metrics.scraper` admits a Prometheus of your own, but the platform's monitoring is on and already admits its Prometheus to serving's metrics. Remove serving.metrics.scraper, or turn the monitoring off.",
      );
    }
    const scraperPeer = scraper
      ? NetworkPeer.namespace(
          scraper.namespace,
          scraper.podLabels ? { ...scraper.podLabels } : undefined,
        )
      : undefined;

    let local: KnativeLocalGateway | undefined;
    let knative: KnativeServing | undefined;
    let netIstio: NetIstio | undefined;
    if (serverless) {
      const knativeNamespace = ctx.namespace(KNATIVE_SERVING_NAMESPACE, {
        owner: 'knative-serving',
        mesh: true,
      });
      knative = new KnativeServing(controllers, 'KnativeServing', {
        namespace: knativeNamespace,
        ...(monitoring ? { monitoring } : {}),
        // Tenants get Knative's kinds through KServe's kubeflow-kserve-* roles, which name them;
        // Knative's own namespaced roles grant every resource of its groups.
        aggregatedRoles: false,
        settings: {
          autoscaler: {
            enableScaleToZero: settings.autoscaling.scaleToZero,
            scaleToZeroGracePeriod: Duration.seconds(
              settings.autoscaling.scaleToZeroGracePeriodSeconds,
            ),
          },
        },
      });
      local = new KnativeLocalGateway(controllers, 'KnativeLocalGateway', {
        namespace: knativeNamespace,
        knativeNamespace: knativeNamespace.name,
        mesh,
        trustDomain,
        // The platform gateway forwards users' requests for models; tenants call their own.
        clients: [gateway.peer, NetworkPeer.namespacesLabelled({ ...profiles.namespaceLabels })],
        ...(monitoring ? { monitoring } : {}),
      });
      netIstio = new NetIstio(controllers, 'NetIstio', {
        namespace: knativeNamespace,
        gateway,
        localGateway: local,
        ...(monitoring ? { monitoring } : {}),
      });
      if (scraperPeer) {
        knativeNamespace.allowIngress('knative-from-metrics-scraper', {
          description: "Prometheus scraping Knative's activator, autoscaler and controllers",
          from: [scraperPeer],
          ports: [
            { port: KNATIVE_SERVING_PORTS.activator.metrics },
            { port: ISTIO_MERGED_METRICS_PORT },
          ],
        });
      }
    }

    const kserve = new KServe(controllers, 'KServe', {
      namespace: kserveNamespace,
      ...(monitoring ? { monitoring } : {}),
      issuer: ctx.get(Contracts.serviceIssuer),
      deploymentMode: serverless ? 'Knative' : 'Standard',
      ingress: {
        gateway,
        pathBasedRouting: true,
        urlScheme: 'https',
        ...(local
          ? {
              localGateway: local.gatewayRef,
              localGatewayService: local.serviceHost,
              knativeLocalGatewayService: local.serviceHost,
            }
          : { disableIngressCreation: true }),
      },
      // Model pods download with their tenant's scoped keys (the tenants component admits tenant
      // namespaces to the store; KServe needs no allow of its own).
      objectStore: store,
      s3CredentialKeys: SCOPED_CREDENTIAL_KEYS,
    });
    if (scraperPeer) {
      kserveNamespace.allowIngress('kserve-from-metrics-scraper', {
        description: "Prometheus scraping the KServe controller's metrics (kube-rbac-proxy)",
        podLabels: { ...KSERVE_CONTROLLER_POD_LABELS },
        from: [scraperPeer],
        ports: [{ port: KSERVE_PORTS.metrics }],
      });
    }
    if (monitoring && kserve.scrapeJob) {
      monitorServingPlatform(controllers, {
        monitoring,
        kserveNamespace: kserveNamespace.name,
        kserve: kserve.scrapeJob,
        models: ctx.config.tenants.flatMap((t) =>
          t.models.map((m) => ({ namespace: t.name, name: m.name, ...m.alerts })),
        ),
        ...(knative?.scrapeJobs && netIstio?.scrapeJobs && local?.scrapeJob
          ? {
              knative: {
                namespace: knative.namespace,
                serving: knative.scrapeJobs,
                netIstio: netIstio.scrapeJobs,
                localGateway: local.scrapeJob,
              },
            }
          : {}),
      });
    }
    new ClusterServingRuntimes(ctx.chart(Layer.PLATFORM_RESOURCES), 'ServingRuntimes', {
      ...(settings.runtimes ? { runtimes: settings.runtimes } : {}),
    });
    const registry = ctx.tryGet(Contracts.modelRegistry);
    registry?.addStorageContainer(ctx.chart(Layer.PLATFORM_RESOURCES));
    new KServeKubeflowRoles(controllers, 'KServeKubeflowRoles');
    if (settings.modelsWebApp.enabled) {
      new KServeModelsWebApp(controllers, 'ModelsWebApp', {
        namespace: kserveNamespace,
        gateway,
        profiles,
      });
      profiles.addMenuEntry(MODELS_WEB_APP_MENU_ITEM);
    }

    const access: ServingAccessContext = {
      serverless,
      gatewayPrincipal,
      gatewayPeer: gateway.peer,
      ...(local
        ? {
            localGateway: {
              principal: local.principal,
              namespace: local.namespace,
              podLabels: LOCAL_GATEWAY_POD_LABELS,
              peer: local.peer,
            },
            knativeNamespace: KNATIVE_SERVING_NAMESPACE,
          }
        : {}),
      trustDomain,
      userIdHeader: profiles.userIdHeader,
      userIdPrefix: profiles.userIdPrefix,
      store,
      bucket: store.buckets[0] ?? 'mlpipeline',
      ...(scraper ? { scraper } : {}),
    };
    const declared = new Map(ctx.config.tenants.map((t) => [t.name, t]));
    profiles.addToProfiles({
      id: 'serving',
      build: (scope, namespace, people) => {
        tenantServingAccess(scope, namespace, people, access);
        const tenant = declared.get(namespace);
        for (const model of tenant?.models ?? []) {
          tenantModel(scope, namespace, model, {
            registry,
            sink: tenant?.payloadLogging?.url,
            mode: settings.deploymentMode,
            access,
            network: people.network,
            gateway,
            monitored: monitoring !== undefined,
          });
        }
        if (monitoring) {
          scrapeTenantModels(
            scope,
            monitoring,
            people.network,
            (tenant?.models ?? []).map((m) => m.name),
          );
        }
      },
    });
  },
});

/**
 * Where a model of the environment file is: its `storageUri`, or its registered version as the
 * tenant's registry names it. A reference to the registry needs the registry installed.
 */
function modelStorageUri(
  namespace: string,
  model: ModelConfig,
  registry: IModelRegistry | undefined,
): string {
  const byReference =
    model.registeredModel !== undefined ||
    model.storageUri?.startsWith(MODEL_REGISTRY_URI_SCHEME) === true ||
    model.canary?.storageUri.startsWith(MODEL_REGISTRY_URI_SCHEME) === true;
  if (byReference && !registry) {
    throw new Error(
      `model "${namespace}/${model.name}" is served by reference to the model registry, which is not installed. Turn it on (registry.hub.enabled: true), or give the model's storageUri in the object store.`,
    );
  }
  if (model.registeredModel && registry) {
    return registry.storageUri(
      namespace,
      model.registeredModel.name,
      model.registeredModel.version,
    );
  }
  // SERVING-MODEL-SOURCE: one of the two is there.
  return model.storageUri ?? '';
}

/** A model of the environment file: its InferenceService, its route and who else may call it. */
function tenantModel(
  scope: Construct,
  namespace: string,
  model: ModelConfig,
  ctx: {
    readonly registry: IModelRegistry | undefined;
    readonly sink: string | undefined;
    readonly mode: ServingMode;
    readonly access: ServingAccessContext;
    readonly network: INamespace;
    readonly gateway: IGateway;
    /** Name the model's pods for the mesh's request metrics (monitoring on). */
    readonly monitored: boolean;
  },
): void {
  const modelScope = new Construct(scope, `Model-${model.name}`);
  const storageUri = modelStorageUri(namespace, model, ctx.registry);
  new InferenceService(modelScope, 'InferenceService', {
    namespace,
    name: model.name,
    model: {
      format: model.format,
      ...(model.runtime ? { runtime: model.runtime } : {}),
      ...(model.protocolVersion ? { protocolVersion: model.protocolVersion } : {}),
      storageUri,
    },
    serviceAccountName: MODEL_SERVICE_ACCOUNT,
    deploymentMode: ctx.mode,
    ...(model.resources ? { resources: model.resources } : {}),
    replicas: model.replicas,
    ...(model.scaleTarget !== undefined ? { scaleTarget: model.scaleTarget } : {}),
    ...(model.scaleMetric ? { scaleMetric: model.scaleMetric } : {}),
    ...(model.canary ? { canary: model.canary } : {}),
    ...(model.transformer ? { transformer: model.transformer } : {}),
    ...(model.logger && ctx.sink ? { logger: { url: ctx.sink, mode: model.logger.mode } } : {}),
    ...(ctx.monitored ? { meshTelemetryNames: true } : {}),
  });
  if (!isServerless(ctx.mode)) {
    // KServe makes no ingress in Standard mode here; the gateway routes to the model's Service
    // (the transformer's when it has one), as KServe's path template does in Serverless mode.
    const service = `${model.name}-${model.transformer ? 'transformer' : 'predictor'}`;
    ctx.gateway.addRoute(
      `model-${namespace}-${model.name}`,
      {
        namespace,
        prefix: `${modelPath(namespace, model.name)}/`,
        rewrite: '/',
        destination: { host: `${service}.${namespace}.svc.cluster.local`, port: 80 },
      },
      modelScope,
    );
  }
  modelAllowFrom(
    modelScope,
    { namespace, name: model.name, allowFrom: model.allowFrom },
    ctx.network,
    ctx.access,
  );
}
