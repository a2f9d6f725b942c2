import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageReference } from '../../../constructs/core/images';
import { DEX_IMAGES, DEX_VERSION, dexVersionTable } from '../../../constructs/dex/versions';

const README = path.resolve(__dirname, '../../../constructs/dex/README.md');

describe('Dex versions', () => {
  test('the image is the distroless build of the pinned release on ghcr.io', () => {
    expect(DEX_VERSION).toBe('v2.45.1');
    expect(imageReference(DEX_IMAGES.dex)).toBe(`ghcr.io/dexidp/dex:${DEX_VERSION}-distroless`);
  });

  test('the README version table is the generated one', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const section =
      /<!-- versions:start -->\n<!-- prettier-ignore-start -->\n([\s\S]*?)\n<!-- prettier-ignore-end -->\n<!-- versions:end -->/.exec(
        readme,
      );
    expect(section?.[1]).toBe(dexVersionTable());
    expect(dexVersionTable()).toContain(imageReference(DEX_IMAGES.dex));
  });
});
