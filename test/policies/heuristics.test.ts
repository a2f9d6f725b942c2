import {
  findCredentialsInText,
  findPasswordHashes,
  isCredentialName,
  isLiteralCredentialValue,
  isPasswordHash,
  parseImageReference,
  TextCredential,
} from '../../policies';

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
    'pwd',
    'db-pwd',
    'dbPwd',
    'db-password',
    'example.com/db-password',
    'spring.datasource.password',
    'clientSecret',
    'accessKeySecret',
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
    'OLDPWD',
    'passwordSecret',
    'db-password-secret',
    'existingSecret',
    'credentialsSecret',
    'cert-manager.io/inject-ca-from-secret',
    'secretEnv',
    'hashFromEnv',
    'clientSecretEnv',
    'passwordConnector',
    'enablePasswordDB',
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
    '{{ .Values.password }}',
    '{{ getenv `DEX_PASSWORD` | crypto.Bcrypt }}',
    '<password>',
    '%s',
    '%(password)s',
    '********',
    'true',
    'False',
    undefined,
    null,
    { secretKeyRef: {} },
  ])('%p is not', (value) => {
    expect(isLiteralCredentialValue(value)).toBe(false);
  });
});

describe('credentials inside text', () => {
  const BASIC = Buffer.from('user:hunter2').toString('base64');
  const found = (text: string, configFile = false): Partial<TextCredential>[] =>
    findCredentialsInText(text, { configFile }).map(({ kind, line, name }) => ({
      kind,
      line,
      name,
    }));

  it.each<[string, string, string]>([
    ['postgres://user:secret@db/app', 'connection-string', 'postgres'],
    [
      'postgresql://user:secret@db.team-a.svc:5432/app?sslmode=require',
      'connection-string',
      'postgresql',
    ],
    ['mysql://root:hunter2@mysql:3306/db', 'connection-string', 'mysql'],
    ['mongodb+srv://app:s3cr3t@cluster0.example.net/db', 'connection-string', 'mongodb+srv'],
    ['redis://:pw@redis:6379/0', 'connection-string', 'redis'],
    ['amqp://guest:guest@rabbitmq:5672/', 'connection-string', 'amqp'],
    ['https://bot:ghp_abc123@github.com/org/repo.git', 'connection-string', 'https'],
    ['jdbc:mysql://db/app?user=app&password=hunter2', 'assignment', 'password'],
    ['app:hunter2@tcp(mysql:3306)/db', 'connection-string', 'dsn'],
    ['host=db user=app password=hunter2 dbname=app', 'assignment', 'password'],
    ['-Xmx1g -Dspring.datasource.password=hunter2', 'assignment', 'Dspring.datasource.password'],
    [`Authorization: Basic ${BASIC}`, 'authorization', 'Basic'],
    [`curl -H 'authorization: basic ${BASIC}' https://api`, 'authorization', 'Basic'],
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'authorization', 'Bearer'],
  ])('%s', (text, kind, name) => {
    expect(found(text)).toEqual([{ kind, line: 1, name }]);
  });

  it.each([
    'postgres://user@db/app',
    'postgres://user:@db/app',
    'postgres://user:${DB_PASSWORD}@db/app',
    'postgres://user:$(DB_PASSWORD)@db/app',
    'postgres://user:$DB_PASSWORD@db/app',
    'postgres://<user>:<password>@db/app',
    'postgres://%s:%s@%s/%s',
    'https://registry.example.com:5000/v2/',
    'docker://registry:5000/app@sha256:abc',
    'git@github.com:org/repo.git',
    'http://[::1]:8080/path',
    'Authorization: Bearer $(TOKEN)',
    'Authorization: Basic <base64>',
    'Authorization: Basic realm',
    'WWW-Authenticate: Basic realm="kubeflow"',
    'password=',
    'password=$(cat /run/secrets/db/password)',
    'PASSWORD_FILE=/etc/db/password',
  ])('%s holds none', (text) => {
    expect(found(text)).toEqual([]);
  });

  describe('config files', () => {
    it.each<[string, string, number]>([
      ['database:\n  host: db\n  password: hunter2\n', 'password', 3],
      ['[client]\nuser = app\npassword = "hunter2" ; local\n', 'password', 3],
      ['spring.datasource.password=hunter2\n', 'spring.datasource.password', 1],
      ['export PASSWORD=hunter2\n', 'PASSWORD', 1],
      ['PASSWORD="hunter2"\n', 'PASSWORD', 1],
      ['users:\n  - password: hunter2\n', 'password', 2],
      ['{\n  "db": {\n    "password": "hunter2",\n', 'password', 3],
      ['{"db":{"host":"db","password":"hunter2"}}', 'password', 1],
      ['password = "hunter2"  # TOML\n', 'password', 1],
      ['c.NotebookApp.token = "abc123"\n', 'c.NotebookApp.token', 1],
      ['pwd: hunter2\n', 'pwd', 1],
      ['client_secret: 12345\n', 'client_secret', 1],
    ])('%j', (text, name, line) => {
      expect(found(text, true)).toEqual([{ kind: 'assignment', line, name }]);
    });

    it.each([
      'password: ${DB_PASSWORD}',
      'password: $(PASSWORD)',
      'password: $DB_PASSWORD',
      'password: "{{ .Values.password }}"',
      'password:',
      'password: ""',
      "password: ''",
      'password: null',
      'password: ~',
      'password: |',
      'password: &pw hunter2-anchor-only-in-docs',
      'password: !vault |',
      'password: /etc/db/password',
      'password: true',
      'passwordSecret: db-creds',
      'passwordFile: /etc/db/password',
      'passwordPolicy: strong',
      'secretKeyRef:',
      '# password: changeme',
      '; password = changeme',
      '// password: changeme',
      'idTokens: 24h',
      'refreshTokens: 1h30m',
      'hashFromEnv: DEX_ADMIN_HASH',
      'secretEnv: DEX_CLIENT_SECRET',
      'clientSecret: $DEX_CLIENT_SECRET',
      'hash: "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"',
      'password: "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"',
      'export PGPASSWORD="$(cat /run/secrets/db/password)"',
      '"token": {',
    ])('%j holds none', (text) => {
      expect(found(text, true)).toEqual([]);
    });

    it('reads `key: value` lines only in config files, not in env values or arguments', () => {
      expect(found('password: hunter2')).toEqual([]);
      expect(found('password=hunter2')).toEqual([
        { kind: 'assignment', line: 1, name: 'password' },
      ]);
    });

    it('reports each line once, in line order', () => {
      const text = 'a: postgres://u:p@db\npassword: x\n\nAPI_TOKEN=abc123 password=y\n';
      expect(found(text, true)).toEqual([
        { kind: 'connection-string', line: 1, name: 'postgres' },
        { kind: 'assignment', line: 2, name: 'password' },
        { kind: 'assignment', line: 4, name: 'API_TOKEN' },
        { kind: 'assignment', line: 4, name: 'password' },
      ]);
    });
  });
});

