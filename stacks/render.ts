import { ApiObject } from 'cdk8s';
import { BillOfMaterials } from '../constructs/core/images';
import { LayerInfo } from '../constructs/core/layers';
import {
  CrdPrerequisite,
  Prerequisites,
  SecretPrerequisite,
} from '../constructs/core/prerequisites';
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
  /** A production environment: literal credentials are policy errors, not warnings. */
  readonly production: boolean;
  readonly layers: readonly RenderedLayer[];
  /** Every image the platform can run, sorted. */
  readonly images: readonly string[];
  /** Secrets the user creates before installing. */
  readonly requiredSecrets: readonly SecretPrerequisite[];
  /** CRDs a component the cluster brings must already have installed. */
  readonly requiredCrds: readonly CrdPrerequisite[];
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
  // Each ApiObject renders itself; the layer order is the charts' order. cdk8s's Chart.toJson()
  // would re-resolve dependencies for the whole app on every call and expand each chart
  // dependency into one dependency per pair of objects, which is quadratic in the tenants layer.
  const layers = platform.layerCharts().map(({ info, chart }) => ({
    info,
    objects: chart.node
      .findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => o.toJson() as KubeObject),
  }));
  return {
    environment: platform.environment.name,
    production: platform.environment.preset === 'prod',
    layers,
    images: BillOfMaterials.of(platform).images(),
    requiredSecrets: Prerequisites.of(platform).secrets(),
    requiredCrds: Prerequisites.of(platform).crds(),
  };
}
