import { k8s } from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import { ControlPlaneNames, ISTIO_PORTS } from './names';
import {
  PROXY_CONTAINER,
  PROXY_PROMETHEUS_PORT,
  PROXY_TOKEN_AUDIENCE,
  PROXY_UID,
  ProxyKind,
  ResolvedProxy,
  VALIDATION_CONTAINER,
  proxyEnv,
  proxyReadinessProbe,
  proxySecurityContext,
  proxyVolumeMounts,
  proxyVolumes,
  splitImage,
} from './proxy';
import {
  GoAction,
  annotationOr as ann,
  go,
  goBlock,
  goIf,
  goListSplit,
  goRange,
  goString,
  renderGoTemplate,
} from './private/go-template';

/**
 * The sidecar injector configuration: our own injection templates (`sidecar` and `gateway`) and
 * the values they read. istiod evaluates the templates (Go text/template with sprig) for every
 * pod its webhook admits and merges the result into the pod.
 *
 * Our templates target this platform: the CNI node agent sets up traffic redirection (so the pod
 * only gets the unprivileged istio-validation init container). Each produces the proxy that
 * upstream's default injection produces in that mode: same image, args, ports, environment names,
 * volumes, probes and a restricted security context. Like upstream's, they take per-pod facts
 * from istiod's template data: whether the proxy is a native sidecar (`.NativeSidecars`, which
 * istiod derives from ENABLE_NATIVE_SIDECARS, overridden by the pod annotation
 * `sidecar.istio.io/nativeSidecar`) and the proxy's user and group (`.ProxyUID`, `.ProxyGID`:
 * 1337 unless istiod runs with PLATFORM=openshift and the namespace assigns a UID range).
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#custom-templates-experimental
 */

/** Template names, as pods select them with `inject.istio.io/templates`. */
export const INJECTION_TEMPLATES = { sidecar: 'sidecar', gateway: 'gateway' } as const;

export interface InjectorSettings {
  /** Namespace of the control plane. */
  readonly namespace: string;
  /** @default - the default revision */
  readonly revision?: string;
  readonly names: ControlPlaneNames;
  readonly proxy: ResolvedProxy;
  /** istiod's feature flags, mirrored into `pilot.env` as upstream does. */
  readonly pilotEnv: Readonly<Record<string, string>>;
}

const PROXY_IMAGE = go(`${ann('sidecar.istio.io/proxyImage', '.ProxyImage')} | quote`);
const STATUS_PORT_ON = 'ne $statusPort "0"';
/** The proxy's user and group as istiod computes them per pod, as upstream's templates read them. */
const PROXY_USER = `.ProxyUID | default "${PROXY_UID}"`;
const PROXY_GROUP = `.ProxyGID | default "${PROXY_UID}"`;

/** Variables both templates use: application containers and their ports, interception mode. */
const COMMON_HEADER = [
  '$apps := list',
  '$ports := list',
  'range $c := .Spec.Containers',
  'if ne $c.Name "istio-proxy"',
  '$apps = append $apps $c.Name',
  'end',
  'range $p := $c.Ports',
  '$ports = append $ports $p',
  'end',
  'end',
  `$mode := ${ann('sidecar.istio.io/interceptionMode', '.ProxyConfig.InterceptionMode')}`,
  `$statusPort := ${ann('status.sidecar.istio.io/port', '.Values.global.proxy.statusPort')}`,
];

/** Traffic capture settings of a sidecar: pod annotations over mesh-wide values. */
const TRAFFIC_HEADER = [
  `$includeOutboundIPs := ${ann('traffic.sidecar.istio.io/includeOutboundIPRanges', '.Values.global.proxy.includeIPRanges')}`,
  `$excludeOutboundIPs := ${ann('traffic.sidecar.istio.io/excludeOutboundIPRanges', '.Values.global.proxy.excludeIPRanges')}`,
  `$includeInbound := ${ann('traffic.sidecar.istio.io/includeInboundPorts', '.Values.global.proxy.includeInboundPorts')}`,
  `$excludeInbound := excludeInboundPort $statusPort (${ann('traffic.sidecar.istio.io/excludeInboundPorts', '.Values.global.proxy.excludeInboundPorts')})`,
  `$includeOutboundPorts := ${ann('traffic.sidecar.istio.io/includeOutboundPorts', '.Values.global.proxy.includeOutboundPorts')}`,
  `$excludeOutboundPorts := ${ann('traffic.sidecar.istio.io/excludeOutboundPorts', '.Values.global.proxy.excludeOutboundPorts')}`,
];

