using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>The keep rule on synthetic out-of-fold predictions whose answer is known by construction.</summary>
public sealed class CrossFittedKeepRuleTests
{
    private static Func<double[], Func<double[], double>?> Scorer(string metric, bool probabilities) =>
        labels => OutOfFoldMetrics.For(metric, labels, probabilities, out _);

    [Fact]
    public void A_truly_complementary_pair_is_kept_and_every_comparison_favours_the_blend()
    {
        // Two models with independent errors of the same size: their average has about 1/sqrt(2) of the error, on any rows.
        var random = new Random(5);
        int n = 400;
        var y = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        var a = y.Select(v => v + Gaussian(random)).ToArray();
        var b = y.Select(v => v + Gaussian(random)).ToArray();

        var decision = CrossFittedKeepRule.Decide([new(0, a), new(1, b)], y, 1, Scorer("rmse", false), higherIsBetter: false, stratify: false, seed: 42, "rmse");

        Assert.True(decision.Kept, decision.Reason);
        Assert.Equal(2 * CrossFittedKeepRule.Repeats, decision.Compared);
        Assert.Equal(0, decision.Skipped);
        Assert.Equal(decision.Compared, decision.Favoured);
        Assert.True(decision.MeanDifference < -0.1, decision.Reason); // rmse: lower is better; ~ -0.3 by construction
        Assert.StartsWith("the ensemble is kept: cross-fitted on the out-of-fold rows", decision.Reason);
        Assert.Contains($"{decision.Favoured} of {decision.Compared} comparisons favoured the blend", decision.Reason);
        // The spread of the 10 differences is printed beside their mean, so a margin can be read against its noise;
        // with every comparison on one side, the mean is well clear of it.
        Assert.True(decision.StandardDeviation > 0 && decision.StandardDeviation < -decision.MeanDifference, decision.Reason);
        Assert.Contains($"on average (sd {CrossFittedKeepRule.FormatSpread(decision.StandardDeviation!.Value)}, standard error "
            + $"{CrossFittedKeepRule.FormatSpread(decision.StandardDeviation!.Value / Math.Sqrt(decision.Compared))}), ", decision.Reason);
    }

    [Theory]
    [InlineData(0.002, 0.01, 10, true, false)]   // a lead inside its standard error (0.00316): noise, not kept
    [InlineData(0.004, 0.01, 10, true, true)]    // a lead beyond it: kept
    [InlineData(-0.004, 0.01, 10, false, true)]  // lower is better: a negative difference leads
    [InlineData(0.004, 0.01, 10, false, false)]
    [InlineData(0.001, 0.0, 10, true, true)]     // every comparison the same lead: no noise at all
    [InlineData(0.0, 0.0, 10, true, false)]      // no lead (the blend is the single model)
    public void The_blend_is_kept_only_on_a_lead_beyond_its_standard_error(double mean, double sd, int comparisons, bool higherIsBetter, bool kept)
    {
        Assert.Equal(kept, CrossFittedKeepRule.Keeps(mean, sd, comparisons, higherIsBetter));
        Assert.False(CrossFittedKeepRule.Keeps(0.05, null, 1, higherIsBetter: true)); // one comparison: no spread to judge by
    }