describe('password hashes', () => {
  const HASHES: [string, string][] = [
    ['$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W', 'a bcrypt hash'],
    ['$2b$12$' + 'a'.repeat(53), 'a bcrypt hash'],
    ['$2y$10$' + 'Z'.repeat(53), 'a bcrypt hash'],
    [
      '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
      'an Argon2 hash',
    ],
    ['$argon2i$m=4096,t=3,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG', 'an Argon2 hash'],
    ['$scrypt$ln=16,r=8,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG', 'a scrypt hash'],
    [
      '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7',
      'a yescrypt hash',
    ],
    ['$5$saltsalt$OIdfjX.u4Y3SJ4I2bX8w5BMf1VAUhHABNUirScDzZi3', 'a SHA-crypt hash'],
    [
      '$6$saltsalt$8iYtNHxjWRl.NF6oNZ5tF.iKFlQREaXBLlSmZKP6dy9l5z3vsooWNW0/GZ6Nej73/TFug6pIPSqbJoCT6dfnj.',
      'a SHA-crypt hash',
    ],
    ['$apr1$r31abcde$kGUqT274aeSPgSewv7rWG.', 'an MD5-crypt hash'],
    ['$1$saltsalt$qjXMvbEw8oaL.CzflDugX/', 'an MD5-crypt hash'],
    ['{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'an LDAP password hash'],
    ['{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=', 'an LDAP password hash'],
    ['pbkdf2_sha256$600000$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObGabc=', 'a PBKDF2 hash'],
    ['pbkdf2:sha256:600000$salt$' + 'ab'.repeat(32), 'a PBKDF2 hash'],
    ['sha1:0123456789ab:0123456789abcdef0123456789abcdef01234567', 'a Jupyter password hash'],
  ];

  it.each(HASHES)('%s is %s', (hash, label) => {
    expect(findPasswordHashes(`user: admin\nhash: "${hash}"\n`)).toEqual([{ label, line: 2 }]);
    expect(isPasswordHash(hash)).toBe(true);
    expect(isPasswordHash(` ${hash}\n`)).toBe(true);
  });

  it.each([
    '$2a$10$tooShort',
    '{{ getenv `DEX_PASSWORD` | required | crypto.Bcrypt }}',
    "sed -E 's/(a)(b)/$1$2/'",
    'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'sha1:0123456789abcdef0123456789abcdef01234567',
    '{SSHA}',
    '$6$rounds=5000$',
  ])('%s is not a hash', (text) => {
    expect(findPasswordHashes(text)).toEqual([]);
    expect(isPasswordHash(text)).toBe(false);
  });

  it('is not a whole hash with text around it', () => {
    expect(isPasswordHash(`alice:${HASHES[0]?.[0] ?? ''}`)).toBe(false);
  });
});

describe('text scanning on hostile input', () => {
  const MiB = 1 << 20;
  // A quadratic pattern takes minutes on any of these; linear scanning takes milliseconds.
  it.each<[string, string]>([
    ['letters', 'a'.repeat(MiB)],
    ['dotted words', 'a.'.repeat(MiB / 2)],
    ['schemes without hosts', 'a://'.repeat(MiB / 4)],
    ['a user without @', `a://b:${'c'.repeat(MiB)}`],
    ['unclosed quotes', ' a="'.repeat(MiB / 4)],
    ['headers without tokens', 'authorization: basic '.repeat(MiB / 21)],
    ['JSON keys without values', '"a":"'.repeat(MiB / 5)],
    ['hash prefixes', '$2a$10$'.repeat(MiB / 7)],
    ['Argon2 prefixes', '$argon2id$v=19$m=1,t=1,p=1$'.repeat(MiB / 30)],
    ['empty lines', '\n'.repeat(MiB)],
    ['one long comment line', `#${' password=x'.repeat(MiB / 11)}`],
    ['many findings', 'password: x\n'.repeat(MiB / 12)],
  ])('%s: a megabyte in well under a few seconds', (_name, text) => {
    const start = Date.now();
    findCredentialsInText(text, { configFile: true });
    findPasswordHashes(text);
    expect(Date.now() - start).toBeLessThan(3000);
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
