using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

public class SamplerTests
{
    private static SearchSpace Branin() => new([
        SearchParameter.Range("x1", HyperparameterType.Float, -5, 10),
        SearchParameter.Range("x2", HyperparameterType.Float, 0, 15),
    ]);

    private static double BraninValue(Configuration c)
    {
        double x1 = c["x1"], x2 = c["x2"];
        double b = 5.1 / (4 * Math.PI * Math.PI), cc = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + cc * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static SearchSpace Quadratic() => new([
        SearchParameter.Range("a", HyperparameterType.Float, -10, 10),
        SearchParameter.Range("b", HyperparameterType.Float, -10, 10),
        SearchParameter.Range("c", HyperparameterType.Int, -20, 20),
    ]);

    private static double QuadraticValue(Configuration c) => Math.Pow(c["a"] - 2.5, 2) + Math.Pow(c["b"] + 1, 2) + Math.Pow(c["c"] - 7, 2) / 4;

    /// <summary>Runs a sequential study on a known function and returns the best loss found.</summary>
    private static double BestOf(ISampler sampler, SearchSpace space, Func<Configuration, double> f, int budget)
    {
        var finished = new List<FinishedTrial>();
        for (int i = 0; i < budget; i++)
        {
            var config = sampler.Propose(space, i, finished)!;
            finished.Add(new FinishedTrial(i, config, f(config)));
        }
        return finished.Min(t => t.Loss!.Value);
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    [Fact]
    public void Tpe_beats_random_on_branin_at_the_same_budget_over_several_seeds()
    {
        var seeds = Enumerable.Range(1, 11).ToArray();
        var tpe = seeds.Select(s => BestOf(new TpeSampler(s), Branin(), BraninValue, 60)).ToArray();
        var random = seeds.Select(s => BestOf(new RandomSampler(s), Branin(), BraninValue, 60)).ToArray();
        // Global minimum 0.397887. TPE's median regret must be clearly smaller, and it must win on most seeds.
        Assert.True(Median(tpe) < Median(random), $"TPE median {Median(tpe)} vs random {Median(random)}");
        Assert.True(seeds.Count(i => tpe[i - 1] < random[i - 1]) >= 7, $"TPE won on {seeds.Count(i => tpe[i - 1] < random[i - 1])} of 11 seeds");
    }

    [Fact]
    public void Tpe_beats_random_on_a_quadratic_with_a_whole_number_dimension()
    {
        var seeds = Enumerable.Range(100, 11).ToArray();
        var tpe = seeds.Select(s => BestOf(new TpeSampler(s), Quadratic(), QuadraticValue, 80)).ToArray();
        var random = seeds.Select(s => BestOf(new RandomSampler(s), Quadratic(), QuadraticValue, 80)).ToArray();
        Assert.True(Median(tpe) < 0.5 * Median(random), $"TPE median {Median(tpe)} vs random {Median(random)}");
    }

    [Fact]
    public void Proposals_are_a_pure_function_of_seed_trial_number_and_finished_trials()
    {
        var space = Branin();
        var history = new List<FinishedTrial>();
        var first = new TpeSampler(7);
        for (int i = 0; i < 25; i++)
        {
            var c = first.Propose(space, i, history)!;
            history.Add(new FinishedTrial(i, c, BraninValue(c)));
        }
        // A fresh sampler (a resumed process) given the same history proposes the same next configuration.
        var again = new TpeSampler(7).Propose(space, 25, history)!;
        var original = first.Propose(space, 25, history)!;
        Assert.Equal(original, again);
        Assert.NotEqual(original, new TpeSampler(8).Propose(space, 25, history));
    }

    /// <summary>
    /// A finite space of 6 points (a conditional one: leaves only for trainer a). TPE used to propose the good region's
    /// points again and again (a time-only study refitted them until the time ran out); now each point is proposed once,
    /// past the start-up draws as well, and then the sampler is exhausted.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Tpe_in_a_finite_space_scores_each_point_once_then_stops(int seed)
    {
        var space = new SearchSpace([
            SearchParameter.Labelled("trainer", "a", "b"),
            SearchParameter.Choice("leaves", HyperparameterType.Int, 8, 16).When("trainer", 0),
            SearchParameter.Choice("shrink", HyperparameterType.Bool, 0, 1),
        ]);
        Assert.Equal(6, space.PointCount);
        var sampler = new TpeSampler(seed, startupTrials: 2);
        var history = new List<FinishedTrial>();
        for (int i = 0; i < 6; i++)
        {
            var c = sampler.Propose(space, i, history)!;
            Assert.DoesNotContain(c.Describe(space), history.Select(t => t.Configuration.Describe(space)));
            // Trainer a with 16 leaves is best, so the model keeps pointing at it once it has been scored.
            history.Add(new FinishedTrial(i, c, (c["trainer"] == 0 ? 0 : 1) + (c.GetValueOrDefault("leaves") == 16 ? 0 : 0.5) + c["shrink"] * 0.1));
        }
        Assert.Null(sampler.Propose(space, 6, history));
    }

    /// <summary>
    /// The model's best ratio is x = 1 (the one good trial; no bad trial has it), which was scored: TPE proposes the
    /// best point not scored yet instead of measuring x = 1 again.
    /// </summary>
    [Fact]
    public void Tpe_proposes_another_point_when_its_best_one_was_scored()
    {
        var space = new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Int, 1, 2, 3, 4, 5, 6)]);
        double[] xs = [1, 2, 3, 2, 3, 2, 3, 2, 3, 2];
        var history = xs.Select((x, i) => new FinishedTrial(i, new Configuration { ["x"] = x }, x == 1 ? 0 : x)).ToArray();
        foreach (int seed in new[] { 1, 2, 3, 4, 5 })
            Assert.Contains(new TpeSampler(seed).Propose(space, 10, history)!["x"], new double[] { 4, 5, 6 });
    }

    [Fact]
    public void Grid_enumerates_every_point_exactly_once_then_stops()
    {
        var space = new SearchSpace([
            SearchParameter.Choice("leaves", HyperparameterType.Int, 8, 16, 32),
            SearchParameter.Range("min_examples_per_leaf", HyperparameterType.Int, 1, 4),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 1, log: true),
        ]);
        var grid = new GridSampler(seed: 3);
        Assert.Equal(3 * 4 * 5, grid.Size(space));
        var seen = new HashSet<string>();
        for (int i = 0; i < 60; i++)
            Assert.True(seen.Add(grid.Propose(space, i, [])!.Describe(space)));
        Assert.Null(grid.Propose(space, 60, []));
        Assert.Equal(new[] { 0.01, 0.031623, 0.1, 0.316228, 1 }, grid.Points(space.Parameters[2]).Select(v => Math.Round(v, 6)));
        Assert.Equal(new double[] { 1, 2, 3, 4 }, grid.Points(space.Parameters[1]));
    }

    [Fact]
    public void Log_scale_draws_stay_in_range_and_cover_every_decade()
    {
        var p = SearchParameter.Range("lr", HyperparameterType.Float, 1e-4, 1, log: true);
        var space = new SearchSpace([p]);
        var sampler = new RandomSampler(11);
        var draws = Enumerable.Range(0, 4000).Select(i => sampler.Propose(space, i, [])!["lr"]).ToArray();
        Assert.All(draws, v => Assert.InRange(v, 1e-4, 1));
        // Log-uniform: each of the four decades gets about a quarter.
        for (int d = -4; d < 0; d++)
        {
            int count = draws.Count(v => v >= Math.Pow(10, d) && v < Math.Pow(10, d + 1));
            Assert.InRange(count, 850, 1150);
        }
        var ints = SearchParameter.Range("leaves", HyperparameterType.Int, 2, 512, log: true);
        var intDraws = Enumerable.Range(0, 2000).Select(i => new RandomSampler(5).Propose(new SearchSpace([ints]), i, [])!["leaves"]).ToArray();
        Assert.All(intDraws, v => { Assert.InRange(v, 2, 512); Assert.Equal(Math.Round(v), v); });
        Assert.Contains(2.0, intDraws);
        Assert.Contains(intDraws, v => v > 256);
    }

    [Fact]
    public void Tpe_proposals_stay_in_range_and_failed_trials_push_it_away()
    {
        var space = new SearchSpace([SearchParameter.Range("x", HyperparameterType.Float, 0, 1)]);
        var history = new List<FinishedTrial>();
        var sampler = new TpeSampler(1);
        // Every x > 0.5 "fails" (the trainer throws); below it the loss is (x - 0.3)^2. TPE should learn to stay below 0.5.
        for (int i = 0; i < 60; i++)
        {
            var c = sampler.Propose(space, i, history)!;
            Assert.InRange(c["x"], 0, 1);
            history.Add(new FinishedTrial(i, c, c["x"] > 0.5 ? null : Math.Pow(c["x"] - 0.3, 2)));
        }
        int lateFailures = history.Skip(30).Count(t => t.Loss is null);
        Assert.True(lateFailures < 10, $"{lateFailures} of the last 30 proposals were in the failing region");
    }

    [Fact]
    public void Parzen_estimator_is_a_density_on_its_domain()
    {
        var pe = ParzenEstimator.Fit([0.2, 0.25, 0.9], 0, 1);
        // Integrates to 1 over [0, 1] (trapezoid rule).
        int n = 20000;
        double sum = 0;
        for (int i = 0; i <= n; i++)
        {
            double w = i == 0 || i == n ? 0.5 : 1;
            sum += w * Math.Exp(pe.LogDensity(i / (double)n));
        }
        Assert.Equal(1.0, sum / n, 3);
        Assert.Equal(double.NegativeInfinity, pe.LogDensity(1.5));
        Assert.True(pe.LogDensity(0.22) > pe.LogDensity(0.6));
    }

    [Fact]
    public void Invalid_ranges_are_refused_with_the_reason()
    {
        Assert.Contains("not below", Assert.Throws<ArgumentException>(() => SearchParameter.Range("x", HyperparameterType.Float, 2, 1)).Message);
        Assert.Contains("min > 0", Assert.Throws<ArgumentException>(() => SearchParameter.Range("x", HyperparameterType.Float, 0, 1, log: true)).Message);
        Assert.Contains("no whole number", Assert.Throws<ArgumentException>(() => SearchParameter.Range("x", HyperparameterType.Int, 1.2, 1.8)).Message);
        Assert.Equal(1, new SearchSpace([SearchParameter.Choice("x", HyperparameterType.Int, 3)]).PointCount);
    }
}
