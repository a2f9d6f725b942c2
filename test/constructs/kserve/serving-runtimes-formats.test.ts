import {
  KSERVE_MODEL_FORMATS,
  KSERVE_RUNTIME_PROTOCOL_VERSIONS,
  isKnownModelFormat,
  modelRuntimeProblems,
  modelFormatVersions,
  runtimeProtocolVersions,
  runtimeSupports,
  runtimesServing,
} from '../../../constructs/kserve/serving-runtimes';
import { RUNTIME_FACTS } from './serving-runtimes-facts';

describe('model formats', () => {
  test('the formats the release serves', () => {
    expect(KSERVE_MODEL_FORMATS).toEqual([
      'huggingface',
      'lightgbm',
      'mlflow',
      'onnx',
      'paddle',
      'pmml',
      'pytorch',
      'sklearn',
      'tensorflow',
      'tensorrt',
      'triton',
      'xgboost',
    ]);
    expect(isKnownModelFormat('sklearn')).toBe(true);
    expect(isKnownModelFormat('SKLearn')).toBe(false);
    expect(isKnownModelFormat('openvino')).toBe(false);
  });

  test('versions per format', () => {
    expect(modelFormatVersions('sklearn')).toEqual(['0', '1']);
    expect(modelFormatVersions('lightgbm')).toEqual(['3', '4']);
    expect(modelFormatVersions('tensorflow')).toEqual(['1', '2']);
    expect(modelFormatVersions('unknown')).toEqual([]);
  });

  test('protocol versions per runtime, as upstream states them', () => {
    for (const [name, fact] of Object.entries(RUNTIME_FACTS)) {
      expect(
        KSERVE_RUNTIME_PROTOCOL_VERSIONS[name as keyof typeof KSERVE_RUNTIME_PROTOCOL_VERSIONS],
      ).toEqual(fact.protocols);
    }
    expect(runtimeProtocolVersions('kserve-mlserver')).toEqual(['v2']);
    expect(runtimeProtocolVersions('kserve-tensorflow-serving')).toEqual(['v1', 'grpc-v1']);
  });
});

describe('runtimeSupports (a runtime named by the InferenceService)', () => {
  test.each([
    ['kserve-sklearnserver', 'sklearn', undefined, true],
    ['kserve-sklearnserver', 'sklearn', '1', true],
    ['kserve-sklearnserver', 'sklearn', '0', false],
    ['kserve-sklearnserver', 'xgboost', undefined, false],
    ['kserve-mlserver', 'sklearn', '0', true],
    ['kserve-mlserver', 'mlflow', '2', true],
    // autoSelect does not matter for a named runtime
    ['kserve-tritonserver', 'pytorch', '1', true],
    ['kserve-predictiveserver', 'lightgbm', '4', true],
    ['kserve-predictiveserver', 'lightgbm', '3', false],
    ['kserve-torchserve', 'pytorch', '2', false],
    ['kserve-huggingfaceserver', 'huggingface', undefined, true],
    ['kserve-openvino', 'onnx', undefined, false],
    ['kserve-sklearnserver', 'SKLearn', undefined, false],
  ] as const)('%s serves %s version %s: %s', (rt, format, version, expected) => {
    expect(runtimeSupports(rt, format, version)).toBe(expected);
  });
});

describe('runtimesServing (auto-selection for a model without a runtime)', () => {
  test('highest priority first; autoSelect false is never chosen', () => {
    expect(runtimesServing('sklearn')).toEqual(['kserve-mlserver', 'kserve-sklearnserver']);
    expect(runtimesServing('xgboost', '2')).toEqual(['kserve-mlserver', 'kserve-xgbserver']);
    expect(runtimesServing('xgboost', '1')).toEqual(['kserve-mlserver']);
    expect(runtimesServing('tensorflow')).toEqual([
      'kserve-tensorflow-serving',
      'kserve-tritonserver',
    ]);
    expect(runtimesServing('pytorch')).toEqual(['kserve-torchserve']);
    expect(runtimesServing('onnx')).toEqual(['kserve-tritonserver']);
    expect(runtimesServing('openvino')).toEqual([]);
  });

  test('the model protocol filters runtimes', () => {
    // The default protocol v1: MLServer speaks only v2.
    expect(runtimesServing('sklearn', '1', { protocolVersion: 'v1' })).toEqual([
      'kserve-sklearnserver',
    ]);
    expect(runtimesServing('mlflow', undefined, { protocolVersion: 'v1' })).toEqual([]);
    expect(runtimesServing('tensorflow', '2', { protocolVersion: 'grpc-v2' })).toEqual([
      'kserve-tritonserver',
    ]);
  });

  test('multi-node runtimes only for a model with a workerSpec', () => {
    expect(runtimesServing('huggingface')).toEqual([
      'kserve-huggingfaceserver-multinode',
      'kserve-huggingfaceserver',
    ]);
    expect(runtimesServing('huggingface', '1', { multiNode: false })).toEqual([
      'kserve-huggingfaceserver',
    ]);
    expect(runtimesServing('huggingface', '1', { multiNode: true })).toEqual([
      'kserve-huggingfaceserver-multinode',
    ]);
  });

  test('only installed runtimes', () => {
    expect(runtimesServing('sklearn', undefined, { installed: ['kserve-sklearnserver'] })).toEqual([
      'kserve-sklearnserver',
    ]);
    expect(runtimesServing('sklearn', undefined, { installed: [] })).toEqual([]);
  });
});

