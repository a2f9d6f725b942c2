import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { IGateway } from '../core/mesh';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { IObjectStore } from '../core/object-store';
import { ResourceSpec, resourceRequirementsJson, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import {
  KSERVE_CONFIG_DEFAULTS as D,
  KUBEFLOW_PATH_TEMPLATE,
  configJson,
  resourceConfig,
  s3Credentials,
} from './config';
import { KSERVE_API_VERSIONS, KServeCrds } from './crds';
import {
  KSERVE_CERT_DIR,
  KSERVE_CONTROLLER_POD_LABELS,
  KSERVE_DEPLOYMENT_MODES,
  KSERVE_NAMES,
  KSERVE_PORTS,
  KSERVE_WEBHOOK_PATHS,
  KServeDeploymentMode,
} from './names';
import { KSERVE_LABELS } from './private/labels';
import { KSERVE_LEADER_ELECTION_RULES, KSERVE_MANAGER_RULES, KSERVE_PROXY_RULES } from './rbac';
import { KSERVE_IMAGES, KSERVE_VERSION } from './versions';

/** Requests and limits of the manager (`config/overlays/version-template/manager_image_patch.yaml`). */
export const KSERVE_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '100m' },
  memory: { request: '200Mi', limit: '300Mi' },
};
/** The metrics proxy (`charts/kserve-resources/values.yaml` `controller.rbacProxy.resources`). */
export const KSERVE_RBAC_PROXY_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '100m' },
  memory: { request: '300Mi', limit: '300Mi' },
};

/** How InferenceServices are reached (`ingress` of `inferenceservice-config`). */
export interface KServeIngressSettings {
  /**
   * The Istio gateway external traffic enters through (`ingressGateway`); its first host is the
   * default ingress domain.
   * @default - upstream's `knative-serving/knative-ingress-gateway`
   */
  readonly gateway?: IGateway;
  /** @default - the gateway's first host, else upstream's `example.com` */
  readonly ingressDomain?: string;
  /** @default - none */
  readonly additionalIngressDomains?: readonly string[];
  /** @default '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}' */
  readonly domainTemplate?: string;
  /** Scheme of the URLs in an InferenceService's status. @default 'http' (upstream's) */
  readonly urlScheme?: 'http' | 'https';
  /**
   * Also route `/serving/<namespace>/<name>` on the ingress domain to each service
   * (`pathTemplate`, as Kubeflow 26.03.1 sets it).
   * @default true
   */
  readonly pathBasedRouting?: boolean;
  /** Gateway for cluster-local traffic (`localGateway`). @default 'knative-serving/knative-local-gateway' */
  readonly localGateway?: string;
  /** Its Service host (`localGatewayService`). @default 'knative-local-gateway.istio-system.svc.cluster.local' */
  readonly localGatewayService?: string;
  /**
   * The Knative local gateway's Service host when it differs from `localGatewayService`
   * (`knativeLocalGatewayService`).
   * @default - same as `localGatewayService` (upstream's behaviour when unset)
   */
  readonly knativeLocalGatewayService?: string;
  /** `kserveIngressGateway`, used in Gateway API mode only. @default 'kserve/kserve-ingress-gateway' */
  readonly kserveIngressGateway?: string;
  /** @default 'istio' */
  readonly ingressClassName?: string;
  /** Do not add the `<name>.<namespace>` hosts to VirtualServices. @default false */
  readonly disableIstioVirtualHost?: boolean;
  /**
   * KServe makes no ingress objects for InferenceServices (`disableIngressCreation`): the platform
   * routes the gateway to Standard-mode models itself.
   * @default false
   */
  readonly disableIngressCreation?: boolean;
}

/** The init container that downloads a model before the server starts. */
export interface KServeStorageInitializerSettings {
  /** @default 100m/1 CPU, 100Mi/1Gi memory (upstream's) */
  readonly resources?: ResourceSpec;
  /** Serve OCI models through a sidecar (`enableModelcar`). @default true (upstream's) */
  readonly enableModelcar?: boolean;
  /** A ConfigMap of CA certificates copied into each model namespace (`caBundleConfigMapName`). @default '' - none */
  readonly caBundleConfigMapName?: string;
}

