import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { GATEWAY_NS } from '../../fakes';
import { Manifest } from '../dex/helpers';
import { buildStack } from './helpers';

/** The Lua filter's config, as the synthesized EnvoyFilter hands it to Envoy. */
const LUA_CONFIG = buildStack().objects().find('EnvoyFilter', GATEWAY_NS, 'strip-identity-headers')
  .spec.configPatches[0].patch.value.typed_config as Manifest;

/** The headers left after the gateway's Lua filter ran on a request with `headers`. */
function filter(headers: Record<string, string>): Record<string, string> {
  const lua = LUA_CONFIG.defaultSourceCode.inlineString as string;
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-lua.js')], {
    input: JSON.stringify({ lua, headers }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('the identity-header filter', () => {
  test('is given to Envoy as default_source_code, not the deprecated inline_code', () => {
    expect(LUA_CONFIG['@type']).toBe(
      'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
    );
    expect(Object.keys(LUA_CONFIG).sort()).toEqual(['@type', 'defaultSourceCode']);
    expect(Object.keys(LUA_CONFIG.defaultSourceCode as Manifest)).toEqual(['inlineString']);
  });

  test('drops identity headers a client sends and keeps everything else', () => {
    const out = filter({
      'kubeflow-userid': 'admin@example.com',
      'kubeflow-groups': 'cluster-admins',
      'x-auth-request-email': 'admin@example.com',
      'x-auth-request-groups': 'admins',
      authorization: 'Bearer abc',
      cookie: '_oauth2_proxy=xyz',
      host: 'kubeflow.example.com',
    });
    expect(out).toEqual({
      authorization: 'Bearer abc',
      cookie: '_oauth2_proxy=xyz',
      host: 'kubeflow.example.com',
    });
  });

  test('leaves a request without identity headers unchanged', () => {
    expect(filter({ host: 'h', ':path': '/pipeline' })).toEqual({
      host: 'h',
      ':path': '/pipeline',
    });
  });
});