describe('modelRuntimeProblems (config validation with a path)', () => {
  const at = 'tenants[0].models[0]';

  test('a model KServe serves has no problem', () => {
    expect(modelRuntimeProblems(at, { modelFormat: { name: 'sklearn' } })).toEqual([]);
    expect(
      modelRuntimeProblems(at, {
        modelFormat: { name: 'pytorch', version: '1' },
        runtime: 'kserve-tritonserver',
      }),
    ).toEqual([]);
    // Protocol v1 is the default, but a named runtime is checked only against a stated protocol.
    expect(
      modelRuntimeProblems(at, { modelFormat: { name: 'mlflow' }, runtime: 'kserve-mlserver' }),
    ).toEqual([]);
  });

  test('a runtime that does not serve the format', () => {
    expect(
      modelRuntimeProblems(at, {
        modelFormat: { name: 'sklearn', version: '0' },
        runtime: 'kserve-xgbserver',
      }),
    ).toEqual([
      '`tenants[0].models[0].runtime` does not serve model format "sklearn" version "0" (got "kserve-xgbserver"). Use a runtime that serves it: "kserve-mlserver".',
    ]);
  });

  test('an unknown format', () => {
    expect(modelRuntimeProblems(at, { modelFormat: { name: 'SKLearn' } })).toEqual([
      '`tenants[0].models[0].modelFormat.name` is not a model format any KServe runtime serves (got "SKLearn"). Use one of "huggingface", "lightgbm", "mlflow", "onnx", "paddle", "pmml", "pytorch", "sklearn", "tensorflow", "tensorrt", "triton", "xgboost" (names are case-sensitive).',
    ]);
  });

  test('a runtime that is not installed', () => {
    expect(
      modelRuntimeProblems(at, { modelFormat: { name: 'sklearn' }, runtime: 'kserve-mlserver' }, [
        'kserve-sklearnserver',
      ]),
    ).toEqual([
      '`tenants[0].models[0].runtime` is not an installed ClusterServingRuntime (got "kserve-mlserver"). Use one of "kserve-sklearnserver", or install it.',
    ]);
  });

  test('a stated protocol the named runtime does not speak', () => {
    expect(
      modelRuntimeProblems(at, {
        modelFormat: { name: 'sklearn' },
        runtime: 'kserve-mlserver',
        protocolVersion: 'v1',
      }),
    ).toEqual([
      '`tenants[0].models[0].protocolVersion` is not a protocol runtime "kserve-mlserver" speaks (got "v1"). Use one of "v2".',
    ]);
  });

  test('no runtime auto-selected', () => {
    // mlflow is served only by MLServer, which speaks v2: the default v1 selects nothing.
    expect(modelRuntimeProblems(at, { modelFormat: { name: 'mlflow', version: '2' } })).toEqual([
      '`tenants[0].models[0].modelFormat` has no installed runtime that KServe selects automatically for protocol v1 (got model format "mlflow" version "2"). Name one of "kserve-mlserver" in `tenants[0].models[0].runtime` and set `tenants[0].models[0].protocolVersion` to a protocol it speaks.',
    ]);
    expect(
      modelRuntimeProblems(at, { modelFormat: { name: 'onnx' } }, ['kserve-sklearnserver']),
    ).toEqual([
      '`tenants[0].models[0].modelFormat` has no installed runtime that KServe selects automatically for protocol v1 (got model format "onnx"). Install a runtime that serves it ("kserve-tritonserver"), or change the format.',
    ]);
  });
});
