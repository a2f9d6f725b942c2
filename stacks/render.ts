import { ApiObject } from 'cdk8s';
import { ReadinessCheck, UpgradeStep } from '../constructs/core/component';
import { ComponentVersion } from '../constructs/core/release-set';
import { BillOfMaterials } from '../constructs/core/images';
import { LayerInfo } from '../constructs/core/layers';
import {
  CrdPrerequisite,
  MeshProviderPrerequisite,
  NamespacePrerequisite,
  Prerequisites,
  SecretPrerequisite,
} from '../constructs/core/prerequisites';
import { AppliedOverride, MlopsPlatform } from './platform';
import { withLifecycleAnnotations } from './protection';

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
  /** Namespaces of components the cluster brings, which must exist. */
  readonly requiredNamespaces: readonly NamespacePrerequisite[];
  /** Secrets the user creates before installing. */
  readonly requiredSecrets: readonly SecretPrerequisite[];
  /** CRDs a component the cluster brings must already have installed. */
  readonly requiredCrds: readonly CrdPrerequisite[];
  /** Ext-authz providers the mesh config of an external Istio must contain. */
  readonly requiredMeshProviders: readonly MeshProviderPrerequisite[];
  /** Custom resource kinds the install waits for, as the components declare them. */
  readonly readiness: readonly ReadinessCheck[];
  /** The overrides applied, from the environment file and from code. */
  readonly overrides: readonly AppliedOverride[];
  /** The upstream versions the platform deploys, against the release set. */
  readonly versions: readonly ComponentVersion[];
  /** Upgrade steps per component, with the version each component deploys now. */
  readonly upgrades: readonly ComponentUpgrades[];
  /** The object store's first bucket (tenants' prefixes live there), when there is a store. */
  readonly objectStoreBucket?: string;
}

/** A component's upgrade steps and the version it deploys, as `install.sh` records it. */
export interface ComponentUpgrades {
  readonly component: string;
  readonly version: string;
  readonly steps: readonly UpgradeStep[];
}

/**
 * Renders a platform to plain objects without writing anything: overrides first, then construct
 * validations (any error stops the render with every message), then each layer's objects.
 */
export function renderPlatform(platform: MlopsPlatform): RenderedPlatform {
  const overrides = platform.applyOverrides();
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
      .map((o) => withLifecycleAnnotations(o.toJson() as KubeObject)),
  }));
  const images = new Set(BillOfMaterials.of(platform).images());
  for (const l of layers) for (const o of l.objects) podImages(o).forEach((i) => images.add(i));
  return {
    environment: platform.environment.name,
    production: platform.environment.preset === 'prod',
    layers,
    images: [...images].sort(),
    requiredNamespaces: Prerequisites.of(platform).namespaces(),
    requiredSecrets: Prerequisites.of(platform).secrets(),
    requiredCrds: Prerequisites.of(platform).crds(),
    requiredMeshProviders: Prerequisites.of(platform).meshProviders(),
    readiness: platform.components.flatMap((c) => c.readiness ?? []),
    overrides,
    versions: platform.versions(),
    upgrades: platform.upgrades(),
    ...(platform.objectStore?.buckets[0]
      ? { objectStoreBucket: platform.objectStore.buckets[0] }
      : {}),
  };
}

interface PodSpecLike {
  readonly containers?: readonly { readonly image?: string }[];
  readonly initContainers?: readonly { readonly image?: string }[];
}

/**
 * Images in an object's pod template. Components record theirs (also those named only in flags
 * and config) as they resolve them; this adds what a team put into the layer charts directly.
 */
function podImages(o: KubeObject): string[] {
  const spec = o.spec as
    | {
        template?: { spec?: PodSpecLike };
        jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } };
      }
    | undefined;
  const pod: PodSpecLike | undefined =
    o.kind === 'Pod'
      ? (o.spec as PodSpecLike | undefined)
      : o.kind === 'CronJob'
        ? spec?.jobTemplate?.spec?.template?.spec
        : spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]
    .map((c) => c.image)
    .filter((i): i is string => typeof i === 'string');
}
