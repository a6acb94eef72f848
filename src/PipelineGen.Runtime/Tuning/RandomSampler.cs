using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

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
