import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { INamespace, NetworkPeer } from '../core/network';
import { Suppressions } from '../core/policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import {
  addScalingObjects,
  Autoscaling,
  autoscalingProblems,
  DEFAULT_AUTOSCALING,
} from './autoscaling';
import { injectorConfigMapData } from './injector';
import { MeshConfig } from './mesh-config';
import { ControlPlaneNames, controlPlaneNames, ISTIO_NAMES, ISTIO_PORTS } from './names';
import { throwIfProblems } from '../core/validation';
import { PROXY_TOKEN_AUDIENCE, PROXY_UID, ResolvedProxy, resourceEnv } from './proxy';
import { addIstiodRbac } from './rbac';
import { ISTIO_IMAGES, ISTIO_VERSION } from './versions';
import { addIstiodWebhooks } from './webhooks';

/** Settings of the istiod Deployment. */
export interface IstiodOptions {
  /**
   * Requests and limits of the discovery container. Upstream requests 500m and 2Gi and sets no
   * limits; a memory limit is required here, and the CPU limit stays off because GOMAXPROCS
   * follows it and config pushes to every proxy must not be throttled.
   * @default ISTIOD_DEFAULT_RESOURCES
   */
  readonly resources?: ResourceSpec;
  /** @default DEFAULT_AUTOSCALING (1 to 5 replicas at 80 % CPU) */
  readonly autoscaling?: Autoscaling;
}

export const ISTIOD_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '500m' },
  memory: { request: '2048Mi', limit: '4Gi' },
};

/**
 * istiod's feature flags that differ from the code defaults. Native sidecars are on for every pod
 * (the platform targets Kubernetes 1.34, whose kubelets all support them, so istiod need not
 * watch node versions as `auto` does); a pod opts out with the annotation
 * `sidecar.istio.io/nativeSidecar: "false"`, which our template honours like upstream's. The
 * Gateway API deployment controller is off: it renders gateway Deployments from a `kube-gateway`
 * template that this injector configuration does not carry, and would need cluster-wide rights on
 * Deployments and Services.
 *
 * Left at their Istio 1.30 defaults on purpose (see the README's upgrade notes):
 * `PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE` (a Kubernetes Service wins over a ServiceEntry of
 * the same host name in another namespace, so a tenant's ServiceEntry cannot shadow a platform
 * Service) and `ENABLE_DEBUG_ENDPOINT_AUTH` (debug requests need an authenticated caller, and a
 * caller outside the root namespace sees only the proxies of its own namespace).
 */
export const ISTIOD_FEATURE_FLAGS: Readonly<Record<string, string>> = {
  ENABLE_NATIVE_SIDECARS: 'true',
  PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'false',
  // The identity provider comes up a layer after istiod; a key fetch that fails meanwhile would
  // otherwise keep a placeholder key for the default 20 minutes (Kubeflow sets 1m too).
  PILOT_JWT_PUB_KEY_REFRESH_INTERVAL: '1m',
};

export interface IstiodProps extends IstiodOptions {
  /** The control plane namespace (also the mesh root namespace). */
  readonly namespace: INamespace;
  /** @default - the default revision */
  readonly revision?: string;
  /** The mesh config; rendered when the ConfigMap is synthesized. */
  readonly meshConfig: MeshConfig;
  /** Proxy settings for the injector configuration. */
  readonly proxy: ResolvedProxy;
  /** Who may call the admission webhooks: the Kubernetes API server. */
  readonly apiServerPeers: readonly NetworkPeer[];
  /** Who may connect for xDS and certificates: every meshed workload and gateway. */
  readonly xdsClients: readonly NetworkPeer[];
}

/**
 * The Istio control plane: istiod with its mesh config, injector configuration, RBAC, Service,
 * autoscaling, the sidecar injection webhook and the config validation webhooks.
 * @see https://istio.io/latest/docs/ops/deployment/architecture/
 */
export class Istiod extends Construct {
  public readonly names: ControlPlaneNames;
  public readonly namespace: string;
  /** Labels the Service and network policies select istiod pods by. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The istiod pods, as a network peer. */
  public readonly peer: NetworkPeer;
  /** The resolved istiod image. */
  public readonly image: string;

