using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>A trial that has finished: its configuration and its loss (lower is better), or null when it failed.</summary>
internal sealed record FinishedTrial(int Number, Configuration Configuration, double? Loss);

/// <summary>
/// Proposes the configuration of trial <c>trialNumber</c>. A proposal is a pure function of the sampler's seed, the
/// trial number and the finished trials, so a resumed study proposes exactly what the uninterrupted one would have.
/// </summary>
internal interface ISampler
{
    string Name { get; }

    /// <summary>The next configuration, or null when the sampler has nothing left to propose (a grid is exhausted).</summary>
    Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished);
}

internal static class Samplers
{
    /// <summary>random, grid or bayesian (TPE).</summary>
    public static ISampler Create(string strategy, int seed) => strategy switch
    {
        "random" => new RandomSampler(seed),
        "grid" => new GridSampler(seed),
        "bayesian" or "tpe" => new TpeSampler(seed),
        _ => throw new ArgumentException($"tune strategy '{strategy}' is not implemented; use random, grid or bayesian."),
    };

    /// <summary>A generator seeded from (seed, trial, salt) with a fixed mix (never string.GetHashCode, which is randomised per process).</summary>
    internal static Random Rng(int seed, int trial, int salt = 0)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)trial * 0xBF58476D1CE4E5B9UL ^ (ulong)(uint)salt * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }

    internal static double Uniform(SearchParameter p, Random rng)
    {
        if (p.IsChoice) return p.Choices![rng.Next(p.Choices.Count)];
        if (p.Type == HyperparameterType.Bool) return rng.Next(2);
        var (low, high) = p.Domain;
        return p.FromDomain(low + rng.NextDouble() * (high - low));
    }
}

/// <summary>Independent uniform draws (log-uniform on a log scale).</summary>
internal sealed class RandomSampler(int seed) : ISampler
{
    public string Name => "random";

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var rng = Samplers.Rng(seed, trialNumber);
        var config = new Configuration();
        foreach (var p in space.Parameters)
            if (p.IsActive(config)) config[p.Name] = Samplers.Uniform(p, rng);
        return config;
    }
}

/// <summary>
/// Every point of a grid exactly once, in a seeded random order (so a time budget that stops early has still spread its
/// trials over the space). Choices and flags are enumerated; whole-number ranges with at most <see cref="Resolution"/> * 2
/// values are enumerated; other ranges contribute <see cref="Resolution"/> evenly spaced points (log-spaced on a log scale).
/// </summary>
internal sealed class GridSampler(int seed, int resolution = 5) : ISampler
{
    public string Name => "grid";
    public int Resolution => resolution;

    /// <summary>Grid points of one parameter.</summary>
    public IReadOnlyList<double> Points(SearchParameter p)
    {
        if (p.IsChoice) return p.Choices!;
        if (p.Type == HyperparameterType.Bool) return [0, 1];
        if (p.Type == HyperparameterType.Int && Math.Floor(p.Max) - Math.Ceiling(p.Min) + 1 <= 2 * resolution)
        {
            var all = new List<double>();
            for (double v = Math.Ceiling(p.Min); v <= Math.Floor(p.Max); v++) all.Add(v);
            return all;
        }
        double low = p.ToDomain(p.Min), high = p.ToDomain(p.Max);
        return Enumerable.Range(0, resolution).Select(i => p.FromDomain(low + (high - low) * i / (resolution - 1))).Distinct().ToArray();
    }

