import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { outputFiles } from '../../apps/cdk8s/output';
import { overridesReport } from '../../apps/cdk8s/synth';
import {
  AnyComponent,
  Contract,
  Contracts,
  defineComponent,
} from '../../constructs/core/component';
import { CompositionError } from '../../constructs/core/composition';
import { ConfigError } from '../../constructs/core/config/problems';
import { IObjectStore } from '../../constructs/core/object-store';
import { Layer } from '../../constructs/core/layers';
import { NetworkPeer } from '../../constructs/core/network';
import { restrictedPodSecurityContext } from '../../constructs/core/security';
import { TENANT_LABEL } from '../../constructs/tenant/tenant';
import { PolicyGateError, gate, synthesize } from '../../stacks/pipeline';
import { MlopsPlatform } from '../../stacks/platform';
import { renderPlatform } from '../../stacks/render';
import { allObjects, findObject } from '../helpers';

/** An S3 store a team brings, behind the same contract as ours. */
const teamStore = defineComponent({
  key: 'object-store',
  description: "the team's own object store",
  offers: [Contracts.objectStore],
  build(ctx) {
    const store: IObjectStore = {
      implementation: 's3',
      host: 'objects.team.example.com',
      port: 443,
      secure: true,
      endpointUrl: 'https://objects.team.example.com:443',
      region: 'eu-1',
      buckets: ['team'],
      credentials: {
        secretName: 's3',
        namespace: 'kubeflow',
        accessKeyKey: 'a',
        secretKeyKey: 'b',
      },
      grantAccess: () => undefined,
      scopedCredentials: (_scope, request) => ({
        secretName: 'team-s3',
        namespace: request.namespace,
        accessKeyKey: 'a',
        secretKeyKey: 's',
      }),
    };
    ctx.offer(Contracts.objectStore, store);
  },
});

function names(platform: MlopsPlatform): string[] {
  return allObjects(renderPlatform(platform)).map(
    (o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
  );
}

describe('components are wired by contract, in dependency order', () => {
  test('the built-in components are built after the contracts they need', () => {
    const platform = new MlopsPlatform(new App(), 'Platform');
    expect(platform.components.map((c) => c.key)).toEqual([
      'cert-manager',
      'istio',
      'dex',
      'oauth2-proxy',
      'object-store',
      'kubeflow-dashboard',
      'poddefaults',
      'kubeflow-notebooks',
      'kubeflow-pipelines',
      'model-registry',
      'serving',
      'training',
      'katib',
      'tenants',
    ]);
    for (const contract of Object.values(Contracts).filter((c) => c !== Contracts.database)) {
      // Machine tokens and monitoring are off in the default environment.
      if (contract === Contracts.machineTokens || contract === Contracts.monitoring) continue;
      expect([contract.name, platform.contract(contract as Contract<unknown>)]).toEqual([
        contract.name,
        expect.anything(),
      ]);
    }
  });

  test('the order follows needs, not the list: a consumer listed first is built last', () => {
    const seen: string[] = [];
    const consumer = defineComponent({
      key: 'consumer',
      description: 'needs the store',
      needs: [Contracts.objectStore],
      build: () => void seen.push('consumer'),
    });
    const platform = new MlopsPlatform(new App(), 'Platform', { components: [consumer] });
    expect(platform.components.map((c) => c.key).indexOf('consumer')).toBeGreaterThan(
      platform.components.map((c) => c.key).indexOf('object-store'),
    );
    expect(seen).toEqual(['consumer']);
  });

  test('a team component with the key of ours replaces it behind the same contract', () => {
    const platform = new MlopsPlatform(new App(), 'Platform', { components: [teamStore] });
    expect(platform.objectStore?.host).toBe('objects.team.example.com');
    expect(names(platform).filter((n) => n.includes('/minio/'))).toEqual([]);
  });

  test('a missing contract, a contract offered twice and a cycle are errors before building', () => {
    const secrets = new Contract<string>('ISecretStore', 'a vault');
    const needsVault = defineComponent({
      key: 'needs-vault',
      description: 'x',
      needs: [secrets],
      build: () => undefined,
    });
    const secondStore = { ...teamStore, key: 'second-store' } as AnyComponent;
    const app = new App();
    expect(
      () => new MlopsPlatform(app, 'Platform', { components: [needsVault, secondStore] }),
    ).toThrow(
      new CompositionError([
        "IObjectStore is offered by both object-store and second-store. Keep one, or give the team's component the key of the one it replaces.",
        'needs-vault needs ISecretStore (a vault), which no component offers. Add a component that offers it.',
      ]),
    );

    const a = new Contract<string>('IA', 'a');
    const b = new Contract<string>('IB', 'b');
    const ca = defineComponent({
      key: 'ca',
      description: 'x',
      needs: [b],
      offers: [a],
      build: () => undefined,
    });
    const cb = defineComponent({
      key: 'cb',
      description: 'x',
      needs: [a],
      offers: [b],
      build: () => undefined,
    });
    expect(() => new MlopsPlatform(new App(), 'P', { components: [ca, cb] })).toThrow(
      /The components ca, cb need each other's contracts in a cycle/,
    );
  });

  test('a component may only use, offer and create what it declares', () => {
    const sneaky = defineComponent({
      key: 'sneaky',
      description: 'x',
      build: (ctx) => void ctx.get(Contracts.gateway),
    });
    expect(() => new MlopsPlatform(new App(), 'P', { components: [sneaky] })).toThrow(
      'sneaky uses IGateway without declaring it.',
    );
    const squatter = defineComponent({
      key: 'squatter',
      description: 'x',
      build: (ctx) => void ctx.namespace('team-space', { owner: 'x', mesh: false }),
    });
    expect(() => new MlopsPlatform(new App(), 'P', { components: [squatter] })).toThrow(
      'squatter asks for namespace team-space without declaring it.',
    );
  });

  test("a team component's settings are validated with the environment, and its namespaces are reserved", () => {
    const { z } = jest.requireActual<typeof import('zod')>('zod');
    const feature = defineComponent({
      key: 'feature-store',
      description: 'a feature store',
      config: {
        shape: () => ({
          featureStore: z
            .strictObject({ replicas: z.number().int().min(1).default(1) })
            .prefault({}),
        }),
      },
      namespaces: ['feast'],
      needs: [Contracts.mesh],
      build(ctx) {
        const ns = ctx.namespace('feast', { owner: 'feast', mesh: true });
        new k8s.KubeConfigMap(ctx.chart(Layer.PLATFORM_CONTROLLERS), 'Feast', {
          metadata: { name: 'feast', namespace: ns.name },
          data: { replicas: String(ctx.config.featureStore.replicas) },
        });
      },
    });
    const platform = new MlopsPlatform(new App(), 'P', {
      components: [feature],
      environment: { name: 'e', preset: 'dev', featureStore: { replicas: 3 } } as never,
    });
    const objects = allObjects(renderPlatform(platform));
    expect(findObject(objects, 'ConfigMap', 'feast', 'feast').data).toEqual({ replicas: '3' });
    expect(findObject(objects, 'Namespace', undefined, 'feast').metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
    });
    expect(
      () =>
        new MlopsPlatform(new App(), 'P', {
          components: [feature],
          environment: {
            name: 'e',
            preset: 'dev',
            featureStore: { replicas: 0 },
            tenants: [{ name: 'feast', owner: 'a@example.com' }],
          } as never,
        }),
    ).toThrow(ConfigError);
  });
});

