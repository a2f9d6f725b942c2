import { ConfigError } from '../../constructs/core/config/problems';
import { validateEnvironment } from '../../stacks/config/validate';
import { allObjects, findObject, renderEnv } from '../helpers';

describe('owners and members are named by the user claim (rule TENANT-USERS)', () => {
  const external = (userClaim?: string) => ({
    provider: 'external' as const,
    external: {
      issuerUrl: 'https://login.example.com',
      jwksUri: 'https://login.example.com/keys',
      clientId: 'kubeflow',
      clientSecret: { name: 'oidc-client', key: 'secret' },
      ...(userClaim ? { userClaim } : {}),
    },
  });
  const tenants = [
    {
      name: 'team-a',
      owner: 'alice',
      members: [{ user: 'bo@example.com', role: 'edit' as const }],
    },
  ];

  test('with the email claim (Dex, or an external provider by default), a name is refused', () => {
    for (const identity of [undefined, external()]) {
      let thrown: unknown;
      try {
        validateEnvironment({
          name: 'dev',
          preset: 'dev',
          ...(identity ? { identity } : {}),
          tenants,
        });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems).toEqual([
        {
          path: 'tenants[0].owner',
          message:
            '`tenants[0].owner` is not an email address (got "alice"). Use a full address such as admin@example.com: the gateway names users by their email claim (set identity.external.userClaim for another claim).',
          rule: 'TENANT-USERS',
        },
      ]);
    }
  });

  test('with another claim, owners and members are its values, and the gateway passes that claim on', () => {
    const env = validateEnvironment({
      name: 'dev',
      preset: 'dev',
      identity: external('preferred_username'),
      tenants,
    });
    expect(env.tenants[0].owner).toBe('alice');
    const objects = allObjects(renderEnv(env));
    const auth = findObject(objects, 'RequestAuthentication', 'istio-system', 'oauth2-proxy-jwt');
    expect(
      (auth.spec as { jwtRules: { outputClaimToHeaders: unknown[] }[] }).jwtRules[0]
        .outputClaimToHeaders,
    ).toEqual([
      { header: 'kubeflow-userid', claim: 'preferred_username' },
      { header: 'kubeflow-groups', claim: 'groups' },
    ]);
    expect(findObject(objects, 'Profile', undefined, 'team-a').spec.owner.name).toBe('alice');
  });

  test('a user name with whitespace is refused whatever the claim', () => {
    expect(() =>
      validateEnvironment({
        name: 'dev',
        preset: 'dev',
        identity: external('upn'),
        tenants: [{ name: 'team-a', owner: 'Alice Smith' }],
      }),
    ).toThrow(
      '`tenants[0].owner` is not a user name (got "Alice Smith"). Use the user\'s value of the identity provider\'s upn claim. [TENANT-USERS]',
    );
  });
});
