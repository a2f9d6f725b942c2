import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ComponentContext, Contracts } from '../../../constructs/core/component';
import { Layer } from '../../../constructs/core/layers';
import { IMonitoring } from '../../../constructs/core/monitoring';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { monitoringComponent } from '../../../constructs/monitoring/component';
import { MONITORING_RULES, MonitoringConfig } from '../../../constructs/monitoring/config';
import { PlatformMonitoring } from '../../../constructs/monitoring/monitoring';
import {
  GRAFANA_DASHBOARD_LABEL,
  KUBE_PROMETHEUS_STACK_MONITOR_LABELS,
  PROMETHEUS_POD_LABELS,
} from './facts';

const schema = (preset: 'dev' | 'prod' = 'dev') =>
  z.strictObject(monitoringComponent.config?.shape(preset, 'kubeflow.example.com') ?? {});

function parse(input: unknown, preset: 'dev' | 'prod' = 'dev'): { monitoring: MonitoringConfig } {
  return schema(preset).parse(input) as unknown as { monitoring: MonitoringConfig };
}

const RULE_CONTEXT = {
  preset: 'prod' as const,
  reservedNamespaces: ['default', 'kube-system', 'kubeflow', 'istio-system'],
  userClaim: 'email',
};

describe('monitoring component', () => {
  test('off by default: not enabled, and its defaults', () => {
    const config = parse({});
    expect(monitoringComponent.enabled?.(config as never)).toBe(false);
    expect(config.monitoring).toEqual({
      enabled: false,
      prometheus: {
        namespace: 'monitoring',
        podLabels: PROMETHEUS_POD_LABELS,
        monitorLabels: KUBE_PROMETHEUS_STACK_MONITOR_LABELS,
        interval: '30s',
      },
      grafana: {
        namespace: 'monitoring',
        dashboardLabel: GRAFANA_DASHBOARD_LABEL,
        folderAnnotation: 'k8s-sidecar-target-directory',
        folder: 'MLOps platform',
      },
      alerts: {
        webhookFailureRatio: 0.05,
        webhookLatencySeconds: 2,
        workloadUnavailableFor: '15m',
      },
    });
    expect(monitoringComponent.enabled?.(parse({ monitoring: { enabled: true } }) as never)).toBe(
      true,
    );
    expect(monitoringComponent.offers).toEqual([Contracts.monitoring]);
    expect(monitoringComponent.toggle).toBe('monitoring.enabled');
  });

  test('the schema refuses what cannot work', () => {
    const bad = (monitoring: unknown) => schema().safeParse({ monitoring }).success;
    expect(bad({ prometheus: { podLabels: {} } })).toBe(false);
    expect(bad({ alerts: { runbookUrl: 'https://x.example.com/r#a' } })).toBe(false);
    expect(bad({ alerts: { webhookFailureRatio: 0 } })).toBe(false);
    expect(bad({ prometheus: { interval: '30' } })).toBe(false);
    expect(bad({ unknown: true })).toBe(false);
    expect(bad({ alerts: { runbookUrl: 'https://x.example.com/runbooks' } })).toBe(true);
  });

  test('MONITORING-NAMESPACE: Prometheus and Grafana do not run in a namespace of the platform', () => {
    const [rule] = MONITORING_RULES;
    const config = parse({
      monitoring: { enabled: true, prometheus: { namespace: 'kubeflow' } },
    });
    expect(rule.check(config, RULE_CONTEXT).map((p) => p.message)).toEqual([
      '`monitoring.prometheus.namespace` is a namespace the platform creates (got "kubeflow"). Give the namespace the cluster\'s Prometheus runs in, such as monitoring.',
    ]);
    expect(rule.check(parse({ monitoring: { enabled: true } }), RULE_CONTEXT)).toEqual([]);
    const kube = parse({ monitoring: { enabled: true, grafana: { namespace: 'kube-system' } } });
    expect(rule.check(kube, RULE_CONTEXT)).toEqual([]);
  });

  test('build: prerequisites, the offered monitoring and its own alerts and dashboards', () => {
    const app = Testing.app();
    const charts = new Map<Layer, Chart>();
    const chart = (layer: Layer): Construct => {
      let c = charts.get(layer);
      if (!c) {
        c = new Chart(app, layer);
        charts.set(layer, c);
      }
      return c;
    };
    let offered: IMonitoring | undefined;
    const config = parse({
      monitoring: { enabled: true, grafana: { namespace: 'grafana' } },
    });
    const ctx = {
      config,
      environment: { name: 'test', preset: 'dev', production: false, domain: 'x.example.com' },
      chart,
      namespace: () => {
        throw new Error('no namespaces');
      },
      get: () => {
        throw new Error('no needs');
      },
      tryGet: () => undefined,
      offer: (contract: unknown, value: unknown) => {
        expect(contract).toBe(Contracts.monitoring);
        offered = value as IMonitoring;
      },
    } as unknown as ComponentContext<never>;
    monitoringComponent.build(ctx as never);
    expect(offered).toBeInstanceOf(PlatformMonitoring);
    const prereq = Prerequisites.of(app);
    expect(prereq.crds().map((c) => c.name)).toEqual([
      'podmonitors.monitoring.coreos.com',
      'prometheusrules.monitoring.coreos.com',
      'servicemonitors.monitoring.coreos.com',
    ]);
    expect(prereq.namespaces().map((n) => n.name)).toEqual(['grafana', 'monitoring']);
    const objects = Testing.synth(chart(Layer.PLATFORM_RESOURCES) as Chart);
    expect(
      objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort(),
    ).toEqual([
      'ConfigMap grafana/mlops-platform-health',
      'ConfigMap grafana/mlops-tenant-usage',
      'PrometheusRule monitoring/mlops-platform',
    ]);
  });
});
