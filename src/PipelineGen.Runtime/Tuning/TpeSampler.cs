using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011), univariate as in Optuna's default: after
/// <see cref="StartupTrials"/> random trials, the finished trials are split into the best γ(n) ("good") and the rest;
/// per parameter a Parzen density l(x) is fitted to the good values and g(x) to the rest (truncated Gaussians in the
/// sampling domain, each bandwidth the larger gap to its neighbours, plus a flat prior component); candidates drawn from
/// l are ranked by log l(x) − log g(x) (the expected-improvement ratio) and the best is proposed.
/// Failed trials count as the worst ones (they go to g), so the search moves away from configurations that break.
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
        if (finished.Count < startupTrials)
        {
            var config0 = new Configuration();
            foreach (var p in space.Parameters)
                if (p.IsActive(config0)) config0[p.Name] = Samplers.Uniform(p, rng);
            return config0;
        }
        // Order: by loss, failed last; ties by trial number so the split is deterministic.
        var ranked = finished.OrderBy(t => t.Loss ?? double.PositiveInfinity).ThenBy(t => t.Number).ToArray();
        int nGood = Math.Max(1, Gamma(ranked.Count(t => t.Loss is not null)));
        var good = ranked.Take(nGood).ToArray();
        var bad = ranked.Skip(nGood).ToArray();

        var config = new Configuration();
        foreach (var p in space.Parameters)
        {
            // Conditional space: a parameter of a branch not chosen is left out; one that is chosen is fitted only on the
            // trials where it was active (Optuna's approach), since inactive trials say nothing about its value.
            if (!p.IsActive(config)) continue;
            var goodValues = good.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => t.Configuration[p.Name]).ToArray();
            var badValues = bad.Where(t => t.Configuration.ContainsKey(p.Name)).Select(t => t.Configuration[p.Name]).ToArray();
            config[p.Name] = p.IsChoice || p.Type == HyperparameterType.Bool
                ? SampleCategorical(p, goodValues, badValues, rng)
                : SampleNumeric(p, goodValues, badValues, rng);
        }
        return config;
    }

    private double SampleCategorical(SearchParameter p, double[] good, double[] bad, Random rng)
    {
        var categories = p.IsChoice ? p.Choices!.ToArray() : new double[] { 0, 1 };
        // Counts plus a prior weight of 1 spread evenly over the categories.
        double[] Weights(double[] values) => categories.Select(c => values.Count(v => v == c) + 1.0 / categories.Length).ToArray();
        var l = Weights(good);
        var g = Weights(bad);
        double lSum = l.Sum(), gSum = g.Sum();
        double bestScore = double.NegativeInfinity, best = categories[0];
        for (int i = 0; i < candidates; i++)
        {
            // Draw from l.
            double u = rng.NextDouble() * lSum;
            int k = 0;
            while (k < categories.Length - 1 && u > l[k]) { u -= l[k]; k++; }
            double score = Math.Log(l[k] / lSum) - Math.Log(g[k] / gSum);
            if (score > bestScore) { bestScore = score; best = categories[k]; }
        }
        return best;
    }

    private double SampleNumeric(SearchParameter p, double[] good, double[] bad, Random rng)
    {
        var (low, high) = p.Domain;
        var l = ParzenEstimator.Fit(good.Select(p.ToDomain).ToArray(), low, high);
        var g = ParzenEstimator.Fit(bad.Select(p.ToDomain).ToArray(), low, high);
        double bestScore = double.NegativeInfinity, best = (low + high) / 2;
        for (int i = 0; i < candidates; i++)
        {
            double x = l.Sample(rng);
            double score = l.LogDensity(x) - g.LogDensity(x);
            if (score > bestScore) { bestScore = score; best = x; }
        }
        return p.FromDomain(best);
    }
}
