using Microsoft.ML;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// Preparation steps the generated <c>BuildPreprocessing</c> calls on <c>mlContext.Transforms</c>. Every fitted result is
/// made of saveable ML.NET transformers, so it travels inside the model file.
/// </summary>
public static class PreparationCatalog
{
    /// <summary>NaN → the median of the column, computed at Fit time by streaming that one column.</summary>
    public static IEstimator<ITransformer> ReplaceMissingWithMedian(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MedianImputerEstimator(ContextOf(catalog), outputColumnName, inputColumnName ?? outputColumnName);
    }

    /// <summary>
    /// NaN → a FastTree regressor's prediction from <paramref name="predictorColumnNames"/> (numeric Single columns; their
    /// own NaNs are mean-imputed first), trained at Fit time on the rows where the column is present.
    /// </summary>
    public static IEstimator<ITransformer> ReplaceMissingWithModel(this TransformsCatalog catalog, string outputColumnName, string[] predictorColumnNames, string? inputColumnName = null, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ModelImputerEstimator(ContextOf(catalog), outputColumnName, inputColumnName ?? outputColumnName, predictorColumnNames, seed);
    }

    /// <summary>Float vector [year, month, day, day_of_week, day_of_year, hour, minute] from a DateTime or ISO-8601 text column.</summary>
    public static IEstimator<ITransformer> DateTimeFeatures(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DateTimeFeatureMapping.Create(ContextOf(catalog), outputColumnName, inputColumnName);
    }

    /// <summary>
    /// Text → a vector of word n-grams of 1..<paramref name="wordNgrams"/> words and character <paramref name="charNgrams"/>-grams
    /// (none when 0), with <see cref="TextFeatures.Options"/>; the settings are noted for the model card at Fit time.
    /// </summary>
    public static IEstimator<ITransformer> FeaturizeTextNgrams(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, int wordNgrams, int charNgrams)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TextFeaturesEstimator(ContextOf(catalog), outputColumnName, inputColumnName, wordNgrams, charNgrams);
    }

    /// <summary>
    /// TransformsCatalog keeps its environment internal; the estimators need an MLContext for ML.NET's catalog methods.
    /// A fresh seeded context is equivalent here: the pieces built with it are deterministic (seeds are explicit).
    /// </summary>
    private static MLContext ContextOf(TransformsCatalog catalog) => new(seed: 0);

    /// <summary>NaN → the column's mean (ML.NET's mean imputation): the default for numeric features.</summary>
    public static IEstimator<ITransformer> ReplaceMissingWithMean(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.ReplaceMissingValues(outputColumnName, inputColumnName, Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean);
    }
}
