import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { Prerequisites } from '../core/prerequisites';
import { MONITORING_RULES, monitoringShape } from './config';
import { PlatformMonitoring } from './monitoring';
import { MONITORING_KEY, PROMETHEUS_OPERATOR_CRDS } from './names';
import { PlatformMonitoringContent } from './platform';

/**
 * Monitoring with the cluster's Prometheus Operator and Grafana (kube-prometheus-stack or
 * similar), offered as `IMonitoring`: components that use it get PodMonitors with the network
 * allows that let Prometheus in, PrometheusRules with runbooks, and Grafana dashboards. The
 * component adds the platform-wide alerts (admission webhooks, workload availability) and the
 * "Platform health" and "Tenant usage against quota" dashboards. Off by default; the Prometheus
 * Operator's CRDs and the namespaces of Prometheus and Grafana are prerequisites `install.sh`
 * checks.
 */
export const monitoringComponent = defineComponent({
  key: MONITORING_KEY,
  description: "the cluster's Prometheus and Grafana: scrape targets, alerts and dashboards",
  toggle: 'monitoring.enabled',
  config: { shape: monitoringShape, rules: MONITORING_RULES },
  offers: [Contracts.monitoring],
  enabled: (config) => config.monitoring.enabled,
  build(ctx) {
    const settings = ctx.config.monitoring;
    const scope = ctx.chart(Layer.INFRASTRUCTURE_CONFIG);
    const prerequisites = Prerequisites.of(scope);
    for (const crd of PROMETHEUS_OPERATOR_CRDS) {
      prerequisites.requireCrd({
        name: `${crd.plural}.monitoring.coreos.com`,
        group: 'monitoring.coreos.com',
        kind: crd.kind,
        purpose:
          "the Prometheus Operator's monitors and rules of the platform (monitoring.enabled)",
      });
    }
    const purposes = new Map<string, string[]>();
    for (const [ns, what] of [
      [settings.prometheus.namespace, 'Prometheus (the source of the scrape allows)'],
      [settings.grafana.namespace, "Grafana's dashboard sidecar (the dashboard ConfigMaps)"],
    ] as const) {
      purposes.set(ns, [...(purposes.get(ns) ?? []), what]);
    }
    for (const [name, what] of purposes) {
      prerequisites.requireNamespace({ name, purpose: `monitoring: ${what.join('; ')}` });
    }

    const monitoring = new PlatformMonitoring(scope, 'Monitoring', {
      prometheus: settings.prometheus,
      grafana: settings.grafana,
      ...(settings.alerts.runbookUrl ? { runbookUrl: settings.alerts.runbookUrl } : {}),
    });
    new PlatformMonitoringContent(ctx.chart(Layer.PLATFORM_RESOURCES), 'PlatformMonitoring', {
      monitoring,
      namespace: settings.prometheus.namespace,
      thresholds: settings.alerts,
    });
    ctx.offer(Contracts.monitoring, monitoring);
  },
});
