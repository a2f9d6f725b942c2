import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INamespace, NetworkPeer } from './network';

/**
 * Monitoring as components see it: the cluster's Prometheus (run by the Prometheus Operator) and
 * Grafana. A component that exposes metrics states where they are (`scrape`), which of its
 * failures a platform team pages on (`addAlerts`, each alert with its runbook paragraph) and what
 * its dashboards show (`addDashboard`). The implementation writes ServiceMonitors/PodMonitors,
 * PrometheusRules, dashboard ConfigMaps and the network allows that let Prometheus in.
 *
 * Components use it only when it is offered (`uses: [Contracts.monitoring]`): with monitoring off
 * nothing of this is rendered and no object changes.
 */
export interface IMonitoring {
  /** Prometheus's pods, for allows a component writes itself (e.g. on a Service-less port). */
  readonly prometheusPeer: NetworkPeer;
  /**
   * Scrapes `target`. Returns the `job` label its series carry in Prometheus, for alert
   * expressions and dashboards (each target's job is its `id`).
   */
  scrape(scope: Construct, target: ScrapeTarget): ScrapeJob;
  /** Adds a group of alerts (a PrometheusRule in `group.namespace`). */
  addAlerts(scope: Construct, group: AlertGroup): void;
  /** Adds a Grafana dashboard (a ConfigMap Grafana's dashboard sidecar loads). */
  addDashboard(scope: Construct, dashboard: Dashboard): void;
}

/** A container port that serves metrics. */
export interface MetricsPort {
  /** The container port's name (as the pod spec names it). */
  readonly name: string;
  readonly number: number;
}

/** Where a component's metrics are. */
export interface ScrapeTarget {
  /**
   * The job name of its series and the monitor's name: a DNS label unique on the platform,
   * e.g. `ml-pipeline`, `knative-activator`.
   */
  readonly id: string;
  /** The namespace the pods run in; it gets an allow for Prometheus on the metrics port. */
  readonly namespace: INamespace;
  /** Labels that select exactly the pods that serve these metrics. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly port: MetricsPort;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
  /**
   * The endpoint serves TLS with a certificate Prometheus cannot verify (a self-signed serving
   * certificate of controller-runtime's secure metrics): the reason is written to the monitor.
   */
  readonly insecureTlsReason?: string;
  /**
   * Verify the endpoint's certificate: against the CA in a Secret of the target's namespace
   * (cert-manager writes `ca.crt` next to the serving key) and for the name it was issued to.
   */
  readonly tls?: {
    readonly caSecret: { readonly name: string; readonly key: string };
    readonly serverName: string;
  };
  /**
   * Prometheus sends its service account token (endpoints behind controller-runtime's
   * authentication filter or kube-rbac-proxy, which then make a TokenReview and a
   * SubjectAccessReview for `get` on the path; the cluster's Prometheus has that right in
   * kube-prometheus).
   * @default false
   */
  readonly bearerToken?: boolean;
  /**
   * The pods carry a mesh sidecar, and mesh-wide STRICT mutual TLS keeps Prometheus (outside the
   * mesh) away from the application's port. Prometheus then reads the sidecar's merged endpoint
   * (Istio's metrics merging: the sidecar's agent serves the application's metrics together with
   * its own on 15020), so no AuthorizationPolicy or plaintext port is opened; the workload's pod
   * template gets the `prometheus.io/*` annotations the injector reads. The pod template must
   * already have an `annotations` object.
   */
  readonly meshed?: { readonly workload: ApiObject };
  /** @default '30s' */
  readonly interval?: string;
  /** What the metrics are, for the monitor's description annotation. */
  readonly description: string;
}

/** How a scraped target's series are labelled in Prometheus. */
export interface ScrapeJob {
  /** The `job` label of the target's series. */
  readonly job: string;
  /** A PromQL selector of the target's series, e.g. `job="ml-pipeline",namespace="kubeflow"`. */
  readonly selector: string;
  /**
   * PromQL that has a value while the target is down: no pod answers a scrape, or, for a meshed
   * target (whose sidecar agent answers even when the application does not), the agent fails to
   * read a pod's application. For "down" alerts; `downMetrics` are the metrics it reads.
   */
  readonly down: string;
  readonly downMetrics: readonly string[];
}

