using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Implemented by a generated pipeline whose trainer has a capacity knob (number of trees, boosting rounds, epochs):
/// the capacity curve rebuilds the trainer at several capacities with everything else as the spec says.
/// </summary>
public interface ICapacityAdjustable
{
    /// <summary>The trainer option being grown, for reports (e.g. "NumberOfIterations", "NumberOfTrees").</summary>
    string CapacityParameter { get; }

    /// <summary>The pipeline's own capacity: the lock file's pinned value, else the spec's (or the trainer's default).</summary>
    int DefaultCapacity { get; }

    /// <summary>
    /// The lock file (its name) that pinned <see cref="DefaultCapacity"/>, or null when it is the spec's value (or the
    /// trainer's default): reports then name where the pipeline's own capacity came from, not always "the spec".
    /// </summary>
    string? CapacityPinnedBy => null;

    /// <summary>The same trainer (and post-processing) as <see cref="IPipelineDefinition.BuildTrainer"/>, at <paramref name="capacity"/>.</summary>
    IEstimator<ITransformer> BuildTrainer(MLContext ml, int capacity);

    /// <summary>
    /// The whole pipeline (as <see cref="IPipelineDefinition.BuildPipeline"/>) with the trainer at <paramref name="capacity"/>:
    /// what the final model is fitted with when the capacity curve's choice is applied. The default is preparation
    /// followed by <see cref="BuildTrainer(MLContext, int)"/>, which is the whole pipeline when there is no training-only
    /// augmentation; a pipeline that augments while fitting implements it with the augmentation.
    /// </summary>
    IEstimator<ITransformer> BuildPipeline(MLContext ml, int capacity) => this is IPipelineDefinition pipeline
        ? pipeline.BuildPreprocessing(ml).Append(BuildTrainer(ml, capacity))
        : throw new NotSupportedException($"{GetType().Name} implements {nameof(ICapacityAdjustable)} without {nameof(IPipelineDefinition)}: implement BuildPipeline(MLContext, int) too.");
}
