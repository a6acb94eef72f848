using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Independent uniform draws (log-uniform on a log scale). In a finite space (choices, flags, whole-number ranges) a
/// draw that repeats a configuration already scored is drawn again, and the sampler is exhausted once every point was
/// scored: a study bounded by time alone (<c>tune --time 10m</c>) would otherwise spend its minutes refitting what it has measured.
/// </summary>
internal sealed class RandomSampler(int seed) : ISampler
{
    public string Name => "random";

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var scored = Samplers.Scored(space, finished);
        return Samplers.Exhausted(space, scored) ? null : Samplers.DrawUnscored(space, Samplers.Rng(seed, trialNumber), scored);
    }
}
