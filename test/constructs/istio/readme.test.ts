import { readFileSync } from 'fs';
import { join } from 'path';
import { istioVersionTable } from '../../../constructs/istio';

describe('README', () => {
  const readme = readFileSync(join(__dirname, '../../../constructs/istio/README.md'), 'utf8');

  test('contains the version table generated from versions.ts', () => {
    const table = istioVersionTable();
    expect(table.map((row) => row.split('|').map((cell) => cell.trim()))).toEqual([
      ['', 'Component', 'Image', 'Tag', ''],
      ['', '-'.repeat(42), '-'.repeat(29), '-'.repeat(8), ''],
      ['', 'istiod (control plane)', '`docker.io/istio/pilot`', '`1.29.6`', ''],
      [
        '',
        'sidecar, ingress gateway, istio-validation',
        '`docker.io/istio/proxyv2`',
        '`1.29.6`',
        '',
      ],
      ['', 'istio-cni node agent', '`docker.io/istio/install-cni`', '`1.29.6`', ''],
    ]);
    expect(readme).toContain(table.join('\n'));
  });
});