/**
 * Native sidecar or regular container, per pod: the annotation wins over istiod's mode. Without a
 * native sidecar, `holdApplicationUntilProxyStarts` (mesh-wide or per pod through
 * `proxy.istio.io/config`) makes the application wait for the proxy, as upstream does.
 */
const NATIVE_HEADER = [
  '$nativeSidecar := ne (index .ObjectMeta.Annotations "sidecar.istio.io/nativeSidecar" | default (printf "%t" .NativeSidecars)) "false"',
  '$holdProxy := and .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue (not $nativeSidecar)',
];

const quoted = (expr: string): GoAction => go(`${expr} | quote`);

function canonicalLabels(truncate: boolean): Record<string, unknown> {
  const label = (key: string): string => `index .ObjectMeta.Labels ${JSON.stringify(key)}`;
  const name = [
    label('service.istio.io/canonical-name'),
    `default (${label('app.kubernetes.io/name')})`,
    `default (${label('app')})`,
    'default .DeploymentMeta.Name',
    ...(truncate ? ['trunc 63', 'trimSuffix "-"'] : []),
  ].join(' | ');
  const revision = [
    label('service.istio.io/canonical-revision'),
    `default (${label('app.kubernetes.io/version')})`,
    `default (${label('version')})`,
    'default "latest"',
  ].join(' | ');
  return {
    'service.istio.io/canonical-name': quoted(name),
    'service.istio.io/canonical-revision': quoted(revision),
  };
}

/** Pod annotations both templates set: the revision, and which container `kubectl` picks. */
function commonAnnotations(): Record<string, unknown> {
  const defaultContainer = (key: string): unknown =>
    goIf(
      '$apps',
      quoted(`index .ObjectMeta.Annotations ${JSON.stringify(key)} | default (first $apps)`),
    );
  return {
    'istio.io/rev': quoted('.Revision | default "default"'),
    'kubectl.kubernetes.io/default-container': defaultContainer(
      'kubectl.kubernetes.io/default-container',
    ),
    'kubectl.kubernetes.io/default-logs-container': defaultContainer(
      'kubectl.kubernetes.io/default-logs-container',
    ),
  };
}

function proxyArgs(kind: ProxyKind): unknown[] {
  return [
    'proxy',
    kind === 'sidecar' ? 'sidecar' : 'router',
    '--domain',
    goString('$(POD_NAMESPACE).svc.', go('.Values.global.proxy.clusterDomain')),
    goString(
      '--proxyLogLevel=',
      go(ann('sidecar.istio.io/logLevel', '.Values.global.proxy.logLevel')),
    ),
    goString(
      '--proxyComponentLogLevel=',
      go(ann('sidecar.istio.io/componentLogLevel', '.Values.global.proxy.componentLogLevel')),
    ),
    goString(
      '--log_output_level=',
      go(ann('sidecar.istio.io/agentLogLevel', '.Values.global.logging.level')),
    ),
  ];
}

/** Requests and limits: per-pod annotations over the mesh-wide proxy resources. */
function proxyResources(): Record<string, unknown> {
  const value = (annotation: string, path: string): GoAction =>
    quoted(ann(annotation, `.Values.global.proxy.resources.${path}`));
  return {
    requests: {
      cpu: value('sidecar.istio.io/proxyCPU', 'requests.cpu'),
      memory: value('sidecar.istio.io/proxyMemory', 'requests.memory'),
    },
    limits: {
      cpu: goIf(
        '.Values.global.proxy.resources.limits.cpu',
        value('sidecar.istio.io/proxyCPULimit', 'limits.cpu'),
      ),
      memory: value('sidecar.istio.io/proxyMemoryLimit', 'limits.memory'),
    },
  };
}

