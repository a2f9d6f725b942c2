import { App } from 'cdk8s';
import { releaseSetDrift } from '../../constructs/core/release-set';
import { MlopsPlatform } from '../../stacks/platform';
import { readEnvironment } from '../helpers';

describe.each(['stacks/dev.yaml', 'stacks/prod.yaml'])('%s follows the release set', (file) => {
  test('no component drifts without a reasoned exception', () => {
    const platform = new MlopsPlatform(new App(), 'Platform', {
      environment: readEnvironment(file),
    });
    const versions = platform.versions();
    expect(versions.map((v) => ('project' in v ? v.project : v.name)).sort()).toEqual([
      'argo-workflows',
      'cert-manager',
      // the central dashboard with profiles and KFAM, and the PodDefaults webhook
      'dashboard',
      'dashboard',
      'dex',
      // Kubeflow Hub: the model registry, its UI and catalog
      'hub',
      'istio',
      'jobset',
      'katib',
      // model serving: Knative (Serverless mode), KServe and its models web app
      'knative-serving',
      'kserve',
      'minio',
      'models-web-app',
      // the managed pipelines database: MySQL 8.4 with a pinned patch release
      'mysql',
      'notebooks',
      'oauth2-proxy',
      'pipelines',
      'trainer',
    ]);
    expect(versions.map(releaseSetDrift).filter(Boolean)).toEqual([]);
  });
});