describe('addComponent', () => {
  test('builds a component after the others, against the contracts offered so far', () => {
    const platform = new MlopsPlatform(new App(), 'Platform');
    let seenHost: string | undefined;
    platform.addComponent(
      defineComponent({
        key: 'reader',
        description: 'x',
        needs: [Contracts.gateway],
        build: (ctx) => void (seenHost = ctx.get(Contracts.gateway).hosts[0]),
      }),
    );
    expect(seenHost).toBe('kubeflow.localhost');
    expect(platform.components.map((c) => c.key).at(-1)).toBe('reader');
  });

  test('refuses a second component of a key, and a contract offered twice', () => {
    const platform = new MlopsPlatform(new App(), 'Platform');
    expect(() => platform.addComponent({ ...teamStore })).toThrow(
      'Component object-store is already part of the platform.',
    );
    expect(() => platform.addComponent({ ...teamStore, key: 'other-store' })).toThrow(
      'IObjectStore is offered by both a component already built and other-store.',
    );
  });
});

describe('what a team adds in code goes through the same pipeline', () => {
  function withTeamAdditions(): MlopsPlatform {
    const platform = new MlopsPlatform(new App(), 'Platform');
    platform.addTenant({ name: 'vision', owner: 'lead@example.com' });
    new k8s.KubeDeployment(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Labeler', {
      metadata: { name: 'labeler', namespace: 'vision' },
      spec: {
        selector: { matchLabels: { app: 'labeler' } },
        template: {
          metadata: { labels: { app: 'labeler' } },
          spec: {
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'labeler',
                image: 'registry.example.com/labeler:1.2.3',
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
                resources: {
                  requests: {
                    cpu: k8s.Quantity.fromString('100m'),
                    memory: k8s.Quantity.fromString('128Mi'),
                  },
                  limits: { memory: k8s.Quantity.fromString('256Mi') },
                },
              },
            ],
          },
        },
      },
    });
    return platform;
  }

  test('a tenant added in code gets the mesh labels and object-store access of a configured one', () => {
    const objects = allObjects(renderPlatform(withTeamAdditions()));
    const ns = findObject(objects, 'Namespace', undefined, 'vision');
    expect(ns.metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
      [TENANT_LABEL]: 'vision',
    });
    const allow = findObject(objects, 'NetworkPolicy', 'minio', 'allow-object-store-from-tenants');
    expect(allow.spec.ingress[0].from).toEqual([
      NetworkPeer.namespacesWithLabel(TENANT_LABEL).toPeer(),
    ]);
  });

  test('the tenant and the Deployment are in install.sh, the policy report and the bill of materials', () => {
    const rendered = renderPlatform(withTeamAdditions());
    const { policy } = gate(rendered);
    expect(policy.passed).toBe(true);
    const files = Object.fromEntries(outputFiles(rendered).map((f) => [f.name, f.content]));
    expect(files['install.sh']).toContain(
      'kc -n vision rollout status deployment/labeler --timeout="$TIMEOUT"',
    );
    expect(files['06-platform-controllers.k8s.yaml']).toContain('name: labeler');
    expect(files['08-tenants.k8s.yaml']).toMatch(
      /kind: Namespace\nmetadata:\n(.*\n)*?  name: vision/,
    );
    // The gate saw the Deployment: it reports its checks on the object (the image is not pinned by
    // digest, which is a warning, and it runs as non-root without findings of level error).
    const evaluated = [...policy.warnings, ...policy.suppressed].map((f) => f.object.name);
    expect(evaluated).toContain('labeler');
    expect(rendered.images).toContain('registry.example.com/labeler:1.2.3');
    expect(files['images.txt']).toContain('registry.example.com/labeler:1.2.3\n');
  });

  test('an unsafe object added in code stops the pipeline at the gate', () => {
    expect(() =>
      synthesize(undefined, {
        customize: (platform) => {
          new k8s.KubeDeployment(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Bad', {
            metadata: { name: 'bad', namespace: 'minio' },
            spec: {
              selector: { matchLabels: { app: 'bad' } },
              template: {
                metadata: { labels: { app: 'bad' } },
                spec: {
                  containers: [
                    { name: 'bad', image: 'nginx', securityContext: { privileged: true } },
                  ],
                },
              },
            },
          });
        },
      }),
    ).toThrow(PolicyGateError);
  });
});

