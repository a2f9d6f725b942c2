import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PART_OF, standardLabels } from '../core/labels';
import {
  AlertGroup,
  Dashboard,
  IMonitoring,
  ISTIO_MERGED_METRICS_PATH,
  ISTIO_MERGED_METRICS_PORT,
  ScrapeJob,
  ScrapeTarget,
  scrapeJob,
} from '../core/monitoring';
import { NetworkPeer } from '../core/network';
import { isDnsLabel, propProblem, throwIfProblems } from '../core/validation';
import { renderDashboard } from './dashboards';
import {
  DEFAULT_MONITORING_NAMESPACE,
  ISTIO_ENVOY_PROM_PORT_NAME,
  MONITORING_API_VERSION,
  MONITORING_KEY,
} from './names';
import { alertGroupProblems, prometheusRuleSpec } from './rules';

/** Where objects of the description of a monitor go (the house's annotation). */
const DESCRIPTION_ANNOTATION = 'mlops-blueprint.dev/description';
/** Why a monitor skips TLS verification, next to `insecureSkipVerify`. */
export const INSECURE_TLS_ANNOTATION = 'mlops-blueprint.dev/insecure-tls-reason';

/** The cluster's Prometheus, as the platform addresses it. */
export interface PrometheusProps {
  /** @default 'monitoring' */
  readonly namespace?: string;
  /**
   * Labels of the Prometheus pods (the Prometheus Operator sets `app.kubernetes.io/name:
   * prometheus`, pkg/prometheus/server/operator.go at v0.93.0).
   * @default { 'app.kubernetes.io/name': 'prometheus' }
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Labels on every PodMonitor and PrometheusRule, so the Prometheus's selectors pick them up.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly monitorLabels?: Readonly<Record<string, string>>;
  /** @default '30s' */
  readonly interval?: string;
}

/** The cluster's Grafana and its dashboard sidecar. */
export interface GrafanaProps {
  /** @default 'monitoring' */
  readonly namespace?: string;
  /** @default { grafana_dashboard: '1' } */
  readonly dashboardLabel?: Readonly<Record<string, string>>;
  /** @default 'k8s-sidecar-target-directory' */
  readonly folderAnnotation?: string;
  /** @default 'MLOps platform' */
  readonly folder?: string;
}

export interface PlatformMonitoringProps {
  readonly prometheus?: PrometheusProps;
  readonly grafana?: GrafanaProps;
  /**
   * The page the runbooks are published at; alerts get `runbook_url: <runbookUrl>#<anchor>`.
   * @default - no runbook_url annotation
   */
  readonly runbookUrl?: string;
}

/** An alert group whose alerts are known only once the whole platform is built. */
export interface LazyAlertGroup {
  readonly id: string;
  readonly namespace: string;
  readonly component: string;
  produce(): AlertGroup;
}

interface Registry {
  readonly targets: Map<string, ScrapeTarget>;
  readonly groups: Map<string, LazyAlertGroup>;
  readonly dashboards: Map<string, () => Dashboard>;
}

const registries = new WeakMap<IConstruct, Registry>();

function registryOf(scope: IConstruct): Registry {
  const root = scope.node.root;
  let r = registries.get(root);
  if (!r) {
    r = { targets: new Map(), groups: new Map(), dashboards: new Map() };
    registries.set(root, r);
  }
  return r;
}

/**
 * What the monitoring of one construct tree holds: its scrape targets, alert groups and
 * dashboards, for the docs (docs/runbooks.md) and the tests.
 */
export class MonitoringRegistry {
  public static of(scope: IConstruct): MonitoringRegistry {
    return new MonitoringRegistry(registryOf(scope));
  }

  private constructor(private readonly registry: Registry) {}

