import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { outputFiles } from '../../../apps/cdk8s/output';
import { renderEnvironment } from '../../../apps/cdk8s/synth';
import {
  DeployedLayer,
  LAYER_TYPE,
  PULUMI_WAIT_FOR,
  PlatformLayer,
  SecretConfigReader,
  deployPlatform,
  withPulumiSecrets,
} from '../../../apps/pulumi/program';
import { Layer, layerInfo } from '../../../constructs/core/layers';
import { PULUMI_SECRET_ANNOTATION } from '../../../constructs/core/secrets';
import { EnvironmentConfig } from '../../../stacks/config/schema';
import { MlopsPlatform } from '../../../stacks/platform';
import { KubeObject, RenderedPlatform, renderPlatform } from '../../../stacks/render';
import { ENVIRONMENTS } from '../../helpers';

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

/** The objects without the Pulumi-only readiness annotation (tested on its own below). */
function withoutPulumiAwait(objs: unknown): unknown {
  return (objs as KubeObject[]).map((o) => {
    if (!o.metadata.annotations || !(PULUMI_WAIT_FOR in o.metadata.annotations)) return o;
    const annotations = Object.fromEntries(
      Object.entries(o.metadata.annotations).filter(([k]) => k !== PULUMI_WAIT_FOR),
    );
    const metadata = Object.fromEntries(
      Object.entries(o.metadata).filter(([k]) => k !== 'annotations'),
    );
    return {
      ...o,
      metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata,
    };
  });
}

/**
 * What the engine receives: the mock monitor is wrapped so that each registration's parent and
 * dependency URNs (after the SDK has expanded `dependsOn`) and each component's registered outputs
 * are recorded, in the order the SDK sends them.
 */
interface Registration {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependencies: readonly string[];
  readonly custom: boolean;
  readonly remote: boolean;
  readonly providers: Record<string, string>;
  readonly inputs: Record<string, unknown>;
  urn?: string;
}
const registrations: Registration[] = [];
const registeredOutputs = new Map<string, Record<string, unknown>>();

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getCustom(): boolean;
  getRemote(): boolean;
  getProvidersMap(): { toObject(): [string, string][] };
  getObject(): unknown;
}
interface RegisterResourceOutputsRequest {
  getUrn(): string;
  getOutputs(): unknown;
}
type Callback = (err: unknown, response?: { getUrn(): string }) => void;
interface MonitorSpy {
  registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: Callback): void;
}

function deserialize(struct: unknown): Record<string, unknown> {
  return pulumi.runtime.deserializeProperties(
    struct as Parameters<typeof pulumi.runtime.deserializeProperties>[0],
  ) as Record<string, unknown>;
}

beforeAll(() => {
  void pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => ({
        id: `${name}-id`,
        // The Kubernetes provider answers a ConfigGroup with the resources it created.
        state: type === CONFIG_GROUP ? { ...inputs, resources: [`${name}-resources`] } : inputs,
      }),
      call: () => ({}),
    },
    'mlops-platform',
    'test',
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorSpy;
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const registration: Registration = {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      custom: req.getCustom(),
      remote: req.getRemote(),
      providers: Object.fromEntries(req.getProvidersMap().toObject()),
      inputs: deserialize(req.getObject()),
    };
    registrations.push(registration);
    return registerResource(req, (err, response) => {
      if (response) registration.urn = response.getUrn();
      callback(err, response);
    });
  };
  const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    registeredOutputs.set(req.getUrn(), deserialize(req.getOutputs()));
    registerResourceOutputs(req, callback);
  };
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** Deploys against the mocks and waits until every layer has registered its outputs. */
async function deploy(
  rendered: RenderedPlatform,
  readSecret: SecretConfigReader = () => pulumi.secret('unused'),
  opts?: pulumi.ComponentResourceOptions,
): Promise<DeployedLayer[]> {
  registrations.length = 0;
  registeredOutputs.clear();
  const layers = deployPlatform(rendered, readSecret, opts);
  const urns = await Promise.all(layers.map((l) => output(l.component.urn)));
  await until(() => urns.every((u) => registeredOutputs.has(u)), 'the layer outputs');
  return layers;
}

