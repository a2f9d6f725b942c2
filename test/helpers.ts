import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ILayerCharts, LAYERS, LAYERS_CONTEXT, Layer } from '../constructs/core/layers';
import { parseEnvironmentYaml } from '../stacks/config/validate';
import { EnvironmentConfig } from '../stacks/config/schema';
import { MlopsPlatform } from '../stacks/platform';
import { KubeObject, RenderedPlatform, renderPlatform } from '../stacks/render';

export type Obj = KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A synthesized manifest, read loosely: tests assert on its fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

/** Finders over one synth result. */
export class Objects {
  public constructor(public readonly all: readonly Manifest[]) {}

  /** The one object of `kind` named `name` in `namespace` (`undefined`: cluster-scoped). */
  public find(kind: string, namespace: string | undefined, name: string): Manifest {
    const found = this.all.filter(
      (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace,
    );
    if (found.length !== 1) {
      throw new Error(
        `expected one ${kind} ${namespace ?? '(cluster)'}/${name}, found ${found.length}`,
      );
    }
    return found[0];
  }

  public ofKind(kind: string): Manifest[] {
    return this.all.filter((o) => o.kind === kind);
  }

  public has(kind: string, namespace: string | undefined, name: string): boolean {
    return this.all.some(
      (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace,
    );
  }

  /** Every Deployment's pod spec. */
  public podSpecs(): { name: string; spec: Manifest }[] {
    return this.ofKind('Deployment').map((d) => ({
      name: d.metadata.name as string,
      spec: d.spec.template.spec as Manifest,
    }));
  }
}

/** The one object of `kind` named `name` (in `namespace`, if given); fails the test otherwise. */
export function findObject(
  objects: readonly KubeObject[],
  kind: string,
  namespace: string | undefined,
  name: string,
): Obj {
  const found = objects.filter(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${found.length}`);
  }
  return found[0] as Obj;
}

export function objectsOfKind(objects: readonly KubeObject[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind) as Obj[];
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

/** A chart for construct tests, with `synth()` returning its objects. */
export function testChart(): { app: App; chart: Chart; synth: () => Obj[] } {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  return { app, chart, synth: () => Testing.synth(chart) as Obj[] };
}

export const REPO_ROOT = path.resolve(__dirname, '..');

export function readEnvironment(file: string): EnvironmentConfig {
  const full = path.join(REPO_ROOT, file);
  return parseEnvironmentYaml(fs.readFileSync(full, 'utf8'), file) as EnvironmentConfig;
}

export function renderEnv(environment?: EnvironmentConfig): RenderedPlatform {
  const platform = new MlopsPlatform(new App(), 'Platform', environment ? { environment } : {});
  return renderPlatform(platform);
}

export function allObjects(rendered: RenderedPlatform): Obj[] {
  return rendered.layers.flatMap((l) => l.objects) as Obj[];
}

/** The environments every integration test runs over. */
export const ENVIRONMENTS: readonly { name: string; env?: EnvironmentConfig }[] = [
  { name: 'default (no file)' },
  { name: 'stacks/dev.yaml', env: readEnvironment('stacks/dev.yaml') },
  { name: 'stacks/prod.yaml', env: readEnvironment('stacks/prod.yaml') },
  {
    // The cluster's own cert-manager, Istio (with a revision) and OIDC provider.
    name: 'external everything',
    env: {
      ...readEnvironment('test/fixtures/config/valid/prod-external-everything.yaml'),
      objectStore: {
        type: 'minio',
        rootCredentials: { type: 'existing', secretName: 'minio-root' },
      },
    },
  },
];

/** Pod specs of every workload kind, with where they are. */
export function podSpecs(objects: readonly KubeObject[]): { owner: Obj; spec: Obj }[] {
  const out: { owner: Obj; spec: Obj }[] = [];
  for (const o of objects as Obj[]) {
    if (o.kind === 'Pod') out.push({ owner: o, spec: o.spec });
    else if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind)) {
      out.push({ owner: o, spec: o.spec.template.spec });
    } else if (o.kind === 'CronJob')
      out.push({ owner: o, spec: o.spec.jobTemplate.spec.template.spec });
  }
  return out;
}