/** The agent container KServe injects for request logging. */
export interface KServeLoggerSettings {
  /** @default 100m/1 CPU, 100Mi/1Gi memory */
  readonly resources?: ResourceSpec;
  /** Where logged requests go when a service names no URL (`defaultUrl`). @default 'http://default-broker' */
  readonly defaultUrl?: string;
}

export interface KServeBatcherSettings {
  /** @default 1/1 CPU, 1Gi/1Gi memory */
  readonly resources?: ResourceSpec;
  /** @default 32 */
  readonly maxBatchSize?: number;
  /** @default 5000 */
  readonly maxLatencyMs?: number;
}

export interface KServeRouterSettings {
  /** @default 100m/1 CPU, 100Mi/1Gi memory */
  readonly resources?: ResourceSpec;
  /** Headers the InferenceGraph router passes on to each step (`headers.propagate`). @default [] */
  readonly propagateHeaders?: readonly string[];
}

export interface KServeProps {
  /** Where the controller runs and reads `inferenceservice-config` (`kubeflow` in 26.03.1). */
  readonly namespace: INamespace;
  /**
   * Signs the webhook serving certificate; cainjector copies its CA into the webhooks. A CA
   * issuer (selfSigned or ca), not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /**
   * The default for services without the `serving.kserve.io/deploymentMode` annotation.
   * `Serverless`/`Knative` need Knative Serving; `RawDeployment`/`Standard` make Deployments,
   * Services and HPAs.
   * @default 'Serverless' - upstream's config at v0.18.0
   */
  readonly deploymentMode?: KServeDeploymentMode;
  /** @default - upstream's ingress settings with Kubeflow's path template */
  readonly ingress?: KServeIngressSettings;
  /**
   * The S3 store models are read from: its endpoint, TLS and region go into `credentials.s3`,
   * so a credentials Secret needs only the keys.
   * @default - none: each Secret carries the `serving.kserve.io/s3-*` annotations
   */
  readonly objectStore?: IObjectStore;
  /**
   * Pods that download models (the InferenceService namespaces); granted access to the object
   * store's API.
   * @default - none granted here
   */
  readonly modelClients?: NetworkPeer;
  /**
   * Keys of the access key pair in a credentials Secret (`s3AccessKeyIDName`,
   * `s3SecretAccessKeyName`).
   * @default upstream's `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
   */
  readonly s3CredentialKeys?: { readonly accessKey: string; readonly secretKey: string };
  readonly storageInitializer?: KServeStorageInitializerSettings;
  readonly logger?: KServeLoggerSettings;
  /** The model puller agent. @default 100m/1 CPU, 100Mi/1Gi memory */
  readonly agentResources?: ResourceSpec;
  readonly batcher?: KServeBatcherSettings;
  readonly router?: KServeRouterSettings;
  /** Default resources of a predictor that sets none (`inferenceService.resource`). @default 1/1 CPU, 2Gi/2Gi */
  readonly defaultPredictorResources?: ResourceSpec;
  /**
   * Write `prometheus.io/*` annotations on model pods (`metricsAggregator.enablePrometheusScraping`).
   * @default false (upstream's)
   */
  readonly prometheusScraping?: boolean;
  /** Create the CRDs (in the CRD layer). @default true */
  readonly crds?: boolean;
  /** Create the `default` ClusterStorageContainer (in the platform-resources layer). @default true */
  readonly defaultStorageContainer?: boolean;
  /** @default 1 - upstream's; more replicas elect a leader */
  readonly replicas?: number;
  /** @default KSERVE_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default KSERVE_RBAC_PROXY_DEFAULT_RESOURCES */
  readonly rbacProxyResources?: ResourceSpec;
  /**
   * The cluster's Prometheus: it scrapes the manager's metrics through kube-rbac-proxy (HTTPS on
   * 8443, with its service account token, which the proxy checks with a TokenReview and a
   * SubjectAccessReview for `get` on `/metrics`). The controller's pod is outside the mesh.
   * @default - not monitored, nothing rendered for it
   */
  readonly monitoring?: IMonitoring;
}

/** The `job` label of the controller's series in Prometheus (the scrape target's id). */
export const KSERVE_SCRAPE_JOB = 'kserve-controller-manager';

const INJECT_CA_FROM = 'cert-manager.io/inject-ca-from';

