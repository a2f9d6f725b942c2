import { Duration } from 'cdk8s';
import { Image } from '@kubernetes-models/knative/caching.internal.knative.dev/v1alpha1';
import { Certificate } from '@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  ISTIO_INGRESS_CLASS,
  KNATIVE_SERVING_IMAGES,
  KNATIVE_SERVING_NAMES,
  KNATIVE_SERVING_PORTS,
  KNATIVE_SERVING_VERSION,
  QUEUE_PROXY_PORTS,
} from '../../../constructs/knative-serving';
import { DEPLOYMENT_FACTS, IMAGE_FACTS, SERVICE_FACTS, WEBHOOK_RESOURCES } from './facts';
import { Manifest, NS, buildServing } from './helpers';

const built = buildServing();
const o = built.objects();
const WORKLOADS = ['activator', 'autoscaler', 'controller', 'webhook'] as const;
const digestOnly = (image: string) => image.replace(/:v1\.22\.0@/, '@');

describe('KnativeServing 1.22.0 core against the upstream release', () => {
  test('defaults with only a namespace', () => {
    const s = built.serving;
    expect(KNATIVE_SERVING_VERSION).toBe('1.22.0');
    expect(s.namespace).toBe(NS);
    expect(s.domain).toBe('example.com');
    expect(s.crds?.crds).toHaveLength(12);
    expect(o.ofKind('PodDisruptionBudget')).toEqual([]);
    expect(o.find('Deployment', NS, 'autoscaler').spec.replicas).toBe(1);
    expect(o.find('Deployment', NS, 'controller').spec.replicas).toBe(1);
    // The HPA owns these counts.
    expect(o.find('Deployment', NS, 'activator').spec.replicas).toBeUndefined();
    expect(o.find('Deployment', NS, 'webhook').spec.replicas).toBeUndefined();
  });

  test('images: upstream digests, tag v1.22.0, all five in the bill of materials', () => {
    for (const [key, image] of Object.entries(built.serving.images)) {
      expect(digestOnly(image)).toBe(IMAGE_FACTS[key as keyof typeof IMAGE_FACTS]);
    }
    expect(BillOfMaterials.of(built.chart).images()).toHaveLength(5);
    expect(o.find('ConfigMap', NS, 'config-deployment').data['queue-sidecar-image']).toBe(
      built.serving.images.queueProxy,
    );
    expect(KNATIVE_SERVING_IMAGES.queueProxy.tag).toBe('v1.22.0');
  });

  test('a registry mirror applies to every image, the queue-proxy included', () => {
    const m = buildServing({ context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com' } });
    const images = BillOfMaterials.of(m.chart).images();
    expect(images.every((i) => i.startsWith('mirror.example.com/knative-releases/'))).toBe(true);
    const cm = m.objects().find('ConfigMap', NS, 'config-deployment');
    expect(cm.data['queue-sidecar-image']).toMatch(
      /^mirror\.example\.com\/.*\/queue:v1\.22\.0@sha256:371c/,
    );
  });

  test.each(WORKLOADS)('%s Deployment: image, SA, selector, env, ports, probes, resources', (w) => {
    const F = DEPLOYMENT_FACTS[w];
    const d = o.find('Deployment', NS, w);
    expect(() => new Deployment(d).validate()).not.toThrow();
    expect(d.spec.selector.matchLabels).toEqual(F.selector);
    const pod: Manifest = d.spec.template.spec;
    expect(d.spec.template.metadata.labels).toMatchObject(F.selector);
    expect(pod.serviceAccountName).toBe(F.serviceAccount);
    expect(pod.terminationGracePeriodSeconds).toBe(F.terminationGracePeriodSeconds);
    const c: Manifest = pod.containers[0];
    expect(c.name).toBe(w);
    expect(digestOnly(c.image)).toBe(IMAGE_FACTS[w]);
    expect(c.env.map((e: Manifest) => e.name)).toEqual(F.env);
    expect(c.ports.map((p: Manifest) => [p.name, p.containerPort])).toEqual(F.ports);
    expect(c.readinessProbe).toEqual(F.readiness);
    expect(c.livenessProbe).toEqual(F.liveness);
    expect(c.resources).toEqual(F.resources);
  });

  test('restricted security context on every container and pod', () => {
    for (const w of WORKLOADS) {
      const pod = o.find('Deployment', NS, w).spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('webhook env names its port and name as upstream', () => {
    const env = o.find('Deployment', NS, 'webhook').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'WEBHOOK_NAME', value: 'webhook' });
    expect(env).toContainEqual({ name: 'WEBHOOK_PORT', value: '8443' });
    const act = o.find('Deployment', NS, 'activator').spec.template.spec.containers[0].env;
    expect(act).toContainEqual({ name: 'GOGC', value: '500' });
  });

  test.each(WORKLOADS)('%s Service: name, ports, selector', (w) => {
    const F = SERVICE_FACTS[w];
    const svc = o.find('Service', NS, F.name);
    expect(() => new Service(svc).validate()).not.toThrow();
    expect(svc.spec.selector).toEqual(DEPLOYMENT_FACTS[w].selector);
    expect(svc.spec.ports.map((p: Manifest) => [p.name, p.port, p.targetPort])).toEqual(F.ports);
  });

  test('exported ports and names match the objects', () => {
    expect(KNATIVE_SERVING_PORTS.activator).toMatchObject({
      http1: 8012,
      h2c: 8013,
      metrics: 9090,
    });
    expect(KNATIVE_SERVING_PORTS.webhook.https).toBe(8443);
    expect(QUEUE_PROXY_PORTS).toMatchObject({ autoscalingMetrics: 9090, userMetrics: 9091 });
    expect(KNATIVE_SERVING_NAMES.activator.service).toBe('activator-service');
  });

  test('HPAs as upstream: CPU 100%, 1..20 activator, 1..5 webhook', () => {
    const hpa = (n: string) => o.find('HorizontalPodAutoscaler', NS, n).spec;
    expect(hpa('activator')).toMatchObject({ minReplicas: 1, maxReplicas: 20 });
    expect(hpa('webhook')).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    expect(hpa('webhook').metrics[0].resource.target).toEqual({
      type: 'Utilization',
      averageUtilization: 100,
    });
    expect(hpa('activator').scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'activator',
    });
  });

  test('PDBs of 80% only with at least two replicas', () => {
    const b = buildServing({
      props: { activator: { minReplicas: 2 }, webhook: { minReplicas: 3 } },
    });
    const pdb = b.objects().find('PodDisruptionBudget', NS, 'activator-pdb');
    expect(pdb.spec).toEqual({
      minAvailable: '80%',
      selector: { matchLabels: { app: 'activator' } },
    });
    expect(b.objects().has('PodDisruptionBudget', NS, 'webhook-pdb')).toBe(true);
  });

  test('webhook configurations: names, service, failure policy, rules, config selector', () => {
    const m = o.find('MutatingWebhookConfiguration', undefined, 'webhook.serving.knative.dev');
    const v = o.find(
      'ValidatingWebhookConfiguration',
      undefined,
      'validation.webhook.serving.knative.dev',
    );
    const c = o.find(
      'ValidatingWebhookConfiguration',
      undefined,
      'config.webhook.serving.knative.dev',
    );
    for (const cfg of [m, v, c]) {
      const hook = cfg.webhooks[0];
      expect(hook.name).toBe(cfg.metadata.name);
      expect(hook.clientConfig).toEqual({ service: { name: 'webhook', namespace: NS } });
      expect(hook).toMatchObject({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        timeoutSeconds: 10,
      });
    }
    expect(m.webhooks[0].rules[0].operations).toEqual(['CREATE', 'UPDATE']);
    expect(v.webhooks[0].rules[0].operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    expect(m.webhooks[0].rules[0].resources).toEqual(WEBHOOK_RESOURCES);
    expect(c.webhooks[0].rules).toBeUndefined();
    expect(c.webhooks[0].objectSelector.matchExpressions[1].values).toContain('networking');
    expect(o.has('Secret', NS, 'webhook-certs')).toBe(true);
  });

  test('config ConfigMaps carry the component labels the config webhook selects', () => {
    const sel = o.find(
      'ValidatingWebhookConfiguration',
      undefined,
      'config.webhook.serving.knative.dev',
    ).webhooks[0].objectSelector.matchExpressions[1].values as string[];
    for (const cm of o.ofKind('ConfigMap')) {
      expect(cm.metadata.labels['app.kubernetes.io/name']).toBe('knative-serving');
      expect(sel).toContain(cm.metadata.labels['app.kubernetes.io/component']);
    }
    expect(
      o
        .ofKind('ConfigMap')
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(Object.values(KNATIVE_SERVING_NAMES.configMaps).sort());
  });

  test('config: only the keys chosen, with defaults', () => {
    const data = (n: string) =>
      o.find('ConfigMap', NS, n).data as Record<string, string> | undefined;
    expect(data('config-domain')).toEqual({ 'example.com': '' });
    expect(data('config-network')).toEqual({ 'ingress-class': ISTIO_INGRESS_CLASS });
    expect(data('config-features')).toEqual({
      'kubernetes.podspec-affinity': 'Enabled',
      'kubernetes.podspec-nodeselector': 'Enabled',
      'kubernetes.podspec-tolerations': 'Enabled',
      'secure-pod-defaults': 'AllowRootBounded',
    });
    expect(data('config-observability')).toEqual({
      'metrics-protocol': 'prometheus',
      'request-metrics-protocol': 'prometheus',
    });
    expect(data('config-autoscaler')).toBeUndefined();
    expect(Object.keys(data('config-deployment') ?? {})).toEqual(['queue-sidecar-image']);
  });

  test('typed settings become upstream keys', () => {
    const b = buildServing({
      props: {
        settings: {
          domain: 'models.example.org',
          autoscaler: {
            enableScaleToZero: false,
            scaleToZeroGracePeriod: Duration.seconds(90),
            containerConcurrencyTargetDefault: 10,
            targetUtilizationPercentage: 80,
            stableWindow: Duration.minutes(2),
          },
          progressDeadline: Duration.minutes(20),
          registriesSkippingTagResolving: ['nvcr.io', 'index.docker.io'],
          features: { tolerations: 'Disabled', securePodDefaults: 'Enabled' },
          metricsProtocol: 'none',
          logLevel: 'debug',
        },
      },
    });
    const data = (n: string) => b.objects().find('ConfigMap', NS, n).data;
    expect(data('config-domain')).toEqual({ 'models.example.org': '' });
    expect(data('config-autoscaler')).toEqual({
      'enable-scale-to-zero': 'false',
      'scale-to-zero-grace-period': '90s',
      'container-concurrency-target-default': '10',
      'container-concurrency-target-percentage': '80',
      'stable-window': '2m',
    });
    expect(data('config-deployment')).toMatchObject({
      'progress-deadline': '20m',
      'registries-skipping-tag-resolving': 'nvcr.io,index.docker.io',
    });
    expect(data('config-features')).toMatchObject({
      'kubernetes.podspec-tolerations': 'Disabled',
      'secure-pod-defaults': 'Enabled',
    });
    expect(data('config-observability')['metrics-protocol']).toBe('none');
    expect(data('config-logging')['loglevel.webhook']).toBe('debug');
  });

  test('invalid props: every problem at once, in the house template', () => {
    expect(() =>
      buildServing({
        props: {
          activator: { minReplicas: 3, maxReplicas: 2 },
          settings: { domain: 'Not A Domain', autoscaler: { stableWindow: Duration.seconds(2) } },
        },
      }),
    ).toThrow(
      'KnativeServing: \n' +
        '- `activator.maxReplicas` is below minReplicas (got 2 < 3). Raise maxReplicas or lower minReplicas.\n' +
        '- `settings.domain` is not a DNS domain (got "Not A Domain"). Use lower-case labels separated by dots, such as models.example.com.\n' +
        '- `settings.autoscaler.stableWindow` is not a whole number of seconds from 6s to 1h (got 2s). Use a duration such as Duration.seconds(60).',
    );
  });

  test('network allows: API server to the webhook, activator to the autoscaler', () => {
    const allows = Object.fromEntries(built.namespace.allows.map((a) => [a.id, a.allow]));
    expect(allows['knative-serving-webhook-from-apiserver'].ports).toEqual([{ port: 8443 }]);
    expect(allows['knative-serving-webhook-from-apiserver'].podLabels).toEqual({
      app: 'webhook',
      role: 'webhook',
    });
    expect(allows['knative-serving-activator-to-autoscaler'].ports).toEqual([{ port: 8080 }]);
  });

  test('Knative custom resources validate with @kubernetes-models/knative', () => {
    const img = o.find('Image', NS, 'queue-proxy');
    expect(() => new Image(img as Image).validate()).not.toThrow();
    expect(img.spec.image).toBe(built.serving.images.queueProxy);
    const cert = o.find('Certificate', NS, 'routing-serving-certs');
    expect(() => new Certificate(cert as Certificate).validate()).not.toThrow();
    expect(cert.spec).toEqual({
      dnsNames: ['kn-routing', 'data-plane.knative.dev'],
      secretName: 'routing-serving-certs',
    });
    expect(cert.metadata.annotations['networking.knative.dev/certificate.class']).toBe(
      'cert-manager.certificate.networking.knative.dev',
    );
  });
});
