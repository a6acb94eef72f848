using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// The training summary of each fitted dense model, held beside the model object (not in the saved file, which holds
/// only what scoring needs). <see cref="Find"/> looks through transformer chains, so the whole fitted pipeline works.
/// </summary>
internal static class DenseTrainingLog
{
    private static readonly ConditionalWeakTable<ITransformer, DenseTrainingSummary> Summaries = new();

    internal static void Remember(ITransformer model, DenseTrainingSummary summary) => Summaries.AddOrUpdate(model, summary);

    public static DenseTrainingSummary? Find(ITransformer? model)
    {
        if (model is null) return null;
        if (Summaries.TryGetValue(model, out var found)) return found;
        if (model is IEnumerable<ITransformer> chain)
            foreach (var part in chain.Reverse())
                if (Find(part) is { } inner) return inner;
        return null;
    }
}