/**
 * The KServe v0.18.0 controller as Kubeflow 26.03.1 installs it: CRDs, `kserve-controller-manager`
 * (manager and kube-rbac-proxy) with its RBAC, Services, the webhook serving certificate from the
 * platform issuer, the mutating and validating webhooks, `inferenceservice-config` from typed
 * settings and the default ClusterStorageContainer. Without an Istio sidecar, as Kubeflow's
 * overlay sets it.
 * @see https://github.com/kserve/kserve/tree/v0.18.0/config
 */
export class KServe extends Construct {
  public readonly namespace: string;
  public readonly deploymentMode: KServeDeploymentMode;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** `kserve-webhook-server-service.<namespace>.svc`. */
  public readonly webhookServiceHost: string;
  /** The resolved `ingress` section. */
  public readonly ingressConfig: Readonly<Record<string, unknown>>;
  /** Every image the controller runs or names in its config, resolved (mirror applied). */
  public readonly images: Readonly<Record<keyof typeof KSERVE_IMAGES, string>>;
  public readonly crds?: KServeCrds;
  public readonly deployment: k8s.KubeDeployment;
  /** How the controller's series are labelled in Prometheus, when monitored. */
  public readonly scrapeJob?: ScrapeJob;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly certificate: ApiObject;
  public readonly mutatingWebhook: k8s.KubeMutatingWebhookConfiguration;
  public readonly validatingWebhooks: readonly k8s.KubeValidatingWebhookConfiguration[];

