using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>A near-perfect estimate comes with a warning naming the column the model leans on (issue #17).</summary>
public sealed class NearPerfectEstimateTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_leaked_label_gets_a_warning_naming_the_column_and_honest_data_does_not()
    {
        // 'fare' replaced by a post-outcome figure: 100 for survivors, 0 otherwise, plus a little noise.
        var random = new Random(3);
        var lines = File.ReadAllLines(TestPipeline.DataPath("titanic.csv"));
        var leaked = _dir.Write("leaked.csv", string.Join('\n', lines.Select((l, i) =>
        {
            if (i == 0) return l;
            var f = l.Split(',');
            f[4] = (100 * int.Parse(f[0], CultureInfo.InvariantCulture) + random.NextDouble()).ToString("0.000", CultureInfo.InvariantCulture);
            return string.Join(',', f);
        })) + "\n");
        var options = new EvaluationOptions { CollectForReport = true };
        var result = Evaluator.Evaluate(BinaryPipeline.Titanic(s => s with { TrainDataPath = leaked }), options);
        Assert.True(result.Model!.Single(m => m.Name == "auc").Mean >= Evaluator.NearPerfectScore);
        var warning = Assert.Single(result.Warnings, w => w.Contains("is near perfect", StringComparison.Ordinal));
        Assert.StartsWith("auc 1.0000 is near perfect (>= 0.99)", warning);
        Assert.Contains("The model leans most on 'fare'", warning);
        Assert.Contains("'explore' scores each column alone", warning);

        var honest = Evaluator.Evaluate(BinaryPipeline.Titanic(), options);
        Assert.DoesNotContain(honest.Warnings, w => w.Contains("is near perfect", StringComparison.Ordinal));
    }

    [Fact]
    public void Accuracy_that_only_ties_the_majority_baseline_is_no_sign_of_a_leak()
    {
        // 1 survivor in about 130 rows: "always no" scores accuracy 0.99, the model ties it, and the warning called that
        // "near perfect … more often a leak" (naming a column whose shuffling cost 0.0000).
        int kept = 0;
        var lines = File.ReadAllLines(TestPipeline.DataPath("titanic.csv"));
        var rare = _dir.Write("rare.csv", string.Join('\n', lines.Where((l, i) => i == 0 || l.StartsWith('0') || (l.StartsWith('1') && kept++ < 1))) + "\n");
        var result = Evaluator.Evaluate(BinaryPipeline.Titanic(s => s with { TrainDataPath = rare, Metric = "accuracy" }), new EvaluationOptions());
        Assert.True(result.Baseline.Single(m => m.Name == "accuracy").Mean >= Evaluator.NearPerfectScore);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("is near perfect", StringComparison.Ordinal));
    }
}
