import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { CertManager, CertManagerProps } from '../../../constructs/cert-manager';
import { ILayerCharts, LAYERS, LAYERS_CONTEXT, Layer } from '../../../constructs/core/layers';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NAMESPACE = 'cert-manager';

/** cert-manager in one chart, with its namespace (and default-deny policy) in the same chart. */
export function buildCertManager(
  props: Partial<CertManagerProps> = {},
  context: Record<string, unknown> = {},
): { chart: Chart; certManager: CertManager; objects: () => Objects } {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const chart = new Chart(app, 'Test');
  const namespace = new PlatformNamespace(chart, 'Namespace', { name: NAMESPACE });
  const certManager = new CertManager(chart, 'CertManager', { namespace, ...props });
  return { chart, certManager, objects: () => new Objects(Testing.synth(chart) as Manifest[]) };
}

/** A stand-in for the platform: one chart per layer, published in the construct context. */
export class LayeredApp extends Construct implements ILayerCharts {
  public readonly app: App;
  private readonly charts = new Map<Layer, Chart>();

  public constructor() {
    const app = Testing.app();
    super(app, 'Platform');
    this.app = app;
    this.node.setContext(LAYERS_CONTEXT, this);
    for (const info of LAYERS) this.charts.set(info.layer, new Chart(this, info.id));
  }

  public chartFor(layer: Layer): Chart {
    const chart = this.charts.get(layer);
    if (!chart) throw new Error(`no chart for ${layer}`);
    return chart;
  }

  public objectsIn(layer: Layer): Objects {
    return new Objects(Testing.synth(this.chartFor(layer)) as Manifest[]);
  }
}
