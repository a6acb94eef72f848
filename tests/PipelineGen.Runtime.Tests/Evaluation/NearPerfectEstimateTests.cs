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
}
