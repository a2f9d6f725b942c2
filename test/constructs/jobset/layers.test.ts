import { Testing } from 'cdk8s';
import { LAYERS, Layer } from '../../../constructs/core/layers';
import { JOBSET_API, JobSet, jobSetSelectorUpgrade } from '../../../constructs/jobset';
import { KubeObject, RenderedPlatform } from '../../../stacks/render';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { LayeredApp } from '../../helpers';
import { checkIntegrity } from '../../integrity';
import { NS } from './helpers';

const platform = new LayeredApp();
const jobSet = new JobSet(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'JobSet', {
  namespace: new FakeNamespace(NS),
  issuer: CLUSTER_ISSUER,
});
const layers = LAYERS.map((info) => ({
  info,
  objects: Testing.synth(platform.chartFor(info.layer)) as KubeObject[],
}));
const kindsIn = (layer: Layer) =>
  layers.find((l) => l.info.layer === layer)?.objects.map((o) => o.kind) ?? [];

describe('JobSet in the install layers', () => {
  test('the CRD installs with the CRDs; everything else with the platform controllers', () => {
    expect(kindsIn(Layer.CRDS)).toEqual(['CustomResourceDefinition']);
    expect(kindsIn(Layer.PLATFORM_CONTROLLERS)).not.toContain('CustomResourceDefinition');
    expect(kindsIn(Layer.PLATFORM_CONTROLLERS)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'Service',
        'Certificate',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
      ]),
    );
    expect(jobSet.crds?.jobSets.apiVersion).toBe(JOBSET_API.apiVersion);
  });

  test('the objects hold together: selectors, service accounts, volumes, webhook ports', () => {
    const rendered: RenderedPlatform = {
      environment: 'test',
      production: true,
      layers,
      images: [],
      requiredNamespaces: [{ name: NS, purpose: 'the JobSet manager' }],
      requiredSecrets: [],
      requiredCrds: [
        {
          name: 'certificates.cert-manager.io',
          group: 'cert-manager.io',
          kind: 'Certificate',
          purpose: 'serving certificates',
        },
      ],
      requiredMeshProviders: [],
      readiness: [],
      overrides: [],
      versions: [],
      upgrades: [{ component: 'jobset', version: 'v0.11.0', steps: [jobSetSelectorUpgrade(NS)] }],
    };
    expect(checkIntegrity(rendered)).toEqual([]);
  });
});
