import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parse } from 'yaml';
import { IObjectStore } from '../../../constructs/core/object-store';
import {
  ARGO_EXECUTOR_DEFAULT_RESOURCES,
  KFP_ARTIFACT_KEY_FORMAT,
  MainContainerSecurity,
} from '../../../constructs/argo-workflows';
import {
  ARTIFACT_REPOSITORY_KEYS,
  CONFIG_KEYS,
  KFP_CONFIG_FACTS,
  METRICS_CONFIG_KEYS,
  METRICS_DEFAULTS,
  RESOURCE_RATE_LIMIT_KEYS,
  S3_REPOSITORY_KEYS,
} from './facts';
import { Manifest, NS, buildArgo } from './helpers';

/**
 * `parseConfigMap` of `config/controller.go` at v3.7.3, ported: a `config` key alone, or each key
 * a field of `Config` whose multi-line value is indented under it; the controller then
 * unmarshals strictly.
 */
function readAsController(data: Record<string, string>): Manifest {
  let raw = data.config;
  if (raw !== undefined && Object.keys(data).length !== 1) {
    throw new Error(
      "if you have an item in your config map named 'config', you must only have one item",
    );
  }
  if (raw === undefined) {
    raw = '';
    for (const [name, value] of Object.entries(data)) {
      raw += value.includes('\n')
        ? `${name}:\n  ${value
            .replace(/^\n+|\n+$/g, '')
            .split('\n')
            .join('\n  ')}\n`
        : `${name}: ${value}\n`;
    }
  }
  return parse(raw) as Manifest;
}

/** Field names that a strict unmarshal of `Config` would reject, with their paths. */
function unknownKeys(config: Manifest): string[] {
  const outside = (obj: Manifest | undefined, known: readonly string[], at: string) =>
    Object.keys(obj ?? {})
      .filter((k) => !known.includes(k))
      .map((k) => `${at}${k}`);
  return [
    ...outside(config, CONFIG_KEYS, ''),
    ...outside(config.artifactRepository, ARTIFACT_REPOSITORY_KEYS, 'artifactRepository.'),
    ...outside(config.artifactRepository?.s3, S3_REPOSITORY_KEYS, 'artifactRepository.s3.'),
    ...outside(config.metricsConfig, METRICS_CONFIG_KEYS, 'metricsConfig.'),
    ...outside(config.resourceRateLimit, RESOURCE_RATE_LIMIT_KEYS, 'resourceRateLimit.'),
  ];
}

const configOf = (built: ReturnType<typeof buildArgo>): Manifest =>
  built.objects().find('ConfigMap', NS, 'workflow-controller-configmap');

