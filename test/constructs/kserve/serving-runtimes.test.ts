import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  ClusterServingRuntimes,
  ClusterServingRuntimesProps,
  KSERVE_RUNTIME_NAMES,
  servingRuntimeImages,
} from '../../../constructs/kserve/serving-runtimes';
import { imageReference } from '../../../constructs/core/images';
import { Manifest, Objects } from '../../helpers';
import { RUNTIME_FACTS, fullImage } from './serving-runtimes-facts';

function build(props?: ClusterServingRuntimesProps, context: Record<string, unknown> = {}) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const runtimes = new ClusterServingRuntimes(chart, 'Runtimes', props);
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { chart, runtimes, objects };
}

const runtime = (objects: Objects, name: string): Manifest =>
  objects.find('ClusterServingRuntime', undefined, name);

const envMap = (c: Manifest): Record<string, string> =>
  Object.fromEntries(
    ((c.env ?? []) as Manifest[]).filter((e) => 'value' in e).map((e) => [e.name, e.value]),
  );

describe('ClusterServingRuntimes with defaults', () => {
  const { objects, runtimes } = build();

  test('installs the twelve runtimes of KServe v0.18.0 as Kubeflow 26.03.1 does', () => {
    const names = objects
      .ofKind('ClusterServingRuntime')
      .map((o) => o.metadata.name as string)
      .sort();
    expect(names).toEqual(Object.keys(RUNTIME_FACTS).sort());
    expect(names).not.toContain('kserve-openvino');
    expect(runtimes.runtimeNames).toEqual(KSERVE_RUNTIME_NAMES);
    for (const o of objects.ofKind('ClusterServingRuntime')) {
      expect(o.apiVersion).toBe('serving.kserve.io/v1alpha1');
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.metadata.labels['app.kubernetes.io/name']).toBe('kserve');
      expect(o.metadata.labels['app.kubernetes.io/component']).toBe('serving-runtime');
    }
  });

  describe.each(Object.entries(RUNTIME_FACTS))('%s', (name, fact) => {
    const o = runtime(objects, name);
    const c = o.spec.containers[0] as Manifest;

    test('image and tag as the release renders them', () => {
      expect(c.image).toBe(fullImage(fact.image));
      expect(c.name).toBe('kserve-container');
    });

    test('server type and prometheus annotations', () => {
      expect(o.metadata.annotations['serving.kserve.io/server-type']).toBe(fact.serverType);
      expect(o.spec.annotations).toEqual({
        'prometheus.kserve.io/port': fact.metricsPort,
        'prometheus.kserve.io/path': '/metrics',
      });
    });

    test('supported model formats and protocol versions', () => {
      expect(o.spec.supportedModelFormats).toEqual(fact.formats);
      expect(o.spec.protocolVersions).toEqual(fact.protocols);
    });

    test('command, args and env', () => {
      if (fact.command) expect(c.command).toEqual(fact.command);
      expect(c.args).toEqual(fact.args);
      expect(envMap(c)).toEqual(fact.env ?? {});
    });

    test('requests and limits', () => {
      expect(c.resources).toEqual(fact.resources);
    });

    test('restricted security context, upstream runAsUser kept', () => {
      const containers = [
        ...(o.spec.containers as Manifest[]),
        ...((o.spec.workerSpec?.containers ?? []) as Manifest[]),
      ];
      for (const ctr of containers) {
        expect(ctr.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(ctr.securityContext.runAsUser).toBe(fact.runAsUser);
      }
    });

    test('no container ports: the servers listen where their args say', () => {
      expect(c.ports).toBeUndefined();
    });
  });

  test('ports the servers listen on (args and env)', () => {
    const tf = runtime(objects, 'kserve-tensorflow-serving').spec.containers[0];
    expect(tf.args).toEqual(expect.arrayContaining(['--port=9000', '--rest_api_port=8080']));
    const triton = runtime(objects, 'kserve-tritonserver').spec.containers[0];
    expect(triton.args).toEqual(expect.arrayContaining(['--grpc-port=9000', '--http-port=8080']));
    const ml = runtime(objects, 'kserve-mlserver').spec.containers[0];
    expect(envMap(ml)).toMatchObject({ MLSERVER_HTTP_PORT: '8080', MLSERVER_GRPC_PORT: '9000' });
  });

  test('predictive server is single-model; Hugging Face server states hostIPC false', () => {
    expect(runtime(objects, 'kserve-predictiveserver').spec.multiModel).toBe(false);
    expect(runtime(objects, 'kserve-sklearnserver').spec.multiModel).toBeUndefined();
    const hf = runtime(objects, 'kserve-huggingfaceserver').spec;
    expect(hf.hostIPC).toBe(false);
    expect(hf.volumes).toEqual([{ name: 'devshm', emptyDir: { medium: 'Memory' } }]);
    expect(hf.containers[0].volumeMounts).toEqual([{ name: 'devshm', mountPath: '/dev/shm' }]);
  });

  describe('multi-node Hugging Face runtime', () => {
    const spec = runtime(objects, 'kserve-huggingfaceserver-multinode').spec as Manifest;
    const head = spec.containers[0] as Manifest;
    const worker = spec.workerSpec.containers[0] as Manifest;

    test('head runs a Ray head then the server with the container args', () => {
      expect(head.command.slice(0, 2)).toEqual(['bash', '-c']);
      const script = head.command[2] as string;
      expect(script).toContain('ray start --head --disable-usage-stats --include-dashboard false');
      expect(script).toContain('health_check.py registered_nodes --retries 200');
      expect(script).toContain(
        'python -m huggingfaceserver ${MODEL_DIR_ARG} --tensor-parallel-size=${TENSOR_PARALLEL_SIZE} --pipeline-parallel-size=${PIPELINE_PARALLEL_SIZE} $0 $@',
      );
      expect(head.env).toEqual(
        expect.arrayContaining([
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ]),
      );
    });

    test('head probes', () => {
      expect(head.livenessProbe).toEqual({
        exec: {
          command: [
            'bash',
            '-c',
            'python ./huggingfaceserver/health_check.py registered_node_and_runtime_health --health_check_url http://localhost:8080 --probe_name head_liveness\n',
          ],
        },
        periodSeconds: 5,
        timeoutSeconds: 15,
        successThreshold: 1,
        failureThreshold: 2,
      });
      expect(head.readinessProbe.exec.command[2]).toContain('runtime_health');
      expect(head.readinessProbe.exec.command[2]).toContain('--probe_name head_readiness');
      expect(head.startupProbe).toMatchObject({
        initialDelaySeconds: 60,
        periodSeconds: 30,
        timeoutSeconds: 30,
        failureThreshold: 40,
      });
    });

    test('worker joins the head over Ray GCS port 6379', () => {
      expect(spec.workerSpec.pipelineParallelSize).toBe(1);
      expect(spec.workerSpec.tensorParallelSize).toBe(1);
      expect(worker.name).toBe('worker-container');
      expect(worker.image).toBe('docker.io/kserve/huggingfaceserver:v0.18.0-gpu');
      const script = worker.command[2] as string;
      expect(script).toContain('${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379');
      expect(script).toContain('ray start --address="${RAY_HEAD_ADDRESS}" --block');
      expect(worker.env.map((e: Manifest) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE']);
      expect(worker.resources).toEqual(
        RUNTIME_FACTS['kserve-huggingfaceserver-multinode'].resources,
      );
      expect(worker.livenessProbe.exec.command[2]).toContain('--probe_name worker_liveness');
      expect(worker.startupProbe.exec.command[2]).toContain(
        '--runtime_url http://${RAY_HEAD_NODE}:8080/v1/models --probe_name worker_startup',
      );
      expect(worker.readinessProbe).toBeUndefined();
    });

    test('shared memory of 3Gi on head and worker', () => {
      const shm = [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '3Gi' } }];
      expect(spec.volumes).toEqual(shm);
      expect(spec.workerSpec.volumes).toEqual(shm);
      expect(head.volumeMounts).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
      expect(worker.volumeMounts).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
    });
  });
});

