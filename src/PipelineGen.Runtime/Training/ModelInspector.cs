using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Best-effort reading of what a pipeline is made of, for the model card: the trainer's options, the size of the
/// feature vector, how many categories each one-hot column learned, and notes from PipelineGen's own preparation steps.
/// </summary>
internal static class ModelInspector
{
    /// <summary>The trainer inside <paramref name="trainerEstimator"/> (a chain is searched) and its option values.</summary>
    public static TrainerDescription DescribeTrainer(string name, IEstimator<ITransformer> trainerEstimator)
    {
        var trainer = FindTrainer(trainerEstimator, depth: 0);
        if (trainer is null)
            return new TrainerDescription(name, null, new Dictionary<string, string>());
        var hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // ML.NET trainers keep their options object in a non-public field; its public fields are the hyperparameters.
        foreach (var field in AllInstanceFields(trainer.GetType()))
        {
            if (field.GetValue(trainer) is not TrainerInputBase options) continue;
            foreach (var member in options.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (member.Name.EndsWith("ColumnName", StringComparison.Ordinal)) continue; // columns are fixed by convention
                var value = member.GetValue(options);
                if (Format(value) is { } text)
                    hyperparameters[member.Name] = text;
                else if (value is not null && value.GetType().Namespace?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true)
                    // Nested option objects (LightGBM's booster: L1/L2 regularization, subsampling) one level deep.
                    foreach (var nested in value.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
                        if (Format(nested.GetValue(value)) is { } nestedText)
                            hyperparameters[$"{member.Name}.{nested.Name}"] = nestedText;
            }
            break;
        }
        return new TrainerDescription(name, trainer.GetType().Name, hyperparameters);
    }

    private static object? FindTrainer(object estimator, int depth)
    {
        if (IsTrainer(estimator.GetType())) return estimator;
        if (depth > 4) return null;
        object? found = null;
        foreach (var field in AllInstanceFields(estimator.GetType()))
        {
            var value = field.GetValue(estimator);
            if (value is IEstimator<ITransformer> inner && !ReferenceEquals(inner, estimator))
                found = FindTrainer(inner, depth + 1) ?? found;
            else if (value is IEnumerable sequence and not string)
                foreach (var item in sequence)
                    if (item is IEstimator<ITransformer> e)
                        found = FindTrainer(e, depth + 1) ?? found; // the last trainer in a chain wins
        }
        return found;
    }

    private static bool IsTrainer(Type type) => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITrainerEstimator<,>));

    private static IEnumerable<FieldInfo> AllInstanceFields(Type? type)
    {
        for (; type is not null && type != typeof(object); type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                yield return field;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        Enum e => e.ToString(),
        IFormattable f when value.GetType().IsPrimitive => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Feature slots, one-hot category counts per categorical feature column, and preparation notes.</summary>
    public static PreparationSummary DescribePreparation(ITransformer model, DataViewSchema inputSchema, PipelineSettings settings)
    {
        var output = model.GetOutputSchema(inputSchema);
        int? slots = output.GetColumnOrNull("Features")?.Type is VectorDataViewType { IsKnownSize: true } features ? features.Size : null;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in settings.Features.Where(c => c.Kind == ColumnKind.Categorical))
            // Generated code encodes column "city" (property City) into "__City"; hand-written pipelines often in place.
            if (CategoryCount(output, ["__" + column.PropertyName, column.Name]) is { } count)
                counts[column.Name] = count;
        return new PreparationSummary(slots, counts, PreparationLog.DescribeAll(model));
    }

    /// <summary>
    /// The last column with one of <paramref name="names"/> that is a key, or a one-hot float vector whose slots are named
    /// by category: its key count / vector size is the number of categories the preparation learned. Hashed encodings
    /// have no slot names (buckets are not categories) and are left out.
    /// </summary>
    private static int? CategoryCount(DataViewSchema schema, string[] names)
    {
        int? count = null;
        foreach (var column in schema)
        {
            if (!names.Contains(column.Name, StringComparer.Ordinal)) continue;
            if (column.Type is KeyDataViewType key && key.Count > 0)
                count = (int)key.Count;
            else if (column.Type is VectorDataViewType { IsKnownSize: true, ItemType: NumberDataViewType } vector &&
                     column.Annotations.Schema.GetColumnOrNull("SlotNames") is not null)
                count = vector.Size;
        }
        return count;
    }
}