function proxyEnvironment(kind: ProxyKind): unknown[] {
  const env = proxyEnv<unknown>(kind, {
    caAddress: quoted('.Values.global.caAddress'),
    proxyConfig: quoted('protoToJSON .ProxyConfig'),
    podPorts: goBlock(
      '[',
      go('range $i, $p := $ports'),
      go('if $i'),
      ',',
      go('end'),
      go('structToJSON $p'),
      go('end'),
      ']',
    ),
    appContainers: quoted('join "," $apps'),
    clusterId: quoted('.Values.global.multiCluster.clusterName | default "Kubernetes"'),
    interceptionMode: quoted('$mode'),
    workloadName: quoted(
      kind === 'sidecar'
        ? 'index .ObjectMeta.Labels "service.istio.io/workload-name" | default .DeploymentMeta.Name'
        : '.DeploymentMeta.Name',
    ),
    owner: goString(
      'kubernetes://apis/',
      go('.TypeMeta.APIVersion'),
      '/namespaces/',
      go('.DeploymentMeta.Namespace | default "default"'),
      '/',
      go('lower .TypeMeta.Kind'),
      's/',
      go('.DeploymentMeta.Name'),
    ),
    meshId: quoted('.Values.global.meshID | default .MeshConfig.TrustDomain'),
    trustDomain: quoted('.MeshConfig.TrustDomain'),
  });
  return [
    ...env.map((e) => {
      const json = k8s.toJson_EnvVar(e as k8s.EnvVar);
      // The owner is only known for pods that a workload controller creates.
      return e.name === 'ISTIO_META_OWNER'
        ? goIf('and .TypeMeta.APIVersion .DeploymentMeta.Name', json)
        : json;
    }),
    // Per-workload proxy metadata from ProxyConfig becomes environment, as upstream does.
    goRange('$k, $v := .ProxyConfig.ProxyMetadata', {
      name: quoted('$k'),
      value: quoted('$v'),
    }),
  ];
}

function readinessProbe(perPod: boolean): Record<string, unknown> | undefined {
  const value = (annotation: string, path: string): GoAction =>
    go(perPod ? ann(annotation, `.Values.global.proxy.${path}`) : `.Values.global.proxy.${path}`);
  const probe = proxyReadinessProbe({
    initialDelaySeconds: value(
      'readiness.status.sidecar.istio.io/initialDelaySeconds',
      'readinessInitialDelaySeconds',
    ),
    periodSeconds: value(
      'readiness.status.sidecar.istio.io/periodSeconds',
      'readinessPeriodSeconds',
    ),
    failureThreshold: value(
      'readiness.status.sidecar.istio.io/failureThreshold',
      'readinessFailureThreshold',
    ),
  });
  return k8s.toJson_Probe(probe as unknown as k8s.Probe);
}

function startupProbe(): Record<string, unknown> | undefined {
  const probe = proxyReadinessProbe<unknown>({
    initialDelaySeconds: 0,
    periodSeconds: 1,
    failureThreshold: go('.Values.global.proxy.startupProbe.failureThreshold'),
  });
  return k8s.toJson_Probe(probe as unknown as k8s.Probe);
}

/** The restricted proxy security context, as the user and group istiod assigns to this pod. */
const securityContext = (): Record<string, unknown> => ({
  ...k8s.toJson_SecurityContext(proxySecurityContext()),
  runAsUser: go(PROXY_USER),
  runAsGroup: go(PROXY_GROUP),
});

/**
 * The `sidecar` template: the istio-validation init container (checks that the CNI agent set up
 * redirection, needs no privilege) and the proxy, as a native sidecar (the init container after
 * it, with `restartPolicy: Always`) or as a regular container.
 */