function registered(type: string, name: string): Registration {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
}

/** A property the mocks saw, with its secretness: the SDK marks a whole input secret. */
function unwrap(value: unknown): { secret: boolean; value: unknown } {
  const v = value as Record<string, unknown>;
  return v?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
    ? { secret: true, value: v.value }
    : { secret: false, value };
}

/** The platform as `pulumi up` builds it; `undefined`: the default environment. */
function renderForPulumi(environment: EnvironmentConfig | undefined): RenderedPlatform {
  return renderPlatform(
    new MlopsPlatform(new App(), 'Platform', {
      environment,
      source: 'Pulumi stack test (config mlops-platform:environment)',
    }),
  );
}

describe.each(ENVIRONMENTS)('Pulumi deploys exactly what cdk8s writes: $name', ({ name, env }) => {
  let layers: DeployedLayer[];
  let ids: string[];
  let manifests: Map<string, unknown[]>;

  beforeAll(async () => {
    // What `cdk8s synth` writes: one manifest per non-empty layer, in install order.
    manifests = new Map(
      outputFiles(renderEnvironment(env, name))
        .filter((f) => f.name.endsWith('.k8s.yaml'))
        .map((f) => [f.name.replace(/\.k8s\.yaml$/, ''), loadAll(f.content)]),
    );
    ids = [...manifests.keys()];
    layers = await deploy(renderForPulumi(env));
  });

  test('one Layer component per non-empty layer, in install order', () => {
    expect(ids.length).toBeGreaterThan(2);
    // The first layer with objects: the CRDs (Kubeflow's, even when the cluster brings the rest).
    expect(ids[0]).toBe('01-crds');
    expect(layers.map((l) => l.id)).toEqual(ids);
    layers.forEach((l) => {
      expect(l.component).toBeInstanceOf(PlatformLayer);
      expect(l.component.layerId).toBe(l.id);
      expect(l.group).toBe(l.component.group);
    });
    const components = registrations.filter((r) => r.type === LAYER_TYPE);
    expect(components.map((r) => r.name)).toEqual(ids);
    components.forEach((r) => expect(r.custom || r.remote).toBe(false));
  });

  test("each layer's ConfigGroup is the layer component's child, a provider-side component", () => {
    for (const id of ids) {
      const group = registered(CONFIG_GROUP, id);
      expect(group.parent).toBe(registered(LAYER_TYPE, id).urn);
      expect(group.remote).toBe(true);
      expect(group.custom).toBe(false);
      expect(group.dependencies).toEqual([]);
      expect(group.urn).toBe(
        `urn:pulumi:test::mlops-platform::${LAYER_TYPE}$${CONFIG_GROUP}::${id}`,
      );
    }
  });

  test("each layer depends on the previous layer's ConfigGroup and registers only after it", () => {
    ids.forEach((id, i) => {
      expect(registered(LAYER_TYPE, id).dependencies).toEqual(
        i === 0 ? [] : [registered(CONFIG_GROUP, ids[i - 1]).urn],
      );
    });
    // The SDK sends a layer only once the previous group has been created: strictly interleaved.
    expect(
      registrations
        .filter((r) => r.type === LAYER_TYPE || r.type === CONFIG_GROUP)
        .map((r) => `${r.type === LAYER_TYPE ? 'layer' : 'group'} ${r.name}`),
    ).toEqual(ids.flatMap((id) => [`layer ${id}`, `group ${id}`]));
  });

  test('each layer hands Pulumi exactly the objects of its cdk8s manifest', () => {
    for (const id of ids) {
      const objs = unwrap(registered(CONFIG_GROUP, id).inputs.objs);
      expect(objs.secret).toBe(false);
      expect(withoutPulumiAwait(objs.value)).toEqual(manifests.get(id));
    }
    const total = [...manifests.values()].reduce((n, m) => n + m.length, 0);
    expect(total).toBeGreaterThan(ids.length);
  });

  test('Pulumi waits for what install.sh waits for: issuers and certificates Ready, injected CAs', () => {
    const all = ids.flatMap(
      (id) => unwrap(registered(CONFIG_GROUP, id).inputs.objs).value as KubeObject[],
    );
    // cert-manager's kinds (Knative has a Certificate kind of its own, which nothing waits for)
    const waits = (kind: string): (string | undefined)[] =>
      all
        .filter((o) => o.kind === kind && o.apiVersion.startsWith('cert-manager.io/'))
        .map((o) => o.metadata.annotations?.[PULUMI_WAIT_FOR]);
    // With the cluster's own cert-manager and Istio, the issuers are still ours: the in-cluster CA
    // of Kubeflow's webhooks.
    expect(waits('ClusterIssuer').length > 0).toBe(true);
    expect(new Set([...waits('ClusterIssuer'), ...waits('Certificate')])).toEqual(
      new Set(['condition=Ready']),
    );
    // Webhooks whose CA a controller injects are awaited until it is there; Deployments are left
    // to the provider's own await logic.
    const hooks = all.filter((o) => o.kind === 'ValidatingWebhookConfiguration');
    expect(hooks.length > 0).toBe(true);
    for (const h of hooks) {
      expect(h.metadata.annotations?.[PULUMI_WAIT_FOR]).toBe(
        'jsonpath={.webhooks[0].clientConfig.caBundle}',
      );
    }
    expect(waits('Deployment').every((w) => w === undefined)).toBe(true);
  });

  test("each layer registers its group's resources as its outputs", async () => {
    for (const l of layers) {
      const urn = registered(LAYER_TYPE, l.id).urn ?? '';
      expect(registeredOutputs.get(urn)).toEqual({ resources: [`${l.id}-resources`] });
      expect(await output(l.component.resources)).toEqual([`${l.id}-resources`]);
    }
  });
});

