using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Independent uniform draws (log-uniform on a log scale). In a finite space (choices only) a draw that repeats a
/// configuration already scored is drawn again, and the sampler is exhausted once every point was scored: a study
/// bounded by time alone (<c>tune --time 10m</c>) would otherwise spend its minutes refitting what it has measured.
/// </summary>
internal sealed class RandomSampler(int seed) : ISampler
{
    /// <summary>Draws tried for an unscored point before a repeat is accepted (a nearly exhausted large space).</summary>
    internal const int RedrawAttempts = 200;

    public string Name => "random";

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var rng = Samplers.Rng(seed, trialNumber);
        var config = Draw(space, rng);
        // PointCount multiplies every parameter's values, inactive branches included, so it is never below the number of
        // distinct configurations: "every point scored" is never concluded early.
        if (space.PointCount is not { } points) return config;
        var scored = finished.Where(f => !f.Configuration.IsStartingPoint).Select(f => f.Configuration.DescribeValues(space)).ToHashSet(StringComparer.Ordinal);
        if (scored.Count >= points) return null;
        for (int attempt = 0; attempt < RedrawAttempts && scored.Contains(config.DescribeValues(space)); attempt++) config = Draw(space, rng);
        return config;
    }

    private static Configuration Draw(SearchSpace space, Random rng)
    {
        var config = new Configuration();
        foreach (var p in space.Parameters)
            if (p.IsActive(config)) config[p.Name] = Samplers.Uniform(p, rng);
        return config;
    }
}