export function sidecarTemplate(): string {
  const validation = {
    name: VALIDATION_CONTAINER,
    image: PROXY_IMAGE,
    args: [
      'istio-iptables',
      '-p',
      String(ISTIO_PORTS.proxy.outboundCapture),
      '-z',
      String(ISTIO_PORTS.proxy.inboundCapture),
      '-u',
      // The UID whose traffic bypasses redirection: the proxy's own.
      quoted(PROXY_USER),
      '-m',
      quoted('$mode'),
      '-i',
      quoted('$includeOutboundIPs'),
      '-x',
      quoted('$excludeOutboundIPs'),
      '-b',
      quoted('$includeInbound'),
      '-d',
      goIf(
        '$excludeInbound',
        goString(
          `${ISTIO_PORTS.proxy.envoyPrometheus},${ISTIO_PORTS.proxy.health},`,
          go('$excludeInbound'),
        ),
        `${ISTIO_PORTS.proxy.envoyPrometheus},${ISTIO_PORTS.proxy.health}`,
      ),
      goIf('$includeOutboundPorts', ['-q', quoted('$includeOutboundPorts')]),
      goIf('$excludeOutboundPorts', ['-o', quoted('$excludeOutboundPorts')]),
      goString(
        '--log_output_level=',
        go(ann('sidecar.istio.io/agentLogLevel', '.Values.global.logging.level')),
      ),
      '--run-validation',
      '--skip-rule-apply',
    ],
    resources: proxyResources(),
    securityContext: securityContext(),
  };
  const proxy = {
    name: PROXY_CONTAINER,
    image: PROXY_IMAGE,
    // A native sidecar starts before and stops after the application containers.
    restartPolicy: goIf('$nativeSidecar', 'Always'),
    ports: [k8s.toJson_ContainerPort(PROXY_PROMETHEUS_PORT)],
    args: proxyArgs('sidecar'),
    // At most one of the two: holding the application applies to regular containers only.
    lifecycle: goIf('or $holdProxy $nativeSidecar', {
      postStart: goIf('$holdProxy', { exec: { command: ['pilot-agent', 'wait'] } }),
      // A native sidecar drains its connections when the pod starts shutting down.
      preStop: goIf('$nativeSidecar', {
        exec: {
          command: [
            'pilot-agent',
            'request',
            goString('--debug-port=', go('$statusPort')),
            'POST',
            'drain',
          ],
        },
      }),
    }),
    env: proxyEnvironment('sidecar'),
    startupProbe: goIf(STATUS_PORT_ON, startupProbe()),
    readinessProbe: goIf(STATUS_PORT_ON, readinessProbe(true)),
    resources: proxyResources(),
    securityContext: securityContext(),
    volumeMounts: proxyVolumeMounts('sidecar').map((m) => k8s.toJson_VolumeMount(m)),
  };
  const traffic = (variable: string): unknown => goIf(variable, quoted(variable));
  return renderGoTemplate([...COMMON_HEADER, ...TRAFFIC_HEADER, ...NATIVE_HEADER], {
    metadata: {
      labels: {
        'security.istio.io/tlsMode': quoted(
          'index .ObjectMeta.Labels "security.istio.io/tlsMode" | default "istio"',
        ),
        ...canonicalLabels(true),
      },
      annotations: {
        ...commonAnnotations(),
        // The CNI agent reads these to program the pod's iptables rules.
        'sidecar.istio.io/interceptionMode': quoted('$mode'),
        'traffic.sidecar.istio.io/includeOutboundIPRanges': traffic('$includeOutboundIPs'),
        'traffic.sidecar.istio.io/excludeOutboundIPRanges': traffic('$excludeOutboundIPs'),
        'traffic.sidecar.istio.io/includeInboundPorts': quoted('$includeInbound'),
        'traffic.sidecar.istio.io/excludeInboundPorts': quoted('$excludeInbound'),
        'traffic.sidecar.istio.io/includeOutboundPorts': traffic('$includeOutboundPorts'),
        'traffic.sidecar.istio.io/excludeOutboundPorts': traffic('$excludeOutboundPorts'),
      },
    },
    spec: {
      initContainers: goListSplit('$nativeSidecar', 'containers', [validation], [proxy]),
      volumes: proxyVolumes('sidecar').map((v) => k8s.toJson_Volume(v)),
    },
  });
}