  /** Sorted by id. */
  public targets(): ScrapeTarget[] {
    return [...this.registry.targets.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every alert group with its alerts (lazy groups evaluated now), sorted by namespace and id. */
  public alertGroups(): AlertGroup[] {
    return [...this.registry.groups.values()]
      .map((g) => g.produce())
      .sort((a, b) => `${a.namespace}/${a.id}`.localeCompare(`${b.namespace}/${b.id}`));
  }

  /** Sorted by uid. */
  public dashboards(): Dashboard[] {
    return [...this.registry.dashboards.values()]
      .map((produce) => produce())
      .sort((a, b) => a.uid.localeCompare(b.uid));
  }
}

/** `/` in a JSON pointer segment is `~1` (RFC 6901). */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The platform's side of the cluster's Prometheus Operator and Grafana: every scrape target
 * becomes a PodMonitor with a network allow from Prometheus, every alert group a PrometheusRule,
 * every dashboard a ConfigMap the Grafana sidecar loads. Objects are created in the scope the
 * caller passes, so they install in the caller's layer.
 *
 * Meshed pods are read through Istio's metrics merging: the sidecar injector moves the
 * `prometheus.io/*` annotations of the pod into the agent's configuration and points them at the
 * agent's port 15020 (pkg/kube/inject/webhook.go `applyPrometheusMerge`, Istio 1.30.1), which
 * the injected iptables rules leave uncaptured (`excludeInboundPorts` gets the status port,
 * manifests/charts/istio-control/istio-discovery/files/injection-template.yaml), so a Prometheus
 * outside the mesh reads it in plain HTTP under STRICT mutual TLS.
 */
export class PlatformMonitoring extends Construct implements IMonitoring {
  public readonly prometheusPeer: NetworkPeer;
  public readonly prometheusNamespace: string;
  public readonly grafanaNamespace: string;
  public readonly runbookUrl: string | undefined;
  private readonly podLabels: Readonly<Record<string, string>>;
  private readonly monitorLabels: Readonly<Record<string, string>>;
  private readonly interval: string;
  private readonly dashboardLabel: Readonly<Record<string, string>>;
  private readonly folderAnnotation: string;
  private readonly folder: string;

  public constructor(scope: Construct, id: string, props: PlatformMonitoringProps = {}) {
    super(scope, id);
    const prometheus = props.prometheus ?? {};
    const grafana = props.grafana ?? {};
    this.prometheusNamespace = prometheus.namespace ?? DEFAULT_MONITORING_NAMESPACE;
    this.podLabels = prometheus.podLabels ?? { 'app.kubernetes.io/name': 'prometheus' };
    this.monitorLabels = prometheus.monitorLabels ?? { release: 'kube-prometheus-stack' };
    this.interval = prometheus.interval ?? '30s';
    this.grafanaNamespace = grafana.namespace ?? DEFAULT_MONITORING_NAMESPACE;
    this.dashboardLabel = grafana.dashboardLabel ?? { grafana_dashboard: '1' };
    this.folderAnnotation = grafana.folderAnnotation ?? 'k8s-sidecar-target-directory';
    this.folder = grafana.folder ?? 'MLOps platform';
    this.runbookUrl = props.runbookUrl;
    throwIfProblems('PlatformMonitoring', [
      ...(isDnsLabel(this.prometheusNamespace)
        ? []
        : [
            propProblem(
              'prometheus.namespace',
              'is not a DNS label',
              `"${this.prometheusNamespace}"`,
              'Give the namespace Prometheus runs in, e.g. monitoring.',
            ),
          ]),
      ...(Object.keys(this.podLabels).length > 0
        ? []
        : [
            propProblem(
              'prometheus.podLabels',
              'is empty',
              undefined,
              'Name the labels of the Prometheus pods; an empty selector lets every pod of the namespace in.',
            ),
          ]),
      ...(isDnsLabel(this.grafanaNamespace)
        ? []
        : [
            propProblem(
              'grafana.namespace',
              'is not a DNS label',
              `"${this.grafanaNamespace}"`,
              'Give the namespace Grafana runs in, e.g. monitoring.',
            ),
          ]),
    ]);
    this.prometheusPeer = NetworkPeer.namespace(this.prometheusNamespace, { ...this.podLabels });
  }

  public scrape(scope: Construct, target: ScrapeTarget): ScrapeJob {
    const registry = registryOf(scope);
    const ns = target.namespace.name;
    const scheme = target.scheme ?? 'http';
    const path = target.path ?? '/metrics';
    throwIfProblems(`Scrape target ${target.id}`, [
      ...(isDnsLabel(target.id)
        ? []
        : [
            propProblem(
              'id',
              'is not a DNS label',
              `"${target.id}"`,
              'Use lower-case letters, digits and hyphens, e.g. ml-pipeline.',
            ),
          ]),
      ...(registry.targets.has(target.id)
        ? [
            propProblem(
              'id',
              `is taken by another scrape target (in namespace ${registry.targets.get(target.id)?.namespace.name ?? ''})`,
              `"${target.id}"`,
              'Give each target an id unique on the platform: it is the job label of its series.',
            ),
          ]
        : []),
      ...(Object.keys(target.podLabels).length === 0
        ? [
            propProblem(
              'podLabels',
              'is empty',
              undefined,
              'Select exactly the pods that serve the metrics.',
            ),
          ]
        : []),
      ...(target.insecureTlsReason !== undefined && scheme !== 'https'
        ? [
            propProblem(
              'insecureTlsReason',
              'is given for a plain HTTP endpoint',
              `"${target.insecureTlsReason}"`,
              "Set scheme: 'https', or leave the reason out.",
            ),
          ]
        : []),
      ...(target.tls && (scheme !== 'https' || target.insecureTlsReason !== undefined)
        ? [
            propProblem(
              'tls',
              target.insecureTlsReason !== undefined
                ? 'verifies the certificate that insecureTlsReason says cannot be verified'
                : 'is given for a plain HTTP endpoint',
              undefined,
              "Give one of them, with scheme: 'https'.",
            ),
          ]
        : []),
      ...(target.meshed && (scheme === 'https' || target.bearerToken)
        ? [
            propProblem(
              'meshed',
              'is read through the sidecar agent, which neither sends a token nor speaks TLS to Prometheus',
              undefined,
              'Serve plain HTTP metrics to the sidecar, or scrape the pods without meshed.',
            ),
          ]
        : []),
    ]);
    registry.targets.set(target.id, target);

    const labels = {
      ...standardLabels({ name: MONITORING_KEY, instance: target.id, component: 'scrape' }),
      ...this.monitorLabels,
    };
    const relabelings: Record<string, unknown>[] = [
      // The job is the target's id whatever the monitor's name and namespace.
      { action: 'replace', targetLabel: 'job', replacement: target.id },
      {
        action: 'replace',
        sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
        regex: '(.+)',
        targetLabel: 'app',
      },
    ];
    let endpoint: Record<string, unknown>;
    let port: number;
    if (target.meshed) {
      port = ISTIO_MERGED_METRICS_PORT;
      // One target per pod: the sidecar's Envoy port names the pod, the address moves to the
      // agent's merged port (IPv6 addresses go in brackets).
      relabelings.push(
        {
          action: 'replace',
          sourceLabels: ['__meta_kubernetes_pod_ip'],
          regex: '(.*:.*)',
          replacement: `[$1]:${ISTIO_MERGED_METRICS_PORT}`,
          targetLabel: '__address__',
        },
        {
          action: 'replace',
          sourceLabels: ['__meta_kubernetes_pod_ip'],
          regex: '([0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+)',
          replacement: `$1:${ISTIO_MERGED_METRICS_PORT}`,
          targetLabel: '__address__',
        },
      );
      endpoint = {
        port: ISTIO_ENVOY_PROM_PORT_NAME,
        path: ISTIO_MERGED_METRICS_PATH,
        scheme: 'http',
      };
      const annotations: Record<string, string> = {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(target.port.number),
        'prometheus.io/path': path,
      };
      for (const [key, value] of Object.entries(annotations)) {
        target.meshed.workload.addJsonPatch(
          JsonPatch.add(`/spec/template/metadata/annotations/${pointerSegment(key)}`, value),
        );
      }
    } else {
      port = target.port.number;
      endpoint = {
        port: target.port.name,
        path,
        scheme,
        ...(target.insecureTlsReason !== undefined
          ? { tlsConfig: { insecureSkipVerify: true } }
          : {}),
        ...(target.tls
          ? {
              tlsConfig: {
                ca: { secret: { name: target.tls.caSecret.name, key: target.tls.caSecret.key } },
                serverName: target.tls.serverName,
              },
            }
          : {}),
        ...(target.bearerToken
          ? {
              authorization: {
                type: 'Bearer',
                credentials: { name: this.scraperToken(scope, target, path, labels), key: 'token' },
              },
            }
          : {}),
      };
    }

    new ApiObject(scope, `PodMonitor-${target.id}`, {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PodMonitor',
      metadata: {
        name: target.id,
        namespace: ns,
        labels,
        annotations: {
          [DESCRIPTION_ANNOTATION]: target.description,
          ...(target.insecureTlsReason !== undefined
            ? { [INSECURE_TLS_ANNOTATION]: target.insecureTlsReason }
            : {}),
        },
      },
      spec: {
        selector: { matchLabels: { ...target.podLabels } },
        podMetricsEndpoints: [
          { ...endpoint, interval: target.interval ?? this.interval, relabelings },
        ],
      },
    });
    target.namespace.allowIngress(`prometheus-${target.id}`, {
      description: `Prometheus scrapes ${target.description}${target.meshed ? " (the sidecar agent's merged metrics)" : ''}`,
      from: [this.prometheusPeer],
      podLabels: { ...target.podLabels },
      ports: [{ port }],
    });
    return scrapeJob(target.id, ns, target.meshed !== undefined);
  }

  /**
   * A token Prometheus sends to an endpoint that authorizes callers (controller-runtime's
   * authentication filter, kube-rbac-proxy): a PodMonitor endpoint has no way to send
   * Prometheus's own service account token (`PodMetricsEndpoint` has no `bearerTokenFile`,
   * pkg/apis/monitoring/v1/podmonitor_types.go at v0.93.0; its credentials come from a Secret
   * in the monitor's namespace). So the target's namespace gets a service account that may only
   * `get` the metrics path, and a token Secret for it that Kubernetes fills in. A non-resource
   * path is granted on every server that delegates authorization, the API server's own `/metrics`
   * included: the same right kube-prometheus gives its Prometheus.
   */
  private scraperToken(
    scope: Construct,
    target: ScrapeTarget,
    path: string,
    labels: Record<string, string>,
  ): string {
    const ns = target.namespace.name;
    const account = `${target.id}-metrics-scraper`;
    const secret = `${account}-token`;
    new ApiObject(scope, `ScraperServiceAccount-${target.id}`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: account, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new ApiObject(scope, `ScraperToken-${target.id}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: secret,
        namespace: ns,
        labels,
        annotations: { 'kubernetes.io/service-account.name': account },
      },
    });
    // Non-resource URLs are granted only by a ClusterRole; this one allows nothing but a GET of
    // the metrics path.
    new ApiObject(scope, `ScraperRole-${target.id}`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${target.id}-metrics-reader`, labels },
      rules: [{ nonResourceURLs: [path], verbs: ['get'] }],
    });
    new ApiObject(scope, `ScraperRoleBinding-${target.id}`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${target.id}-metrics-reader`, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: `${target.id}-metrics-reader`,
      },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
    });
    return secret;
  }

  public addAlerts(scope: Construct, group: AlertGroup): void {
    throwIfProblems(`Alert group ${group.id}`, alertGroupProblems(group));
    this.addLazyAlerts(scope, { ...group, produce: () => group });
  }

  /**
   * An alert group whose alerts are computed at synthesis, when every object of the platform
   * exists (the platform-wide alerts read the webhooks and namespaces of the whole tree).
   */
  public addLazyAlerts(scope: Construct, group: LazyAlertGroup): void {
    const registry = registryOf(scope);
    const key = `${group.namespace}/${group.id}`;
    if (registry.groups.has(key)) {
      throw new Error(
        `Alert group ${group.id}: \`id\` is taken in namespace ${group.namespace} (got "${group.id}"). Give each component's group its own id.`,
      );
    }
    registry.groups.set(key, group);
    const produced = (): AlertGroup => {
      const g = group.produce();
      throwIfProblems(`Alert group ${g.id}`, alertGroupProblems(g));
      const mine = new Set(g.alerts.map((a) => a.name));
      const clash = MonitoringRegistry.of(scope)
        .alertGroups()
        .filter((other) => other.id !== g.id || other.namespace !== g.namespace)
        .flatMap((other) => other.alerts.filter((a) => mine.has(a.name)).map((a) => a.name));
      if (clash.length > 0) {
        throw new Error(
          `Alert group ${g.id}: alert names are taken by another group (got ${clash.join(', ')}). Alert names are unique on the platform; prefix them with the component.`,
        );
      }
      return g;
    };
    new ApiObject(scope, `PrometheusRule-${group.namespace}-${group.id}`, {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PrometheusRule',
      metadata: {
        name: group.id,
        namespace: group.namespace,
        labels: {
          ...standardLabels({ name: MONITORING_KEY, instance: group.id, component: 'alerts' }),
          ...this.monitorLabels,
        },
        annotations: { [DESCRIPTION_ANNOTATION]: `Alerts of ${group.component}` },
      },
      spec: Lazy.any({ produce: () => prometheusRuleSpec(produced(), this.runbookUrl) }),
    });
  }

