import * as pulumi from '@pulumi/pulumi';
import { k8s } from 'cdk8s-plus-27';
import { deployPlatform } from '../../../apps/pulumi/program';
import { Layer } from '../../../constructs/core/layers';
import { synthesize } from '../../../stacks/pipeline';

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const groups = new Map<string, Record<string, unknown>>();

beforeAll(() => {
  void pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        if (type === CONFIG_GROUP) groups.set(name, inputs);
        return { id: `${name}-id`, state: inputs };
      },
      call: () => ({}),
    },
    'mlops-platform',
    'team',
    false,
  );
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

test('a tenant and a Deployment added in code reach the Pulumi program in their layers', async () => {
  const { rendered } = synthesize(undefined, {
    customize: (platform) => {
      platform.addTenant({ name: 'vision', owner: 'lead@example.com' });
      new k8s.KubeConfigMap(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Settings', {
        metadata: { name: 'labeler-settings', namespace: 'vision' },
        data: { threshold: '0.8' },
      });
    },
  });
  const layers = deployPlatform(rendered, () => pulumi.secret('unused'));
  await Promise.all(layers.map((l) => output(l.group.urn)));
  const objs = (layer: string): { kind: string; metadata: { name: string } }[] =>
    (groups.get(layer)?.objs ?? []) as { kind: string; metadata: { name: string } }[];
  expect(
    objs('08-tenants').some((o) => o.kind === 'Namespace' && o.metadata.name === 'vision'),
  ).toBe(true);
  expect(
    objs('06-platform-controllers').some(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'labeler-settings',
    ),
  ).toBe(true);
});
