import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { Layer, scopeInLayer } from '../core/layers';
import { GatewayRoute, IGateway } from '../core/mesh';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedPodSecurityContext } from '../core/security';
import {
  addScalingObjects,
  Autoscaling,
  autoscalingProblems,
  DEFAULT_AUTOSCALING,
} from './autoscaling';
import { istioApiVersion } from './crd-data';
import { ControlPlaneNames, ISTIO_NAMES, ISTIO_PORTS } from './names';
import {
  PROXY_CONTAINER,
  PROXY_DEFAULT_RESOURCES,
  PROXY_PROMETHEUS_PORT,
  PROXY_UID,
  proxyEnv,
  proxyReadinessProbe,
  proxySecurityContext,
  proxyVolumeMounts,
  proxyVolumes,
  ResolvedProxy,
} from './proxy';
import { throwIfProblems } from '../core/validation';
import { hostProblems } from './private/validate';
import { createGatewayRoute } from './routes';
import { ISTIO_VERSION } from './versions';

/** Who may reach the gateway when not stated: any address (load balancers, clients). */
export const ANYWHERE: readonly NetworkPeer[] = [
  NetworkPeer.ipBlock('0.0.0.0/0'),
  NetworkPeer.ipBlock('::/0'),
];

/** Settings of the ingress gateway. */
export interface IngressGatewayOptions {
  /** Host names users open, e.g. `['kubeflow.example.com']`; they go into the certificate too. */
  readonly hosts: readonly string[];
  /** Issues the gateway's TLS certificate (cert-manager). */
  readonly issuer: ICertificateIssuer;
  /**
   * Namespace of the gateway pods, its Gateway resource and TLS Secret.
   * @default - the control plane namespace
   */
  readonly namespace?: INamespace;
  /** @default 'LoadBalancer' */
  readonly serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** Annotations for the cloud load balancer. @default {} */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** @default PROXY_DEFAULT_RESOURCES (upstream's gateway resources) */
  readonly resources?: ResourceSpec;
  /** @default DEFAULT_AUTOSCALING (1 to 5 replicas at 80 % CPU) */
  readonly autoscaling?: Autoscaling;
  /**
   * Answer plain HTTP with a redirect to HTTPS. Istio applies the redirect to every request for
   * the hosts on port 80, ACME HTTP-01 challenges included: with an HTTP-01 issuer turn it off
   * (or use DNS-01).
   * @default true
   */
  readonly httpsRedirect?: boolean;
  /**
   * Who may connect to ports 80, 443 and the 15021 health port. Load balancers may or may not
   * keep the client address, so the default is any address.
   * @default ANYWHERE (0.0.0.0/0 and ::/0)
   */
  readonly clientPeers?: readonly NetworkPeer[];
}

/** What the gateway needs from the control plane it belongs to. */
export interface GatewayMeshContext {
  readonly names: ControlPlaneNames;
  readonly trustDomain: string;
  readonly proxy: ResolvedProxy;
}

export interface IngressGatewayProps extends IngressGatewayOptions {
  readonly namespace: INamespace;
  readonly mesh: GatewayMeshContext;
}

/** The ProxyConfig Envoy would get by default; the gateway states only what differs from it. */
const DEFAULT_DISCOVERY_ADDRESS = `istiod.istio-system.svc:${ISTIO_PORTS.xdsTls}`;

/**
 * The platform's ingress gateway: an Envoy Deployment with an explicit pod spec (the proxy that
 * the `gateway` injection template would produce, without depending on the injection webhook),
 * its LoadBalancer Service, autoscaling, read access to its TLS Secret, and in the
 * infrastructure-config layer the cert-manager Certificate and the Istio `Gateway` serving the
 * hosts over HTTPS on 443, with HTTP on 80 redirected.
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/
 */
export class IngressGateway extends Construct implements IGateway {
  public readonly hosts: readonly string[];
  public readonly gatewayRef: string;
  public readonly namespace: string;
  public readonly selector: Readonly<Record<string, string>>;
  public readonly peer: NetworkPeer;
  public readonly principal: string;
  public readonly plainHttp: { readonly port: number; readonly redirectsToHttps: boolean };
  /** The Secret cert-manager writes and the Gateway serves (`credentialName`). */
  public readonly tlsSecretName: string;
  /** Name of the gateway's Service (and Deployment). */
  public readonly serviceName: string;
  private readonly configScope: Construct;
  private readonly routeNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const names = ISTIO_NAMES.gateway;
    const workload = names.workload;
    const { issuer } = props;
    throwIfProblems('Ingress gateway', [
      ...hostProblems('gateway.hosts', props.hosts),
      ...(props.autoscaling ? autoscalingProblems('gateway.autoscaling', props.autoscaling) : []),
    ]);
    if (issuer.issuerRef.kind === 'Issuer' && issuer.namespace !== ns) {
      throw new Error(
        `\`gateway.issuer\` is the namespaced Issuer "${issuer.issuerRef.name}" in namespace ` +
          `${issuer.namespace ?? '(unknown)'}, but the gateway certificate lives in ${ns} ` +
          `(got kind Issuer). Use a ClusterIssuer or an Issuer in ${ns}.`,
      );
    }
    this.hosts = [...props.hosts];
    this.namespace = ns;
    this.serviceName = workload;
    this.tlsSecretName = names.certificate;
    this.gatewayRef = `${ns}/${names.resource}`;
    this.selector = { istio: names.istioLabel };
    this.peer = NetworkPeer.namespace(ns, { ...this.selector });
    this.principal = `${props.mesh.trustDomain}/ns/${ns}/sa/${workload}`;
    // Envoy listens on 80 itself (the Service's target port is the same number).
    this.plainHttp = {
      port: ISTIO_PORTS.gateway.http,
      redirectsToHttps: props.httpsRedirect ?? true,
    };
    this.configScope = scopeInLayer(this, Layer.INFRASTRUCTURE_CONFIG);