  public constructor(scope: Construct, id: string, props: KServeProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KSERVE_NAMES;
    const P = KSERVE_PORTS;
    this.namespace = ns;
    this.deploymentMode = props.deploymentMode ?? D.deploymentMode;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? KSERVE_CONTROLLER_DEFAULT_RESOURCES;
    this.webhookServiceHost = `${N.webhookService}.${ns}.svc`;
    this.ingressConfig = ingressConfig(props.ingress ?? {});
    throwIfProblems('KServe', validate(props, this));

    const images = {} as Record<keyof typeof KSERVE_IMAGES, string>;
    for (const [key, ref] of Object.entries(KSERVE_IMAGES)) {
      images[key as keyof typeof KSERVE_IMAGES] = resolveImage(this, ref);
    }
    this.images = images;

    if (props.crds ?? true) {
      this.crds = new KServeCrds(scopeInLayer(this, Layer.CRDS), 'KServeCrds');
    }

    const labels = KSERVE_LABELS.labels('controller');
    const podLabels = { ...labels, ...KSERVE_CONTROLLER_POD_LABELS };
    const selector = { ...KSERVE_CONTROLLER_POD_LABELS };
    const rbacLabels = KSERVE_LABELS.labels('rbac');

    // RBAC
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
    });
    const subject = { kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns };
    const clusterRole = (
      cid: string,
      name: string,
      binding: string,
      rules: readonly k8s.PolicyRule[],
    ) => {
      new k8s.KubeClusterRole(this, cid, {
        metadata: { name, labels: rbacLabels },
        rules: [...rules],
      });
      new k8s.KubeClusterRoleBinding(this, `${cid}Binding`, {
        metadata: { name: binding, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      });
    };
    clusterRole('ManagerRole', N.clusterRole, N.clusterRoleBinding, KSERVE_MANAGER_RULES);
    clusterRole('ProxyRole', N.proxyClusterRole, N.proxyClusterRoleBinding, KSERVE_PROXY_RULES);
    new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: { name: N.leaderElectionRole, namespace: ns, labels: rbacLabels },
      rules: [...KSERVE_LEADER_ELECTION_RULES],
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: { name: N.leaderElectionRoleBinding, namespace: ns, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.leaderElectionRole },
      subjects: [subject],
    });

    // The serving certificate (config/certmanager/kserve/certificate.yaml).
    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: N.certificate, namespace: ns, labels: KSERVE_LABELS.labels('certificate') },
      spec: {
        commonName: this.webhookServiceHost,
        dnsNames: [
          this.webhookServiceHost,
          `${N.webhookService}.${ns}`,
          `${N.webhookService}.${ns}.svc.cluster.local`,
        ],
        issuerRef: { ...props.issuer.issuerRef },
        secretName: N.certificateSecret,
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: N.configMap, namespace: ns, labels: KSERVE_LABELS.labels('config') },
      data: inferenceServiceConfig(props, this),
    });

    const rbacProxyResources = props.rbacProxyResources ?? KSERVE_RBAC_PROXY_DEFAULT_RESOURCES;
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels: podLabels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'kubectl.kubernetes.io/default-container': N.container,
              // Kubeflow's overlay (config/overlays/kubeflow/patches/statefulset.yaml): the API
              // server calls the webhook directly and the manager talks only to the API server.
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: N.container,
                image: images.controller,
                imagePullPolicy: 'IfNotPresent',
                command: ['/manager'],
                // manager_auth_proxy_patch.yaml: metrics on loopback only, behind the proxy.
                args: [`--metrics-addr=127.0.0.1:${P.metricsLocal}`, '--leader-elect'],
                env: [
                  // KServeNamespace: where the manager reads inferenceservice-config.
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'SECRET_NAME', value: N.certificateSecret },
                ],
                ports: [
                  { name: 'webhook-server', containerPort: P.webhook, protocol: 'TCP' },
                  { name: 'health', containerPort: P.health, protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(P.health) },
                  initialDelaySeconds: 30,
                  timeoutSeconds: 5,
                  failureThreshold: 5,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: k8s.IntOrString.fromNumber(P.health) },
                  initialDelaySeconds: 30,
                  periodSeconds: 5,
                  timeoutSeconds: 5,
                  failureThreshold: 5,
                },
                volumeMounts: [{ name: 'cert', mountPath: KSERVE_CERT_DIR, readOnly: true }],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
              {
                name: N.rbacProxyContainer,
                image: images.kubeRbacProxy,
                imagePullPolicy: 'IfNotPresent',
                // Upstream adds `--v=10`, which logs every request with its headers; left at the
                // default verbosity.
                args: [
                  `--secure-listen-address=0.0.0.0:${P.metrics}`,
                  `--upstream=http://127.0.0.1:${P.metricsLocal}/`,
                  '--logtostderr=true',
                ],
                ports: [{ name: 'https', containerPort: P.metrics, protocol: 'TCP' }],
                resources: toResourceRequirements(rbacProxyResources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'cert', secret: { secretName: N.certificateSecret, defaultMode: 0o644 } },
            ],
          },
        },
      },
    });
    if (props.monitoring) {
      this.scrapeJob = props.monitoring.scrape(this, {
        id: KSERVE_SCRAPE_JOB,
        namespace: props.namespace,
        podLabels: selector,
        port: { name: 'https', number: P.metrics },
        scheme: 'https',
        bearerToken: true,
        insecureTlsReason:
          'kube-rbac-proxy runs without --tls-cert-file and serves a self-signed certificate it generates at start',
        description:
          'KServe controller (manager behind kube-rbac-proxy): controller-runtime reconcile, work queue and webhook metrics',
      });
    }
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name: N.deployment, namespace: ns, labels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    const httpsPort = {
      name: 'https',
      port: P.metrics,
      targetPort: k8s.IntOrString.fromString('https'),
      protocol: 'TCP',
    };
    new k8s.KubeService(this, 'Service', {
      metadata: { name: N.service, namespace: ns, labels },
      spec: { selector, ports: [httpsPort] },
    });
    new k8s.KubeService(this, 'MetricsService', {
      metadata: {
        name: N.metricsService,
        namespace: ns,
        labels,
        annotations: {
          'prometheus.io/port': String(P.metrics),
          'prometheus.io/scheme': 'https',
          'prometheus.io/scrape': 'true',
        },
      },
      spec: { selector, ports: [httpsPort] },
    });
    new k8s.KubeService(this, 'WebhookService', {
      metadata: { name: N.webhookService, namespace: ns, labels: KSERVE_LABELS.labels('webhook') },
      spec: {
        selector,
        ports: [
          {
            name: 'https-webhook',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromString('webhook-server'),
            protocol: 'TCP',
          },
        ],
      },
    });

    const webhookMeta = (name: string) => ({
      name,
      labels: KSERVE_LABELS.labels('webhook'),
      annotations: { [INJECT_CA_FROM]: `${ns}/${N.certificate}` },
    });
    const client = (path: string): k8s.WebhookClientConfig => ({
      service: { name: N.webhookService, namespace: ns, path, port: P.webhookService },
    });
    const kserveRule = (version: string, resource: string): k8s.RuleWithOperations => ({
      apiGroups: ['serving.kserve.io'],
      apiVersions: [version],
      operations: ['CREATE', 'UPDATE'],
      resources: [resource],
    });
    // config/webhook/manifests.yaml: every webhook Fail, no side effects, v1beta1 reviews.
    const common = {
      admissionReviewVersions: ['v1beta1'],
      failurePolicy: 'Fail',
      sideEffects: 'None',
    };
    const W = KSERVE_WEBHOOK_PATHS;
    this.mutatingWebhook = new k8s.KubeMutatingWebhookConfiguration(this, 'MutatingWebhook', {
      metadata: webhookMeta(N.mutatingWebhook),
      webhooks: [
        {
          ...common,
          name: 'inferenceservice.kserve-webhook-server.defaulter',
          clientConfig: client(W.inferenceServiceDefaulter),
          rules: [kserveRule('v1beta1', 'inferenceservices')],
        },
        {
          ...common,
          name: 'inferenceservice.kserve-webhook-server.pod-mutator',
          clientConfig: client(W.podMutator),
          reinvocationPolicy: 'IfNeeded',
          // Namespaces labelled `control-plane` (KServe's own upstream) are skipped.
          namespaceSelector: {
            matchExpressions: [{ key: 'control-plane', operator: 'DoesNotExist' }],
          },
          objectSelector: {
            matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }],
          },
          rules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
          ],
        },
      ],
    });
    const validating: [string, string, string, string, string][] = [
      [
        'InferenceService',
        N.validatingWebhooks.inferenceService,
        'inferenceservice',
        W.inferenceServiceValidator,
        'v1beta1/inferenceservices',
      ],
      [
        'TrainedModel',
        N.validatingWebhooks.trainedModel,
        'trainedmodel',
        W.trainedModelValidator,
        'v1alpha1/trainedmodels',
      ],
      [
        'InferenceGraph',
        N.validatingWebhooks.inferenceGraph,
        'inferencegraph',
        W.inferenceGraphValidator,
        'v1alpha1/inferencegraphs',
      ],
      [
        'ClusterServingRuntime',
        N.validatingWebhooks.clusterServingRuntime,
        'clusterservingruntime',
        W.clusterServingRuntimeValidator,
        'v1alpha1/clusterservingruntimes',
      ],
      [
        'ServingRuntime',
        N.validatingWebhooks.servingRuntime,
        'servingruntime',
        W.servingRuntimeValidator,
        'v1alpha1/servingruntimes',
      ],
    ];
    this.validatingWebhooks = validating.map(([cid, name, prefix, path, gvr]) => {
      const [version, resource] = gvr.split('/');
      return new k8s.KubeValidatingWebhookConfiguration(this, `${cid}ValidatingWebhook`, {
        metadata: webhookMeta(name),
        webhooks: [
          {
            ...common,
            name: `${prefix}.kserve-webhook-server.validator`,
            clientConfig: client(path),
            rules: [kserveRule(version, resource)],
          },
        ],
      });
    });

    if (props.defaultStorageContainer ?? true) {
      const si = props.storageInitializer?.resources ?? D.storageInitializer.resources;
      new ApiObject(scopeInLayer(this, Layer.PLATFORM_RESOURCES), 'DefaultStorageContainer', {
        apiVersion: KSERVE_API_VERSIONS.v1alpha1,
        kind: 'ClusterStorageContainer',
        metadata: { name: N.defaultStorageContainer, labels: KSERVE_LABELS.labels('config') },
        spec: {
          container: {
            name: 'storage-initializer',
            image: images.storageInitializer,
            imagePullPolicy: 'IfNotPresent',
            resources: resourceRequirementsJson(si),
          },
          // config/storagecontainers/default.yaml
          supportedUriFormats: [
            { prefix: 'gs://' },
            { prefix: 's3://' },
            { prefix: 'hdfs://' },
            { prefix: 'hf://' },
            { prefix: 'webhdfs://' },
            { regex: 'https://(.+?).blob.core.windows.net/(.+)' },
            { regex: 'https://(.+?).file.core.windows.net/(.+)' },
            { regex: 'https?://(.+)/(.+)' },
          ],
          workloadType: 'initContainer',
          supportsMultiModelDownload: true,
        },
      });
    }

    // The API server is not a pod: any source may reach the webhook port, nothing else.
    props.namespace.allowIngress('kserve-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the KServe webhooks. The API server ' +
        'is not a pod and its address depends on the cluster, so any source may reach this port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.webhook }],
    });
    if (props.objectStore && props.modelClients) {
      props.objectStore.grantAccess('kserve-storage-initializer', props.modelClients);
    }
  }
}

