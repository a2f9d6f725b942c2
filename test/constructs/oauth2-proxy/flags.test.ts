import { Duration } from 'cdk8s';
import { Manifest } from '../dex/helpers';
import { OAUTH2_PROXY_FLAGS, OAUTH2_PROXY_SECRET_ENV } from './flag-facts';
import { buildStack, proxyContainer } from './helpers';

/** The names of the `--flag=value` arguments of a container. */
function flagNames(container: Manifest): string[] {
  return (container.args as string[]).map((a) => {
    const m = /^--([a-z0-9-]+)=/.exec(a);
    if (!m) throw new Error(`not a --flag=value argument: ${a}`);
    return m[1];
  });
}

describe('oauth2-proxy flags against v7.15.2', () => {
  // Every optional flag switched on, with Dex's endpoints (the discovery-less flags).
  const everything = proxyContainer(
    buildStack({
      proxy: {
        cookieRefresh: Duration.hours(1),
        logoutRedirect: 'https://login.example.com/logout',
        backendLogoutUrl: 'https://login.example.com/logout?id_token_hint={id_token}',
      },
    }).objects(),
  );

  test('every flag the construct passes exists upstream and is not one it means to leave out', () => {
    for (const name of new Set(flagNames(everything))) {
      expect([name, OAUTH2_PROXY_FLAGS[name]]).toEqual([name, expect.anything()]);
      expect([name, OAUTH2_PROXY_FLAGS[name].leftOut]).toEqual([name, undefined]);
    }
  });

  test('every flag the table says we pass is passed, so the table is not stale', () => {
    const passed = new Set(flagNames(everything));
    const expected = Object.entries(OAUTH2_PROXY_FLAGS)
      .filter(([, f]) => !f.leftOut)
      .map(([name]) => name);
    expect([...passed].sort()).toEqual(expected.sort());
  });

  test('secrets arrive only through the environment variables upstream reads', () => {
    expect((everything.env as Manifest[]).map((e) => e.name)).toEqual(OAUTH2_PROXY_SECRET_ENV);
    expect(flagNames(everything)).not.toContain('client-secret');
    expect(flagNames(everything)).not.toContain('cookie-secret');
  });
});
