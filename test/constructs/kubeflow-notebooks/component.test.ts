import { App } from 'cdk8s';
import { kubeflowNotebooksComponent } from '../../../constructs/kubeflow-notebooks';
import { podDefaultsComponent } from '../../../constructs/poddefaults';
import { MlopsPlatform } from '../../../stacks/platform';
import { renderPlatform } from '../../../stacks/render';
import { checkIntegrity } from '../../integrity';

const rendered = renderPlatform(
  new MlopsPlatform(new App(), 'Platform', {
    components: [podDefaultsComponent, kubeflowNotebooksComponent],
  }),
);
const layerOf = (kind: string, name: string): string[] =>
  rendered.layers
    .filter((l) => l.objects.some((o) => o.kind === kind && o.metadata.name === name))
    .map((l) => l.info.id);

describe('Notebooks and PodDefaults on the platform (dev preset)', () => {
  test('the CRDs install first, the workloads with the platform controllers', () => {
    expect(layerOf('CustomResourceDefinition', 'notebooks.kubeflow.org')).toEqual(['01-crds']);
    expect(layerOf('CustomResourceDefinition', 'poddefaults.kubeflow.org')).toEqual(['01-crds']);
    for (const name of [
      'notebook-controller-deployment',
      'jupyter-web-app-deployment',
      'poddefaults-webhook-deployment',
    ]) {
      expect([name, layerOf('Deployment', name)]).toEqual([name, ['06-platform-controllers']]);
    }
    expect(layerOf('Certificate', 'poddefaults-webhook-cert')).toEqual(['06-platform-controllers']);
    expect(layerOf('Namespace', 'kubeflow')).toEqual(['02-namespaces']);
  });

  test('every reference resolves: selectors, accounts, config maps, service ports, webhooks', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });
});
