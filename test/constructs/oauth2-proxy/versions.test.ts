import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageReference } from '../../../constructs/core/images';
import {
  OAUTH2_PROXY_IMAGES,
  OAUTH2_PROXY_VERSION,
  oauth2ProxyVersionTable,
} from '../../../constructs/oauth2-proxy/versions';

const README = path.resolve(__dirname, '../../../constructs/oauth2-proxy/README.md');

describe('oauth2-proxy versions', () => {
  test('the image is the pinned release on quay.io (the distroless build)', () => {
    expect(OAUTH2_PROXY_VERSION).toBe('v7.15.2');
    expect(imageReference(OAUTH2_PROXY_IMAGES.oauth2Proxy)).toBe(
      'quay.io/oauth2-proxy/oauth2-proxy:v7.15.2',
    );
  });

  test('the README version table is the generated one', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const section =
      /<!-- versions:start -->\n<!-- prettier-ignore-start -->\n([\s\S]*?)\n<!-- prettier-ignore-end -->\n<!-- versions:end -->/.exec(
        readme,
      );
    expect(section?.[1]).toBe(oauth2ProxyVersionTable());
  });
});
