using System.Globalization;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// pr_auc is the average precision with tied scores taken as one threshold: it depends on the scores, not on the order
/// of the rows. ML.NET's evaluator steps through tied rows one at a time in row order, so a constant score (the prior
/// baseline) got whatever precision the first rows happened to give, not the positive rate.
/// </summary>
public sealed class PrAucTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private sealed class Row
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static double PrAuc(float[] scores, bool[] labels)
    {
        var ml = new MLContext(1);
        var scored = ml.Data.LoadFromEnumerable(scores.Select((s, i) => new Row
        {
            Label = labels[i], Score = s, Probability = 1 / (1 + MathF.Exp(-s)), PredictedLabel = s > 0,
        }));
        return MetricComputer.Compute(ml, MlTaskKind.BinaryClassification, scored, "test", new List<string>())["pr_auc"]!.Value;
    }

    [Fact]
    public void A_constant_score_has_the_positive_rate_wherever_the_positives_are()
    {
        // 2 positives in 20 rows: first, or last.
        var first = Enumerable.Range(0, 20).Select(i => i < 2).ToArray();
        var last = first.Reverse().ToArray();
        var constant = Enumerable.Repeat(-2.2f, 20).ToArray();
        Assert.Equal(0.1, PrAuc(constant, first), 12);
        Assert.Equal(0.1, PrAuc(constant, last), 12);
    }

    [Fact]
    public void Tied_scores_are_one_threshold_and_distinct_ones_step()
    {
        float[] scores = [2f, 1f, 1f, 0.5f, -1f, -1f];
        bool[] labels = [true, false, true, true, false, true];
        // Thresholds 2, 1, 0.5, -1: (recall, precision) = (1/4, 1), (2/4, 2/3), (3/4, 3/4), (4/4, 4/6).
        double expected = 0.25 * 1 + 0.25 * (2 / 3.0) + 0.25 * 0.75 + 0.25 * (4 / 6.0);
        Assert.Equal(expected, PrAuc(scores, labels), 12);
        Assert.Equal(expected, PrAuc(scores.Reverse().ToArray(), labels.Reverse().ToArray()), 12);
        Assert.Equal(1.0, PrAuc([3f, 2f, 1f, 0f], [true, true, false, false]), 12);
    }

    [Fact]
    public void The_prior_baseline_scores_the_validation_positive_rate()
    {
        // 60 rows, the 6 positives first in the file: stratified 3-fold puts 2 in each validation fold of 20.
        var csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 60; i++) csv.Append(CultureInfo.InvariantCulture, $"{i * 0.01:0.00},{(i < 6 ? "yes" : "no")}\n");
        var pipeline = BinaryPipeline.OneFeature("Rare", _dir.Write("rare.csv", csv.ToString()), positiveClass: "yes");

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { Folds = 3 });

        Assert.Equal("prior", result.BaselineStrategy);
        Assert.All(result.Splits, s => Assert.Equal(0.1, s.Baseline["pr_auc"]!.Value, 9));
    }
}
