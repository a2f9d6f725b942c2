import { WORKLOAD_FACTS } from './workload-facts';
import { Manifest, NS, build, containerOf } from './helpers';

const objects = build().objects();
const WORKLOADS = [WORKLOAD_FACTS.dashboard, WORKLOAD_FACTS.profileController, WORKLOAD_FACTS.kfam];

const probe = (p: Manifest) => ({
  path: p.httpGet.path,
  port: p.httpGet.port,
  initialDelaySeconds: p.initialDelaySeconds,
  periodSeconds: p.periodSeconds,
});

describe('kubeflow/dashboard v2.0.0 workloads against upstream', () => {
  test('three Deployments, one replica each (the controller elects a leader)', () => {
    expect(
      objects
        .ofKind('Deployment')
        .map((d) => [d.metadata.name, d.spec.replicas])
        .sort(),
    ).toEqual([
      ['dashboard', 1],
      ['profiles-deployment', 1],
      ['profiles-kfam', 1],
    ]);
  });

  test.each(WORKLOADS)('$deployment: image, ports and probes', (fact) => {
    const c = containerOf(objects, fact.deployment);
    expect(c.name).toBe(fact.container);
    expect(c.image).toBe(fact.image);
    expect(c.ports).toEqual(fact.ports);
    expect(probe(c.livenessProbe)).toEqual(fact.liveness);
    expect(probe(c.readinessProbe)).toEqual(fact.readiness);
  });

  test.each(WORKLOADS)(
    '$deployment: restricted as the image allows, requests and limits',
    (fact) => {
      const pod = objects.find('Deployment', NS, fact.deployment).spec.template.spec;
      const c = containerOf(objects, fact.deployment);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: fact.uid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.resources.limits.cpu).toBeDefined();
    },
  );

  test('the Go images run with a read-only root; the Node image (npm start) does not', () => {
    expect(containerOf(objects, 'profiles-deployment').securityContext.readOnlyRootFilesystem).toBe(
      true,
    );
    expect(containerOf(objects, 'profiles-kfam').securityContext.readOnlyRootFilesystem).toBe(true);
    expect(containerOf(objects, 'dashboard').securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('profile controller: command, args, config and the namespace labels file', () => {
    const f = WORKLOAD_FACTS.profileController;
    const c = containerOf(objects, f.deployment);
    expect(c.command).toEqual(f.command);
    expect(c.args).toEqual(f.args);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'profiles-config' } }]);
    expect(c.volumeMounts).toEqual([
      { name: 'namespace-labels', mountPath: f.namespaceLabelsMount, readOnly: true },
    ]);
    const pod = objects.find('Deployment', NS, f.deployment).spec.template.spec;
    expect(pod.serviceAccountName).toBe(f.serviceAccount);
    expect(pod.volumes).toEqual([
      { name: 'namespace-labels', configMap: { name: 'profiles-namespace-labels-data' } },
    ]);
    expect(objects.find('ConfigMap', NS, 'profiles-config').data).toEqual(
      WORKLOAD_FACTS.profilesConfig,
    );
  });

  test('profile namespaces get upstream kubeflow-pss labels and the mesh injection labels', () => {
    expect(objects.find('ConfigMap', NS, 'profiles-namespace-labels-data').data).toEqual({
      'namespace-labels.yaml': [
        'app.kubernetes.io/part-of: "kubeflow-profile"',
        'istio-injection: "enabled"',
        'katib.kubeflow.org/metrics-collector-injection: "enabled"',
        'pipelines.kubeflow.org/enabled: "true"',
        'pod-security.kubernetes.io/enforce: "baseline"',
        'serving.kubeflow.org/inferenceservice: "enabled"',
        '',
      ].join('\n'),
    });
  });

  test('KFAM: command, config from profiles-config, Service http-kfam 8081', () => {
    const f = WORKLOAD_FACTS.kfam;
    const c = containerOf(objects, f.deployment);
    expect(c.command).toEqual(f.command);
    expect(c.args).toBeUndefined();
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'profiles-config' } }]);
    const svc = objects.find('Service', NS, f.service.name);
    expect(svc.spec.ports).toEqual([
      expect.objectContaining({
        name: f.service.portName,
        port: f.service.port,
        targetPort: f.service.portName,
      }),
    ]);
    const pod = objects.find('Deployment', NS, f.deployment).spec.template;
    expect(svc.spec.selector).toEqual(
      objects.find('Deployment', NS, f.deployment).spec.selector.matchLabels,
    );
    expect(pod.metadata.labels).toMatchObject({
      ...svc.spec.selector,
      'sidecar.istio.io/inject': 'true',
    });
  });

  test('dashboard: env as upstream, Service dashboard 80 to the http port', () => {
    const f = WORKLOAD_FACTS.dashboard;
    const c = containerOf(objects, f.deployment);
    const env = Object.fromEntries(
      (c.env as Manifest[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
    );
    expect(env).toEqual(f.env);
    expect((c.env as Manifest[]).find((e) => e.name === 'POD_NAMESPACE')).toEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
    const svc = objects.find('Service', NS, f.service.name);
    expect(svc.spec.ports).toEqual([
      expect.objectContaining({ port: f.service.port, targetPort: 'http' }),
    ]);
    expect(c.ports[0].containerPort).toBe(f.service.targetPort);
  });
});