  public addDashboard(scope: Construct, dashboard: Dashboard): void {
    this.addLazyDashboard(scope, dashboard.uid, () => dashboard);
  }

  /**
   * A dashboard whose queries are known only once the whole platform is built (the platform
   * dashboards read its namespaces and webhooks).
   */
  public addLazyDashboard(scope: Construct, uid: string, produce: () => Dashboard): void {
    const registry = registryOf(scope);
    throwIfProblems(`Dashboard ${uid}`, [
      ...(isDnsLabel(uid)
        ? []
        : [
            propProblem(
              'uid',
              'is not a DNS label',
              `"${uid}"`,
              'Use lower-case letters, digits and hyphens, e.g. mlops-serving.',
            ),
          ]),
      ...(registry.dashboards.has(uid)
        ? [
            propProblem(
              'uid',
              'is taken by another dashboard',
              `"${uid}"`,
              'Give each dashboard a uid unique on the platform.',
            ),
          ]
        : []),
    ]);
    registry.dashboards.set(uid, produce);
    new ApiObject(scope, `Dashboard-${uid}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: uid,
        namespace: this.grafanaNamespace,
        labels: {
          ...standardLabels({ name: MONITORING_KEY, instance: uid, component: 'dashboard' }),
          ...this.dashboardLabel,
        },
        annotations: { [this.folderAnnotation]: this.folder },
      },
      data: {
        [`${uid}.json`]: Lazy.any({
          produce: () => {
            const dashboard = produce();
            if (dashboard.uid !== uid) {
              throw new Error(
                `Dashboard ${uid}: \`uid\` changed while building (got "${dashboard.uid}"). Keep the uid the dashboard was added with.`,
              );
            }
            return renderDashboard(dashboard, [PART_OF]);
          },
        }),
      },
    });
  }
}
