import { Chart, Testing } from 'cdk8s';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { ExternalOidcProvider } from '../../../constructs/dex';

const PROPS = {
  issuerUrl: 'https://login.example.com/realms/kubeflow',
  jwksUri: 'https://login.example.com/realms/kubeflow/protocol/openid-connect/certs',
  clientId: 'kubeflow',
  clientSecret: { name: 'kubeflow-oidc', key: 'client-secret' },
};

describe('ExternalOidcProvider', () => {
  test('creates nothing, returns the configured client and records the prerequisite', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'Test');
    const provider = new ExternalOidcProvider(chart, 'Oidc', PROPS);
    expect(provider.issuerUrl).toBe(PROPS.issuerUrl);
    expect(provider.jwksUri).toBe(PROPS.jwksUri);
    expect(provider.peer).toBeUndefined();

    const client = provider.registerClient('oauth2-proxy', {
      clientId: 'oauth2-proxy',
      name: 'Kubeflow',
      redirectUris: ['https://kubeflow.example.com/oauth2/callback'],
      namespace: 'oauth2-proxy',
    });
    // The provider's client ID wins over the one asked for.
    expect(client.clientId).toBe('kubeflow');
    expect(client.secret.origin).toBe('existing');
    expect(client.secret.keyRef('clientSecret')).toEqual({
      name: 'kubeflow-oidc',
      key: 'client-secret',
    });
    expect(Prerequisites.of(app).secrets()).toEqual([
      {
        namespace: 'oauth2-proxy',
        name: 'kubeflow-oidc',
        keys: ['client-secret'],
        purpose: 'oidc-provider client',
      },
    ]);
    expect(provider.registeredClients).toEqual([
      {
        clientId: 'kubeflow',
        redirectUris: ['https://kubeflow.example.com/oauth2/callback'],
        namespace: 'oauth2-proxy',
      },
    ]);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('refuses an http issuer and a bad Secret reference, together', () => {
    const chart = new Chart(Testing.app(), 'Test');
    expect(
      () =>
        new ExternalOidcProvider(chart, 'Oidc', {
          ...PROPS,
          issuerUrl: 'http://login.example.com',
          clientSecret: { name: 'Bad_Name', key: 'k' },
        }),
    ).toThrow(
      'ExternalOidcProvider: \n- `issuerUrl` is not an https URL (got "http://login.example.com"). Use the issuer exactly as in the provider\'s tokens.\n- `clientSecret.name` is not a Secret name (got "Bad_Name"). Use the name of the Secret you create in the auth proxy\'s namespace.',
    );
  });
});
