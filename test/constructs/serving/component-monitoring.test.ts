import { Chart, Testing } from 'cdk8s';
import { ComponentContext, Contract, Contracts } from '../../../constructs/core/component';
import { servingComponent } from '../../../constructs/serving/component';
import { FakeGateway, FakeMonitoring, FakeNamespace } from '../../fakes';

/**
 * The serving component's build against a context that offers monitoring: only as far as the
 * choice between the monitoring's Prometheus and `serving.metrics.scraper`, which comes first.
 */
function buildWith(scraper: boolean): () => void {
  const chart = new Chart(Testing.app(), 'Test');
  const gateway = new FakeGateway(chart, 'Gateway');
  const contracts = new Map<unknown, unknown>([
    [Contracts.gateway, gateway],
    [Contracts.monitoring, new FakeMonitoring()],
  ]);
  const ctx = {
    config: {
      serving: {
        namespace: 'kubeflow',
        deploymentMode: 'Serverless',
        metrics: scraper ? { scraper: { namespace: 'monitoring' } } : {},
      },
      tenants: [],
    },
    chart: () => chart,
    namespace: (name: string) => new FakeNamespace(name),
    get: <T>(c: Contract<T>) => (contracts.get(c) ?? {}) as T,
    tryGet: <T>(c: Contract<T>) => contracts.get(c) as T | undefined,
    offer: () => undefined,
  } as unknown as ComponentContext<never>;
  return () => servingComponent.build(ctx as never);
}

describe('serving component with monitoring', () => {
  test('declares monitoring as a contract it uses', () => {
    expect(servingComponent.uses).toContain(Contracts.monitoring);
  });

  test('serving.metrics.scraper next to the monitoring is refused with the fix', () => {
    expect(buildWith(true)).toThrow(
      "`serving.metrics.scraper` admits a Prometheus of your own, but the platform's monitoring is on and already admits its Prometheus to serving's metrics. Remove serving.metrics.scraper, or turn the monitoring off.",
    );
  });
});
