import { isCredentialName, isLiteralCredentialValue, parseImageReference } from '../../policies';

describe('credential heuristics', () => {
  it.each([
    'password',
    'PASSWORD',
    'MINIO_ROOT_PASSWORD',
    'dbPassword',
    'PGPASSWORD',
    'passwd',
    'client_secret',
    'JWT_SECRET',
    'auth-token',
    'bearerToken',
    'tokens',
    'api_key',
    'apiKey',
    'X-API-KEY',
    'AWS_SECRET_ACCESS_KEY',
    'MINIO_ACCESS_KEY',
    'secretKey',
    'private_key',
    'privateKeyPem',
    'credentials',
    '--db-password',
    'passwordValue',
  ])('%s looks like a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each([
    'secretName',
    'tokenUrl',
    'TOKEN_AUDIENCE',
    'PASSWORD_FILE',
    'password-file',
    'passwordSecretRef',
    'AWS_ACCESS_KEY_ID',
    'PWD',
    'key',
    'bucket',
    'oauth_enabled',
    'secretsStoreDriver',
  ])('%s does not', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  it.each(['hunter2', 'minio123', 12345, 'Bearer abc'])('%p is a literal', (value) => {
    expect(isLiteralCredentialValue(value)).toBe(true);
  });

  it.each([
    '',
    '   ',
    '$(MINIO_ROOT_PASSWORD)',
    'Bearer $(TOKEN)',
    '${DB_PASSWORD}',
    '$DB_PASSWORD',
    '/var/run/secrets/token',
    'true',
    'False',
    undefined,
    null,
    { secretKeyRef: {} },
  ])('%p is not', (value) => {
    expect(isLiteralCredentialValue(value)).toBe(false);
  });
});

describe('parseImageReference', () => {
  it.each([
    ['busybox', {}],
    ['busybox:1.36', { tag: '1.36' }],
    ['localhost:5000/app', {}],
    ['localhost:5000/app:2.0', { tag: '2.0' }],
    ['ghcr.io/kubeflow/pipelines/api-server@sha256:abc', { digest: 'sha256:abc' }],
    ['quay.io/a/b:latest@sha256:abc', { tag: 'latest', digest: 'sha256:abc' }],
    ['app:', {}],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
});
