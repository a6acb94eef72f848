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

    internal static double Uniform(SearchParameter p, Random rng)
    {
        if (p.IsChoice) return p.Choices![rng.Next(p.Choices.Count)];
        if (p.Type == HyperparameterType.Bool) return rng.Next(2);
        var (low, high) = p.Domain;
        return p.FromDomain(low + rng.NextDouble() * (high - low));
    }
}
