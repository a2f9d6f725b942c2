import {
  InferenceService,
  InferenceServiceProps,
} from '../../../constructs/serving/inference-service';
import { Obj, testChart } from '../../helpers';

const BASE: InferenceServiceProps = {
  namespace: 'team-a',
  name: 'iris',
  model: { format: { name: 'sklearn' }, storageUri: 's3://mlpipeline/private/team-a/iris/' },
  serviceAccountName: 'kserve-models',
};

function build(props: Partial<InferenceServiceProps>): Obj {
  const { chart, synth } = testChart();
  new InferenceService(chart, 'Model', { ...BASE, ...props });
  const [isvc] = synth();
  return isvc;
}

function errorOf(props: Partial<InferenceServiceProps>): string {
  try {
    build(props);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('InferenceService (construct for teams)', () => {
  test('renders a v1beta1 InferenceService with the model, its keys and plain quantities', () => {
    const isvc = build({});
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.metadata.annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Knative',
      'serving.kserve.io/enable-prometheus-scraping': 'true',
    });
    expect(isvc.spec.predictor).toEqual({
      serviceAccountName: 'kserve-models',
      minReplicas: 1,
      maxReplicas: 1,
      model: {
        modelFormat: { name: 'sklearn' },
        storageUri: 's3://mlpipeline/private/team-a/iris/',
        resources: {
          requests: { cpu: '100m', memory: '256Mi' },
          limits: { cpu: '1', memory: '1Gi' },
        },
      },
    });
  });

  test('Standard mode uses the HPA and KServe 0.18 name of the mode', () => {
    const isvc = build({ deploymentMode: 'RawDeployment', scaleMetric: 'cpu', scaleTarget: 70 });
    expect(isvc.metadata.annotations).toMatchObject({
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': 'hpa',
    });
    expect(isvc.spec.predictor).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 70 });
  });

  test('every invalid combination is reported at once, with the prop and a fix', () => {
    const message = errorOf({
      name: 'Iris',
      deploymentMode: 'Standard',
      replicas: { min: 0, max: 2 },
      scaleMetric: 'rps',
      model: { ...BASE.model, runtime: 'kserve-xgbserver' },
      canary: { storageUri: 's3://mlpipeline/private/team-a/iris-2/', trafficPercent: 10 },
      transformer: { image: 'example/features:latest' },
    });
    expect(message).toMatch(/^InferenceService team-a\/Iris: \n- /);
    for (const path of [
      '`name`',
      '`model.runtime` does not serve model format sklearn',
      '`transformer.image`',
      '`replicas.min` scales to zero',
      '`scaleMetric`',
      '`canary` needs a previous revision',
    ]) {
      expect(message).toContain(path);
    }
  });

  test('a canary splits traffic with the running version', () => {
    const isvc = build({
      canary: { storageUri: 's3://mlpipeline/private/team-a/iris-2/', trafficPercent: 20 },
    });
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(20);
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://mlpipeline/private/team-a/iris-2/');
    expect(
      errorOf({ canary: { storageUri: BASE.model.storageUri, trafficPercent: 20 } }),
    ).toContain('no previous revision');
  });
});
