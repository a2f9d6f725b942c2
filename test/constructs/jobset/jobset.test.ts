import { parse } from 'yaml';
import {
  JOBSET_DEFAULT_RESOURCES,
  JOBSET_IMAGES,
  JOBSET_NAMES,
  JOBSET_POD_LABELS,
  JOBSET_PORTS,
  JOBSET_SELECTOR,
  JOBSET_VERSION,
  JOBSET_WEBHOOK_PATHS,
} from '../../../constructs/jobset';
import { REGISTRY_MIRROR_CONTEXT, imageReference } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import { CLUSTER_ISSUER } from '../../fakes';
import {
  CONFIG_FACTS,
  KUBEFLOW_FACTS,
  LEADER_ELECTION_RULE_FACTS,
  MANAGER_FACTS,
  MANAGER_RULE_FACTS,
  METRICS_RBAC_FACTS,
  ROTATOR_ONLY_RULE_GROUP,
  SECRETS_ROLE_FACTS,
  SELECTOR_FACTS,
  SERVICE_FACTS,
  WEBHOOK_FACTS,
} from './facts';
import { Manifest, NS, buildJobSet } from './helpers';

const built = buildJobSet();
const objects = built.objects();
const deployment = objects.find('Deployment', NS, MANAGER_FACTS.deployment);
const pod = deployment.spec.template as Manifest;
const container = (pod.spec.containers as Manifest[])[0];
const sorted = (rules: readonly Manifest[]) =>
  rules.map((r) => JSON.stringify({ ...r, verbs: [...(r.verbs as string[])].sort() })).sort();

