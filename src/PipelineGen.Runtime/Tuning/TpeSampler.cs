using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011), univariate as in Optuna's default: after
/// <see cref="StartupTrials"/> random trials, the finished trials are split into the best γ(n) ("good") and the rest;
/// per parameter a Parzen density l(x) is fitted to the good values and g(x) to the rest (truncated Gaussians in the
/// sampling domain, each bandwidth the larger gap to its neighbours, plus a flat prior component); candidates drawn from
/// l are ranked by log l(x) − log g(x) (the expected-improvement ratio) and the best is proposed.
/// Failed trials count as the worst ones (they go to g), so the search moves away from configurations that break.
/// In a finite space (<see cref="SearchSpace.PointCount"/>) a proposal never repeats a scored configuration while an
/// unscored one is found (start-up draws are drawn again as random search's are; a model proposal that was scored gives
/// way to the best unscored of further candidates from l), and the sampler is exhausted once every point was scored.
/// </summary>
internal sealed class TpeSampler(int seed, int startupTrials = 10, int candidates = 24) : ISampler
{
    public string Name => "bayesian";
    public int StartupTrials => startupTrials;

    /// <summary>Number of "good" trials among n: ceil(0.1 n), at most 25 (Optuna's default γ).</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var rng = Samplers.Rng(seed, trialNumber);
        var scored = Samplers.Scored(space, finished);
        if (Samplers.Exhausted(space, scored)) return null;
        if (finished.Count < startupTrials) return Samplers.DrawUnscored(space, rng, scored);
        // Order: by loss, failed last; ties by trial number so the split is deterministic.
        var ranked = finished.OrderBy(t => t.Loss ?? double.PositiveInfinity).ThenBy(t => t.Number).ToArray();
        int nGood = Math.Max(1, Gamma(ranked.Count(t => t.Loss is not null)));
        var good = ranked.Take(nGood).ToArray();
        var bad = ranked.Skip(nGood).ToArray();
        var models = new Dictionary<string, Model>(StringComparer.Ordinal);
        Model ModelOf(SearchParameter p)
        {
            if (models.TryGetValue(p.Name, out var model)) return model;
            // A parameter of a branch is fitted only on the trials where it was active (Optuna's approach), since
            // inactive trials say nothing about its value.
            var goodValues = good.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => t.Configuration[p.Name]).ToArray();
            var badValues = bad.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => t.Configuration[p.Name]).ToArray();
            return models[p.Name] = p.IsChoice || p.Type == HyperparameterType.Bool ? Categorical(p, goodValues, badValues) : Numeric(p, goodValues, badValues);
        }

        var config = new Configuration();
        foreach (var p in space.Parameters)
        {
            // Conditional space: a parameter of a branch not chosen is left out.
            if (!p.IsActive(config)) continue;
            var model = ModelOf(p);
            double bestScore = double.NegativeInfinity, best = model.Default;
            for (int i = 0; i < candidates; i++)
            {
                var (value, score) = model.Draw(rng);
                if (score > bestScore) { bestScore = score; best = value; }
            }
            config[p.Name] = best;
        }
        if (scored is null || !scored.Contains(config.DescribeValues(space))) return config;

        // The proposal was scored (the good region of a finite space is used up): the best unscored of further
        // configurations drawn from l, each scored by its parameters' summed ratios (what the univariate model says of
        // a whole configuration); when l found none, uniform draws as random search makes. Both continue the seeded
        // generator, so a resumed study proposes the same.
        Configuration? fallback = null;
        double fallbackScore = double.NegativeInfinity;
        for (int attempt = 0; attempt < Samplers.RedrawAttempts; attempt++)
        {
            var candidate = new Configuration();
            double total = 0;
            foreach (var p in space.Parameters)
            {
                if (!p.IsActive(candidate)) continue;
                var (value, score) = ModelOf(p).Draw(rng);
                candidate[p.Name] = value;
                total += score;
            }
            if ((fallback is null || total > fallbackScore) && !scored.Contains(candidate.DescribeValues(space)))
                (fallback, fallbackScore) = (candidate, total);
        }
        return fallback ?? Samplers.DrawUnscored(space, rng, scored);
    }

    /// <summary>
    /// One parameter's fitted l and g: <see cref="Draw"/> gives a value drawn from l with its log l − log g;
    /// <see cref="Default"/> is proposed when no draw scores above −∞.
    /// </summary>
    private sealed record Model(Func<Random, (double Value, double Score)> Draw, double Default);

    private static Model Categorical(SearchParameter p, double[] good, double[] bad)
    {
        var categories = p.IsChoice ? p.Choices!.ToArray() : new double[] { 0, 1 };
        // Counts plus a prior weight of 1 spread evenly over the categories.
        double[] Weights(double[] values) => categories.Select(c => values.Count(v => v == c) + 1.0 / categories.Length).ToArray();
        var l = Weights(good);
        var g = Weights(bad);
        double lSum = l.Sum(), gSum = g.Sum();
        return new Model(rng =>
        {
            // Draw from l.
            double u = rng.NextDouble() * lSum;
            int k = 0;
            while (k < categories.Length - 1 && u > l[k]) { u -= l[k]; k++; }
            return (categories[k], Math.Log(l[k] / lSum) - Math.Log(g[k] / gSum));
        }, categories[0]);
    }

    private static Model Numeric(SearchParameter p, double[] good, double[] bad)
    {
        var (low, high) = p.Domain;
        var l = ParzenEstimator.Fit(good.Select(p.ToDomain).ToArray(), low, high);
        var g = ParzenEstimator.Fit(bad.Select(p.ToDomain).ToArray(), low, high);
        return new Model(rng =>
        {
            double x = l.Sample(rng);
            return (p.FromDomain(x), l.LogDensity(x) - g.LogDensity(x));
        }, p.FromDomain((low + high) / 2));
    }
}