describe('workflow-controller-configmap against argo-workflows v3.7.3 and KFP 2.16.1', () => {
  const built = buildArgo();
  const cm = configOf(built);
  const config = readAsController(cm.data);

  test('the keys of upstream Config, read as the controller reads them, no unknown field', () => {
    expect(Object.keys(cm.data).sort()).toEqual(
      ['artifactRepository', 'executor', 'mainContainer', 'metricsConfig'].sort(),
    );
    expect(unknownKeys(config)).toEqual([]);
    expect(built.argo.config).toEqual(cm.data);
    expect(() => new ConfigMap(cm).validate()).not.toThrow();
  });

  test('the unknown-key check catches a misspelt field', () => {
    expect(unknownKeys({ ...config, namespaceParalellism: 1 })).toEqual(['namespaceParalellism']);
    expect(
      unknownKeys({
        artifactRepository: { s3: { ...config.artifactRepository.s3, keyformat: 'x' } },
      }),
    ).toEqual(['artifactRepository.s3.keyformat']);
  });

  test("artifactRepository: KFP's shape, the object store's endpoint, bucket, TLS and Secret", () => {
    const repo = config.artifactRepository;
    expect(repo.archiveLogs).toBe(KFP_CONFIG_FACTS.artifactRepository.archiveLogs);
    expect(repo.s3.keyFormat).toBe(KFP_CONFIG_FACTS.artifactRepository.s3.keyFormat);
    expect(KFP_ARTIFACT_KEY_FORMAT).toBe(KFP_CONFIG_FACTS.artifactRepository.s3.keyFormat);
    for (const key of KFP_CONFIG_FACTS.artifactRepository.s3.keys)
      expect(repo.s3).toHaveProperty(key);
    expect(repo.s3).toEqual({
      endpoint: 's3.example.com:443',
      bucket: 'mlpipeline',
      region: 'us-east-1',
      insecure: false,
      keyFormat: KFP_ARTIFACT_KEY_FORMAT,
      accessKeySecret: { name: 's3-credentials', key: 'accessKey' },
      secretKeySecret: { name: 's3-credentials', key: 'secretKey' },
    });
    expect(built.argo.artifactCredentials).toBe(built.objectStore.credentials);
  });

  test('an in-cluster store without TLS is insecure; another bucket and key format from props', () => {
    const minio: IObjectStore = {
      implementation: 'minio',
      host: 'minio.minio.svc.cluster.local',
      port: 9000,
      secure: false,
      endpointUrl: 'http://minio.minio.svc.cluster.local:9000',
      region: 'us-east-1',
      buckets: ['mlpipeline', 'logs'],
      credentials: {
        secretName: 'mlpipeline-minio-artifact',
        namespace: 'kubeflow',
        accessKeyKey: 'accesskey',
        secretKeyKey: 'secretkey',
      },
      grantAccess: () => undefined,
      scopedCredentials: () => {
        throw new Error('not used');
      },
    };
    const b = buildArgo({
      props: {
        objectStore: minio,
        artifactBucket: 'logs',
        keyFormat: '{{workflow.name}}/{{pod.name}}',
        archiveLogs: false,
      },
    });
    const repo = readAsController(configOf(b).data).artifactRepository;
    expect(repo).toEqual({
      archiveLogs: false,
      s3: {
        endpoint: 'minio.minio.svc.cluster.local:9000',
        bucket: 'logs',
        region: 'us-east-1',
        insecure: true,
        keyFormat: '{{workflow.name}}/{{pod.name}}',
        accessKeySecret: { name: 'mlpipeline-minio-artifact', key: 'accesskey' },
        secretKeySecret: { name: 'mlpipeline-minio-artifact', key: 'secretkey' },
      },
    });
  });

  test("executor: KFP's pull policy and restricted security context, with requests and limits", () => {
    const { resources, ...rest } = config.executor;
    expect(rest).toEqual(KFP_CONFIG_FACTS.executor);
    expect(resources).toEqual({
      requests: { cpu: '10m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(built.argo.executorResources).toEqual(ARGO_EXECUTOR_DEFAULT_RESOURCES);
    expect(Object.keys(config.executor)).not.toContain('name');
  });

  test('mainContainer: hardened by default; restricted or none on request', () => {
    expect(built.argo.mainContainerSecurity.mode).toBe('hardened');
    expect(config.mainContainer).toEqual({
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    const restricted = readAsController(
      buildArgo({
        props: {
          mainContainerSecurity: MainContainerSecurity.restricted({ runAsUser: 1000 }),
          mainContainerResources: {
            cpu: { request: '100m' },
            memory: { request: '128Mi', limit: '1Gi' },
          },
        },
      }).argo.config,
    );
    expect(restricted.mainContainer).toEqual({
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        runAsNonRoot: true,
        runAsUser: 1000,
      },
    });
    const none = buildArgo({ props: { mainContainerSecurity: MainContainerSecurity.none() } });
    expect(none.argo.config.mainContainer).toBeUndefined();
  });

  test("metricsConfig: upstream's defaults written out (9090, /metrics, TLS)", () => {
    expect(config.metricsConfig).toEqual({ enabled: true, ...METRICS_DEFAULTS });
  });

  test('parallelism, rate limit and instance ID from props, in upstream keys and types', () => {
    const b = buildArgo({
      props: {
        parallelism: 50,
        namespaceParallelism: 10,
        resourceRateLimit: { limit: 10, burst: 25 },
        instanceId: '123',
      },
    });
    const c = readAsController(b.argo.config);
    expect(c.parallelism).toBe(50);
    expect(c.namespaceParallelism).toBe(10);
    expect(c.resourceRateLimit).toEqual({ limit: 10, burst: 25 });
    // A string, even where YAML would read a number: `instanceID` is a Go string.
    expect(c.instanceID).toBe('123');
    expect(unknownKeys(c)).toEqual([]);
    expect(b.argo.leaderElectionLease).toBe('workflow-controller-123');
  });

  test('without those props the keys are absent (upstream: no limit, no instance)', () => {
    for (const key of ['parallelism', 'namespaceParallelism', 'resourceRateLimit', 'instanceID']) {
      expect(config).not.toHaveProperty(key);
    }
  });
});
