using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// A sampler behind a short list of fixed first proposals (<see cref="TuningSettings.StartingConfigurations"/>: the
/// default space's portfolio, docs/runtime-tuning.md): proposal k &lt; n is the k-th configuration; proposal k ≥ n is
/// the inner sampler's proposal k − n, from the same finished trials renumbered the same way. So the sampler's own
/// proposals are exactly those of a study without the list (same seed, same sequence), shifted by n. Unlike the
/// starting trial, these are points of the space, so TPE learns from them and random search does not repeat them.
/// </summary>
internal sealed class FirstProposalsSampler : ISampler
{
    private readonly ISampler _inner;
    private readonly IReadOnlyList<Configuration> _first;

    private FirstProposalsSampler(ISampler inner, IReadOnlyList<Configuration> first) { _inner = inner; _first = first; }

    public string Name => _inner.Name;

    /// <summary>The sampler that makes the proposals after the list.</summary>
    public ISampler Inner => _inner;

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished) => trialNumber < _first.Count
        ? new Configuration(_first[trialNumber])
        : _inner.Propose(space, trialNumber - _first.Count, finished.Select(t => t with { Number = t.Number - _first.Count }).ToArray());

    /// <summary>
    /// <paramref name="sampler"/> behind <paramref name="tuning"/>'s starting configurations, or itself when there are
    /// none or it is a grid (which enumerates every point anyway).
    /// </summary>
    /// <exception cref="InvalidOperationException">A configuration that is not a point of the space (a build defect).</exception>
    public static ISampler Wrap(ISampler sampler, TuningSettings tuning, SearchSpace space)
    {
        var first = Of(tuning, space);
        return first.Count == 0 || sampler is GridSampler ? sampler : new FirstProposalsSampler(sampler, first);
    }

    /// <summary>The starting configurations as configurations of <paramref name="space"/>, each checked to be one of its points.</summary>
    public static IReadOnlyList<Configuration> Of(TuningSettings tuning, SearchSpace space)
    {
        var result = new List<Configuration>();
        foreach (var values in tuning.StartingConfigurations)
        {
            var config = new Configuration(values.ToDictionary(kv => kv.Key, kv => kv.Value));
            var active = space.Parameters.Where(p => p.IsActive(config)).ToArray();
            if (config.Count != active.Length || active.Any(p => !config.TryGetValue(p.Name, out var v) || !p.Contains(v)))
                throw new InvalidOperationException($"the starting configuration {{{string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}"))}}} is not a point of the search space ({space.Fingerprint()}); rebuild the project.");
            result.Add(config);
        }
        return result;
    }

    /// <summary>
    /// The text a study records for its space: the space's own, then the starting configurations <paramref name="sampler"/>
    /// proposes first when it has any (<see cref="Wrap"/> decided that), so a study journaled with another list (or none)
    /// is not resumed or joined with this one: its proposals would differ.
    /// </summary>
    public static string Fingerprint(SearchSpace space, ISampler sampler) => sampler is FirstProposalsSampler first
        ? space.Fingerprint() + "; first: " + string.Join(" | ", first._first.Select(c => c.Describe(space)))
        : space.Fingerprint();
}
