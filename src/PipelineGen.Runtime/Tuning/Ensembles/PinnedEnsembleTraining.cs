using System.Globalization;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// <c>train</c> with an ensemble pinned in the lock file: the generated code carries the members' values and weights
/// (<see cref="ITunablePipeline.PinnedEnsemble"/>); they are turned back into configurations of the search space and
/// fitted and blended by <see cref="EnsembleBuilder.Fit"/>, the same code <c>tune --ensemble</c> used, so the same data
/// and seed give the same model. <c>train</c> hands them to <see cref="Training.TrainOptions.Ensemble"/>, which measures its
/// gates on the blend too (<see cref="EnsemblePipeline"/>).
/// </summary>
internal static class PinnedEnsembleTraining
{
    /// <summary>The pinned members as configurations; empty when the pipeline pins no ensemble.</summary>
    public static IReadOnlyList<EnsembleMember> Members(IPipelineDefinition pipeline)
    {
        if (pipeline is not ITunablePipeline tunable || tunable.PinnedEnsemble.Count == 0) return [];
        var space = new SearchSpace(tunable.Tuning.Space);
        var members = new List<EnsembleMember>();
        int i = 0;
        foreach (var pinned in tunable.PinnedEnsemble)
        {
            // The origin marks the study's starting trial, as tune's own member was marked, so the card says what it is.
            var config = new Configuration { Origin = pinned.From };
            foreach (var (name, text) in pinned.Values)
            {
                // The build checked every name and value against the space (PG0224, PG0225), or, for the study's starting
                // trial ('from: spec'), against the trainer; a mismatch here is a stale build.
                var p = space.Parameters.FirstOrDefault(x => x.Name == name);
                if (p is null && !tunable.HyperparameterNames.Contains(name))
                    throw new InvalidOperationException($"the lock file's ensemble member {i + 1} sets '{name}', which neither the search space nor the trainer of this build has; build again.");
                config[name] = p?.Labels is not null ? p.IndexOf(text) is >= 0 and var index ? index : throw new InvalidOperationException($"ensemble member {i + 1}: '{text}' is not a value of {name}; build again.")
                    : text is "true" ? 1 : text is "false" ? 0 : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            members.Add(new EnsembleMember(i++, pinned.Weight, config));
        }
        // Weights are relative (a blend is a weighted mean): shares summing to 1, so the card and notes show what the blend does.
        var shares = EnsembleModel.Shares(members.Select(m => m.Weight).ToArray());
        return members.Select((m, k) => m with { Weight = shares[k] }).ToList();
    }

    /// <summary>The pinned ensemble as the pipeline <c>train</c> fits and measures; null when the pipeline pins none.</summary>
    public static EnsemblePipeline? Pipeline(IPipelineDefinition pipeline) =>
        Members(pipeline) is { Count: > 0 } members ? new EnsemblePipeline((ITunablePipeline)pipeline, members) : null;
}
