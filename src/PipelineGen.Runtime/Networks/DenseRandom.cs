using System.Numerics.Tensors;

namespace PipelineGen.Runtime.Networks;

/// <summary>SplitMix64: a tiny generator whose sequence is fixed by its seed on every machine and .NET version
/// (System.Random's seeded sequence is an implementation detail), so the same seed gives the same weights.</summary>
internal sealed class DenseRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one purpose (init, shuffling, dropout), so changing one option does not shift another stream.</summary>
    public static DenseRandom Stream(int seed, ulong purpose) => new(((ulong)(uint)seed << 32) ^ (purpose * 0x9E3779B97F4A7C15UL));

    public ulong NextULong()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (n small: the modulo bias is below 2^-40).</summary>
    public int NextInt(int n) => (int)(NextULong() % (ulong)n);

    /// <summary>Standard normal by Box-Muller (one value per call, no cached pair: simpler to keep deterministic).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