function ingressConfig(i: KServeIngressSettings): Record<string, unknown> {
  const I = D.ingress;
  const domain = i.ingressDomain ?? i.gateway?.hosts[0] ?? I.ingressDomain;
  return {
    enableGatewayApi: false,
    kserveIngressGateway: i.kserveIngressGateway ?? I.kserveIngressGateway,
    ingressGateway: i.gateway?.gatewayRef ?? I.ingressGateway,
    ...(i.knativeLocalGatewayService
      ? { knativeLocalGatewayService: i.knativeLocalGatewayService }
      : {}),
    localGateway: i.localGateway ?? I.localGateway,
    localGatewayService: i.localGatewayService ?? I.localGatewayService,
    ingressDomain: domain,
    ...(i.additionalIngressDomains?.length
      ? { additionalIngressDomains: [...i.additionalIngressDomains] }
      : {}),
    ingressClassName: i.ingressClassName ?? I.ingressClassName,
    domainTemplate: i.domainTemplate ?? I.domainTemplate,
    urlScheme: i.urlScheme ?? I.urlScheme,
    disableIstioVirtualHost: i.disableIstioVirtualHost ?? false,
    disableIngressCreation: i.disableIngressCreation ?? false,
    disableHTTPRouteTimeout: false,
    ...((i.pathBasedRouting ?? true) ? { pathTemplate: KUBEFLOW_PATH_TEMPLATE } : {}),
  };
}