    /// <summary>Number of grid points (the study's size under this strategy); a trainer's parameters multiply only its branch.</summary>
    public long Size(SearchSpace space) => space.Count(p => Points(p).Count)!.Value;

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var size = Size(space);
        if (trialNumber >= size) return null;
        if (size > 10_000_000) throw new ArgumentException($"the grid has {size} points; narrow the space or use strategy random/bayesian.");
        // A fixed permutation of 0..size-1 (Fisher-Yates with a seeded generator), identical on every call.
        var order = Enumerable.Range(0, (int)size).ToArray();
        var rng = Samplers.Rng(seed, -1);
        for (int i = order.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
        long index = order[trialNumber];
        var config = new Configuration();
        foreach (var root in space.Roots)
        {
            var points = Points(root);
            bool hasChildren = space.Parameters.Any(c => c.Parent == root.Name);
            if (!hasChildren)
            {
                config[root.Name] = points[(int)(index % points.Count)];
                index /= points.Count;
                continue;
            }
            // Branches one after the other: each value of the root owns the block of its children's combinations.
            long blockTotal = points.Sum(v => space.ChildrenOf(root, v).Aggregate(1L, (n, c) => n * Points(c).Count));
            long local = index % blockTotal;
            index /= blockTotal;
            foreach (var v in points)
            {
                var children = space.ChildrenOf(root, v).ToArray();
                long block = children.Aggregate(1L, (n, c) => n * Points(c).Count);
                if (local >= block) { local -= block; continue; }
                config[root.Name] = v;
                foreach (var c in children)
                {
                    var cp = Points(c);
                    config[c.Name] = cp[(int)(local % cp.Count)];
                    local /= cp.Count;
                }
                break;
            }
        }
        return config;
    }
}

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

/// <summary>
/// A one-dimensional mixture of Gaussians truncated to [low, high]: one component per observation plus a prior
/// component (centre of the domain, width of the domain), equal weights. Each observation's bandwidth is the larger
/// distance to its sorted neighbours (the prior's centre included), clipped to [(high−low)/min(100, n+1), high−low].
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] _mu, _sigma, _logMass;
    private readonly double _low, _high;

    private ParzenEstimator(double[] mu, double[] sigma, double low, double high)
    {
        _mu = mu; _sigma = sigma; _low = low; _high = high;
        _logMass = mu.Select((m, i) => Math.Log(Math.Max(Phi((high - m) / sigma[i]) - Phi((low - m) / sigma[i]), 1e-300))).ToArray();
    }

    public IReadOnlyList<double> Means => _mu;
    public IReadOnlyList<double> Bandwidths => _sigma;

    public static ParzenEstimator Fit(double[] observations, double low, double high)
    {
        double range = high - low;
        double prior = (low + high) / 2;
        var mus = observations.Append(prior).ToArray();
        int priorIndex = mus.Length - 1;
        var order = Enumerable.Range(0, mus.Length).OrderBy(i => mus[i]).ThenBy(i => i).ToArray();
        var sigma = new double[mus.Length];
        double minSigma = range / Math.Min(100.0, mus.Length);
        for (int r = 0; r < order.Length; r++)
        {
            int i = order[r];
            double left = r > 0 ? mus[i] - mus[order[r - 1]] : mus[i] - low;
            double right = r < order.Length - 1 ? mus[order[r + 1]] - mus[i] : high - mus[i];
            sigma[i] = Math.Clamp(Math.Max(left, right), minSigma, range);
        }
        sigma[priorIndex] = range;
        return new ParzenEstimator(mus, sigma, low, high);
    }

    public double LogDensity(double x)
    {
        if (x < _low || x > _high) return double.NegativeInfinity;
        // log( (1/K) Σ N(x; μ, σ) / mass ), computed with log-sum-exp.
        var terms = new double[_mu.Length];
        for (int i = 0; i < _mu.Length; i++)
        {
            double z = (x - _mu[i]) / _sigma[i];
            terms[i] = -0.5 * z * z - Math.Log(_sigma[i]) - 0.5 * Math.Log(2 * Math.PI) - _logMass[i];
        }
        double max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max))) - Math.Log(_mu.Length);
    }

    public double Sample(Random rng)
    {
        int k = rng.Next(_mu.Length);
        // Rejection from the untruncated Gaussian; the mass inside is at least ~0.3 because μ lies in the domain and σ ≤ its width.
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double x = _mu[k] + _sigma[k] * Gaussian(rng);
            if (x >= _low && x <= _high) return x;
        }
        return Math.Clamp(_mu[k], _low, _high);
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
