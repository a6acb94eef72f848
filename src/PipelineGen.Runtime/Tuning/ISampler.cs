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