/**
 * Every key the v0.18.0 controller reads from `inferenceservice-config`
 * (`pkg/apis/serving/v1beta1/configmap.go`, `pkg/credentials`, `pkg/webhook/admission/pod`,
 * the InferenceGraph controller), as upstream's data section has them.
 */
function inferenceServiceConfig(props: KServeProps, s: KServe): Record<string, string> {
  const si = props.storageInitializer ?? {};
  const SI = D.storageInitializer;
  const logger = props.logger ?? {};
  const batcher = props.batcher ?? {};
  const router = props.router ?? {};
  return {
    explainers: configJson({
      // Image and tag are separate keys; the tag is the release's (upstream writes `latest`).
      art: {
        image: s.images.artExplainer.slice(0, s.images.artExplainer.lastIndexOf(':')),
        defaultImageVersion: KSERVE_VERSION,
      },
    }),
    storageInitializer: configJson({
      image: s.images.storageInitializer,
      ...resourceConfig(si.resources ?? SI.resources),
      caBundleConfigMapName: si.caBundleConfigMapName ?? '',
      caBundleVolumeMountPath: SI.caBundleVolumeMountPath,
      enableModelcar: si.enableModelcar ?? SI.enableModelcar,
      cpuModelcar: SI.cpuModelcar,
      memoryModelcar: SI.memoryModelcar,
      uidModelcar: SI.uidModelcar,
    }),
    credentials: configJson({
      storageSpecSecretName: D.credentials.storageSpecSecretName,
      storageSecretNameAnnotation: D.credentials.storageSecretNameAnnotation,
      gcs: { gcsCredentialFileName: D.credentials.gcsCredentialFileName },
      s3: s3Credentials(props.objectStore, {
        accessKey: props.s3CredentialKeys?.accessKey ?? D.credentials.s3AccessKeyIDName,
        secretKey: props.s3CredentialKeys?.secretKey ?? D.credentials.s3SecretAccessKeyName,
      }),
    }),
    ingress: configJson(s.ingressConfig),
    logger: configJson({
      image: s.images.agent,
      ...resourceConfig(logger.resources ?? D.logger.resources),
      defaultUrl: logger.defaultUrl ?? D.logger.defaultUrl,
    }),
    batcher: configJson({
      image: s.images.agent,
      ...resourceConfig(batcher.resources ?? D.batcher.resources),
      maxBatchSize: String(batcher.maxBatchSize ?? D.batcher.maxBatchSize),
      maxLatency: String(batcher.maxLatencyMs ?? D.batcher.maxLatencyMs),
    }),
    agent: configJson({
      image: s.images.agent,
      ...resourceConfig(props.agentResources ?? D.agent.resources),
    }),
    router: configJson({
      image: s.images.router,
      ...resourceConfig(router.resources ?? D.router.resources),
      headers: { propagate: [...(router.propagateHeaders ?? [])] },
      imagePullPolicy: 'IfNotPresent',
    }),
    deploy: configJson({ defaultDeploymentMode: s.deploymentMode }),
    metricsAggregator: configJson({
      enableMetricAggregation: 'false',
      enablePrometheusScraping: String(props.prometheusScraping ?? false),
    }),
    localModel: configJson({
      enabled: false,
      jobNamespace: 'kserve-localmodel-jobs',
      defaultJobImage: s.images.storageInitializer,
      fsGroup: 1000,
      jobTTLSecondsAfterFinished: 3600,
      reconcilationFrequencyInSecs: 60,
      disableVolumeManagement: false,
    }),
    security: configJson({ autoMountServiceAccountToken: true }),
    inferenceService: configJson({
      resource: resourceConfig(props.defaultPredictorResources ?? D.inferenceServiceResources),
    }),
    opentelemetryCollector: configJson({
      scrapeInterval: '5s',
      metricReceiverEndpoint: 'keda-otel-scaler.keda.svc:4317',
      metricScalerEndpoint: 'keda-otel-scaler.keda.svc:4318',
      resource: resourceConfig({
        cpu: { request: '200m', limit: '1' },
        memory: { request: '512Mi', limit: '2Gi' },
      }),
    }),
    autoscaler: configJson({
      scaleUpStabilizationWindowSeconds: '0',
      scaleDownStabilizationWindowSeconds: '300',
    }),
  };
}

