using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

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

    /// <summary>Draws tried for an unscored point before a repeat is accepted (a nearly exhausted large space).</summary>
    internal const int RedrawAttempts = 200;

    /// <summary>A uniform draw of every active parameter in the space's order (random search, TPE's start-up, halving's repeats).</summary>
    internal static Configuration Draw(SearchSpace space, Random rng)
    {
        var config = new Configuration();
        foreach (var p in space.Parameters)
            if (p.IsActive(config)) config[p.Name] = Uniform(p, rng);
        return config;
    }

    /// <summary>
    /// The configurations scored so far when the space is finite (<see cref="SearchSpace.PointCount"/>), else null (a
    /// continuous space is not exhausted and a repeat there is chance). A starting trial is not a proposal: left out.
    /// </summary>
    internal static HashSet<string>? Scored(SearchSpace space, IReadOnlyList<FinishedTrial> finished) => space.PointCount is null ? null
        : finished.Where(f => !f.Configuration.IsStartingPoint).Select(f => f.Configuration.DescribeValues(space)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether every point of a finite space was scored. <see cref="SearchSpace.PointCount"/> counts each branch's own
    /// parameters only in that branch, so it is the number of distinct configurations: never concluded early.
    /// </summary>
    internal static bool Exhausted(SearchSpace space, HashSet<string>? scored) => scored is not null && scored.Count >= space.PointCount;

    /// <summary>
    /// A uniform draw, drawn again from the same generator (up to <see cref="RedrawAttempts"/> times) while it repeats
    /// a <paramref name="scored"/> configuration; the first draw is what <see cref="Draw"/> gives.
    /// </summary>
    internal static Configuration DrawUnscored(SearchSpace space, Random rng, HashSet<string>? scored)
    {
        var config = Draw(space, rng);
        for (int attempt = 0; attempt < RedrawAttempts && scored is not null && scored.Contains(config.DescribeValues(space)); attempt++)
            config = Draw(space, rng);
        return config;
    }

    internal static double Uniform(SearchParameter p, Random rng)
    {
        if (p.IsChoice) return p.Choices![rng.Next(p.Choices.Count)];
        if (p.Type == HyperparameterType.Bool) return rng.Next(2);
        var (low, high) = p.Domain;
        return p.FromDomain(low + rng.NextDouble() * (high - low));
    }
}
