import { Prerequisites } from '../../../constructs/core/prerequisites';
import { DexConnector } from '../../../constructs/dex';
import { HOST } from '../../fakes';
import { DEX_NS, Manifest, Objects, buildDex, dexConfigOf } from './helpers';

const CALLBACK = `https://${HOST}/dex/callback`;

/** The one connector's config entry, the Dex container and the objects. */
function render(connector: DexConnector): { entry: Manifest; container: Manifest; o: Objects } {
  const o = buildDex({ connectors: [connector] }).objects();
  const [entry] = dexConfigOf(o).connectors as Manifest[];
  const container = o.find('Deployment', DEX_NS, 'dex').spec.template.spec.containers[0];
  return { entry, container, o };
}

const secretEnv = (container: Manifest, name: string): Manifest =>
  container.env.find((e: Manifest) => e.name === name);

describe('Dex connectors', () => {
  test('oidc renders issuer, clientID, clientSecret (by reference) and redirectURI', () => {
    const { entry, container } = render(
      DexConnector.oidc({
        id: 'corporate-sso',
        name: 'Corporate SSO',
        issuer: 'https://login.example.com',
        clientID: 'kubeflow',
        clientSecret: { name: 'corporate-sso-client', key: 'client-secret' },
        scopes: ['openid', 'email', 'groups'],
        insecureEnableGroups: true,
        getUserInfo: true,
        userNameKey: 'preferred_username',
      }),
    );
    expect(entry).toEqual({
      type: 'oidc',
      id: 'corporate-sso',
      name: 'Corporate SSO',
      config: {
        issuer: 'https://login.example.com',
        clientID: 'kubeflow',
        clientSecret: '$DEX_CONNECTOR_CORPORATE_SSO_CLIENT_SECRET',
        scopes: ['openid', 'email', 'groups'],
        getUserInfo: true,
        insecureEnableGroups: true,
        userNameKey: 'preferred_username',
        redirectURI: CALLBACK,
      },
    });
    expect(secretEnv(container, 'DEX_CONNECTOR_CORPORATE_SSO_CLIENT_SECRET')).toEqual({
      name: 'DEX_CONNECTOR_CORPORATE_SSO_CLIENT_SECRET',
      valueFrom: { secretKeyRef: { name: 'corporate-sso-client', key: 'client-secret' } },
    });
  });

  test('github renders clientID, clientSecret, redirectURI and orgs with teams', () => {
    const { entry, container } = render(
      DexConnector.github({
        id: 'github',
        name: 'GitHub',
        clientID: 'Iv1.abc',
        clientSecret: { name: 'github-oauth', key: 'secret' },
        orgs: [{ name: 'acme', teams: ['ml-platform'] }, { name: 'acme-labs' }],
        teamNameField: 'slug',
      }),
    );
    expect(entry.type).toBe('github');
    expect(entry.config).toEqual({
      clientID: 'Iv1.abc',
      clientSecret: '$DEX_CONNECTOR_GITHUB_CLIENT_SECRET',
      orgs: [{ name: 'acme', teams: ['ml-platform'] }, { name: 'acme-labs' }],
      teamNameField: 'slug',
      redirectURI: CALLBACK,
    });
    expect(secretEnv(container, 'DEX_CONNECTOR_GITHUB_CLIENT_SECRET').valueFrom).toEqual({
      secretKeyRef: { name: 'github-oauth', key: 'secret' },
    });
  });

  test('google renders hostedDomains and mounts the service account key as serviceAccountFilePath', () => {
    const { entry, container, o } = render(
      DexConnector.google({
        id: 'google',
        name: 'Google',
        clientID: 'x.apps.googleusercontent.com',
        clientSecret: { name: 'google-oauth', key: 'client-secret' },
        hostedDomains: ['example.com'],
        groups: ['ml@example.com'],
        serviceAccount: { name: 'google-directory', key: 'sa.json' },
        domainToAdminEmail: { 'example.com': 'admin@example.com' },
      }),
    );
    expect(entry.config).toEqual({
      clientID: 'x.apps.googleusercontent.com',
      clientSecret: '$DEX_CONNECTOR_GOOGLE_CLIENT_SECRET',
      hostedDomains: ['example.com'],
      groups: ['ml@example.com'],
      serviceAccountFilePath: '/etc/dex/connectors/google/service-account/sa.json',
      domainToAdminEmail: { 'example.com': 'admin@example.com' },
      redirectURI: CALLBACK,
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'connector-google-service-account',
      mountPath: '/etc/dex/connectors/google/service-account',
      readOnly: true,
    });
    expect(o.find('Deployment', DEX_NS, 'dex').spec.template.spec.volumes).toContainEqual({
      name: 'connector-google-service-account',
      secret: { secretName: 'google-directory', items: [{ key: 'sa.json', path: 'sa.json' }] },
    });
  });

  test('microsoft renders tenant, groups and the whitelist switches', () => {
    const { entry } = render(
      DexConnector.microsoft({
        id: 'microsoft',
        name: 'Microsoft',
        clientID: '00000000-0000-0000-0000-000000000000',
        clientSecret: { name: 'entra', key: 'client-secret' },
        tenant: 'example.onmicrosoft.com',
        groups: ['ml-platform'],
        onlySecurityGroups: true,
        useGroupsAsWhitelist: true,
        emailToLowercase: true,
      }),
    );
    expect(entry.config).toEqual({
      clientID: '00000000-0000-0000-0000-000000000000',
      clientSecret: '$DEX_CONNECTOR_MICROSOFT_CLIENT_SECRET',
      tenant: 'example.onmicrosoft.com',
      groups: ['ml-platform'],
      onlySecurityGroups: true,
      useGroupsAsWhitelist: true,
      emailToLowercase: true,
      redirectURI: CALLBACK,
    });
  });

  test('ldap renders host, bindDN, bindPW (by reference), userSearch and groupSearch', () => {
    const { entry, container } = render(
      DexConnector.ldap({
        id: 'ldap',
        name: 'Directory',
        host: 'ldap.example.com:636',
        bindDN: 'cn=dex,ou=services,dc=example,dc=com',
        bindPW: { name: 'ldap-bind', key: 'password' },
        rootCA: { name: 'ldap-ca', key: 'ca.crt' },
        userSearch: {
          baseDN: 'ou=people,dc=example,dc=com',
          filter: '(objectClass=person)',
          emailAttr: 'mail',
          nameAttr: 'cn',
        },
        groupSearch: {
          baseDN: 'ou=groups,dc=example,dc=com',
          filter: '(objectClass=groupOfNames)',
          userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }],
          nameAttr: 'cn',
        },
      }),
    );
    expect(entry.config).toEqual({
      host: 'ldap.example.com:636',
      rootCA: '/etc/dex/connectors/ldap/root-ca/ca.crt',
      bindDN: 'cn=dex,ou=services,dc=example,dc=com',
      bindPW: '$DEX_CONNECTOR_LDAP_BIND_PW',
      userSearch: {
        baseDN: 'ou=people,dc=example,dc=com',
        filter: '(objectClass=person)',
        username: 'uid',
        emailAttr: 'mail',
        nameAttr: 'cn',
      },
      groupSearch: {
        baseDN: 'ou=groups,dc=example,dc=com',
        filter: '(objectClass=groupOfNames)',
        userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }],
        nameAttr: 'cn',
      },
    });
    // LDAP has no redirect; TLS stays on (no insecureNoSSL, no insecureSkipVerify).
    expect(entry.config.redirectURI).toBeUndefined();
    expect(secretEnv(container, 'DEX_CONNECTOR_LDAP_BIND_PW').valueFrom).toEqual({
      secretKeyRef: { name: 'ldap-bind', key: 'password' },
    });
  });

  test('saml renders ssoURL, ca (a mounted file), redirectURI and the attributes', () => {
    const { entry, container } = render(
      DexConnector.saml({
        id: 'saml',
        name: 'SAML',
        ssoURL: 'https://idp.example.com/sso',
        ca: { name: 'saml-idp', key: 'ca.pem' },
        usernameAttr: 'name',
        emailAttr: 'email',
        groupsAttr: 'groups',
        entityIssuer: 'https://kubeflow.example.com/dex/callback',
      }),
    );
    expect(entry.config).toEqual({
      ssoURL: 'https://idp.example.com/sso',
      ca: '/etc/dex/connectors/saml/ca/ca.pem',
      entityIssuer: 'https://kubeflow.example.com/dex/callback',
      usernameAttr: 'name',
      emailAttr: 'email',
      groupsAttr: 'groups',
      redirectURI: CALLBACK,
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'connector-saml-ca',
      mountPath: '/etc/dex/connectors/saml/ca',
      readOnly: true,
    });
  });

  test('every referenced Secret is an install prerequisite in Dex namespace', () => {
    const { app } = buildDex({
      connectors: [
        DexConnector.github({
          id: 'github',
          name: 'GitHub',
          clientID: 'abc',
          clientSecret: { name: 'github-oauth', key: 'secret' },
        }),
        DexConnector.ldap({
          id: 'ldap',
          name: 'Directory',
          host: 'ldap.example.com:636',
          bindDN: 'cn=dex',
          bindPW: { name: 'ldap', key: 'password' },
          rootCA: { name: 'ldap', key: 'ca.crt' },
          userSearch: { baseDN: 'ou=people' },
        }),
      ],
    });
    expect(
      Prerequisites.of(app)
        .secrets()
        .map((s) => [s.namespace, s.name, s.keys, s.purpose]),
    ).toEqual([
      [DEX_NS, 'github-oauth', ['secret'], 'dex connector github'],
      [DEX_NS, 'ldap', ['ca.crt', 'password'], 'dex connector ldap'],
    ]);
  });

  test.each<[string, DexConnector, string]>([
    [
      'an http issuer',
      DexConnector.oidc({
        id: 'sso',
        name: 'SSO',
        issuer: 'http://login.example.com',
        clientID: 'x',
        clientSecret: { name: 's', key: 'k' },
      }),
      'Dex: `connectors[0].issuer` is not an https URL (got "http://login.example.com"). Use the upstream\'s issuer exactly as in its tokens, such as https://login.example.com.',
    ],
    [
      'a "$" that Dex would expand',
      DexConnector.ldap({
        id: 'ldap',
        name: 'Directory',
        host: 'ldap.example.com:636',
        bindDN: 'cn=dex$admin',
        bindPW: { name: 'ldap', key: 'password' },
        userSearch: { baseDN: 'ou=people' },
      }),
      'Dex: `connectors[0].bindDN` contains "$" (got "cn=dex$admin"). Dex expands $VAR in connector config; put a value with "$" into a Secret.',
    ],
    [
      'template braces',
      DexConnector.github({
        id: 'github',
        name: 'GitHub',
        clientID: '{{ .Env.ID }}',
        clientSecret: { name: 'g', key: 'k' },
      }),
      'Dex: `connectors[0].clientID` contains "{{" or "}}" (got "{{ .Env.ID }}"). The Dex config is rendered as a template at startup; remove the braces.',
    ],
    [
      'the reserved ID local',
      DexConnector.github({
        id: 'local',
        name: 'GitHub',
        clientID: 'x',
        clientSecret: { name: 'g', key: 'k' },
      }),
      'Dex: `connectors[0].id` is taken by Dex\'s password database (got "local"). Choose another ID, such as corporate-sso.',
    ],
    [
      'a host without a port',
      DexConnector.ldap({
        id: 'ldap',
        name: 'Directory',
        host: 'ldap.example.com',
        bindDN: 'cn=dex',
        bindPW: { name: 'ldap', key: 'password' },
        userSearch: { baseDN: 'ou=people' },
      }),
      'Dex: `connectors[0].host` is not host:port (got "ldap.example.com"). Give the directory with its port, such as ldap.example.com:636.',
    ],
    [
      'a bad Secret reference',
      DexConnector.microsoft({
        id: 'ms',
        name: 'Microsoft',
        clientID: 'x',
        clientSecret: { name: 'Not_A_Name', key: 'k' },
      }),
      'Dex: `connectors[0].clientSecret.name` is not a Secret name (got "Not_A_Name"). Use the name of a Secret in Dex\'s namespace.',
    ],
    [
      'Google groups without a service account',
      DexConnector.google({
        id: 'google',
        name: 'Google',
        clientID: 'x',
        clientSecret: { name: 'g', key: 'k' },
        groups: ['ml@example.com'],
      }),
      'Dex: `connectors[0].groups` needs a `serviceAccount` (got groups without one). Give a service account key that may read the Workspace directory, or drop groups.',
    ],
  ])('refuses %s with a clear message', (_what, connector, message) => {
    expect(() => buildDex({ connectors: [connector] })).toThrow(message);
  });
});
