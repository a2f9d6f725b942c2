import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { ImageRef, resolveImage } from '../core/images';

/** A GPU vendor the spawner offers: the resource name its device plugin registers. */
export interface GpuVendor {
  /** e.g. `nvidia.com/gpu`. */
  readonly limitsKey: string;
  /** e.g. `NVIDIA`. */
  readonly uiName: string;
}

/** Upstream's vendors (`spawner_ui_config.yaml` at v1.11.0). */
export const DEFAULT_GPU_VENDORS: readonly GpuVendor[] = [
  { limitsKey: 'nvidia.com/gpu', uiName: 'NVIDIA' },
  { limitsKey: 'amd.com/gpu', uiName: 'AMD' },
  { limitsKey: 'habana.ai/gaudi', uiName: 'Intel Gaudi' },
];

/** The notebook images offered, by kind of server; the first of each list is preselected. */
export interface NotebookImages {
  /** JupyterLab images (`image`). */
  readonly jupyter: readonly ImageRef[];
  /** VS Code images (`imageGroupOne`). */
  readonly codeServer: readonly ImageRef[];
  /** RStudio images (`imageGroupTwo`). */
  readonly rstudio: readonly ImageRef[];
}

/** The typed settings of the spawner form (`spawnerFormDefaults`). */
export interface SpawnerSettings {
  readonly images: NotebookImages;
  /** Whether users may type an image of their own (it is then not in the bill of materials). */
  readonly allowCustomImage: boolean;
  /** CPU request of a new notebook, in cores, e.g. `'0.5'`. */
  readonly cpu: string;
  /** Memory request of a new notebook, e.g. `'1.0Gi'`. */
  readonly memory: string;
  /** Limits are the request times this factor, e.g. `'1.2'`; `'none'` sets no limit. */
  readonly limitFactor: string;
  readonly gpuVendors: readonly GpuVendor[];
  /** Storage class of new workspace volumes; `undefined`: the cluster's default class. */
  readonly storageClassName?: string;
  readonly workspaceSizeGiB: number;
}

/**
 * `spawner_ui_config.yaml` from typed settings, in upstream's shape (v1.11.0); every image
 * offered is resolved through the registry mirror and listed in the bill of materials.
 */
export function spawnerUiConfig(scope: IConstruct, s: SpawnerSettings): string {
  const group = (refs: readonly ImageRef[]) => {
    const options = refs.map((ref) => resolveImage(scope, ref));
    return { value: options[0], options };
  };
  const editable = <T>(value: T) => ({ readOnly: false, value });
  const config = {
    spawnerFormDefaults: {
      allowCustomImage: s.allowCustomImage,
      hideRegistry: true,
      hideTag: false,
      imagePullPolicy: editable('IfNotPresent'),
      image: group(s.images.jupyter),
      imageGroupOne: group(s.images.codeServer),
      imageGroupTwo: group(s.images.rstudio),
      cpu: { readOnly: false, value: s.cpu, limitFactor: s.limitFactor },
      memory: { readOnly: false, value: s.memory, limitFactor: s.limitFactor },
      gpus: editable({
        vendor: '',
        vendors: s.gpuVendors.map((v) => ({ limitsKey: v.limitsKey, uiName: v.uiName })),
        num: 'none',
      }),
      workspaceVolume: editable({
        mount: '/home/jovyan',
        newPvc: {
          metadata: { name: '{notebook-name}-workspace' },
          spec: {
            ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
            resources: { requests: { storage: `${s.workspaceSizeGiB}Gi` } },
            accessModes: ['ReadWriteOnce'],
          },
        },
      }),
      dataVolumes: editable([]),
      affinityConfig: { readOnly: false, value: '', options: [] },
      tolerationGroup: { readOnly: false, value: '', options: [] },
      shm: editable(true),
      configurations: editable([]),
      environment: editable({}),
    },
  };
  return stringify(config, { lineWidth: 0 });
}
