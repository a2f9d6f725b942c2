import { ResourceSpec } from '../core/resources';

/** Requests and limits of the proxy container. */
export const OAUTH2_PROXY_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/**
 * Paths whose requests answer with 401 instead of a redirect to the login page when there is no
 * session: background API calls of the Kubeflow UIs (upstream Kubeflow's list).
 */
export const KUBEFLOW_API_ROUTES: readonly string[] = ['/api/', '/apis/', '^/ml_metadata'];

/** Scopes the proxy asks for: identity, email and groups for the gateway's identity headers. */
export const OAUTH2_PROXY_DEFAULT_SCOPES: readonly string[] = [
  'openid',
  'email',
  'profile',
  'groups',
];
