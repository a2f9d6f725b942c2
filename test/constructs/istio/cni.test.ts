import { Chart, Testing } from 'cdk8s';
import { Istio } from '../../../constructs/istio';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { CLUSTER_ISSUER } from '../../fakes';
import { findObject, istioFixture, Manifest, objectsOfKind, synth } from './helpers';

describe('istio-cni node agent', () => {
  const objects = synth(istioFixture().chart);
  const ds = findObject(objects, 'DaemonSet', 'istio-cni', 'istio-cni-node');
  const pod = ds.spec.template.spec;
  const container = pod.containers[0];

  test('runs in its own namespace on every Linux node', () => {
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.tolerations).toEqual([
      { effect: 'NoSchedule', operator: 'Exists' },
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { effect: 'NoExecute', operator: 'Exists' },
    ]);
    expect(pod.hostNetwork).toBeUndefined();
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1 },
    });
    expect(pod.serviceAccountName).toBe('istio-cni');
    for (const [k, v] of Object.entries(ds.spec.selector.matchLabels)) {
      expect(ds.spec.template.metadata.labels[k]).toBe(v);
    }
  });

  test('has the upstream container: command, probe, capabilities, environment', () => {
    expect(container.image).toBe('docker.io/istio/install-cni:1.30.1');
    expect(container.command).toEqual(['install-cni']);
    expect(container.args).toEqual(['--log_output_level=info']);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8000 } });
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 15014, protocol: 'TCP' }]);
    expect(container.securityContext).toEqual({
      privileged: false,
      runAsGroup: 0,
      runAsUser: 0,
      runAsNonRoot: false,
      capabilities: {
        drop: ['ALL'],
        add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'],
      },
      seccompProfile: { type: 'RuntimeDefault' },
      appArmorProfile: { type: 'Unconfined' },
    });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'istio-cni-config' } }]);
    expect(container.env.map((e: Manifest) => e.name)).toEqual([
      'REPAIR_NODE_NAME',
      'REPAIR_RUN_AS_DAEMON',
      'REPAIR_SIDECAR_ANNOTATION',
      'ALLOW_SWITCH_TO_HOST_NS',
      'NODE_NAME',
      'GOMEMLIMIT',
      'GOMAXPROCS',
      'POD_NAME',
      'POD_NAMESPACE',
    ]);
  });

  test('AppArmor is set by the securityContext field, not the deprecated annotation', () => {
    // Istio 1.30 offers both (`useAppArmorAnnotation`); Kubernetes 1.30+ reads the field, and the
    // annotation is deprecated. Exactly one form, so the two can never disagree.
    const annotations = Object.keys(ds.spec.template.metadata.annotations ?? {});
    expect(annotations.filter((k) => k.includes('apparmor'))).toEqual([]);
    expect(pod.securityContext?.appArmorProfile).toBeUndefined();
    expect(container.securityContext.appArmorProfile).toEqual({ type: 'Unconfined' });
  });

  test('CNI config files keep Istio 1.30 mode 0600: no group read is switched on', () => {
    const cm = findObject(objects, 'ConfigMap', 'istio-cni', 'istio-cni-config');
    const env = container.env.map((e: Manifest) => e.name);
    expect(env).not.toContain('CNI_CONF_GROUP_READ');
    expect(Object.keys(cm.data)).not.toContain('CNI_CONF_GROUP_READ');
  });

  test('mounts the node CNI directories, /proc for repair and the plugin socket', () => {
    expect(pod.volumes).toEqual([
      { name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } },
      { name: 'cni-host-procfs', hostPath: { path: '/proc', type: 'Directory' } },
      { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } },
      { name: 'cni-socket-dir', hostPath: { path: '/var/run/istio-cni' } },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'cni-bin-dir', mountPath: '/host/opt/cni/bin' },
      { name: 'cni-host-procfs', mountPath: '/host/proc', readOnly: true },
      { name: 'cni-net-dir', mountPath: '/host/etc/cni/net.d' },
      { name: 'cni-socket-dir', mountPath: '/var/run/istio-cni' },
    ]);
  });

  test('the Pod Security exception is suppressed rule by rule, with reasons', () => {
    const suppressions = JSON.parse(
      ds.metadata.annotations['policy.mlops-blueprint.dev/suppressions'],
    );
    expect(suppressions.map((s: Manifest) => s.rule)).toEqual([
      'platform/cpu-limit',
      'platform/read-only-root-filesystem',
      'pss-baseline/apparmor',
      'pss-baseline/capabilities',
      'pss-baseline/host-path-volumes',
      'pss-restricted/allow-privilege-escalation',
      'pss-restricted/capabilities-add',
      'pss-restricted/run-as-non-root',
      'pss-restricted/run-as-user',
      'pss-restricted/volume-types',
    ]);
    for (const s of suppressions) expect(s.reason.length).toBeGreaterThan(40);
  });

  test('the configuration repairs pods whose istio-validation failed', () => {
    const cm = findObject(objects, 'ConfigMap', 'istio-cni', 'istio-cni-config');
    expect(cm.data).toMatchObject({
      CURRENT_AGENT_VERSION: '1.30.1',
      AMBIENT_ENABLED: 'false',
      CHAINED_CNI_PLUGIN: 'true',
      EXCLUDE_NAMESPACES: 'kube-system',
      REPAIR_ENABLED: 'true',
      REPAIR_REPAIR_PODS: 'true',
      REPAIR_DELETE_PODS: 'false',
      REPAIR_LABEL_PODS: 'false',
      REPAIR_INIT_CONTAINER_NAME: 'istio-validation',
    });
    for (const value of Object.values(cm.data)) expect(typeof value).toBe('string');
  });

  test('RBAC: read pods, nodes and namespaces; events for repair; bound to the agent', () => {
    const role = findObject(objects, 'ClusterRole', undefined, 'istio-cni');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['pods', 'nodes', 'namespaces'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    const repair = findObject(objects, 'ClusterRole', undefined, 'istio-cni-repair-role');
    expect(repair.rules).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
    ]);
    for (const name of ['istio-cni', 'istio-cni-repair-rolebinding']) {
      expect(findObject(objects, 'ClusterRoleBinding', undefined, name).subjects).toEqual([
        { kind: 'ServiceAccount', name: 'istio-cni', namespace: 'istio-cni' },
      ]);
    }
  });

  test('platform paths and the GKE priority-class quota are configurable', () => {
    const gke = synth(
      istioFixture({
        cni: {
          cniBinDir: '/home/kubernetes/bin',
          priorityClassQuota: true,
          excludeNamespaces: ['kube-system', 'gke-managed'],
        },
      }).chart,
    );
    const gkeDs = findObject(gke, 'DaemonSet', 'istio-cni', 'istio-cni-node');
    expect(gkeDs.spec.template.spec.volumes[0].hostPath.path).toBe('/home/kubernetes/bin');
    expect(
      findObject(gke, 'ConfigMap', 'istio-cni', 'istio-cni-config').data.EXCLUDE_NAMESPACES,
    ).toBe('kube-system,gke-managed');
    const quota = findObject(gke, 'ResourceQuota', 'istio-cni', 'istio-cni-resource-quota');
    expect(quota.spec).toEqual({
      hard: { pods: 5000 },
      scopeSelector: {
        matchExpressions: [
          { operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] },
        ],
      },
    });
    expect(objectsOfKind(objects, 'ResourceQuota')).toEqual([]);
    expect(() => istioFixture({ cni: { cniConfDir: 'etc/cni' } })).toThrow(
      '`cni.cniConfDir` must be an absolute path (got "etc/cni"). Use e.g. /opt/cni/bin.',
    );
  });

  test('the agent may not share the control plane namespace', () => {
    const chart = new Chart(Testing.app(), 'shared');
    const ns = new PlatformNamespace(chart, 'Ns', { name: 'istio-system' });
    expect(
      () =>
        new Istio(chart, 'Istio', {
          namespace: ns,
          cniNamespace: ns,
          gateway: { hosts: ['kubeflow.example.com'], issuer: CLUSTER_ISSUER },
        }),
    ).toThrow(
      '`cniNamespace` must differ from `namespace` (got "istio-system" for both). The CNI agent ' +
        'needs pod security privileged; give it its own namespace such as istio-cni.',
    );
  });
});