    [Fact]
    public void A_blend_of_near_copies_is_decided_by_its_lead_against_its_noise_and_says_so()
    {
        // One good model and three noisier copies of it: whether a blend of them leads is chance, and its lead is small
        // beside the spread of the comparisons. Over seeds, every decision follows Keeps on the figures it printed; some
        // blends are kept, and some small positive leads are refused as noise (the case the lead-above-0 rule kept).
        int refusedAsNoise = 0, kept = 0;
        for (int seed = 1; seed <= 12; seed++)
        {
            var random = new Random(seed);
            int n = 300;
            var labels = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.4 ? 1.0 : 0.0).ToArray();
            var core = labels.Select(l => 1.0 * (l - 0.5) * 2 + Gaussian(random)).ToArray();
            var candidates = Enumerable.Range(0, 4).Select(k => new EnsembleCandidate(k, core.Select(v => Sigmoid(v + (k == 0 ? 0.1 : 0.6) * Gaussian(random))).ToArray())).ToArray();

            var decision = CrossFittedKeepRule.Decide(candidates, labels, 1, Scorer("auc", true), higherIsBetter: true, stratify: true, seed: seed, "auc");

            Assert.Equal(CrossFittedKeepRule.Keeps(decision.MeanDifference!.Value, decision.StandardDeviation, decision.Compared, true), decision.Kept);
            if (decision.Kept) kept++;
            if (!decision.Kept && decision.MeanDifference > 0)
            {
                refusedAsNoise++;
                Assert.Contains("the blend's lead is within its standard error", decision.Reason);
            }
        }
        Assert.True(refusedAsNoise > 0, "no small positive lead was refused: the test data does not exercise the rule");
        Assert.True(kept > 0, "no blend was kept: the test data does not exercise the rule");
    }

    [Fact]
    public void The_same_halves_also_compare_the_blend_with_the_given_winner_itself()
    {
        // Two good models with independent errors and a poor one (three times the error). Each half's best single is one
        // of the good pair; given the poor one as "the winner", blend − winner must be far larger than blend − single,
        // on every comparison. A winner that is no candidate gives no such comparison.
        var random = new Random(7);
        int n = 400;
        var y = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        var a = y.Select(v => v + Gaussian(random)).ToArray();
        var b = y.Select(v => v + Gaussian(random)).ToArray();
        var poor = y.Select(v => v + 3 * Gaussian(random)).ToArray();
        EnsembleCandidate[] candidates = [new(0, a), new(1, b), new(2, poor)];

        var decision = CrossFittedKeepRule.Decide(candidates, y, 1, Scorer("rmse", false), higherIsBetter: false, stratify: false, seed: 42, "rmse", winnerTrial: 2);

        var vsWinner = decision.AgainstWinner;
        Assert.NotNull(vsWinner);
        Assert.Equal(2, vsWinner.WinnerTrial);
        Assert.Equal(decision.Compared, vsWinner.Compared);
        Assert.Equal(vsWinner.Compared, vsWinner.Favoured);
        Assert.True(vsWinner.MeanDifference < decision.MeanDifference!.Value - 1, decision.Reason); // rmse ~3.2 vs ~1.0: about -2.5 against -0.3
        Assert.Contains($"against the winner itself (trial 3; chosen on these rows too, so this comparison favours it and does not decide): blend − winner {CrossFittedKeepRule.FormatDifference(vsWinner.MeanDifference)} on average", decision.Reason);

        var noWinner = CrossFittedKeepRule.Decide(candidates, y, 1, Scorer("rmse", false), higherIsBetter: false, stratify: false, seed: 42, "rmse", winnerTrial: 9);
        Assert.Null(noWinner.AgainstWinner);
        Assert.DoesNotContain("against the winner", noWinner.Reason);
        Assert.Equal(decision.MeanDifference, noWinner.MeanDifference); // the rule's own figures do not depend on it
    }

    [Fact]
    public void Noisy_copies_of_the_best_model_are_not_kept_although_selection_on_all_rows_blends_them()
    {
        // The best model plus copies of it with label-independent noise: any blend only adds noise. On the rows that
        // choose it, greedy selection still finds a blend that looks better by chance (asserted, so the rule has
        // something to reject); on the other half that luck is gone.
        var random = new Random(11);
        int n = 200;
        var labels = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.35 ? 1.0 : 0.0).ToArray();
        var best = labels.Select(l => Sigmoid(1.2 * (l - 0.5) * 2 + Gaussian(random))).ToArray();
        var candidates = new List<EnsembleCandidate> { new(0, best) };
        for (int k = 1; k <= 4; k++) candidates.Add(new(k, best.Select(p => Math.Clamp(p + 0.15 * Gaussian(random), 0, 1)).ToArray()));
        var auc = OutOfFoldMetrics.For("auc", labels, probabilities: true, out _)!;
        var onAllRows = CaruanaSelection.Select(candidates, auc, higherIsBetter: true);
        Assert.True(onAllRows.Members.Count > 1, string.Join(", ", onAllRows.Members));

        var decision = CrossFittedKeepRule.Decide(candidates, labels, 1, Scorer("auc", true), higherIsBetter: true, stratify: true, seed: 42, "auc");

        Assert.False(decision.Kept, decision.Reason);
        Assert.True(decision.MeanDifference <= 0, decision.Reason);
        Assert.Equal(2 * CrossFittedKeepRule.Repeats, decision.Compared);
        Assert.StartsWith("the ensemble is not kept: ", decision.Reason);
        Assert.EndsWith("the single model is kept", decision.Reason);
    }

    [Fact]
    public void A_metric_undefined_on_every_half_keeps_the_single_model_and_says_why()
    {
        // One class only: AUC is undefined on every half, so no comparison can be made.
        var labels = Enumerable.Repeat(1.0, 60).ToArray();
        var random = new Random(2);
        var candidates = Enumerable.Range(0, 3).Select(k => new EnsembleCandidate(k, labels.Select(_ => random.NextDouble()).ToArray())).ToArray();

        var decision = CrossFittedKeepRule.Decide(candidates, labels, 1, Scorer("auc", true), higherIsBetter: true, stratify: true, seed: 1, "auc");

        Assert.False(decision.Kept);
        Assert.Null(decision.MeanDifference);
        Assert.Equal(0, decision.Compared);
        Assert.Equal(2 * CrossFittedKeepRule.Repeats, decision.Skipped);
        Assert.Contains("auc is undefined on every half", decision.Reason);
        Assert.Contains("the single model is kept", decision.Reason);
    }

    [Fact]
    public void Halves_are_seeded_disjoint_complete_and_stratified()
    {
        var labels = Enumerable.Range(0, 101).Select(i => i % 3 == 0 ? 1.0 : 0.0).ToArray();
        var (a, b) = CrossFittedKeepRule.Split(labels, stratify: true, seed: 7);
        Assert.Empty(a.Intersect(b));
        Assert.Equal(Enumerable.Range(0, 101), a.Concat(b).Order());
        Assert.InRange(a.Length - b.Length, -1, 1);
        int positives = labels.Count(l => l > 0.5);
        Assert.InRange(a.Count(r => labels[r] > 0.5), positives / 2, positives / 2 + 1);
        Assert.Equal(a, CrossFittedKeepRule.Split(labels, stratify: true, seed: 7).A);
        Assert.NotEqual(a, CrossFittedKeepRule.Split(labels, stratify: true, seed: 8).A);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
