import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { stripHeadersLua } from '../../../constructs/oauth2-proxy/gateway-auth';

/** The headers left after the gateway's Lua filter ran on a request with `headers`. */
function filter(headers: Record<string, string>): Record<string, string> {
  const lua = stripHeadersLua(['kubeflow-userid', 'kubeflow-groups'], 'x-auth-request-');
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-lua.js')], {
    input: JSON.stringify({ lua, headers }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('the identity-header filter', () => {
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
