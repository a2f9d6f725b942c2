import { readFileSync } from 'fs';
import { join } from 'path';
import { imageReference } from '../../../constructs/core/images';
import { ISTIO_IMAGES, istioVersionTable } from '../../../constructs/istio';

describe('README', () => {
  const readme = readFileSync(join(__dirname, '../../../constructs/istio/README.md'), 'utf8');

  test('contains the version table generated from versions.ts', () => {
    const table = istioVersionTable();
    expect(readme).toContain(table);
    expect(table.split('\n').slice(2)).toEqual([
      '| pilot | `docker.io/istio/pilot:1.30.1` | istiod (control plane) |',
      '| proxy | `docker.io/istio/proxyv2:1.30.1` | sidecar, ingress gateway, istio-validation |',
      '| installCni | `docker.io/istio/install-cni:1.30.1` | istio-cni node agent |',
    ]);
    for (const ref of Object.values(ISTIO_IMAGES)) expect(table).toContain(imageReference(ref));
  });
});
