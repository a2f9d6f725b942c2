import { MODEL_REGISTRY_API_BASE } from './names';

/**
 * REST paths of the registry for a smoke test (`api/openapi/model-registry.yaml` at v0.3.8, the
 * calls of Kubeflow 26.03.1's `tests/model_registry_test.sh`), relative to the server
 * (`http://model-registry-service.<ns>.svc.cluster.local:8080`). Each create answers 201 with the
 * object's `id`.
 * - POST `registeredModels` `{ name, description? }`;
 * - POST `modelVersions(modelId)` `{ name, registeredModelId }`;
 * - POST `modelArtifacts(versionId)` `{ name, uri, modelFormatName?, modelFormatVersion?,
 *   artifactType: 'model-artifact' }`;
 * - GET `registeredModels` lists (`pageSize`, `orderBy`, `sortOrder`);
 * - GET `findRegisteredModel` `?name=` (what the storage initializer calls).
 */
export const MODEL_REGISTRY_REST_PATHS = {
  registeredModels: `${MODEL_REGISTRY_API_BASE}/registered_models`,
  modelVersions: (registeredModelId: string): string =>
    `${MODEL_REGISTRY_API_BASE}/registered_models/${registeredModelId}/versions`,
  modelArtifacts: (modelVersionId: string): string =>
    `${MODEL_REGISTRY_API_BASE}/model_versions/${modelVersionId}/artifacts`,
  findRegisteredModel: `${MODEL_REGISTRY_API_BASE}/registered_model`,
} as const;

/** The `artifactType` of a model artifact in a create request. */
export const MODEL_ARTIFACT_TYPE = 'model-artifact';