/**
 * The sidecar agent's count of failed scrapes, by `type` (`application` for the app's own
 * metrics); Istio 1.30 `pilot/cmd/pilot-agent/metrics/metrics.go`, prefixed `istio_agent_` by
 * `pilot/cmd/pilot-agent/status/server.go`.
 */
export const ISTIO_AGENT_SCRAPE_FAILURES = 'istio_agent_scrape_failures_total';

/** How the series of target `id` in `namespace` are labelled, and when it is down. */
export function scrapeJob(id: string, namespace: string, meshed: boolean): ScrapeJob {
  const selector = `job="${id}",namespace="${namespace}"`;
  return { job: id, selector, ...downExpression(selector, meshed) };
}

/** `ScrapeJob.down` and its metrics for a target with this selector. */
export function downExpression(
  selector: string,
  meshed: boolean,
): { readonly down: string; readonly downMetrics: readonly string[] } {
  const gone = `(sum(up{${selector}}) or vector(0)) == 0`;
  return meshed
    ? {
        down: `${gone} or sum(rate(${ISTIO_AGENT_SCRAPE_FAILURES}{${selector},type="application"}[5m])) > 0`,
        downMetrics: ['up', ISTIO_AGENT_SCRAPE_FAILURES],
      }
    : { down: gone, downMetrics: ['up'] };
}

export type AlertSeverity = 'critical' | 'warning';

/** An alert a platform team pages on, with what to do about it. */
export interface Alert {
  /** PascalCase, unique on the platform, e.g. `KubeflowPipelinesApiServerDown`. */
  readonly name: string;
  /** PromQL; it should name only metrics the component (or Kubernetes itself) exports. */
  readonly expr: string;
  /** How long the condition holds before the alert fires, e.g. `5m`. */
  readonly for: string;
  readonly severity: AlertSeverity;
  /** One line, may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  /** What it means and what breaks for users. */
  readonly description: string;
  /** The runbook paragraph: how to find the cause and what to do, for the docs. */
  readonly runbook: string;
  /** The metrics `expr` reads, for the tests that check them against upstream. */
  readonly metrics: readonly string[];
  /** Extra labels, e.g. a tenant or model. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A PrometheusRule's group: one component's alerts. */
export interface AlertGroup {
  /** The rule's name and group name, a DNS label, e.g. `kubeflow-pipelines`. */
  readonly id: string;
  readonly namespace: string;
  /** The component's key, for the docs. */
  readonly component: string;
  readonly alerts: readonly Alert[];
}

/** A panel of a dashboard: PromQL queries drawn over time or as one value. */
export interface DashboardPanel {
  readonly title: string;
  /** @default 'timeseries' */
  readonly type?: 'timeseries' | 'stat' | 'table' | 'bargauge';
  readonly queries: readonly { readonly expr: string; readonly legend?: string }[];
  /** Grafana unit, e.g. `s`, `reqps`, `bytes`, `percentunit`. @default 'short' */
  readonly unit?: string;
  readonly description?: string;
}

/** A Grafana dashboard in the platform's model; the implementation writes Grafana's JSON. */
export interface Dashboard {
  /** Grafana uid and the ConfigMap's name, a DNS label, e.g. `mlops-serving`. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Template variables from label values, e.g. namespace. @default [] */
  readonly variables?: readonly {
    readonly name: string;
    readonly label: string;
    /** `label_values(<query>, <label>)` is what Grafana lists. */
    readonly query: string;
    /** @default false */
    readonly multi?: boolean;
  }[];
  readonly rows: readonly { readonly title: string; readonly panels: readonly DashboardPanel[] }[];
  /** The metrics the queries read, for the tests that check them. */
  readonly metrics: readonly string[];
}

/**
 * Envoy's own statistics port in Istio's sidecar and gateway injection templates (plain HTTP,
 * not captured by the sidecar), at `ISTIO_MERGED_METRICS_PATH`.
 */
export const ISTIO_ENVOY_PROM_PORT = { name: 'http-envoy-prom', number: 15090 } as const;

/** Istio's metrics-merging port: the sidecar agent serves the app's and Envoy's metrics here. */
export const ISTIO_MERGED_METRICS_PORT = 15020;
/** The path of the merged metrics on `ISTIO_MERGED_METRICS_PORT`. */
export const ISTIO_MERGED_METRICS_PATH = '/stats/prometheus';
