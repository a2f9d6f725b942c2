import { BillOfMaterials } from '../constructs/core/images';
import { LayerInfo } from '../constructs/core/layers';
import { MlopsPlatform } from './platform';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export interface RenderedLayer {
  readonly info: LayerInfo;
  readonly objects: readonly KubeObject[];
}

/** What both engines consume: the objects of each layer in install order, and the images. */
export interface RenderedPlatform {
  readonly environment: string;
  readonly layers: readonly RenderedLayer[];
  /** Every image the platform can run, sorted. */
  readonly images: readonly string[];
}

/**
 * Renders a platform to plain objects without writing anything. Construct validations run first;
 * any error stops the render with every message.
 */
export function renderPlatform(platform: MlopsPlatform): RenderedPlatform {
  const errors = platform.node
    .findAll()
    .flatMap((c) => c.node.validate().map((e) => `${c.node.path}: ${e}`));
  if (errors.length > 0) {
    throw new Error(`The construct tree is invalid:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  const layers = platform.layerCharts().map(({ info, chart }) => ({
    info,
    objects: chart.toJson() as KubeObject[],
  }));
  return {
    environment: platform.environment.name,
    layers,
    images: BillOfMaterials.of(platform).images(),
  };
}
