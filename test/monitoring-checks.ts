import { App } from 'cdk8s';
import { Contracts, defineComponent } from '../constructs/core/component';
import { Alert, AlertGroup } from '../constructs/core/monitoring';
import { EnvironmentConfig } from '../stacks/config/schema';
import { MlopsPlatform } from '../stacks/platform';
import { FakeMonitoring } from './fakes';
import { metricNames } from './promql';

/**
 * Checks shared by the monitoring tests of the infrastructure components (cert-manager, Istio,
 * Dex, oauth2-proxy, MinIO, SeaweedFS): alert shape, and that every metric an alert reads is one
 * the component exports at its pinned version.
 */

/** A metric fact: the series name and where upstream defines it (path at the pinned tag). */
export interface MetricFact {
  readonly source: string;
}

/** Synthesized by Prometheus for every target. */
const SYNTHESIZED = new Set(['up']);

/** Every alert of every group, for table tests. */
export function alertsOf(groups: readonly AlertGroup[]): Alert[] {
  return groups.flatMap((g) => g.alerts);
}

/**
 * Asserts the platform's alert conventions and the metric facts: PascalCase name with `prefix`,
 * a `for`, a severity, summary/description/runbook text, `metrics` ⊆ facts (or `up`) and every
 * metric of `expr` listed in `metrics`.
 */
export function expectAlertFacts(
  alert: Alert,
  prefix: string,
  facts: Readonly<Record<string, MetricFact>>,
): void {
  expect(alert.name).toMatch(/^[A-Z][a-z0-9]*(?:[A-Z0-9][a-z0-9]*)+$/);
  expect(alert.name.startsWith(prefix)).toBe(true);
  expect(alert.for).toMatch(/^\d+[smh]$/);
  expect(['critical', 'warning']).toContain(alert.severity);
  expect(alert.summary.length).toBeGreaterThan(10);
  expect(alert.description.length).toBeGreaterThan(30);
  expect(alert.runbook).toMatch(/kubectl/);
  for (const metric of alert.metrics) {
    expect({
      alert: alert.name,
      metric,
      known: SYNTHESIZED.has(metric) || metric in facts,
    }).toEqual({ alert: alert.name, metric, known: true });
  }
  expect(metricNames(alert.expr).sort()).toEqual([...alert.metrics].sort());
}

/** The whole platform for `environment` with `monitoring` offered as `Contracts.monitoring`. */
export function platformWithMonitoring(
  monitoring: FakeMonitoring | undefined,
  environment?: EnvironmentConfig,
): MlopsPlatform {
  const components = monitoring
    ? [
        defineComponent({
          key: 'monitoring',
          description: 'a fake cluster monitoring',
          offers: [Contracts.monitoring],
          build(ctx) {
            ctx.offer(Contracts.monitoring, monitoring);
          },
        }),
      ]
    : [];
  return new MlopsPlatform(new App(), 'Platform', {
    ...(environment ? { environment } : {}),
    components,
  });
}
