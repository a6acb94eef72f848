using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Prediction;

/// <summary>
/// The class names of a multiclass model, in the order of its <c>Score</c> vector. They come from the model, not the
/// build: ML.NET numbers the classes in the order they occur in the training data, so only the fitted model knows it.
/// </summary>
public static class ClassNames
{
    private static readonly ConditionalWeakTable<ITransformer, string[]> Cache = new();

    /// <summary>The names of the <c>Score</c> slots of <paramref name="model"/> for rows of <typeparamref name="TIn"/>.</summary>
    /// <exception cref="InvalidOperationException">The model's <c>Score</c> column is not a vector with slot names (not a multiclass model).</exception>
    public static IReadOnlyList<string> Of<TIn>(MLContext mlContext, ITransformer model) where TIn : class
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        return Cache.GetValue(model, m => Read(m, mlContext.Data.LoadFromEnumerable(Array.Empty<TIn>()).Schema));
    }

    /// <summary>Pairs each class name with its score (same order as <paramref name="scores"/>).</summary>
    public static IReadOnlyDictionary<string, float> Pair(IReadOnlyList<string> names, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (names.Count != scores.Length)
            throw new ArgumentException($"{scores.Length} scores for {names.Count} classes: the scores come from another model.", nameof(scores));
        var result = new Dictionary<string, float>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++) result[names[i]] = scores[i];
        return result;
    }

    private static string[] Read(ITransformer model, DataViewSchema inputSchema) => OfScored(model.GetOutputSchema(inputSchema));

    /// <summary>
    /// The names of the <c>Score</c> slots of a scored schema: its slot names, else the PredictedLabel key's values (a dense
    /// network's Score has no slot names). The one reading of a model's class order for predict, serve and the web page.
    /// </summary>
    /// <exception cref="InvalidOperationException">The schema has no multiclass <c>Score</c> the classes can be read for.</exception>
    internal static string[] OfScored(DataViewSchema output)
    {
        if (output.GetColumnOrNull("Score") is not { Type: VectorDataViewType { Size: > 0 } vector } column)
            throw new InvalidOperationException("The model's Score column has no class names: it is not a multiclass model of this pipeline.");
        if (!column.HasSlotNames())
            return FromPredictedLabel(output, vector.Size)
                ?? throw new InvalidOperationException("The model's Score column has no class names: it is not a multiclass model of this pipeline.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        var dense = names.DenseValues().Select(n => n.ToString()).ToArray();
        return dense.Length == vector.Size ? dense : throw new InvalidOperationException($"The model's Score column has {vector.Size} slots but {dense.Length} class names.");
    }

    /// <summary>
    /// The class names of a scored view's <c>Score</c> vector when it has none of its own (see <see cref="FromPredictedLabel"/>);
    /// null when it has slot names or is not a multiclass score. predict's CSV and JSON name the score cells with them.
    /// </summary>
    internal static string[]? OfUnnamedScore(DataViewSchema scored) =>
        scored.GetColumnOrNull("Score") is { Type: VectorDataViewType { Size: > 0 } vector } column && !column.HasSlotNames()
            ? FromPredictedLabel(scored, vector.Size)
            : null;

    /// <summary>
    /// A Score vector without slot names (PipelineGen's dense network scores through ONNX, which carries none; ML.NET's
    /// trainers name none for a label that is not text): its slot i is the class of key i+1 of PredictedLabel, the order
    /// ML.NET's multiclass trainers also use, so the key values name the slots (numbers as invariant text). Null when
    /// PredictedLabel is not a key with one value per slot.
    /// </summary>
    private static string[]? FromPredictedLabel(DataViewSchema output, int slots)
    {
        if (output.GetColumnOrNull("PredictedLabel") is not { Type: KeyDataViewType key } label || (int)key.Count != slots
            || label.Annotations.Schema.GetColumnOrNull("KeyValues") is null)
            return null;
        var names = Evaluation.ClassKeys.Read(label, "the model's PredictedLabel").Names;
        return names.Length == slots ? names : null;
    }
}