describe('overrides: the escape hatch after typed settings', () => {
  const patch = {
    kind: 'Deployment',
    namespace: 'auth',
    name: 'dex',
    reason: 'Our nodes for identity services carry a taint.',
    patch: [
      {
        op: 'add' as const,
        path: '/spec/template/spec/tolerations',
        value: [{ key: 'identity', operator: 'Exists', effect: 'NoSchedule' }],
      },
    ],
  };

  test('from the environment file: applied, listed in the report, still gated', () => {
    const { rendered, policy } = synthesize({ name: 'dev', preset: 'dev', overrides: [patch] });
    const dex = findObject(allObjects(rendered), 'Deployment', 'auth', 'dex');
    expect(dex.spec.template.spec.tolerations).toEqual(patch.patch[0].value);
    expect(rendered.overrides).toEqual([
      {
        kind: 'Deployment',
        namespace: 'auth',
        name: 'dex',
        reason: patch.reason,
        operations: ['add /spec/template/spec/tolerations'],
        origin: 'environment',
      },
    ]);
    expect(policy.passed).toBe(true);
    expect(overridesReport(rendered.overrides)).toContain(
      'Deployment auth/dex (environment): add /spec/template/spec/tolerations. Reason: Our nodes for identity services carry a taint.',
    );
  });

  test('from code, and an override that breaks the rules fails the gate', () => {
    expect(() =>
      synthesize(undefined, {
        customize: (platform) =>
          platform.addOverride({
            ...patch,
            reason: 'Debugging needs root, just this once.',
            patch: [
              {
                op: 'replace',
                path: '/spec/template/spec/containers/0/securityContext/runAsNonRoot',
                value: false,
              },
              {
                op: 'add',
                path: '/spec/template/spec/containers/0/securityContext/privileged',
                value: true,
              },
            ],
          }),
      }),
    ).toThrow(PolicyGateError);
  });

  test('an override that names no object is a config error with its place', () => {
    expect(() =>
      synthesize({ name: 'dev', preset: 'dev', overrides: [{ ...patch, name: 'dexx' }] }),
    ).toThrow(
      '`overrides[0]` names no object of the platform (got Deployment auth/dexx). Check kind, namespace and name against the synthesized manifests; leave namespace out for a cluster-scoped object.',
    );
  });

  test('an override needs a reason and at least one operation', () => {
    expect(() =>
      synthesize({ name: 'dev', preset: 'dev', overrides: [{ ...patch, reason: 'x', patch: [] }] }),
    ).toThrow(
      /`overrides\[0\].reason` needs a reason of at least 10 characters.*\n.*`overrides\[0\].patch` has no operations/,
    );
  });
});
