import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CERT_MANAGER_IMAGES,
  CERT_MANAGER_VERSION,
  versionTable,
} from '../../../constructs/cert-manager/versions';
import { imageReference } from '../../../constructs/core/images';

const README = path.resolve(__dirname, '../../../constructs/cert-manager/README.md');

describe('cert-manager versions', () => {
  test('every image is a quay.io/jetstack image of the pinned release', () => {
    expect(CERT_MANAGER_VERSION).toBe('v1.20.2');
    for (const ref of Object.values(CERT_MANAGER_IMAGES)) {
      expect(ref.registry).toBe('quay.io');
      expect(ref.repository).toMatch(/^jetstack\/cert-manager-[a-z]+$/);
      expect(imageReference(ref)).toBe(`quay.io/${ref.repository}:${CERT_MANAGER_VERSION}`);
    }
  });

  test('the README version table is the generated one', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const section =
      /<!-- versions:start -->\n<!-- prettier-ignore-start -->\n([\s\S]*?)\n<!-- prettier-ignore-end -->\n<!-- versions:end -->/.exec(
        readme,
      );
    expect(section?.[1]).toBe(versionTable());
    for (const ref of Object.values(CERT_MANAGER_IMAGES)) {
      expect(versionTable()).toContain(imageReference(ref));
    }
  });
});
