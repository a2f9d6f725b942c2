import * as pulumi from '@pulumi/pulumi';
import { renderEnvironment } from '../../../apps/cdk8s/synth';
import { deployPlatform, withPulumiSecrets } from '../../../apps/pulumi/program';
import { App } from 'cdk8s';
import { MlopsPlatform } from '../../../stacks/platform';
import { renderPlatform } from '../../../stacks/render';
import { ENVIRONMENTS } from '../../helpers';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'mlops-platform',
    'test',
    false,
  );
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe.each(ENVIRONMENTS.filter((e) => e.env))(
  'Pulumi deploys exactly what cdk8s writes: $name',
  ({ name, env }) => {
    test('object for object, one group per layer, each depending on the previous', async () => {
      registered.length = 0;
      const rendered = renderEnvironment(env, name);
      const groups: { name: string; dependsOn: unknown }[] = [];
      const layers = deployPlatform(rendered, () => pulumi.secret('unused'), {
        transformations: [
          (args) => {
            if (args.type === 'kubernetes:yaml:ConfigGroup')
              groups.push({ name: args.name, dependsOn: args.opts.dependsOn });
            return undefined;
          },
        ],
      });

      const nonEmpty = rendered.layers.filter((l) => l.objects.length > 0);
      expect(layers.map((l) => l.id)).toEqual(nonEmpty.map((l) => l.info.id));
      expect(groups.map((g) => g.name)).toEqual(nonEmpty.map((l) => l.info.id));
      groups.forEach((g, i) => {
        expect(g.dependsOn).toEqual(i === 0 ? undefined : [layers[i - 1].group]);
      });

      // Wait for every child resource to reach the mock engine.
      await Promise.all(layers.map((l) => output(l.group.urn)));
      await new Promise((r) => setTimeout(r, 50));
      const k8sResources = registered.filter(
        (r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:yaml:ConfigGroup',
      );
      const expected = nonEmpty.flatMap((l) => l.objects);
      expect(k8sResources).toHaveLength(expected.length);
      for (const obj of expected) {
        const match = k8sResources.find(
          (r) =>
            (r.inputs.kind as string) === obj.kind &&
            (r.inputs.metadata as { name: string; namespace?: string }).name ===
              obj.metadata.name &&
            (r.inputs.metadata as { namespace?: string }).namespace === obj.metadata.namespace,
        );
        expect(match?.inputs).toEqual(JSON.parse(JSON.stringify(obj)));
      }
    });
  },
);

describe('Pulumi secret config', () => {
  test('a Pulumi-sourced Secret gets its values from stack secret config, everything else is untouched', async () => {
    const platform = new MlopsPlatform(new App(), 'Platform', {
      environment: {
        name: 'dev',
        preset: 'dev',
        objectStore: {
          type: 'minio',
          rootCredentials: {
            type: 'pulumi',
            configKeys: { rootUser: 'minioUser', rootPassword: 'minioPassword' },
          },
        },
      },
    });
    const rendered = renderPlatform(platform);
    const objects = rendered.layers.flatMap((l) => l.objects);
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
    registered.length = 0;
    pulumi.runtime.setAllConfig({
      'mlops-platform:environment': JSON.stringify({
        name: 'dev',
        preset: 'dev',
        tenants: [{ name: 'team-x', owner: 'x@example.com' }],
      }),
    });
    let program: Record<string, pulumi.Output<unknown> | unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program = require('../../../apps/pulumi/index');
    });
    expect(program.environmentName).toBe('dev');
    expect(program.installedLayers).toEqual([
      '01-crds',
      '02-namespaces',
      '03-infrastructure',
      '04-infrastructure-config',
      '05-identity',
      '06-platform',
      '07-tenants',
    ]);
    expect(program.objectStoreEndpoint).toBe('http://minio.minio.svc.cluster.local:9000');
    await new Promise((r) => setTimeout(r, 100));
    expect(
      registered.some((r) => r.type === 'kubernetes:core/v1:Namespace' && r.name === 'team-x'),
    ).toBe(true);
  });
});
