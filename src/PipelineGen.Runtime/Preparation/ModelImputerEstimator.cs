using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// Model-based imputation. Fit: predictors' own NaNs → their mean; a small FastTree regressor (one thread, seeded) learns
/// the column from the predictors on the rows where the column is present; the result is
/// <c>isna(x) ? prediction : x</c>. Every fitted piece is an ML.NET transformer inside a <see cref="TransformerChain{T}"/>,
/// so the imputer saves and loads with the model and needs no registration.
/// </summary>
internal sealed class ModelImputerEstimator : IEstimator<ITransformer>
{
    // Scratch columns are dropped at the end; the prefix keeps them clear of user columns.
    private const string Prefix = "__pg_impute_";
    private const string ScoreColumn = "Score"; // fixed by ML.NET's regression scorer

    private readonly MLContext _ml;
    private readonly string _output;
    private readonly string _input;
    private readonly string[] _predictors;
    private readonly int _seed;

    public ModelImputerEstimator(MLContext ml, string outputColumnName, string inputColumnName, string[] predictorColumnNames, int seed)
    {
        if (predictorColumnNames is null || predictorColumnNames.Length == 0)
            throw new ArgumentException($"Model imputation of '{inputColumnName}' needs at least one predictor column.", nameof(predictorColumnNames));
        if (predictorColumnNames.Contains(inputColumnName, StringComparer.Ordinal))
            throw new ArgumentException($"Model imputation of '{inputColumnName}' cannot use the column to predict itself; remove it from the predictors.", nameof(predictorColumnNames));
        _ml = ml;
        _output = outputColumnName;
        _input = inputColumnName;
        _predictors = predictorColumnNames;
        _seed = seed;
    }

    private string Tag => Prefix + _output + "_";
    private string FeaturesColumn => Tag + "features";
    private string SavedScoreColumn => Tag + "saved_score";

    public ITransformer Fit(IDataView input)
    {
        const string purpose = "model imputation";
        ImputationColumns.RequireFloatScalar(input.Schema, _input, purpose);
        foreach (var predictor in _predictors)
            ImputationColumns.RequireFloatScalar(input.Schema, predictor, purpose);

        // Too few present values to learn from (e.g. a fold where the column is almost always missing): impute their
        // mean instead of failing the whole fit, and say so.
        var (presentCount, mean) = PresentCountAndMean(input);
        if (presentCount < MinimumPresentRows)
        {
            var constant = presentCount == 0 ? 0f : (float)mean;
            var fallback = ImputationColumns.ReplaceNaNWithConstant(_ml, _output, _input, constant).Fit(input);
            PreparationLog.Record(fallback, string.Create(CultureInfo.InvariantCulture,
                $"{_output}: only {presentCount} present value(s) of {_input}, too few to train an imputation model; missing values replaced by {(presentCount == 0 ? "0" : "their mean")} {constant:R}"));
            return fallback;
        }

        // 1. Predictor features: a copy of the user's Score column if any (the scorer below overwrites "Score"),
        //    mean-imputed predictors, concatenated.
        var hasUserScore = input.Schema.GetColumnOrNull(ScoreColumn) is not null;
        IEstimator<ITransformer> features = hasUserScore
            ? _ml.Transforms.CopyColumns(SavedScoreColumn, ScoreColumn)
            : new EstimatorChain<ITransformer>();
        var imputed = _predictors.Select(p => new InputOutputColumnPair(Tag + "p_" + p, p)).ToArray();
        features = features
            .Append(_ml.Transforms.ReplaceMissingValues(imputed, Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(_ml.Transforms.Concatenate(FeaturesColumn, imputed.Select(p => p.OutputColumnName).ToArray()));
        var featuresFitted = features.Fit(input);
        var withFeatures = featuresFitted.Transform(input);

        // 2. The regressor sees only rows where the column is present (a streaming filter, nothing materialised).
        var present = _ml.Data.FilterRowsByMissingValues(withFeatures, _input);
        var trainer = _ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = _input,
            FeatureColumnName = FeaturesColumn,
            NumberOfTrees = 50,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1, // deterministic and no oversubscription on small machines
            Seed = _seed,
        });
        ITransformer regressor;
        try
        {
            regressor = trainer.Fit(present);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Model imputation of '{_input}' could not train its regressor (are there rows where '{_input}' is present?): {e.Message}", e);
        }
        var scored = regressor.Transform(withFeatures);

        // 3. Replace only the missing values, then drop the scratch columns (and restore a user Score column).
        IEstimator<ITransformer> finish = _ml.Transforms.Expression(_output, "(x, s) => isna(x) ? s : x", _input, ScoreColumn)
            .Append(_ml.Transforms.DropColumns([FeaturesColumn, ScoreColumn, .. imputed.Select(p => p.OutputColumnName)]));
        if (hasUserScore)
            finish = finish.Append(_ml.Transforms.CopyColumns(ScoreColumn, SavedScoreColumn))
                .Append(_ml.Transforms.DropColumns(SavedScoreColumn));
        var finishFitted = finish.Fit(scored);

        var fitted = new TransformerChain<ITransformer>(featuresFitted, regressor, finishFitted);
        PreparationLog.Record(fitted, string.Create(CultureInfo.InvariantCulture,
            $"{_output}: missing {_input} predicted by FastTree (50 trees, 8 leaves) from {string.Join(", ", _predictors)}"));
        return fitted;
    }

    /// <summary>Below this many rows with the column present, the imputer uses the mean instead of a model.</summary>
    public const int MinimumPresentRows = 10;

    private (long Count, double Mean) PresentCountAndMean(IDataView input)
    {
        var column = input.Schema[_input];
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        long count = 0;
        double sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (float.IsNaN(value)) continue;
            count++;
            sum += value;
        }
        return (count, count == 0 ? 0 : sum / count);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        // The output adds (or replaces) one Single column; everything else passes through.
        if (!inputSchema.Any(c => c.Name == _input))
            throw new ArgumentException($"model imputation: column '{_input}' is not in the data.");
        return _ml.Transforms.CopyColumns(_output, _input).GetOutputSchema(inputSchema);
    }
}