describe('options for every layer', () => {
  test("a provider reaches every layer's group; the caller's dependsOn holds the first layer", async () => {
    const provider = new k8s.Provider('cluster', { context: 'kind-mlops' });
    const clusterReady = new k8s.core.v1.ConfigMap('cluster-ready', {
      metadata: { name: 'ready' },
    });
    const rendered = renderForPulumi(undefined);
    const [providerUrn, readyUrn] = await Promise.all([
      output(provider.urn),
      output(clusterReady.urn),
    ]);
    const layers = await deploy(rendered, undefined, { provider, dependsOn: [clusterReady] });
    expect(registered(LAYER_TYPE, layers[0].id).dependencies).toEqual([readyUrn]);
    expect(registered(LAYER_TYPE, layers[1].id).dependencies).toEqual([
      registered(CONFIG_GROUP, layers[0].id).urn,
    ]);
    for (const l of layers) {
      expect(registered(CONFIG_GROUP, l.id).providers).toEqual({
        kubernetes: `${providerUrn}::cluster-id`,
      });
    }
  });
});

describe('Pulumi secret config', () => {
  const environment: EnvironmentConfig = {
    name: 'dev',
    preset: 'dev',
    objectStore: {
      type: 'minio',
      rootCredentials: {
        type: 'pulumi',
        configKeys: { rootUser: 'minioUser', rootPassword: 'minioPassword' },
      },
    },
  };

  function pulumiSourced(rendered: RenderedPlatform): { layer: string; secret: KubeObject }[] {
    return rendered.layers.flatMap((l) =>
      l.objects
        .filter((o) => o.kind === 'Secret' && o.metadata.annotations?.[PULUMI_SECRET_ANNOTATION])
        .map((secret) => ({ layer: l.info.id, secret })),
    );
  }

  test('withPulumiSecrets fills a Pulumi-sourced Secret from stack secret config only', async () => {
    const objects = renderForPulumi(environment).layers.flatMap((l) => l.objects);
    const secret = objects.find((o) => o.kind === 'Secret');
    if (!secret) throw new Error('no Secret rendered');
    const asked: string[] = [];
    const filled = withPulumiSecrets(secret, (k) => {
      asked.push(k);
      return pulumi.secret(`value-of-${k}`);
    });
    expect(asked).toEqual(['minioUser', 'minioPassword']);
    const stringData = filled.stringData as Record<string, pulumi.Output<string>>;
    expect(await output(stringData.rootPassword)).toBe('value-of-minioPassword');
    expect(await pulumi.isSecret(stringData.rootPassword)).toBe(true);
    const other = objects.find((o) => o.kind === 'StatefulSet');
    if (!other) throw new Error('no StatefulSet rendered');
    expect(withPulumiSecrets(other, () => pulumi.secret('x'))).toBe(other);
  });

  test('the layer holding it hands Pulumi the values as secrets, every other layer is plain', async () => {
    const rendered = renderForPulumi(environment);
    const sourced = pulumiSourced(rendered);
    expect(sourced).toHaveLength(1);
    const [{ layer, secret }] = sourced;
    expect(secret.stringData).toBeUndefined();

    const asked: string[] = [];
    const layers = await deploy(rendered, (k) => {
      asked.push(k);
      return pulumi.secret(`value-of-${k}`);
    });
    expect(asked).toEqual(['minioUser', 'minioPassword']);
    expect(layers.map((l) => l.id)).toContain(layer);

    for (const l of rendered.layers.filter((x) => x.objects.length > 0)) {
      const objs = unwrap(registered(CONFIG_GROUP, l.info.id).inputs.objs);
      expect(objs.secret).toBe(l.info.id === layer);
      const expected = l.objects.map((o) =>
        o === secret
          ? {
              ...o,
              stringData: {
                rootUser: 'value-of-minioUser',
                rootPassword: 'value-of-minioPassword',
              },
            }
          : o,
      );
      expect(withoutPulumiAwait(objs.value)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  test('the Pulumi program validates stack config with the same schema', () => {
    expect(
      () =>
        new MlopsPlatform(new App(), 'Platform', {
          environment: { name: 'x', preset: 'prod' },
          source: 'Pulumi stack prod (config mlops-platform:environment)',
        }),
    ).toThrow(
      /^Pulumi stack prod \(config mlops-platform:environment\) is not a valid environment \(4 problems\)/,
    );
  });
});

describe('the Pulumi program (apps/pulumi/index.ts)', () => {
  test('reads the environment from stack config and deploys its layers', async () => {
    const environment = {
      name: 'dev',
      preset: 'dev',
      tenants: [{ name: 'team-x', owner: 'x@example.com' }],
    };
    const expected = outputFiles(renderEnvironment(environment, 'the same environment'))
      .filter((f) => f.name.endsWith('.k8s.yaml'))
      .map((f) => f.name.replace(/\.k8s\.yaml$/, ''));
    const tenantsLayer = layerInfo(Layer.TENANTS).id;
    expect(expected.slice(0, 2)).toEqual(['01-crds', '02-namespaces']);
    expect(expected[expected.length - 1]).toBe(tenantsLayer);

    registrations.length = 0;
    pulumi.runtime.setAllConfig({ 'mlops-platform:environment': JSON.stringify(environment) });
    let program: Record<string, pulumi.Output<unknown> | unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program = require('../../../apps/pulumi/index');
    });
    expect(program.environmentName).toBe('dev');
    expect(program.installedLayers).toEqual(expected);
    expect(program.objectStoreEndpoint).toBe('http://minio.minio.svc.cluster.local:9000');
    await until(
      () =>
        expected.every((id) => registrations.some((r) => r.type === CONFIG_GROUP && r.name === id)),
      'the layer groups',
    );
    expect(registrations.filter((r) => r.type === LAYER_TYPE).map((r) => r.name)).toEqual(expected);
    const tenants = unwrap(registered(CONFIG_GROUP, tenantsLayer).inputs.objs)
      .value as KubeObject[];
    expect(tenants.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([
      'team-x',
    ]);
  });
});
