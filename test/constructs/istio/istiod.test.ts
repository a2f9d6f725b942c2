import { findObject, istioFixture, Manifest, objectsOfKind, synth } from './helpers';
import { ISTIOD_CLUSTER_ROLE_RULES_1_30_1 } from './rbac-facts';

/** A rule with its lists sorted: their order carries no meaning. */
const normalized = (rule: Manifest): Manifest => ({
  apiGroups: [...rule.apiGroups].sort(),
  resources: [...rule.resources].sort(),
  verbs: [...rule.verbs].sort(),
});

describe('istiod', () => {
  const objects = synth(istioFixture().chart);
  const deployment = findObject(objects, 'Deployment', 'istio-system', 'istiod');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('runs discovery with the upstream args, ports and probe', () => {
    expect(container.name).toBe('discovery');
    expect(container.args).toEqual([
      'discovery',
      '--monitoringAddr=:15014',
      '--log_output_level=default:info',
      '--domain',
      'cluster.local',
      '--keepaliveMaxServerConnectionAge',
      '30m',
    ]);
    expect(container.ports.map((p: Manifest) => `${p.name}:${p.containerPort}`)).toEqual([
      'http-debug:8080',
      'grpc-xds:15010',
      'tls-xds:15012',
      'https-webhooks:15017',
      'http-monitoring:15014',
    ]);
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8080 },
      initialDelaySeconds: 1,
      periodSeconds: 3,
      timeoutSeconds: 5,
    });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.strategy.rollingUpdate).toEqual({
      maxSurge: '100%',
      maxUnavailable: '25%',
    });
    expect(pod.spec.tolerations).toEqual([{ key: 'cni.istio.io/not-ready', operator: 'Exists' }]);
  });

  test('has the upstream environment, with native sidecars on', () => {
    expect(container.env.map((e: Manifest) => e.name)).toEqual([
      'REVISION',
      'PILOT_CERT_PROVIDER',
      'POD_NAME',
      'POD_NAMESPACE',
      'SERVICE_ACCOUNT',
      'KUBECONFIG',
      'CA_TRUSTED_NODE_ACCOUNTS',
      'ENABLE_NATIVE_SIDECARS',
      'PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER',
      'PILOT_JWT_PUB_KEY_REFRESH_INTERVAL',
      'PILOT_TRACE_SAMPLING',
      'PILOT_ENABLE_ANALYSIS',
      'CLUSTER_ID',
      'GOMAXPROCS',
      'PLATFORM',
    ]);
    const env = Object.fromEntries(
      container.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(env.REVISION).toBe('default');
    expect(env.ENABLE_NATIVE_SIDECARS).toBe('true');
    expect(env.CA_TRUSTED_NODE_ACCOUNTS).toBe('istio-system/ztunnel');
    expect(env.CLUSTER_ID).toBe('Kubernetes');
    expect(env.GOMAXPROCS).toEqual({ resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } });
  });

  test('passes Pod Security restricted', () => {
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('false');
  });

  test('mounts its token, certificates and optional plug-in CA', () => {
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: Manifest) => [v.name, v]));
    expect(pod.spec.volumes.map((v: Manifest) => v.name)).toEqual([
      'local-certs',
      'istio-token',
      'cacerts',
      'istio-kubeconfig',
      'istio-csr-dns-cert',
      'istio-csr-ca-configmap',
    ]);
    expect(volumes['istio-token'].projected.sources[0].serviceAccountToken).toEqual({
      audience: 'istio-ca',
      expirationSeconds: 43200,
      path: 'istio-token',
    });
    expect(volumes.cacerts.secret).toEqual({ secretName: 'cacerts', optional: true });
    const mounts = container.volumeMounts.map((m: Manifest) => m.name).sort();
    expect(mounts).toEqual(Object.keys(volumes).sort());
  });

  test('the Service selects the istiod pods and exposes the upstream ports', () => {
    const service = findObject(objects, 'Service', 'istio-system', 'istiod');
    expect(service.spec.ports).toEqual([
      { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
      { name: 'https-dns', port: 15012, protocol: 'TCP' },
      { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
    ]);
    for (const [k, v] of Object.entries(service.spec.selector)) {
      expect(pod.metadata.labels[k]).toBe(v);
    }
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
  });

  test('every webhook points at a Service port whose target is a container port', () => {
    const webhooks = [
      ...objectsOfKind(objects, 'MutatingWebhookConfiguration'),
      ...objectsOfKind(objects, 'ValidatingWebhookConfiguration'),
    ].flatMap((c) => c.webhooks);
    expect(webhooks.map((w: Manifest) => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
      'rev.validation.istio.io',
      'validation.istio.io',
    ]);
    for (const webhook of webhooks) {
      const ref = webhook.clientConfig.service;
      const service = findObject(objects, 'Service', ref.namespace, ref.name);
      const port = service.spec.ports.find((p: Manifest) => p.port === (ref.port ?? 443));
      expect(port).toBeDefined();
      const target = port.targetPort ?? port.port;
      const owner = objectsOfKind(objects, 'Deployment').find((d) =>
        Object.entries(service.spec.selector).every(
          ([k, v]) => d.spec.template.metadata.labels[k] === v,
        ),
      );
      const containerPorts = owner.spec.template.spec.containers.flatMap(
        (c: Manifest) => c.ports ?? [],
      );
      expect(containerPorts.map((p: Manifest) => p.containerPort)).toContain(target);
      expect(webhook.sideEffects).toBe('None');
      expect(webhook.admissionReviewVersions).toEqual(['v1']);
    }
  });

  test('the injection webhook serves namespaces labelled for injection', () => {
    const mwc = findObject(
      objects,
      'MutatingWebhookConfiguration',
      undefined,
      'istio-sidecar-injector',
    );
    // istiod patches the caBundle only into configurations labelled with its revision.
    expect(mwc.metadata.labels['istio.io/rev']).toBe('default');
    const byName = Object.fromEntries(mwc.webhooks.map((w: Manifest) => [w.name, w]));
    expect(byName['namespace.sidecar-injector.istio.io'].namespaceSelector).toEqual({
      matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }],
    });
    expect(
      byName['rev.namespace.sidecar-injector.istio.io'].namespaceSelector.matchExpressions[0],
    ).toEqual({
      key: 'istio.io/rev',
      operator: 'In',
      values: ['default'],
    });
    for (const w of mwc.webhooks) {
      expect(w.clientConfig.service).toEqual({
        name: 'istiod',
        namespace: 'istio-system',
        path: '/inject',
        port: 443,
      });
      expect(w.rules).toEqual([
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
      ]);
      expect(w.failurePolicy).toBe('Fail');
      expect(w.objectSelector.matchExpressions).toContainEqual(
        w.name === 'object.sidecar-injector.istio.io'
          ? { key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }
          : { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] },
      );
    }
  });

  test('the validating webhooks cover every Istio API group and fail open until istiod is ready', () => {
    const revValidator = findObject(
      objects,
      'ValidatingWebhookConfiguration',
      undefined,
      'istio-validator-istio-system',
    );
    const defaultValidator = findObject(
      objects,
      'ValidatingWebhookConfiguration',
      undefined,
      'istiod-default-validator',
    );
    for (const vwc of [revValidator, defaultValidator]) {
      expect(vwc.metadata.labels['istio.io/rev']).toBe('default');
      const [w] = vwc.webhooks;
      expect(w.clientConfig.service.path).toBe('/validate');
      // Fail closed from the start: the layered install waits for istiod before any Istio resource.
      expect(w.failurePolicy).toBe('Fail');
      expect(w.rules[0].apiGroups.sort()).toEqual([
        'extensions.istio.io',
        'networking.istio.io',
        'security.istio.io',
        'telemetry.istio.io',
      ]);
      expect(w.rules[0].operations).toEqual(['CREATE', 'UPDATE']);
    }
    expect(revValidator.webhooks[0].objectSelector).toEqual({
      matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }],
    });
    expect(defaultValidator.webhooks[0].objectSelector).toBeUndefined();
  });

  test('RBAC binds the upstream roles to the istiod service account', () => {
    const role = findObject(objects, 'ClusterRole', undefined, 'istiod-clusterrole-istio-system');
    const binding = findObject(
      objects,
      'ClusterRoleBinding',
      undefined,
      'istiod-clusterrole-istio-system',
    );
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'istiod', namespace: 'istio-system' },
    ]);
    expect(binding.roleRef.name).toBe(role.metadata.name);
    const webhookRule = role.rules.find((r: Manifest) =>
      r.resources.includes('mutatingwebhookconfigurations'),
    );
    expect(webhookRule.verbs).toEqual(['get', 'list', 'watch', 'update', 'patch']);
    // The Gateway API deployment controller is off, so its role is not rendered.
    expect(objectsOfKind(objects, 'ClusterRole').map((r) => r.metadata.name)).not.toContain(
      'istiod-gateway-controller-istio-system',
    );
    expect(
      JSON.parse(role.metadata.annotations['policy.mlops-blueprint.dev/suppressions']),
    ).toEqual([expect.objectContaining({ rule: 'platform/rbac-wildcards' })]);
    const nsRole = findObject(objects, 'Role', 'istio-system', 'istiod');
    expect(nsRole.rules[0]).toEqual({
      apiGroups: ['networking.istio.io'],
      resources: ['gateways'],
      verbs: ['create'],
    });
    expect(findObject(objects, 'RoleBinding', 'istio-system', 'istiod').subjects[0].name).toBe(
      'istiod',
    );
    expect(pod.spec.serviceAccountName).toBe('istiod');
    findObject(objects, 'ServiceAccount', 'istio-system', 'istiod');
  });

  test('the ClusterRole grants exactly the rules of upstream 1.30.1, in its order', () => {
    const role = findObject(objects, 'ClusterRole', undefined, 'istiod-clusterrole-istio-system');
    expect(role.rules.map(normalized)).toEqual(ISTIOD_CLUSTER_ROLE_RULES_1_30_1.map(normalized));
    // The 1.30 change: ListenerSet status is written in the standard Gateway API group only.
    const statusWrites = role.rules
      .filter((r: Manifest) => r.verbs.includes('patch'))
      .flatMap((r: Manifest) => r.resources);
    expect(statusWrites).toContain('listenersets/status');
    expect(statusWrites).not.toContain('xlistenersets/status');
  });

  test('1.30 behaviour changes stay at their safer defaults', () => {
    const names = container.env.map((e: Manifest) => e.name);
    // Upgrade notes: a Kubernetes Service wins over a same-named ServiceEntry in another
    // namespace; xDS debug endpoints need authentication and are namespace-scoped.
    expect(names).not.toContain('PILOT_SIDECAR_PICK_BEST_SERVICE_NAMESPACE');
    expect(names).not.toContain('ENABLE_DEBUG_ENDPOINT_AUTH');
    expect(names).not.toContain('DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES');
    // Blocking cluster CIDRs in JWKS URIs would break the in-cluster Dex JWKS fetch.
    expect(names).not.toContain('BLOCKED_CIDRS_IN_JWKS_URIS');
    // Only set by upstream's chart with `taint.enabled`, which needs node patch rights.
    expect(names).not.toContain('PILOT_ENABLE_NODE_UNTAINT_CONTROLLERS');
  });

  test('autoscales like upstream and adds a disruption budget only with two replicas or more', () => {
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'istio-system', 'istiod');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
    expect(objectsOfKind(objects, 'PodDisruptionBudget')).toEqual([]);

    const ha = synth(
      istioFixture({
        istiod: {
          autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilizationPercent: 70 },
        },
      }).chart,
    );
    const pdb = findObject(ha, 'PodDisruptionBudget', 'istio-system', 'istiod');
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: deployment.spec.selector.matchLabels },
    });
    expect(
      findObject(ha, 'HorizontalPodAutoscaler', 'istio-system', 'istiod').spec.minReplicas,
    ).toBe(2);
  });

  test('rejects impossible autoscaling with every problem at once', () => {
    expect(() =>
      istioFixture({
        istiod: {
          autoscaling: { minReplicas: 0, maxReplicas: 5, targetCpuUtilizationPercent: 120 },
        },
      }),
    ).toThrow(
      'Istio: \n' +
        '- `istiod.autoscaling.minReplicas` must be an integer of at least 1 (got 0).\n' +
        '- `istiod.autoscaling.targetCpuUtilizationPercent` must be an integer from 1 to 100 (got 120).',
    );
  });

  test('a named revision renames the control plane and selects by istio.io/rev', () => {
    const rev = synth(istioFixture({ revision: '1-29' }).chart);
    const d = findObject(rev, 'Deployment', 'istio-system', 'istiod-1-29');
    expect(d.spec.template.spec.containers[0].env[0]).toEqual({ name: 'REVISION', value: '1-29' });
    findObject(rev, 'Service', 'istio-system', 'istiod-1-29');
    findObject(rev, 'ConfigMap', 'istio-system', 'istio-1-29');
    findObject(rev, 'ConfigMap', 'istio-system', 'istio-sidecar-injector-1-29');
    findObject(rev, 'ClusterRole', undefined, 'istiod-clusterrole-1-29-istio-system');
    findObject(
      rev,
      'ValidatingWebhookConfiguration',
      undefined,
      'istio-validator-1-29-istio-system',
    );
    const mwc = findObject(
      rev,
      'MutatingWebhookConfiguration',
      undefined,
      'istio-sidecar-injector-1-29',
    );
    expect(mwc.webhooks.map((w: Manifest) => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
    ]);
    expect(mwc.webhooks[0].clientConfig.service.name).toBe('istiod-1-29');
    expect(mwc.metadata.labels['istio.io/rev']).toBe('1-29');
    expect(
      findObject(rev, 'ClusterRoleBinding', undefined, 'istiod-clusterrole-1-29-istio-system')
        .subjects[0].name,
    ).toBe('istiod-1-29');
  });
});