  public constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id);
    if (props.autoscaling) {
      throwIfProblems('istiod', autoscalingProblems('istiod.autoscaling', props.autoscaling));
    }
    const ns = props.namespace.name;
    const names = controlPlaneNames(ns, props.revision);
    this.names = names;
    this.namespace = ns;
    const rev = names.revisionLabel;
    const labelOptions: ComponentLabelOptions = {
      name: 'istiod',
      instance: names.istiod,
      component: 'control-plane',
      version: ISTIO_VERSION,
    };
    const labels = { ...standardLabels(labelOptions), app: 'istiod', 'istio.io/rev': rev };
    const selector = { ...selectorLabels(labelOptions), app: 'istiod', 'istio.io/rev': rev };
    this.selector = selector;
    this.peer = NetworkPeer.namespace(ns, selector);
    this.image = resolveImage(this, ISTIO_IMAGES.pilot);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: names.istiod, namespace: ns, labels },
    });
    addIstiodRbac(this, names, ns, labels);

    new k8s.KubeConfigMap(this, 'MeshConfig', {
      metadata: { name: names.meshConfigMap, namespace: ns, labels },
      data: {
        // Rendered at synthesis, so that providers added after construction are included.
        mesh: Lazy.any({ produce: () => props.meshConfig.render() }) as string,
        meshNetworks: 'networks: {}\n',
      },
    });
    new k8s.KubeConfigMap(this, 'InjectorConfig', {
      metadata: { name: names.injectorConfigMap, namespace: ns, labels },
      data: injectorConfigMapData({
        namespace: ns,
        revision: props.revision,
        names,
        proxy: props.proxy,
        pilotEnv: ISTIOD_FEATURE_FLAGS,
      }),
    });

    const deployment = this.deployment(props, names, labels, selector);
    Suppressions.add(
      deployment,
      'platform/cpu-limit',
      'istiod sets GOMAXPROCS from its CPU limit and pushes config to every proxy of the mesh; ' +
        'like upstream it runs without a CPU limit so that pushes are not throttled.',
    );

    new k8s.KubeService(this, 'Service', {
      metadata: { name: names.istiod, namespace: ns, labels: { ...labels, istio: 'pilot' } },
      spec: {
        selector,
        ports: [
          { name: 'grpc-xds', port: ISTIO_PORTS.xds, protocol: 'TCP' },
          { name: 'https-dns', port: ISTIO_PORTS.xdsTls, protocol: 'TCP' },
          {
            name: 'https-webhook',
            port: ISTIO_PORTS.webhookService,
            targetPort: k8s.IntOrString.fromNumber(ISTIO_PORTS.webhook),
            protocol: 'TCP',
          },
          { name: 'http-monitoring', port: ISTIO_PORTS.monitoring, protocol: 'TCP' },
        ],
      },
    });
    addScalingObjects(this, {
      name: names.istiod,
      namespace: ns,
      labels,
      selector,
      autoscaling: props.autoscaling ?? DEFAULT_AUTOSCALING,
    });
    addIstiodWebhooks(this, names, ns, labels);

    props.namespace.allowIngress(`${names.istiod}-webhooks`, {
      description:
        'istiod admission webhooks (sidecar injection, config validation) for the API server',
      podLabels: selector,
      from: props.apiServerPeers,
      ports: [{ port: ISTIO_PORTS.webhook }],
    });
    props.namespace.allowIngress(`${names.istiod}-xds`, {
      description: 'istiod xDS and certificate signing over mutual TLS for every proxy of the mesh',
      podLabels: selector,
      from: props.xdsClients,
      ports: [{ port: ISTIO_PORTS.xdsTls }],
    });
  }

  private deployment(
    props: IstiodProps,
    names: ControlPlaneNames,
    labels: Record<string, string>,
    selector: Record<string, string>,
  ): k8s.KubeDeployment {
    const ns = this.namespace;
    const apiField = (name: string, fieldPath: string): k8s.EnvVar => ({
      name,
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } },
    });
    const env: k8s.EnvVar[] = [
      { name: 'REVISION', value: names.revisionLabel },
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      apiField('POD_NAME', 'metadata.name'),
      apiField('POD_NAMESPACE', 'metadata.namespace'),
      apiField('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
      { name: 'CA_TRUSTED_NODE_ACCOUNTS', value: `${ns}/ztunnel` },
      ...Object.entries(ISTIOD_FEATURE_FLAGS)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      { name: 'PILOT_TRACE_SAMPLING', value: '1' },
      { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
      { name: 'CLUSTER_ID', value: 'Kubernetes' },
      resourceEnv('GOMAXPROCS', 'limits.cpu'),
      { name: 'PLATFORM', value: '' },
    ];
    const port = (name: string, containerPort: number): k8s.ContainerPort => ({
      name,
      containerPort,
      protocol: 'TCP',
    });
    const secret = (name: string, secretName: string): k8s.Volume => ({
      name,
      secret: { secretName, optional: true },
    });
    return new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: names.istiod, namespace: ns, labels: { ...labels, istio: 'pilot' } },
      spec: {
        // No replicas: the autoscaler owns the count.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromString('100%'),
            maxUnavailable: k8s.IntOrString.fromString('25%'),
          },
        },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: {
              ...labels,
              istio: 'pilot',
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
            },
            annotations: {
              'prometheus.io/port': String(ISTIO_PORTS.monitoring),
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: names.istiod,
            // istiod must start on nodes whose CNI agent is not ready yet.
            tolerations: [{ key: 'cni.istio.io/not-ready', operator: 'Exists' }],
            securityContext: restrictedPodSecurityContext({
              runAsUser: PROXY_UID,
              runAsGroup: PROXY_UID,
              fsGroup: PROXY_UID,
            }),
            containers: [
              {
                name: 'discovery',
                image: this.image,
                args: [
                  'discovery',
                  `--monitoringAddr=:${ISTIO_PORTS.monitoring}`,
                  `--log_output_level=${props.proxy.agentLogLevel}`,
                  '--domain',
                  props.proxy.clusterDomain,
                  '--keepaliveMaxServerConnectionAge',
                  '30m',
                ],
                ports: [
                  port('http-debug', ISTIO_PORTS.debug),
                  port('grpc-xds', ISTIO_PORTS.xds),
                  port('tls-xds', ISTIO_PORTS.xdsTls),
                  port('https-webhooks', ISTIO_PORTS.webhook),
                  port('http-monitoring', ISTIO_PORTS.monitoring),
                ],
                readinessProbe: {
                  httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(ISTIO_PORTS.debug) },
                  initialDelaySeconds: 1,
                  periodSeconds: 3,
                  timeoutSeconds: 5,
                },
                env,
                resources: toResourceRequirements(props.resources ?? ISTIOD_DEFAULT_RESOURCES),
                securityContext: restrictedContainerSecurityContext({
                  runAsUser: PROXY_UID,
                  runAsGroup: PROXY_UID,
                }),
                volumeMounts: [
                  { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
                  { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
                  { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
                  {
                    name: 'istio-kubeconfig',
                    mountPath: '/var/run/secrets/remote',
                    readOnly: true,
                  },
                  {
                    name: 'istio-csr-dns-cert',
                    mountPath: '/var/run/secrets/istiod/tls',
                    readOnly: true,
                  },
                  {
                    name: 'istio-csr-ca-configmap',
                    mountPath: '/var/run/secrets/istiod/ca',
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [
              // istiod's DNS certificate, written at start.
              { name: 'local-certs', emptyDir: { medium: 'Memory' } },
              {
                name: 'istio-token',
                projected: {
                  sources: [
                    {
                      serviceAccountToken: {
                        audience: PROXY_TOKEN_AUDIENCE,
                        expirationSeconds: 43200,
                        path: 'istio-token',
                      },
                    },
                  ],
                },
              },
              // A plug-in CA, when the operator provides one; otherwise istiod is self-signed.
              secret('cacerts', 'cacerts'),
              secret('istio-kubeconfig', 'istio-kubeconfig'),
              secret('istio-csr-dns-cert', 'istiod-tls'),
              {
                name: 'istio-csr-ca-configmap',
                configMap: {
                  name: ISTIO_NAMES.caRootCertConfigMap,
                  defaultMode: 420,
                  optional: true,
                },
              },
            ],
          },
        },
      },
    });
  }
}
