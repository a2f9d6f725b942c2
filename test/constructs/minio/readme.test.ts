import { readFileSync } from 'fs';
import { join } from 'path';
import { minioVersionTable } from '../../../constructs/minio/versions';

test('the README carries the version table generated from versions.ts', () => {
  const readme = readFileSync(join(__dirname, '../../../constructs/minio/README.md'), 'utf8');
  const table = minioVersionTable();
  expect(table).toContain('`quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:');
  expect(readme).toContain(table);
});