describe('JobSet v0.11.0 controller manager', () => {
  test('the version and the image Kubeflow pins (registry.k8s.io, not the staging registry)', () => {
    expect(JOBSET_VERSION).toBe('v0.11.0');
    expect(imageReference(JOBSET_IMAGES.controller)).toBe(MANAGER_FACTS.image);
    expect(container.image).toBe(MANAGER_FACTS.image);
    expect(built.jobSet.image).toBe(MANAGER_FACTS.image);
  });

  test('a registry mirror replaces the registry', () => {
    const mirrored = buildJobSet({ context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com' } });
    expect(mirrored.jobSet.image).toBe('mirror.example.com/jobset/jobset:v0.11.0');
  });

  test("defaults with only the required props: upstream's replicas, resources and settings", () => {
    const j = built.jobSet;
    expect(j.replicas).toBe(1);
    expect(deployment.spec.replicas).toBe(1);
    expect(j.resources).toEqual(JOBSET_DEFAULT_RESOURCES);
    expect(j.settings).toEqual({ qps: CONFIG_FACTS.qps, burst: CONFIG_FACTS.burst, logLevel: 2 });
    expect(j.namespace).toBe(NS);
    expect(j.webhookServiceHost).toBe(`jobset-webhook-service.${NS}.svc`);
    expect(j.crds).toBeDefined();
    expect(objects.ofKind('PodDisruptionBudget')).toEqual([]);
  });

  test("names, container, command and args as upstream's config/default", () => {
    expect(deployment.metadata.name).toBe(MANAGER_FACTS.deployment);
    expect(container.name).toBe(MANAGER_FACTS.container);
    expect(pod.spec.serviceAccountName).toBe(MANAGER_FACTS.serviceAccount);
    expect(container.command).toEqual(MANAGER_FACTS.command);
    expect(container.args).toEqual(MANAGER_FACTS.args);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(
      MANAGER_FACTS.terminationGracePeriodSeconds,
    );
    expect(pod.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('manager');
  });

  test("ports and probes as upstream's", () => {
    const ports = Object.fromEntries(
      (container.ports as Manifest[]).map((p) => [p.name, p.containerPort]),
    );
    expect(ports).toEqual({ ...MANAGER_FACTS.ports, health: MANAGER_FACTS.health });
    expect(JOBSET_PORTS).toEqual({
      webhook: 9443,
      webhookService: 443,
      metrics: 8443,
      health: MANAGER_FACTS.health,
    });
    const { liveness, readiness } = MANAGER_FACTS;
    expect(container.livenessProbe).toEqual({
      httpGet: { path: liveness.path, port: MANAGER_FACTS.health },
      initialDelaySeconds: liveness.initialDelaySeconds,
      periodSeconds: liveness.periodSeconds,
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: readiness.path, port: MANAGER_FACTS.health },
      initialDelaySeconds: readiness.initialDelaySeconds,
      periodSeconds: readiness.periodSeconds,
    });
  });

  test("upstream's requests, with a CPU limit; restricted security as the image's user", () => {
    expect(container.resources.requests).toEqual(MANAGER_FACTS.resources.requests);
    expect(container.resources.limits).toEqual({ ...MANAGER_FACTS.resources.limits, cpu: '2' });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: MANAGER_FACTS.uid,
      runAsGroup: MANAGER_FACTS.uid,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test("the selector is upstream v0.11.0's; the pods and both Services match it", () => {
    expect(JOBSET_SELECTOR).toEqual(SELECTOR_FACTS['v0.11.0']);
    expect(JOBSET_POD_LABELS).toEqual(SELECTOR_FACTS['v0.11.0']);
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR_FACTS['v0.11.0'] });
    expect(pod.metadata.labels).toMatchObject(SELECTOR_FACTS['v0.11.0']);
    // Kubeflow's `jobset-webhook` NetworkPolicy would still select our pods.
    expect(pod.metadata.labels).toMatchObject(KUBEFLOW_FACTS.webhookNetworkPolicySelector);
    for (const svc of [SERVICE_FACTS.webhook.name, SERVICE_FACTS.metrics.name]) {
      expect(objects.find('Service', NS, svc).spec.selector).toEqual(SELECTOR_FACTS['v0.11.0']);
    }
  });

  test('the manager runs without a sidecar (the API server, not the mesh, calls it)', () => {
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    // So Kubeflow's port exclusion has nothing to do.
    expect(pod.metadata.annotations).not.toHaveProperty(
      Object.keys(KUBEFLOW_FACTS.istioPatchAnnotations)[0],
    );
  });

  test('the configuration: leader election on, the built-in rotator off, mounted where --config reads it', () => {
    const cm = objects.find('ConfigMap', NS, MANAGER_FACTS.configMap);
    const config = parse(cm.data[MANAGER_FACTS.configKey] as string) as Manifest;
    expect(config).toEqual({
      apiVersion: CONFIG_FACTS.apiVersion,
      kind: CONFIG_FACTS.kind,
      leaderElection: { leaderElect: CONFIG_FACTS.leaderElect },
      internalCertManagement: { enable: !CONFIG_FACTS.upstreamInternalCertManagement },
      clientConnection: { qps: CONFIG_FACTS.qps, burst: CONFIG_FACTS.burst },
    });
    const mounts = Object.fromEntries(
      (container.volumeMounts as Manifest[]).map((m) => [m.name, m]),
    );
    expect(mounts['manager-config']).toEqual({
      name: 'manager-config',
      mountPath: MANAGER_FACTS.configMountPath,
      subPath: MANAGER_FACTS.configKey,
      readOnly: true,
    });
    const volumes = Object.fromEntries((pod.spec.volumes as Manifest[]).map((v) => [v.name, v]));
    expect(volumes['manager-config'].configMap.name).toBe(MANAGER_FACTS.configMap);
  });

  test('settings reach the configuration and the log level flag', () => {
    const tuned = buildJobSet({ props: { settings: { qps: 50, burst: 100, logLevel: 5 } } });
    const o = tuned.objects();
    const config = parse(
      o.find('ConfigMap', NS, MANAGER_FACTS.configMap).data[MANAGER_FACTS.configKey] as string,
    ) as Manifest;
    expect(config.clientConnection).toEqual({ qps: 50, burst: 100 });
    const c = o.find('Deployment', NS, MANAGER_FACTS.deployment).spec.template.spec.containers[0];
    expect(c.args).toContain('--zap-log-level=5');
  });

  test('cert-manager certificates from the platform issuer, mounted where controller-runtime reads them', () => {
    const webhookCert = objects.find('Certificate', NS, JOBSET_NAMES.webhookCertificate);
    expect(webhookCert.spec).toMatchObject({
      secretName: JOBSET_NAMES.webhookCertificateSecret,
      issuerRef: CLUSTER_ISSUER.issuerRef,
      dnsNames: [
        `${SERVICE_FACTS.webhook.name}.${NS}.svc`,
        `${SERVICE_FACTS.webhook.name}.${NS}.svc.cluster.local`,
      ],
    });
    const metricsCert = objects.find('Certificate', NS, JOBSET_NAMES.metricsCertificate);
    expect(metricsCert.spec).toMatchObject({
      secretName: JOBSET_NAMES.metricsCertificateSecret,
      issuerRef: CLUSTER_ISSUER.issuerRef,
      dnsNames: [
        `${SERVICE_FACTS.metrics.name}.${NS}.svc`,
        `${SERVICE_FACTS.metrics.name}.${NS}.svc.cluster.local`,
      ],
    });
    const mountOf = (secret: string) => {
      const volume = (pod.spec.volumes as Manifest[]).find((v) => v.secret?.secretName === secret);
      return (container.volumeMounts as Manifest[]).find((m) => m.name === volume?.name)?.mountPath;
    };
    expect(mountOf(JOBSET_NAMES.webhookCertificateSecret)).toBe(MANAGER_FACTS.webhookCertDir);
    expect(mountOf(JOBSET_NAMES.metricsCertificateSecret)).toBe(MANAGER_FACTS.metricsCertDir);
    // No Secret is rendered: cert-manager writes both.
    expect(objects.ofKind('Secret')).toEqual([]);
  });

  test("Services: the webhook's 443 to the webhook port, metrics 8443 over TLS", () => {
    const webhook = objects.find('Service', NS, SERVICE_FACTS.webhook.name);
    expect(webhook.spec.ports).toEqual([
      {
        name: 'https-webhook',
        port: SERVICE_FACTS.webhook.port,
        targetPort: 'webhook-server',
        protocol: 'TCP',
      },
    ]);
    const metrics = objects.find('Service', NS, SERVICE_FACTS.metrics.name);
    expect(metrics.spec.ports).toEqual([
      {
        name: 'https',
        port: SERVICE_FACTS.metrics.port,
        targetPort: 'metrics',
        protocol: 'TCP',
        appProtocol: 'https',
      },
    ]);
    const named = (n: string) =>
      (container.ports as Manifest[]).find((p) => p.name === n)?.containerPort;
    expect(named('webhook-server')).toBe(SERVICE_FACTS.webhook.targetPort);
    expect(named('metrics')).toBe(SERVICE_FACTS.metrics.targetPort);
  });

  describe('admission webhooks', () => {
    test.each([
      ['MutatingWebhookConfiguration', WEBHOOK_FACTS.mutating],
      ['ValidatingWebhookConfiguration', WEBHOOK_FACTS.validating],
    ] as const)('%s: names, paths, rules, selectors, failure policy', (kind, facts) => {
      const config = objects.find(kind, undefined, facts.name);
      expect(config.metadata.annotations).toEqual({
        'cert-manager.io/inject-ca-from': `${NS}/${JOBSET_NAMES.webhookCertificate}`,
      });
      const hooks = config.webhooks as Manifest[];
      expect(hooks.map((h) => h.name)).toEqual(facts.webhooks.map((w) => w.name));
      hooks.forEach((h, i) => {
        const f = facts.webhooks[i];
        expect(h.clientConfig).toEqual({
          service: {
            name: SERVICE_FACTS.webhook.name,
            namespace: NS,
            path: f.path,
            port: SERVICE_FACTS.webhook.port,
          },
        });
        expect(h.rules).toEqual([f.rule]);
        expect(h.objectSelector).toEqual(f.objectSelector);
        expect(h.namespaceSelector).toBeUndefined();
        expect([h.failurePolicy, h.sideEffects, h.admissionReviewVersions]).toEqual([
          WEBHOOK_FACTS.failurePolicy,
          WEBHOOK_FACTS.sideEffects,
          WEBHOOK_FACTS.admissionReviewVersions,
        ]);
      });
    });

    test('every path the webhooks call is one the manager serves', () => {
      const paths = [
        ...WEBHOOK_FACTS.mutating.webhooks.map((w) => w.path),
        ...WEBHOOK_FACTS.validating.webhooks.map((w) => w.path),
      ].sort();
      expect(paths).toEqual(
        Object.values(JOBSET_WEBHOOK_PATHS)
          .filter((p) => p !== '/convert')
          .sort(),
      );
    });

    test('the API server may reach the webhook port, and only that port', () => {
      const allow = built.namespace.allows.find((a) => a.id === 'jobset-webhook-from-apiserver');
      expect(allow?.allow.podLabels).toEqual(SELECTOR_FACTS['v0.11.0']);
      expect(allow?.allow.ports).toEqual([{ port: MANAGER_FACTS.ports['webhook-server'] }]);
      expect(allow?.allow.from.map((p) => p.toPeer())).toEqual([
        { ipBlock: { cidr: '0.0.0.0/0' } },
        { ipBlock: { cidr: '::/0' } },
      ]);
      expect(built.namespace.allows.map((a) => a.id)).toEqual(['jobset-webhook-from-apiserver']);
    });

    test('metrics scrapers get their own allow for the metrics port', () => {
      const scraper = NetworkPeer.namespace('monitoring');
      const b = buildJobSet({ props: { metricsScrapers: [scraper] } });
      b.objects();
      const allow = b.namespace.allows.find((a) => a.id === 'jobset-metrics');
      expect(allow?.allow.ports).toEqual([{ port: MANAGER_FACTS.ports.metrics }]);
      expect(allow?.allow.from).toEqual([scraper]);
    });
  });

  describe('RBAC', () => {
    test("the manager's ClusterRole is upstream's without the rotator's webhook-configuration rule", () => {
      const role = objects.find('ClusterRole', undefined, 'jobset-manager-role');
      const expected = MANAGER_RULE_FACTS.filter(
        (r) => !(r.apiGroups as readonly string[]).includes(ROTATOR_ONLY_RULE_GROUP),
      );
      expect(expected).toHaveLength(MANAGER_RULE_FACTS.length - 1);
      expect(sorted(role.rules as Manifest[])).toEqual(sorted(expected as unknown as Manifest[]));
      const binding = objects.find('ClusterRoleBinding', undefined, 'jobset-manager-rolebinding');
      expect(binding.roleRef.name).toBe('jobset-manager-role');
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: MANAGER_FACTS.serviceAccount, namespace: NS },
      ]);
    });

    test('leader election: Leases and Events in the namespace; no ConfigMaps (the lock is a Lease)', () => {
      const role = objects.find('Role', NS, LEADER_ELECTION_RULE_FACTS.role);
      const verbsOf = (resource: string) =>
        (role.rules as Manifest[]).find((r) => (r.resources as string[]).includes(resource))
          ?.verbs as string[] | undefined;
      expect(verbsOf('leases')?.sort()).toEqual([...LEADER_ELECTION_RULE_FACTS.leases].sort());
      expect(verbsOf('events')?.sort()).toEqual([...LEADER_ELECTION_RULE_FACTS.events].sort());
      expect(verbsOf('configmaps')).toBeUndefined();
      expect(
        objects.find('RoleBinding', NS, 'jobset-leader-election-rolebinding').roleRef.name,
      ).toBe(LEADER_ELECTION_RULE_FACTS.role);
    });

    test('no Secret access: the rotator that needed it is off', () => {
      expect(objects.has('Role', NS, SECRETS_ROLE_FACTS.role)).toBe(false);
      const all = [...objects.ofKind('Role'), ...objects.ofKind('ClusterRole')].flatMap(
        (r) => r.rules as Manifest[],
      );
      expect(all.filter((r) => (r.resources ?? []).includes('secrets'))).toEqual([]);
    });

    test('the metrics endpoint may review tokens; the reader role exists for scrapers, bound to nobody', () => {
      const auth = objects.find('ClusterRole', undefined, METRICS_RBAC_FACTS.authRole);
      expect(sorted(auth.rules as Manifest[])).toEqual(
        sorted([
          { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
          {
            apiGroups: ['authorization.k8s.io'],
            resources: ['subjectaccessreviews'],
            verbs: ['create'],
          },
        ]),
      );
      expect(
        objects.find('ClusterRoleBinding', undefined, METRICS_RBAC_FACTS.authBinding).roleRef.name,
      ).toBe(METRICS_RBAC_FACTS.authRole);
      const reader = objects.find('ClusterRole', undefined, METRICS_RBAC_FACTS.readerRole);
      expect(reader.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
      expect(
        objects
          .ofKind('ClusterRoleBinding')
          .filter((b) => b.roleRef.name === METRICS_RBAC_FACTS.readerRole),
      ).toEqual([]);
    });

    test('the ServiceAccount mounts no token; the pod does', () => {
      const sa = objects.find('ServiceAccount', NS, MANAGER_FACTS.serviceAccount);
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(pod.spec.automountServiceAccountToken).toBe(true);
    });
  });

  test('replicas above one get a disruption budget over the same selector', () => {
    const o = buildJobSet({ props: { replicas: 2 } }).objects();
    const pdb = o.find('PodDisruptionBudget', NS, MANAGER_FACTS.deployment);
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: JOBSET_SELECTOR } });
  });

  test('crds: false leaves the CRD out', () => {
    const b = buildJobSet({ props: { crds: false } });
    expect(b.jobSet.crds).toBeUndefined();
    expect(b.objects().ofKind('CustomResourceDefinition')).toEqual([]);
  });

  test('every problem of the props at once', () => {
    expect(() =>
      buildJobSet({
        props: {
          replicas: 0,
          settings: { qps: 0, burst: 1.5, logLevel: -1 },
          issuer: { ...CLUSTER_ISSUER, solvesHttp01: true },
        },
      }),
    ).toThrow(
      [
        'JobSet: ',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
        "- `settings.qps` is not a positive number (got 0). Use upstream's 500 or another positive number.",
        '- `settings.logLevel` is not a whole number of at least 0 (got -1). Use 0 (info) or more for more detail; upstream uses 2.',
        '- `settings.burst` is not a whole number (got 1.5). Use a whole number such as 500.',
        `- \`issuer\` is an ACME issuer (got HTTP-01 for jobset-webhook-service.${NS}.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.`,
      ].join('\n'),
    );
    expect(() =>
      buildJobSet({ props: { issuer: { ...CLUSTER_ISSUER, namespace: 'other' } } }),
    ).toThrow(
      "JobSet: `issuer` is an Issuer of namespace other (got a webhook in kubeflow-system). Use a ClusterIssuer or an Issuer of the webhook's namespace.",
    );
  });
});
