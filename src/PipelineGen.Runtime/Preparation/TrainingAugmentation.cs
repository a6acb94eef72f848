using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Preparation;

/// <summary>Training-time-only data augmentation that wraps a whole pipeline estimator.</summary>
public static class TrainingAugmentation
{
    /// <summary>
    /// At Fit only: the training rows, then copies of a seeded <paramref name="fraction"/> of them with
    /// <paramref name="columnNames"/> blanked to "", so the model learns what to do when serving data lacks those
    /// categoricals. The fitted transformer is <paramref name="inner"/>'s own, so Transform (validation, test, serving)
    /// never sees augmented rows.
    /// </summary>
    public static IEstimator<ITransformer> BlankCategoricals(IEstimator<ITransformer> inner, string[] columnNames, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(columnNames);
        if (columnNames.Length == 0)
            throw new ArgumentException("Blanking augmentation needs at least one categorical column.", nameof(columnNames));
        if (double.IsNaN(fraction) || fraction < 0 || fraction > 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of rows to copy with blanked categoricals must be between 0 and 1.");
        return new BlankCategoricalsEstimator(inner, columnNames, fraction, seed);
    }
}