function validate(props: KServeProps, s: KServe): string[] {
  const out: string[] = [];
  if (!(KSERVE_DEPLOYMENT_MODES as readonly string[]).includes(s.deploymentMode)) {
    out.push(
      propProblem(
        'deploymentMode',
        'is not a KServe 0.18 deployment mode',
        `"${s.deploymentMode}"`,
        `Use one of ${KSERVE_DEPLOYMENT_MODES.join(', ')}.`,
      ),
    );
  }
  if (!Number.isInteger(s.replicas) || s.replicas < 1) {
    out.push(
      propProblem(
        'replicas',
        'must be a whole number of at least 1',
        String(s.replicas),
        'Use 1 or more.',
      ),
    );
  }
  const sections: [string, ResourceSpec | undefined][] = [
    ['storageInitializer.resources', props.storageInitializer?.resources],
    ['logger.resources', props.logger?.resources],
    ['agentResources', props.agentResources],
    ['batcher.resources', props.batcher?.resources],
    ['router.resources', props.router?.resources],
    ['defaultPredictorResources', props.defaultPredictorResources],
  ];
  for (const [path, spec] of sections) {
    if (spec && !spec.cpu.limit) {
      out.push(
        propProblem(
          `${path}.cpu.limit`,
          'is missing',
          undefined,
          'inferenceservice-config needs a CPU limit for every injected container; set one.',
        ),
      );
    }
  }
  const gw = String(s.ingressConfig.ingressGateway);
  const parts = gw.split('/');
  if (parts.length !== 2 || !parts.every((p) => DNS_LABEL.test(p))) {
    out.push(
      propProblem(
        'ingress.gateway',
        'is not `<namespace>/<name>`',
        `"${gw}"`,
        'Name an Istio Gateway by namespace and name.',
      ),
    );
  }
  if (props.ingress?.pathBasedRouting !== false && !s.ingressConfig.ingressDomain) {
    out.push(
      propProblem(
        'ingress.ingressDomain',
        'is empty',
        '""',
        'Path-based routing needs an ingress domain.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    out.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${s.webhookServiceHost}`,
        'An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ),
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace.name) {
    out.push(
      propProblem(
        'issuer',
        `is an Issuer of namespace ${issuerNs}`,
        `a webhook in ${props.namespace.name}`,
        "Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ),
    );
  }
  if (props.modelClients && !props.objectStore) {
    out.push(
      propProblem(
        'modelClients',
        'is set without `objectStore`',
        undefined,
        'Pass the object store the models are read from.',
      ),
    );
  }
  return out;
}