describe('ClusterServingRuntimes props', () => {
  test('installs only the runtimes asked for', () => {
    const { objects, runtimes } = build({
      runtimes: ['kserve-xgbserver', 'kserve-sklearnserver'],
    });
    expect(objects.ofKind('ClusterServingRuntime').map((o) => o.metadata.name)).toEqual([
      'kserve-sklearnserver',
      'kserve-xgbserver',
    ]);
    expect(runtimes.runtimeNames).toEqual(['kserve-sklearnserver', 'kserve-xgbserver']);
  });

  test('image override and registry mirror', () => {
    const { objects, runtimes } = build(
      {
        runtimes: ['kserve-sklearnserver', 'kserve-tritonserver'],
        images: {
          'kserve-sklearnserver': {
            registry: 'ghcr.io',
            repository: 'acme/sklearnserver',
            tag: 'v0.18.0-patched',
          },
        },
      },
      { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com/' },
    );
    expect(runtime(objects, 'kserve-sklearnserver').spec.containers[0].image).toBe(
      'mirror.example.com/acme/sklearnserver:v0.18.0-patched',
    );
    expect(runtime(objects, 'kserve-tritonserver').spec.containers[0].image).toBe(
      'mirror.example.com/nvidia/tritonserver:23.05-py3',
    );
    expect(runtimes.images['kserve-tritonserver']).toBe(
      'mirror.example.com/nvidia/tritonserver:23.05-py3',
    );
  });

  test('resources override applies to head and worker', () => {
    const big = { cpu: { request: '8' }, memory: { request: '32Gi', limit: '32Gi' } };
    const { objects } = build({
      runtimes: ['kserve-huggingfaceserver-multinode'],
      resources: { 'kserve-huggingfaceserver-multinode': big },
    });
    const spec = runtime(objects, 'kserve-huggingfaceserver-multinode').spec;
    const expected = { requests: { cpu: '8', memory: '32Gi' }, limits: { memory: '32Gi' } };
    expect(spec.containers[0].resources).toEqual(expected);
    expect(spec.workerSpec.containers[0].resources).toEqual(expected);
  });

  test('every problem at once, in the house template', () => {
    expect(() =>
      build({
        runtimes: ['kserve-sklearnserver', 'kserve-openvino' as never, 'kserve-sklearnserver'],
        resources: {
          'kserve-xgbserver': { cpu: { request: '1' }, memory: { request: '1Gi', limit: '1Gi' } },
        },
      }),
    ).toThrow(
      [
        'ClusterServingRuntimes: ',
        '- `runtimes[1]` is not a runtime of KServe v0.18.0 (got "kserve-openvino"). Use one of ' +
          KSERVE_RUNTIME_NAMES.join(', ') +
          '.',
        '- `runtimes[2]` is listed twice (got "kserve-sklearnserver"). List each runtime once.',
        '- `resources.kserve-xgbserver` configures a runtime that is not installed. Add "kserve-xgbserver" to `runtimes` or remove this entry.',
      ].join('\n'),
    );
  });
});

describe('bill of materials', () => {
  test('the construct records every runtime image it names', () => {
    const { chart } = build();
    expect(BillOfMaterials.of(chart).images()).toEqual(
      Object.values(RUNTIME_FACTS)
        .map((f) => fullImage(f.image))
        .filter((v, i, a) => a.indexOf(v) === i)
        .sort(),
    );
  });

  test('servingRuntimeImages lists the images of the release, or of some runtimes', () => {
    const all = servingRuntimeImages().map((r) => imageReference(r));
    expect(all).toHaveLength(12);
    expect(all).toEqual([...all].sort());
    expect(new Set(all)).toEqual(
      new Set(Object.values(RUNTIME_FACTS).map((f) => fullImage(f.image))),
    );
    expect(
      servingRuntimeImages(['kserve-huggingfaceserver-multinode']).map((r) => imageReference(r)),
    ).toEqual(['docker.io/kserve/huggingfaceserver:v0.18.0-gpu']);
  });
});
