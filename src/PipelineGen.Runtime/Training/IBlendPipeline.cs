namespace PipelineGen.Runtime.Training;

/// <summary>
/// A pipeline whose model is a weighted blend of several fitted members (an ensemble pinned by the lock file):
/// <see cref="IPipelineDefinition.BuildPipeline"/> fits and blends them all, so <c>train</c> measures its gates on the
/// blend with the Evaluation area unchanged. Declared here and implemented in <c>Tuning/Ensembles</c>
/// (<c>EnsemblePipeline</c>), so the dependency stays one-way (Ensembles → Training).
/// </summary>
internal interface IBlendPipeline : IPipelineDefinition
{
    /// <summary>The card's trainer entry for the blend: named as one, with every member's weight, values and options.</summary>
    TrainerDescription DescribeBlend();

    /// <summary>"2 members, weights 0.55/0.45": for notes.</summary>
    string Summary { get; }
}
