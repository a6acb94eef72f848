using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// What a preparation step learned at Fit time ("median of Age = 28"), keyed by the fitted transformer.
/// The fitted transformers are ML.NET's own (so they save without registration) and do not expose their constants,
/// so the model card reads what was learned from here; entries die with the transformer.
/// </summary>
internal static class PreparationLog
{
    private static readonly ConditionalWeakTable<ITransformer, string> Notes = new();
    // Structured records (e.g. a text featurizer's settings) for the card's JSON, beside the one-line notes.
    private static readonly ConditionalWeakTable<ITransformer, object> Details = new();

    internal static void Record(ITransformer fitted, string note) => Notes.AddOrUpdate(fitted, note);

    internal static void RecordDetail(ITransformer fitted, object detail) => Details.AddOrUpdate(fitted, detail);

    /// <summary>The structured records of type <typeparamref name="T"/> of every transformer in a (nested) chain, in pipeline order.</summary>
    public static IReadOnlyList<T> DetailsAll<T>(ITransformer model)
    {
        var details = new List<T>();
        Walk(model, t => Details.TryGetValue(t, out var d) && d is T typed ? typed : default, details);
        return details;
    }

    /// <summary>The note recorded when <paramref name="fitted"/> was fitted in this process, or null.</summary>
    public static string? Describe(ITransformer fitted) => Notes.TryGetValue(fitted, out var note) ? note : null;

    /// <summary>Notes of every transformer in a (nested) chain, in pipeline order.</summary>
    public static IReadOnlyList<string> DescribeAll(ITransformer model)
    {
        var notes = new List<string>();
        Walk(model, Describe, notes);
        return notes;
    }

    private static void Walk<T>(ITransformer transformer, Func<ITransformer, T?> read, List<T> found)
    {
        if (read(transformer) is { } value)
        {
            found.Add(value);
            return; // its inner parts are implementation detail
        }
        if (transformer is IEnumerable<ITransformer> chain)
            foreach (var inner in chain)
                Walk(inner, read, found);
    }
}
