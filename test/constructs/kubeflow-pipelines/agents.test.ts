import { Chart, Testing } from 'cdk8s';
import {
  PERSISTENCE_AGENT_DEFAULT_RESOURCES,
  PersistenceAgent,
} from '../../../constructs/kubeflow-pipelines/persistence-agent';
import {
  SCHEDULED_WORKFLOW_API,
  SCHEDULED_WORKFLOW_DEFAULT_RESOURCES,
  ScheduledWorkflowController,
} from '../../../constructs/kubeflow-pipelines/scheduled-workflow';
import { FakeNamespace } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';
import { Layer } from '../../../constructs/core/layers';
import { UPSTREAM, envByName } from './backend-facts';

const NS = 'kubeflow';

function build() {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const agent = new PersistenceAgent(chart, 'Agent', { namespace });
  const swf = new ScheduledWorkflowController(chart, 'Swf', { namespace });
  return { agent, swf, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const { agent, swf, objects: o } = build();

function workload(name: string) {
  const d = o.find('Deployment', NS, name);
  return { d, pod: d.spec.template.spec, c: d.spec.template.spec.containers[0] };
}

function restricted(pod: Manifest, c: Manifest) {
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    runAsUser: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(c.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  });
}

describe('PersistenceAgent against kubeflow/pipelines 2.16.1', () => {
  const U = UPSTREAM.persistenceAgent;
  const { d, pod, c } = workload(U.deployment);

  test('defaults', () => {
    expect(agent.resources).toEqual(PERSISTENCE_AGENT_DEFAULT_RESOURCES);
    expect(agent.ttlSecondsAfterWorkflowFinish).toBe(86400);
    expect(agent.numWorkers).toBe(2);
    expect(d.spec.replicas).toBe(1);
  });

  test('image, container, env: upstream’s with the multi-user patch', () => {
    expect(c.image).toBe(UPSTREAM.images.persistenceAgent);
    expect(c.name).toBe(U.container);
    const env = envByName(c);
    expect(Object.keys(env).sort()).toEqual(Object.keys(U.env).sort());
    for (const [k, v] of Object.entries(U.env)) expect([k, env[k].value]).toEqual([k, v]);
    expect(c.args).toBeUndefined();
    expect(c.command).toBeUndefined();
  });

  test('token for the API server: upstream’s projected volume and mount', () => {
    expect(pod.volumes).toEqual([
      { name: U.token.path, projected: { sources: [{ serviceAccountToken: { ...U.token } }] } },
    ]);
    expect(c.volumeMounts).toEqual([
      { name: U.token.path, mountPath: U.tokenMount, readOnly: true },
    ]);
  });

  test('no probe: the agent serves no port (nor upstream)', () => {
    expect(c.ports).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
  });

  test('restricted, upstream’s requests, limits', () => {
    expect(pod.serviceAccountName).toBe(U.serviceAccount);
    restricted(pod, c);
    expect(c.resources).toEqual({ requests: U.requests, limits: { cpu: '500m', memory: '1Gi' } });
  });

  test('ClusterRole: upstream’s multi-user rules and binding', () => {
    expect(o.find('ClusterRole', undefined, U.clusterRole).rules).toEqual(U.rules);
    expect(o.find('ClusterRoleBinding', undefined, U.clusterRoleBinding).subjects).toEqual([
      { kind: 'ServiceAccount', name: U.serviceAccount, namespace: NS },
    ]);
  });

  test('invalid props fail with the house template', () => {
    const chart = new Chart(Testing.app(), 'X');
    expect(
      () => new PersistenceAgent(chart, 'A', { namespace: new FakeNamespace(NS), numWorkers: 0 }),
    ).toThrow(
      'PersistenceAgent: `numWorkers` is not a whole number of at least 1 (got 0). Use 1 or more.',
    );
  });
});

describe('ScheduledWorkflowController against kubeflow/pipelines 2.16.1', () => {
  const U = UPSTREAM.scheduledWorkflow;
  const { pod, c } = workload(U.deployment);

  test('defaults', () => {
    expect(swf.cronScheduleTimezone).toBe('UTC');
    expect(swf.resources).toEqual(SCHEDULED_WORKFLOW_DEFAULT_RESOURCES);
    expect(swf.crd?.crdName).toBe('scheduledworkflows.kubeflow.org');
  });

  test('image, env and port: upstream’s with the multi-user patch', () => {
    expect(c.image).toBe(UPSTREAM.images.scheduledWorkflow);
    expect(c.name).toBe(U.container);
    const env = envByName(c);
    expect(Object.keys(env).sort()).toEqual(Object.keys(U.env).sort());
    for (const [k, v] of Object.entries(U.env)) expect([k, env[k].value]).toEqual([k, v]);
    expect(
      c.ports.map((p: Manifest) => ({ name: p.name, containerPort: p.containerPort })),
    ).toEqual(U.ports);
  });

  test('probes on the metrics server the binary serves', () => {
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
      expect(p.httpGet).toEqual({ path: '/metrics', port: 'http' });
    }
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
      60,
    );
  });

  test('token and restricted pod', () => {
    expect(pod.volumes).toEqual([
      { name: U.token.path, projected: { sources: [{ serviceAccountToken: { ...U.token } }] } },
    ]);
    expect(c.volumeMounts[0].mountPath).toBe('/var/run/secrets/kubeflow/tokens');
    expect(pod.serviceAccountName).toBe(U.serviceAccount);
    restricted(pod, c);
    expect(c.resources.limits.memory).toBe('256Mi');
  });

  test('ClusterRole: upstream’s multi-user rules and binding', () => {
    expect(o.find('ClusterRole', undefined, U.clusterRole).rules).toEqual(U.rules);
    expect(o.find('ClusterRoleBinding', undefined, U.clusterRoleBinding).roleRef.name).toBe(
      U.clusterRole,
    );
  });

  test('CRD identity and schema exactly as upstream', () => {
    const F = UPSTREAM.scheduledWorkflowCrd;
    const crd = o.find('CustomResourceDefinition', undefined, F.name);
    expect(crd.spec.group).toBe(F.group);
    expect(crd.spec.names).toEqual(F.names);
    expect(crd.spec.scope).toBe(F.scope);
    expect(
      crd.spec.versions.map((v: Manifest) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
      })),
    ).toEqual(F.versions);
    expect(crd.spec.versions[0].subresources).toBeUndefined();
    expect(crd.spec.versions[0].schema.openAPIV3Schema).toEqual(F.schema);
    expect(crd.spec.conversion).toBeUndefined();
    expect(SCHEDULED_WORKFLOW_API.apiVersion).toBe('kubeflow.org/v1beta1');
  });

  test('the CRD goes to the CRD layer of a platform', () => {
    const platform = new LayeredApp();
    new ScheduledWorkflowController(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Swf', {
      namespace: new FakeNamespace(NS),
    });
    expect(platform.objectsIn(Layer.CRDS).ofKind('CustomResourceDefinition')).toHaveLength(1);
    expect(
      platform.objectsIn(Layer.PLATFORM_CONTROLLERS).ofKind('CustomResourceDefinition'),
    ).toHaveLength(0);
  });

  test('a time zone that is not one fails', () => {
    const chart = new Chart(Testing.app(), 'X');
    expect(
      () =>
        new ScheduledWorkflowController(chart, 'S', {
          namespace: new FakeNamespace(NS),
          cronScheduleTimezone: 'Mars Time',
        }),
    ).toThrow(
      'ScheduledWorkflowController: `cronScheduleTimezone` is not a time zone (got "Mars Time"). Use UTC, Local or an IANA name such as Europe/Berlin.',
    );
  });
});
