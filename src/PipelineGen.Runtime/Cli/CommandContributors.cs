namespace PipelineGen.Runtime.Cli;

public static partial class PipelineApp
{
    /// <summary>
    /// Every area's commands, in help order. To add commands, implement <see cref="ICommandContributor"/> in your
    /// area and add one line here.
    /// </summary>
    private static readonly ICommandContributor[] Contributors =
    [
        new ExploreCommandContributor(),
        new EvaluationCommandContributor(),
        new TrainingCommandContributor(),
        new RunCommandContributor(),
        new RunsCommandContributor(),
        new TuningCommandContributor(),
        new ModelsCommandContributor(),
    ];
}
