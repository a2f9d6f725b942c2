import { NetworkPeer } from '../../../constructs/core/network';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { findObject, testChart } from '../../helpers';

describe('PlatformNamespace', () => {
  test('defaults: restricted, pinned to the target version, default-deny ingress, no mesh label', () => {
    const { chart, synth } = testChart();
    const ns = new PlatformNamespace(chart, 'Ns', { name: 'minio' });
    expect(ns.podSecurity).toBe('restricted');
    const objects = synth();
    const labels = findObject(objects, 'Namespace', undefined, 'minio').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(labels).not.toHaveProperty('istio-injection');
    const deny = findObject(objects, 'NetworkPolicy', 'minio', 'default-deny-ingress');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  test('a meshed namespace carries exactly the labels the mesh states', () => {
    const { chart, synth } = testChart();
    new PlatformNamespace(chart, 'A', { name: 'a', meshLabels: { 'istio-injection': 'enabled' } });
    new PlatformNamespace(chart, 'B', { name: 'b', meshLabels: { 'istio.io/rev': '1-29' } });
    const objects = synth();
    expect(
      findObject(objects, 'Namespace', undefined, 'a').metadata.labels?.['istio-injection'],
    ).toBe('enabled');
    const b = findObject(objects, 'Namespace', undefined, 'b').metadata.labels;
    expect(b?.['istio.io/rev']).toBe('1-29');
    expect(b).not.toHaveProperty('istio-injection');
  });

  test('a level below restricted needs a reason, which is recorded', () => {
    const { chart, synth } = testChart();
    expect(
      () => new PlatformNamespace(chart, 'X', { name: 'x', podSecurity: 'privileged' }),
    ).toThrow('Namespace x: pod security "privileged" needs a podSecurityReason.');
    new PlatformNamespace(chart, 'Y', {
      name: 'y',
      podSecurity: 'privileged',
      podSecurityReason: 'CNI node agent',
    });
    const y = findObject(synth(), 'Namespace', undefined, 'y');
    expect(y.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(y.metadata.annotations?.['mlops-blueprint.dev/pod-security-reason']).toBe(
      'CNI node agent',
    );
  });

  test('allowIngress adds one named policy per allow with typed peers and ports', () => {
    const { chart, synth } = testChart();
    const ns = new PlatformNamespace(chart, 'Ns', { name: 'minio' });
    ns.allowIngress('s3-from-kubeflow', {
      description: 'Pipelines store artifacts',
      podLabels: { app: 'minio' },
      from: [
        NetworkPeer.namespace('kubeflow', { app: 'ml-pipeline' }),
        NetworkPeer.namespacesWithLabel('tenant'),
      ],
      ports: [{ port: 9000 }],
    });
    const p = findObject(synth(), 'NetworkPolicy', 'minio', 'allow-s3-from-kubeflow');
    expect(p.spec).toEqual({
      podSelector: { matchLabels: { app: 'minio' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } },
              podSelector: { matchLabels: { app: 'ml-pipeline' } },
            },
            { namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } },
          ],
          ports: [{ port: 9000, protocol: 'TCP' }],
        },
      ],
    });
    expect(p.metadata.annotations?.['mlops-blueprint.dev/description']).toBe(
      'Pipelines store artifacts (from namespace kubeflow; namespaces with label tenant)',
    );
  });

  test('allow ids are DNS labels, unique, and name at least one peer', () => {
    const { chart } = testChart();
    const ns = new PlatformNamespace(chart, 'Ns', { name: 'n' });
    const allow = { description: 'd', from: [NetworkPeer.sameNamespace()] };
    expect(() => ns.allowIngress('Bad_Id', allow)).toThrow(
      'Network allow id "Bad_Id" in namespace n must be a DNS label.',
    );
    ns.allowIngress('ok', allow);
    expect(() => ns.allowIngress('ok', allow)).toThrow(
      'Network allow "ok" is declared twice in namespace n.',
    );
    expect(() => ns.allowIngress('none', { description: 'd', from: [] })).toThrow(
      'Network allow "none" in namespace n names no peer.',
    );
  });
});
