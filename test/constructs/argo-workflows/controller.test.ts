import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  ARGO_WORKFLOWS_IMAGES,
  ARGO_WORKFLOWS_NAMES,
  ARGO_WORKFLOWS_PORTS,
  ARGO_WORKFLOWS_VERSION,
  KFP_ARTIFACT_KEY_FORMAT,
  WORKFLOW_CONTROLLER_DEFAULT_RESOURCES,
} from '../../../constructs/argo-workflows';
import {
  BillOfMaterials,
  REGISTRY_MIRROR_CONTEXT,
  imageReference,
} from '../../../constructs/core/images';
import {
  AGGREGATE_ROLE_FACTS,
  CLUSTER_ROLE_FACTS,
  DEPLOYMENT_FACTS,
  LEASE_FACTS,
  PRIORITY_CLASS_FACTS,
  ROLE_FACTS,
} from './facts';
import { Manifest, NS, buildArgo } from './helpers';

const built = buildArgo();
const o = built.objects();
const deployment = o.find('Deployment', NS, DEPLOYMENT_FACTS.name);
const pod: Manifest = deployment.spec.template.spec;
const c: Manifest = pod.containers[0];
const F = DEPLOYMENT_FACTS.container;

describe('ArgoWorkflows against argo-workflows v3.7.3 as KFP 2.16.1 installs it', () => {
  test('with only the required props: the documented defaults', () => {
    const { argo } = built;
    expect(argo.namespace).toBe(NS);
    expect(argo.serviceAccountName).toBe('argo');
    expect(argo.configMapName).toBe('workflow-controller-configmap');
    expect(argo.artifactBucket).toBe('mlpipeline');
    expect(argo.keyFormat).toBe(KFP_ARTIFACT_KEY_FORMAT);
    expect(argo.replicas).toBe(1);
    expect(argo.resources).toEqual(WORKFLOW_CONTROLLER_DEFAULT_RESOURCES);
    expect(argo.leaderElectionLease).toBe(LEASE_FACTS.name);
    expect(argo.crds).toBeDefined();
    expect(deployment.spec.replicas).toBe(1);
    expect(o.ofKind('PodDisruptionBudget')).toEqual([]);
    expect(ARGO_WORKFLOWS_NAMES.configMap).toBe(F.args[1]);
    expect(ARGO_WORKFLOWS_PORTS).toEqual({ metrics: 9090, health: 6060 });
  });

  test('images: the pinned controller and executor, both in the bill of materials', () => {
    expect(ARGO_WORKFLOWS_VERSION).toBe('v3.7.3');
    expect(imageReference(ARGO_WORKFLOWS_IMAGES.workflowController)).toBe(F.image);
    expect(imageReference(ARGO_WORKFLOWS_IMAGES.argoexec)).toBe(F.args[3]);
    expect(c.image).toBe(F.image);
    expect(built.argo.executorImage).toBe(F.args[3]);
    expect(BillOfMaterials.of(built.chart).images()).toEqual([F.args[3], F.image]);
  });

  test('a registry mirror applies to the controller and to --executor-image', () => {
    const mirrored = buildArgo({ context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com/' } });
    const spec = mirrored.objects().find('Deployment', NS, 'workflow-controller').spec
      .template.spec;
    expect(spec.containers[0].image).toBe('mirror.example.com/argoproj/workflow-controller:v3.7.3');
    expect(spec.containers[0].args[3]).toBe('mirror.example.com/argoproj/argoexec:v3.7.3');
    expect(BillOfMaterials.of(mirrored.chart).images()).toEqual([
      'mirror.example.com/argoproj/argoexec:v3.7.3',
      'mirror.example.com/argoproj/workflow-controller:v3.7.3',
    ]);
  });

  test("container: upstream's name, command, KFP's args, the leader-election identity", () => {
    expect(c.name).toBe(F.name);
    expect(c.command).toEqual(F.command);
    expect(c.args).toEqual(F.args);
    expect(c.env).toEqual(F.env);
  });

  test("ports and liveness probe: upstream's, field by field", () => {
    expect(c.ports.map((p: Manifest) => ({ ...p, protocol: undefined }))).toEqual(
      F.ports.map((p) => ({ ...p, protocol: undefined })),
    );
    expect(c.ports.every((p: Manifest) => p.protocol === 'TCP')).toBe(true);
    expect(c.livenessProbe).toEqual(F.livenessProbe);
    expect(c.readinessProbe).toBeUndefined();
  });

  test('pod: priority class, service account, node selector, upstream pod label', () => {
    expect(pod.priorityClassName).toBe(DEPLOYMENT_FACTS.priorityClassName);
    expect(pod.serviceAccountName).toBe(DEPLOYMENT_FACTS.serviceAccountName);
    expect(pod.nodeSelector).toEqual(DEPLOYMENT_FACTS.nodeSelector);
    expect(deployment.spec.template.metadata.labels).toMatchObject(DEPLOYMENT_FACTS.podLabel);
    const selector = deployment.spec.selector.matchLabels;
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.volumes).toBeUndefined();
  });

  test("security: KFP's restricted contexts, as the image's user, requests and limits", () => {
    expect(pod.securityContext).toMatchObject({
      ...DEPLOYMENT_FACTS.podSecurityContext,
      runAsUser: DEPLOYMENT_FACTS.imageUid,
    });
    expect(c.securityContext).toMatchObject(F.securityContext);
    expect(c.resources.requests).toEqual(F.requests);
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(() => new Deployment(deployment).validate()).not.toThrow();
  });

  test('PriorityClass: upstream name and value', () => {
    const pc = o.find('PriorityClass', undefined, PRIORITY_CLASS_FACTS.name);
    expect(pc.value).toBe(PRIORITY_CLASS_FACTS.value);
    expect(pc.globalDefault).toBeUndefined();
  });

  test('ClusterRole argo-cluster-role: upstream rules exactly, bound to argo in our namespace', () => {
    const role = o.find('ClusterRole', undefined, CLUSTER_ROLE_FACTS.name);
    expect(role.rules).toEqual(CLUSTER_ROLE_FACTS.rules);
    const binding = o.find('ClusterRoleBinding', undefined, CLUSTER_ROLE_FACTS.binding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: CLUSTER_ROLE_FACTS.name,
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'argo', namespace: NS }]);
  });

  test('Role argo-role: the Lease and Secrets of its namespace, bound to argo', () => {
    const role = o.find('Role', NS, ROLE_FACTS.name);
    expect(role.rules).toEqual(ROLE_FACTS.rules);
    const binding = o.find('RoleBinding', NS, ROLE_FACTS.binding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: ROLE_FACTS.name,
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'argo', namespace: NS }]);
    const sa = o.find('ServiceAccount', NS, 'argo');
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('aggregated roles: upstream view, edit and admin; none on request', () => {
    for (const facts of AGGREGATE_ROLE_FACTS) {
      const role = o.find('ClusterRole', undefined, facts.name);
      expect(role.metadata.labels[facts.label]).toBe('true');
      expect(role.rules).toEqual(facts.rules);
    }
    const without = buildArgo({ props: { aggregatedRoles: false } }).objects();
    expect(without.ofKind('ClusterRole').map((r) => r.metadata.name)).toEqual([
      CLUSTER_ROLE_FACTS.name,
    ]);
  });

  test('metrics Service: the metrics port by name, over TLS', () => {
    const svc = o.find('Service', NS, 'workflow-controller-metrics');
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([
      {
        name: 'https-metrics',
        port: 9090,
        targetPort: 'metrics',
        protocol: 'TCP',
        appProtocol: 'https',
      },
    ]);
    expect(c.ports.map((p: Manifest) => p.name)).toContain(svc.spec.ports[0].targetPort);
  });

  test('replicas: leader election among them and a disruption budget', () => {
    const ha = buildArgo({ props: { replicas: 2 } }).objects();
    expect(ha.find('Deployment', NS, 'workflow-controller').spec.replicas).toBe(2);
    const pdb = ha.find('PodDisruptionBudget', NS, 'workflow-controller');
    expect(pdb.spec.minAvailable).toBe(1);
  });

  test('no hostPath, no host namespaces, every object named as upstream', () => {
    expect(JSON.stringify(o.all)).not.toContain('hostPath');
    expect(pod.hostNetwork).toBeUndefined();
    expect(
      o.all
        .filter((x) => x.kind !== 'CustomResourceDefinition')
        .map((x) => `${x.kind}/${x.metadata.name}`)
        .sort(),
    ).toEqual(
      [
        'ClusterRole/argo-aggregate-to-admin',
        'ClusterRole/argo-aggregate-to-edit',
        'ClusterRole/argo-aggregate-to-view',
        'ClusterRole/argo-cluster-role',
        'ClusterRoleBinding/argo-binding',
        'ConfigMap/workflow-controller-configmap',
        'Deployment/workflow-controller',
        'PriorityClass/workflow-controller',
        'Role/argo-role',
        'RoleBinding/argo-binding',
        'Service/workflow-controller-metrics',
        'ServiceAccount/argo',
      ].sort(),
    );
  });

  test('errors: every problem at once, in the house template', () => {
    expect(() =>
      buildArgo({
        props: {
          artifactBucket: 'other',
          keyFormat: ' ',
          instanceId: 'Team_A',
          replicas: 0,
          parallelism: 1.5,
          namespaceParallelism: -1,
          resourceRateLimit: { limit: 0, burst: 0 },
        },
      }),
    ).toThrow(
      [
        'ArgoWorkflows: ',
        '- `artifactBucket` is not a bucket of the object store (got "other"). Use one of "mlpipeline", or add it to the store.',
        '- `keyFormat` is empty. Leave it unset for KFP_ARTIFACT_KEY_FORMAT or give a key with Argo variables.',
        '- `instanceId` is not a DNS label (it is a label value and part of the Lease name) (got "Team_A"). Use lower-case letters, digits and hyphens, at most 63 characters.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
        '- `parallelism` is not a whole number of at least 1 (got 1.5). Use 1 or more.',
        '- `namespaceParallelism` is not a whole number of at least 1 (got -1). Use 1 or more.',
        '- `resourceRateLimit.limit` is not a positive rate (got 0). Use pods per second above 0.',
        '- `resourceRateLimit.burst` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });

  test('errors: a store without buckets and no artifactBucket', () => {
    expect(() => buildArgo({ buckets: [] })).toThrow(
      'ArgoWorkflows: `objectStore.buckets` is empty, so the artifact repository has no bucket. Give the object store a bucket or set `artifactBucket`.',
    );
  });
});
