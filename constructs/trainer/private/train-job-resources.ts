/** A training node's requests and limits, with GPUs: the platform's `AcceleratedResources`. */
export {
  type AcceleratedResources as TrainingResources,
  DEFAULT_GPU_RESOURCE,
  acceleratedResourcesJson as trainingResourcesJson,
  acceleratedResourcesProblems as trainingResourcesProblems,
} from '../../core/accelerated-resources';
