import { Construct, IConstruct } from 'constructs';

/**
 * Install layers. Kubernetes accepts a custom resource only after its CRD exists, and admits
 * objects through a webhook only once the webhook's pods are ready; applying layer by layer and
 * waiting for each layer's workloads makes every install succeed without a retry loop.
 */
export enum Layer {
  CRDS = 'crds',
  NAMESPACES = 'namespaces',
  INFRASTRUCTURE = 'infrastructure',
  INFRASTRUCTURE_CONFIG = 'infrastructure-config',
  IDENTITY = 'identity',
  /** Controllers and their webhooks, databases, object storage. */
  PLATFORM_CONTROLLERS = 'platform-controllers',
  /**
   * Custom resources that the platform controllers' webhooks admit, and services that start only
   * on a migrated database (the migration Job completes in the layer before).
   */
  PLATFORM_RESOURCES = 'platform-resources',
  TENANTS = 'tenants',
}

export interface LayerInfo {
  readonly layer: Layer;
  /** Position in the install order, from 1. */
  readonly order: number;
  /** File-name stem and chart ID, e.g. `01-crds`. */
  readonly id: string;
  readonly description: string;
}

const DESCRIPTIONS: Record<Layer, string> = {
  [Layer.CRDS]: 'custom resource definitions of every component',
  [Layer.NAMESPACES]: 'namespaces with pod-security and mesh labels, their network policies',
  [Layer.INFRASTRUCTURE]: 'infrastructure controllers and their webhooks',
  [Layer.INFRASTRUCTURE_CONFIG]: 'issuers, certificates, mesh and gateway policy',
  [Layer.IDENTITY]: 'identity provider, authentication proxy, gateway authentication',
  [Layer.PLATFORM_CONTROLLERS]:
    'Kubeflow, pipelines, serving and training controllers with their webhooks, databases, object storage',
  [Layer.PLATFORM_RESOURCES]:
    'custom resources the platform webhooks admit (serving and training runtimes, platform configuration); services that start on a migrated database (MLflow)',
  [Layer.TENANTS]: 'team namespaces and what each team gets',
};

/** Every layer, in install order. */
export const LAYERS: readonly LayerInfo[] = Object.values(Layer).map((layer, i) => ({
  layer,
  order: i + 1,
  id: `${String(i + 1).padStart(2, '0')}-${layer}`,
  description: DESCRIPTIONS[layer],
}));

export function layerInfo(layer: Layer): LayerInfo {
  const info = LAYERS.find((l) => l.layer === layer);
  if (!info) throw new Error(`unknown layer ${String(layer)}`);
  return info;
}

/** Where the charts of each layer are; set by the platform in the construct context. */
export interface ILayerCharts {
  chartFor(layer: Layer): Construct;
}

/** Construct context key under which a platform publishes its layer charts. */
export const LAYERS_CONTEXT = 'mlops-blueprint:layers';

/**
 * The scope in which `component` creates objects that belong to `layer` (its CRDs, its
 * namespace-level policies). Inside an `MlopsPlatform` this is a construct in that layer's chart,
 * named after the component's path; used as a plain library in a single chart, it is the
 * component itself.
 */
export function scopeInLayer(component: IConstruct, layer: Layer): Construct {
  const charts = component.node.tryGetContext(LAYERS_CONTEXT) as ILayerCharts | undefined;
  if (!charts) return component as Construct;
  const chart = charts.chartFor(layer);
  const id = component.node.path.replace(/\//g, '-');
  return (chart.node.tryFindChild(id) as Construct | undefined) ?? new Construct(chart, id);
}