    const labelOptions: ComponentLabelOptions = {
      name: workload,
      component: 'ingress-gateway',
      version: ISTIO_VERSION,
    };
    const upstreamLabels = { app: workload, istio: names.istioLabel };
    const labels = {
      ...standardLabels(labelOptions),
      ...upstreamLabels,
      'istio.io/dataplane-mode': 'none',
    };
    const selector = { ...selectorLabels(labelOptions), ...upstreamLabels };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: workload, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    // istiod serves the TLS Secret to the gateway only if the gateway's identity may read it.
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: workload, namespace: ns, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: workload, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: workload },
      subjects: [{ kind: 'ServiceAccount', name: workload, namespace: ns }],
    });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: workload, namespace: ns, labels },
      spec: {
        // No replicas: the autoscaler owns the count.
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: {
              ...labels,
              // The pod spec below is complete; the injector must leave it alone.
              'sidecar.istio.io/inject': 'false',
              'service.istio.io/canonical-name': workload,
              'service.istio.io/canonical-revision': ISTIO_VERSION,
            },
            annotations: {
              'istio.io/rev': props.mesh.names.revisionLabel,
              'prometheus.io/port': String(ISTIO_PORTS.proxy.agentStatus),
              'prometheus.io/scrape': 'true',
              'prometheus.io/path': '/stats/prometheus',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: workload,
            // The proxy talks to istiod with its projected istio-token, not the API server.
            automountServiceAccountToken: false,
            securityContext: {
              ...restrictedPodSecurityContext({
                runAsUser: PROXY_UID,
                runAsGroup: PROXY_UID,
                fsGroup: PROXY_UID,
              }),
              // Lets Envoy bind 80 and 443 as user 1337; a Pod Security safe sysctl.
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            terminationGracePeriodSeconds: 30,
            containers: [this.proxyContainer(props, ns)],
            volumes: proxyVolumes('gateway'),
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: {
        name: workload,
        namespace: ns,
        labels,
        ...(props.serviceAnnotations ? { annotations: { ...props.serviceAnnotations } } : {}),
      },
      spec: {
        type: props.serviceType ?? 'LoadBalancer',
        selector,
        ports: [
          this.servicePort('status-port', ISTIO_PORTS.gateway.status),
          this.servicePort('http2', ISTIO_PORTS.gateway.http),
          this.servicePort('https', ISTIO_PORTS.gateway.https),
        ],
      },
    });
    addScalingObjects(this, {
      name: workload,
      namespace: ns,
      labels,
      selector,
      autoscaling: props.autoscaling ?? DEFAULT_AUTOSCALING,
    });

    props.namespace.allowIngress(workload, {
      description: 'HTTP, HTTPS and the health port of the ingress gateway',
      podLabels: selector,
      from: props.clientPeers ?? ANYWHERE,
      ports: [
        { port: ISTIO_PORTS.gateway.http },
        { port: ISTIO_PORTS.gateway.https },
        { port: ISTIO_PORTS.gateway.status },
      ],
    });

    // Plain labels: the `istio` label on a Gateway or Certificate would read like a selector.
    this.tlsAndServers(props, ns, standardLabels(labelOptions));
  }

  /**
   * Adds a VirtualService that routes `route.prefix` on the gateway's hosts. It is created in the
   * infrastructure-config layer unless the caller passes its own scope (to keep the route with
   * the component that owns the destination).
   */
  public addRoute(id: string, route: GatewayRoute, scope?: Construct): void {
    createGatewayRoute(scope ?? this.configScope, id, this, route, this.routeNames);
  }

  private servicePort(name: string, port: number): k8s.ServicePort {
    return { name, port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
  }

  private proxyContainer(props: IngressGatewayProps, ns: string): k8s.Container {
    const { proxy, names, trustDomain } = props.mesh;
    const workload = ISTIO_NAMES.gateway.workload;
    const ports: k8s.ContainerPort[] = [
      { name: 'status-port', containerPort: ISTIO_PORTS.gateway.status, protocol: 'TCP' },
      { name: 'http2', containerPort: ISTIO_PORTS.gateway.http, protocol: 'TCP' },
      { name: 'https', containerPort: ISTIO_PORTS.gateway.https, protocol: 'TCP' },
      PROXY_PROMETHEUS_PORT,
    ];
    const proxyConfig =
      names.discoveryAddress === DEFAULT_DISCOVERY_ADDRESS
        ? '{}'
        : JSON.stringify({ discoveryAddress: names.discoveryAddress });
    const env = proxyEnv<string>('gateway', {
      caAddress: names.discoveryAddress,
      proxyConfig,
      // The shape istiod's injector writes: each port as JSON, as Go marshals it.
      podPorts: JSON.stringify(
        ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
      ),
      appContainers: '',
      clusterId: 'Kubernetes',
      interceptionMode: 'REDIRECT',
      workloadName: workload,
      owner: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${workload}`,
      meshId: trustDomain,
      trustDomain,
    }) as k8s.EnvVar[];
    return {
      name: PROXY_CONTAINER,
      image: proxy.image,
      ports,
      args: [
        'proxy',
        'router',
        '--domain',
        `$(POD_NAMESPACE).svc.${proxy.clusterDomain}`,
        `--proxyLogLevel=${proxy.logLevel}`,
        `--proxyComponentLogLevel=${proxy.componentLogLevel}`,
        `--log_output_level=${proxy.agentLogLevel}`,
      ],
      env,
      readinessProbe: proxyReadinessProbe(proxy.readiness),
      resources: toResourceRequirements(props.resources ?? PROXY_DEFAULT_RESOURCES),
      // Upstream's gateway chart dropped runAsUser/runAsGroup from this container in 1.30 because
      // its pod is injected and the gateway template sets them (from .ProxyUID/.ProxyGID). This
      // pod is not injected, so it states them itself: the values the template gives by default.
      securityContext: proxySecurityContext(),
      volumeMounts: proxyVolumeMounts('gateway'),
    };
  }

  /** The certificate and the Gateway resource: custom resources, applied after their webhooks. */
  private tlsAndServers(
    props: IngressGatewayProps,
    ns: string,
    labels: Record<string, string>,
  ): void {
    const names = ISTIO_NAMES.gateway;
    const { issuerRef } = props.issuer;
    new ApiObject(this.configScope, 'GatewayCertificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: names.certificate, namespace: ns, labels },
      spec: {
        secretName: this.tlsSecretName,
        dnsNames: [...this.hosts],
        issuerRef: { name: issuerRef.name, kind: issuerRef.kind, group: issuerRef.group },
      },
    });
    const server = (number: number, name: string, protocol: string, tls?: object): object => ({
      port: { number, name, protocol },
      hosts: [...this.hosts],
      ...(tls ? { tls } : {}),
    });
    new ApiObject(this.configScope, 'Gateway', {
      apiVersion: istioApiVersion('Gateway'),
      kind: 'Gateway',
      metadata: { name: names.resource, namespace: ns, labels },
      spec: {
        selector: { ...this.selector },
        servers: [
          server(
            ISTIO_PORTS.gateway.http,
            'http',
            'HTTP',
            (props.httpsRedirect ?? true) ? { httpsRedirect: true } : undefined,
          ),
          server(ISTIO_PORTS.gateway.https, 'https', 'HTTPS', {
            mode: 'SIMPLE',
            credentialName: this.tlsSecretName,
          }),
        ],
      },
    });
  }
}
