import { z } from 'zod';
import { pinnedImage, positiveInt } from '../core/config/patterns';
import { PresetName, configGroup } from '../core/config/rules';

const CORES = /^[0-9]+(\.[0-9]+)?$/;
const GIBIBYTES = /^[0-9]+(\.[0-9]+)?Gi$/;

const images = z
  .array(pinnedImage())
  .min(1, "is empty|Offer at least one image, or leave the key out for upstream's.");

/** `kubeflow.notebooks`: notebook servers, their web apps and controllers. */
export const kubeflowNotebooksShape = (preset: PresetName) => ({
  kubeflow: configGroup({
    notebooks: z
      .strictObject({
        enabled: z.boolean().default(true),
        /**
         * The images the Jupyter web app offers, the first of each list preselected.
         * @default - upstream's v1.11.0 notebook server images
         */
        images: z
          .strictObject({
            jupyter: images.optional(),
            codeServer: images.optional(),
            rstudio: images.optional(),
          })
          .prefault({}),
        /**
         * Whether users may type an image of their own. Off in prod: every image that runs is
         * one the platform team offers and lists in the bill of materials.
         */
        allowCustomImage: z.boolean().default(preset === 'dev'),
        /** CPU request of a new notebook, in cores. */
        cpu: z
          .string()
          .regex(CORES, 'is not a number of cores|Use a decimal such as "0.5".')
          .default('0.5'),
        /** Memory request of a new notebook. */
        memory: z
          .string()
          .regex(GIBIBYTES, 'is not a number of GiB|Use a value such as "1.0Gi".')
          .default('1.0Gi'),
        /** The workspace volume of a new notebook. */
        workspaceSizeGiB: positiveInt(100000, 'GiB').default(5),
        /** @default - the cluster's default storage class */
        storageClassName: z.string().min(1).optional(),
        /** Stop notebooks idle for `idleTimeMinutes` (the notebook controller's culling). */
        culling: z
          .strictObject({
            enabled: z.boolean().default(false),
            idleTimeMinutes: positiveInt(525600, 'minutes').default(1440),
          })
          .prefault({}),
        /** The volumes web app at `/volumes/` with the PVC viewer. */
        volumes: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
        /** The tensorboards web app at `/tensorboards/` with the Tensorboard controller. */
        tensorboards: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      })
      .prefault({}),
  }),
});

export type KubeflowNotebooksConfig = z.output<
  ReturnType<ReturnType<typeof kubeflowNotebooksShape>['kubeflow']['unwrap']>
>['notebooks'];
