import { ComponentLabels, selectorLabels, standardLabels } from '../../../constructs/core/labels';

describe('labels', () => {
  test('the standard set: selector labels, the version, part-of and managed-by', () => {
    expect(standardLabels({ name: 'minio', component: 'server', version: '2025' })).toEqual({
      'app.kubernetes.io/name': 'minio',
      'app.kubernetes.io/instance': 'minio',
      'app.kubernetes.io/component': 'server',
      'app.kubernetes.io/version': '2025',
      'app.kubernetes.io/part-of': 'mlops-platform',
      'app.kubernetes.io/managed-by': 'mlops-blueprint',
    });
    expect(selectorLabels({ name: 'minio', component: 'server', version: '2025' })).toEqual({
      'app.kubernetes.io/name': 'minio',
      'app.kubernetes.io/instance': 'minio',
      'app.kubernetes.io/component': 'server',
    });
  });
});

describe('ComponentLabels', () => {
  const dex = new ComponentLabels<'server' | 'crds'>({ name: 'dex', version: 'v2.45.0' });

  test('a part is the component label; name and version are the component facts', () => {
    expect(dex.options('crds')).toEqual({ name: 'dex', component: 'crds', version: 'v2.45.0' });
    expect(dex.labels('server')).toEqual(
      standardLabels({ name: 'dex', component: 'server', version: 'v2.45.0' }),
    );
  });

  test('the selector of a part never carries the version', () => {
    expect(dex.selector('server')).toEqual({
      'app.kubernetes.io/name': 'dex',
      'app.kubernetes.io/instance': 'dex',
      'app.kubernetes.io/component': 'server',
    });
  });

  test('upstream may name each part apart and fix the instance', () => {
    const certManager = new ComponentLabels<'controller' | 'webhook'>({
      name: (part) => (part === 'controller' ? 'cert-manager' : part),
      instance: 'cert-manager',
    });
    expect(certManager.options('webhook')).toEqual({
      name: 'webhook',
      instance: 'cert-manager',
      component: 'webhook',
    });
    expect(certManager.selector('controller')).toEqual({
      'app.kubernetes.io/name': 'cert-manager',
      'app.kubernetes.io/instance': 'cert-manager',
      'app.kubernetes.io/component': 'controller',
    });
    expect(certManager.labels('webhook')).not.toHaveProperty(['app.kubernetes.io/version']);
  });
});
