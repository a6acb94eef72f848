using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>`evaluate --protocol repeated-kfold` on a kfold spec used to run "1x repeated 5-fold", identical to K-fold.</summary>
public class RepeatedKFoldTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Repeated_kfold_without_a_count_uses_the_documented_default()
    {
        var kfoldSpec = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Repeats = 1 };

        var resolved = Evaluator.ResolveSettings(kfoldSpec, new EvaluationOptions { Protocol = EvaluationProtocol.RepeatedKFold });
        Assert.Equal(EvaluationSettings.DefaultRepeats, resolved.Repeats);
        Assert.True(resolved.Repeats > 1);

        // A count given on the command line, or the spec's own count under its own repeated protocol, is kept.
        Assert.Equal(2, Evaluator.ResolveSettings(kfoldSpec, new EvaluationOptions { Protocol = EvaluationProtocol.RepeatedKFold, Repeats = 2 }).Repeats);
        var repeatedSpec = new EvaluationSettings { Protocol = EvaluationProtocol.RepeatedKFold, Repeats = 5 };
        Assert.Equal(5, Evaluator.ResolveSettings(repeatedSpec, new EvaluationOptions()).Repeats);
        Assert.Equal(1, Evaluator.ResolveSettings(kfoldSpec, new EvaluationOptions()).Repeats);
    }

    [Fact]
    public void Cli_repeated_kfold_on_a_kfold_spec_runs_three_reshuffled_repeats()
    {
        var output = new StringWriter();
        int exit = PipelineApp.Run(["evaluate", "--protocol", "repeated-kfold", "--folds", "3"],
            MulticlassPipeline.Iris(s => s with { ProjectDirectory = _dir.Path }), output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("Iris (multiclass classification): 3x repeated 3-fold, stratified, seed 42", output.ToString());
        Assert.Contains("Metrics: mean ± std over 9 split(s)", output.ToString());
    }

    [Fact]
    public void One_repeat_of_repeated_kfold_is_called_plain_kfold()
    {
        var labels = Enumerable.Range(0, 60).Select(i => i % 2).ToArray();
        var keys = new RowKeys
        {
            RowCount = 60, Excluded = new bool[60], LabelClass = labels, ClassNames = ["a", "b"], DuplicateOf = [.. Enumerable.Range(0, 60)],
        };
        var plan = SplitPlanner.Plan(keys, new EvaluationSettings { Protocol = EvaluationProtocol.RepeatedKFold, Folds = 3, Repeats = 1 }, MlTaskKind.BinaryClassification);
        Assert.Contains(plan.Warnings, w => w.StartsWith("repeated K-fold with 1 repeat is plain 3-fold", StringComparison.Ordinal));
    }
}