/**
 * The `gateway` template: fills in the `istio-proxy` container of a gateway Deployment that
 * declares it with `image: auto` and selects this template with `inject.istio.io/templates`.
 */
export function gatewayTemplate(): string {
  return renderGoTemplate(COMMON_HEADER, {
    metadata: {
      labels: canonicalLabels(false),
      annotations: commonAnnotations(),
    },
    spec: {
      // Envoy binds 80 and 443 unprivileged; this sysctl is in the Pod Security safe set.
      securityContext: {
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      containers: [
        {
          name: PROXY_CONTAINER,
          image: PROXY_IMAGE,
          ports: [k8s.toJson_ContainerPort(PROXY_PROMETHEUS_PORT)],
          args: proxyArgs('gateway'),
          securityContext: securityContext(),
          env: proxyEnvironment('gateway'),
          readinessProbe: readinessProbe(false),
          volumeMounts: proxyVolumeMounts('gateway').map((m) => k8s.toJson_VolumeMount(m)),
        },
      ],
      volumes: proxyVolumes('gateway').map((v) => k8s.toJson_Volume(v)),
    },
  });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The `values` the templates and the injector read, in upstream's layout. The proxy image is
 * split into hub, name and tag so that istiod's own image logic (`.ProxyImage`, image types)
 * resolves to exactly the image we resolved (mirror and digest included).
 */
export function injectorValues(settings: InjectorSettings): Record<string, unknown> {
  const { proxy } = settings;
  const image = splitImage(proxy.image);
  const res = proxy.resources;
  return {
    global: {
      caAddress: settings.names.discoveryAddress,
      hub: image.hub,
      imagePullPolicy: '',
      istioNamespace: settings.namespace,
      logAsJson: false,
      logging: { level: proxy.agentLogLevel },
      meshID: '',
      multiCluster: { clusterName: '' },
      network: '',
      pilotCertProvider: 'istiod',
      proxy: {
        autoInject: 'enabled',
        clusterDomain: proxy.clusterDomain,
        componentLogLevel: proxy.componentLogLevel,
        excludeIPRanges: '',
        excludeInboundPorts: '',
        excludeOutboundPorts: '',
        image: image.name,
        includeIPRanges: '*',
        includeInboundPorts: '*',
        includeOutboundPorts: '',
        logLevel: proxy.logLevel,
        privileged: false,
        readinessFailureThreshold: proxy.readiness.failureThreshold,
        readinessInitialDelaySeconds: proxy.readiness.initialDelaySeconds,
        readinessPeriodSeconds: proxy.readiness.periodSeconds,
        resources: {
          requests: { cpu: res.cpu.request, memory: res.memory.request },
          limits: { ...(res.cpu.limit ? { cpu: res.cpu.limit } : {}), memory: res.memory.limit },
        },
        seccompProfile: { type: 'RuntimeDefault' },
        startupProbe: { enabled: true, failureThreshold: proxy.startupFailureThreshold },
        statusPort: ISTIO_PORTS.proxy.agentStatus,
      },
      proxy_init: { image: image.name },
      sds: { token: { aud: PROXY_TOKEN_AUDIENCE } },
      tag: image.tag,
      variant: '',
    },
    pilot: {
      cni: { enabled: true, provider: 'default' },
      env: { ...settings.pilotEnv },
    },
    revision: settings.revision ?? '',
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
  };
}

/** The injector's `config`: policy, default template and our templates. */
export function injectorConfig(): Record<string, unknown> {
  return {
    policy: 'enabled',
    defaultTemplates: [INJECTION_TEMPLATES.sidecar],
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates: {
      [INJECTION_TEMPLATES.sidecar]: sidecarTemplate(),
      [INJECTION_TEMPLATES.gateway]: gatewayTemplate(),
    },
  };
}

/** The data of the `istio-sidecar-injector` ConfigMap. */
export function injectorConfigMapData(settings: InjectorSettings): Record<string, string> {
  return {
    config: stringify(injectorConfig(), { lineWidth: 0 }),
    values: `${JSON.stringify(sortKeys(injectorValues(settings)), null, 2)}\n`,
  };
}
