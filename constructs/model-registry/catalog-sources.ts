import { propProblem } from '../core/validation';

/**
 * One model source of the catalog, as `model_catalogs[]` of its sources file
 * (`catalog/internal/catalog/basecatalog/source_types.go` `ModelSource`, with the fields of the
 * OpenAPI `CatalogSource`, at v0.3.8).
 */
export interface CatalogModelSource {
  /** Unique across model and MCP sources. */
  readonly id: string;
  readonly name: string;
  /**
   * The provider: `yaml` (a file of models, `properties.yamlCatalogPath`) or `hf` (Hugging Face
   * Hub; `properties.apiKeyEnvVar`, `allowedOrganization`, `url`; needs egress to the Hub).
   */
  readonly type: 'yaml' | 'hf';
  /** @default true - the catalog's */
  readonly enabled?: boolean;
  readonly labels?: readonly string[];
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** Glob patterns of models to keep (`includedModels`). */
  readonly includedModels?: readonly string[];
  /** Glob patterns of models to drop (`excludedModels`). */
  readonly excludedModels?: readonly string[];
}

/** One MCP server source (`mcp_catalogs[]`, `MCPSource`); only the `yaml` provider exists. */
export interface CatalogMcpSource {
  readonly id: string;
  readonly name: string;
  readonly type: 'yaml';
  /** @default true */
  readonly enabled?: boolean;
  readonly labels?: readonly string[];
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  readonly includedServers?: readonly string[];
  readonly excludedServers?: readonly string[];
}

/** The catalog's sources file and the files it names, all in one ConfigMap. */
export interface ModelCatalogSources {
  /** @default [] */
  readonly modelCatalogs?: readonly CatalogModelSource[];
  /** @default [] */
  readonly mcpCatalogs?: readonly CatalogMcpSource[];
  /**
   * Further files next to `sources.yaml` (file name to content), e.g. the models file a `yaml`
   * source names in `yamlCatalogPath` (relative paths resolve against the sources file's
   * directory).
   * @default {}
   */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * The sources file as the catalog parses it (strict YAML, of which JSON is a subset): keys
 * `model_catalogs` and `mcp_catalogs` (v0.3.9; the older `catalogs` key still parses, with a
 * deprecation warning). Written as JSON with fields in a fixed order, so the output is stable.
 */
export function renderCatalogSources(sources: ModelCatalogSources): string {
  const clean = <T extends object>(o: T): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const doc = {
    model_catalogs: (sources.modelCatalogs ?? []).map((s) =>
      clean({
        id: s.id,
        name: s.name,
        type: s.type,
        enabled: s.enabled,
        labels: s.labels,
        properties: s.properties,
        includedModels: s.includedModels,
        excludedModels: s.excludedModels,
      }),
    ),
    mcp_catalogs: (sources.mcpCatalogs ?? []).map((s) =>
      clean({
        id: s.id,
        name: s.name,
        type: s.type,
        enabled: s.enabled,
        labels: s.labels ?? [],
        properties: s.properties ?? {},
        includedServers: s.includedServers,
        excludedServers: s.excludedServers,
      }),
    ),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A ConfigMap key. */
const FILE_NAME = /^[-._a-zA-Z0-9]+$/;

/**
 * Problems the catalog would refuse at start (`SourceConfig.Validate`: ids present and unique
 * across both lists) and files a `yaml` source names that the ConfigMap lacks.
 */
export function catalogSourcesProblems(
  sources: ModelCatalogSources,
  reservedFile: string,
): string[] {
  const out: string[] = [];
  const files = sources.files ?? {};
  const seen = new Map<string, string>();
  const check = (
    path: string,
    s: { id: string; name: string; type: string; properties?: Readonly<Record<string, unknown>> },
  ) => {
    if (!/^[A-Za-z0-9_-]+$/.test(s.id)) {
      out.push(
        propProblem(
          `${path}.id`,
          'is not an id of letters, digits, _ and -',
          `"${s.id}"`,
          'Use e.g. organization_models.',
        ),
      );
    } else if (seen.has(s.id)) {
      out.push(
        propProblem(
          `${path}.id`,
          `is already used by ${seen.get(s.id)}`,
          `"${s.id}"`,
          'Give every source its own id.',
        ),
      );
    } else {
      seen.set(s.id, path);
    }
    if (s.name.trim() === '') {
      out.push(
        propProblem(
          `${path}.name`,
          'is empty',
          undefined,
          'Name the source as the UI should show it.',
        ),
      );
    }
    if (s.type === 'yaml') {
      const file = s.properties?.yamlCatalogPath;
      if (typeof file !== 'string' || file === '') {
        out.push(
          propProblem(
            `${path}.properties.yamlCatalogPath`,
            'is missing, which a yaml source needs',
            undefined,
            'Name its models file, e.g. models.yaml, and give it in files.',
          ),
        );
      } else if (!file.startsWith('/') && !(file in files)) {
        out.push(
          propProblem(
            `${path}.properties.yamlCatalogPath`,
            'names a file that is not in files',
            `"${file}"`,
            `Add files["${file}"], or give an absolute path mounted otherwise.`,
          ),
        );
      }
    }
  };
  (sources.modelCatalogs ?? []).forEach((s, i) => check(`sources.modelCatalogs[${i}]`, s));
  (sources.mcpCatalogs ?? []).forEach((s, i) => check(`sources.mcpCatalogs[${i}]`, s));
  for (const name of Object.keys(files)) {
    if (!FILE_NAME.test(name) || name === reservedFile) {
      out.push(
        propProblem(
          `sources.files["${name}"]`,
          name === reservedFile
            ? 'would replace the sources file itself'
            : 'is not a ConfigMap key',
          `"${name}"`,
          'Use a plain file name such as models.yaml.',
        ),
      );
    }
  }
  return out;
}
