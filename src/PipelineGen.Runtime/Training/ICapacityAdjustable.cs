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

    /// <summary>The capacity the spec (or the trainer's default) uses.</summary>
    int DefaultCapacity { get; }

    /// <summary>The same trainer (and post-processing) as <see cref="IPipelineDefinition.BuildTrainer"/>, at <paramref name="capacity"/>.</summary>
    IEstimator<ITransformer> BuildTrainer(MLContext ml, int capacity);
}
