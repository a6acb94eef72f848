using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>Greedy ensemble selection on synthetic out-of-fold predictions whose best blend is known.</summary>
public sealed class CaruanaSelectionTests
{
    [Fact]
    public void Picks_the_two_complementary_models_over_the_best_single_one()
    {
        // A is accurate on the first half of the rows and poor on the second; B the reverse. C makes A's very errors,
        // 0.95 times as large: it is the best single model but redundant with A. The complementary pair is C + B
        // (averaging them halves the error); A, as good alone as B, adds nothing to C.
        var random = new Random(3);
        int n = 2000;
        var y = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        double small = 0.2, big = 2.0;
        var errorA = Enumerable.Range(0, n).Select(i => Gaussian(random) * (i < n / 2 ? small : big)).ToArray();
        var a = y.Select((v, i) => v + errorA[i]).ToArray();
        var b = y.Select((v, i) => v + Gaussian(random) * (i < n / 2 ? big : small)).ToArray();
        var c = y.Select((v, i) => v + 0.95 * errorA[i]).ToArray();
        var rmse = OutOfFoldMetrics.For("rmse", y, probabilities: false, out _)!;

        var selection = CaruanaSelection.Select([new(10, c), new(11, a), new(12, b)], rmse, higherIsBetter: false, steps: 20);

        Assert.Equal(10, selection.BestSingleTrial);
        Assert.Equal(rmse(c), selection.BestSingleScore, 12);
        var weights = selection.Members.ToDictionary(m => m.Trial, m => m.Weight);
        Assert.True(weights.GetValueOrDefault(10) > 0.3 && weights.GetValueOrDefault(12) > 0.3, string.Join(", ", selection.Members));
        Assert.True(weights.GetValueOrDefault(11) < 0.15, string.Join(", ", selection.Members));
        Assert.Equal(1.0, selection.Members.Sum(m => m.Weight), 12);
        // The blend's error is far below the best single model's (about 1/sqrt(2) of it, by construction).
        Assert.True(selection.Score < 0.8 * selection.BestSingleScore, $"{selection.Score} vs {selection.BestSingleScore}");
        // The reported score is the score of the reported weights.
        var blend = Enumerable.Range(0, n).Select(i => selection.Members.Sum(m => m.Weight * (m.Trial == 10 ? c : m.Trial == 11 ? a : b)[i])).ToArray();
        Assert.Equal(rmse(blend), selection.Score, 9);
        // The weights are counts over the kept prefix: each weight times Picks is a whole number.
        Assert.InRange(selection.Picks, 2, 20);
        Assert.All(selection.Members, m => Assert.Equal(Math.Round(m.Weight * selection.Picks), m.Weight * selection.Picks, 9));
        Assert.Equal(selection.ScoreByStep.Take(selection.Picks).Min(), selection.Score, 12);
    }

    [Fact]
    public void Is_never_worse_than_the_best_single_model_on_the_selection_data()
    {
        for (int seed = 0; seed < 25; seed++)
        {
            var random = new Random(seed);
            int n = 150;
            var labels = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.4 ? 1.0 : 0.0).ToArray();
            var candidates = Enumerable.Range(0, 6).Select(k => new EnsembleCandidate(k,
                labels.Select(l => Math.Clamp(0.5 + (l - 0.5) * random.NextDouble() * 0.6 + (random.NextDouble() - 0.5) * 0.8, 0, 1)).ToArray())).ToArray();
            var auc = OutOfFoldMetrics.For("auc", labels, probabilities: true, out _)!;
            var selection = CaruanaSelection.Select(candidates, auc, higherIsBetter: true, steps: 15);
            Assert.Equal(candidates.Max(c => auc(c.Predictions)), selection.BestSingleScore, 12);
            Assert.True(selection.Score >= selection.BestSingleScore, $"seed {seed}: {selection.Score} < {selection.BestSingleScore}");
        }
    }

    [Fact]
    public void Keeps_the_single_model_when_no_blend_helps()
    {
        // One perfect model and one that is pure noise: any blend with the noise is worse.
        var y = Enumerable.Range(0, 100).Select(i => (double)(i % 7)).ToArray();
        var noise = Enumerable.Range(0, 100).Select(i => (double)(i * 37 % 11)).ToArray();
        var rmse = OutOfFoldMetrics.For("rmse", y, probabilities: false, out _)!;
        var selection = CaruanaSelection.Select([new(0, noise), new(1, y)], rmse, higherIsBetter: false);
        Assert.Equal([(1, 1.0)], selection.Members);
        Assert.Equal(0, selection.Score, 12);
    }

    [Fact]
    public void Auc_matches_the_pairwise_definition_with_ties()
    {
        double[] p = [0.1, 0.4, 0.4, 0.8, 0.3];
        double[] l = [0, 1, 0, 1, 1];
        // Pairs (positive, negative): (0.4,0.1)=1 (0.4,0.4)=0.5 (0.8,0.1)=1 (0.8,0.4)=1 (0.3,0.1)=1 (0.3,0.4)=0 → 4.5/6.
        Assert.Equal(4.5 / 6, OutOfFoldMetrics.Auc(p, l), 12);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>tune's ensemble line says how many picks the weights count when later steps did not help (was "20 steps" with weights in 17ths).</summary>
    [Fact]
    public void The_ensemble_line_names_the_kept_prefix_when_it_is_shorter_than_the_steps_run()
    {
        EnsembleReport Report(int picks) => new()
        {
            Members = [], Candidates = 10, SelectionRows = 100, OutOfFoldScore = 1, BestSingleOutOfFoldScore = 1, ScoreByStep = [],
            Kept = true, Verdict = "v", Picks = picks,
        };
        Assert.Equal($"{EnsembleBuilder.Steps} steps, the best 17 kept", TuningEnsembleOutput.Steps(Report(17)));
        Assert.Equal($"{EnsembleBuilder.Steps} steps", TuningEnsembleOutput.Steps(Report(EnsembleBuilder.Steps)));
    }
}
