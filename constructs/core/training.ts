/**
 * Distributed training on the platform (Kubeflow Trainer): what other components need to know to
 * run train jobs, e.g. Katib's trials of kind TrainJob.
 */
export interface ITrainingRuntimes {
  /** The TrainJob API, `trainer.kubeflow.org/v1alpha1`. */
  readonly apiVersion: string;
  /** The ClusterTrainingRuntimes installed, by name (e.g. `torch-distributed`). */
  readonly runtimes: readonly string[];
}
