import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import {
  ModelRegistryStorageContainer,
  modelRegistryStorageUri,
} from '../../../constructs/model-registry';
import { Manifest, Objects } from '../../helpers';
import { HUB_FACTS } from './facts';

const F = HUB_FACTS.storageInitializer;

function synth(props: ConstructorParameters<typeof ModelRegistryStorageContainer>[2] = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  new ModelRegistryStorageContainer(chart, 'Csc', props);
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { chart, csc: objects.find('ClusterStorageContainer', undefined, F.name) };
}

describe('ModelRegistryStorageContainer', () => {
  test("upstream's defaults: image, base URL, prefix, resources", () => {
    const { chart, csc } = synth();
    expect(csc.apiVersion).toBe(F.apiVersion);
    expect(csc.spec.supportedUriFormats).toEqual([{ prefix: F.prefix }]);
    const c = csc.spec.container;
    expect(c.name).toBe('storage-initializer');
    expect(c.image).toBe(F.image);
    expect(BillOfMaterials.of(chart).images()).toContain(F.image);
    expect(c.env).toEqual([{ name: 'MODEL_REGISTRY_BASE_URL', value: F.baseUrl }]);
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '100Mi' },
      limits: { memory: '1Gi' },
    });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
  });

  test('the shared registry and another cluster domain', () => {
    const { csc } = synth({
      defaultRegistry: {
        serviceHost: 'model-registry-service.kubeflow.svc.corp.local',
        port: 8080,
      },
      clusterDomain: 'corp.local',
    });
    expect(csc.spec.container.env).toEqual([
      {
        name: 'MODEL_REGISTRY_BASE_URL',
        value: 'model-registry-service.kubeflow.svc.corp.local:8080',
      },
      { name: 'MODEL_REGISTRY_CLUSTER_DOMAIN', value: 'svc.corp.local' },
    ]);
  });
});

test('storage URIs address a tenant registry with ?namespace=', () => {
  expect(modelRegistryStorageUri('iris', 'v1', 'team-a')).toBe(
    'model-registry://iris/v1?namespace=team-a',
  );
  expect(modelRegistryStorageUri('iris')).toBe('model-registry://iris');
  expect(() => modelRegistryStorageUri('a/b', 'v1')).toThrow('cannot be a path segment');
  expect(() => modelRegistryStorageUri('iris', 'v1', 'team.a')).toThrow('namespace "team.a"');
});
