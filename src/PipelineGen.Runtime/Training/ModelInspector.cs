using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Reading what a fitted pipeline's preparation is made of, for the model card: the size of the feature vector, how many
/// categories each one-hot column learned, each text column's n-gram settings, and notes from PipelineGen's own preparation steps, all through ML.NET's
/// public schema. The trainer's hyperparameters come from the settings (<see cref="TrainerHyperparameters"/>).
/// </summary>
internal static class ModelInspector
{
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
        var text = PreparationLog.DetailsAll<TextFeaturization>(model);
        return new PreparationSummary(slots, counts, PreparationLog.DescribeAll(model)) { Text = text.Count == 0 ? null : text };
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
