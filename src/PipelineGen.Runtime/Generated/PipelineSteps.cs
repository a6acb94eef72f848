using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace PipelineGen.Runtime;

/// <summary>Helpers generated preparation and trainer steps call, so each generated file holds only what its spec decides.</summary>
public static class PipelineSteps
{
    /// <summary>
    /// Appends <paramref name="steps"/> to one <see cref="EstimatorChain{TLastTransformer}"/>, which stays flat;
    /// Append on an IEstimator would nest a chain per step (more allocation per fit).
    /// </summary>
    public static IEstimator<ITransformer> Chain(IEnumerable<IEstimator<ITransformer>> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var chain = new EstimatorChain<ITransformer>();
        foreach (var step in steps) chain = chain.Append(step);
        return chain;
    }

    /// <summary>
    /// <paramref name="trainer"/> (binary, no probability of its own) followed by Platt scaling fitted on 3-fold
    /// out-of-fold scores instead of the rows the trainer fitted, which it nearly separates (see OutOfFoldPlattEstimator).
    /// </summary>
    public static IEstimator<ITransformer> OutOfFoldPlatt(MLContext mlContext, IEstimator<ITransformer> trainer, int seed)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(trainer);
        return new Training.OutOfFoldPlattEstimator(mlContext, trainer, seed);
    }

    /// <summary>
    /// One-versus-all over <paramref name="binary"/> (no probability of its own), each class's binary model Platt-scaled
    /// on 3-fold out-of-fold scores instead of in sample, as ML.NET's OneVersusAll would (see OneVersusAllOutOfFoldPlattEstimator).
    /// </summary>
    public static IEstimator<ITransformer> OneVersusAllOutOfFoldPlatt<TModel>(
        MLContext mlContext, ITrainerEstimator<BinaryPredictionTransformer<TModel>, TModel> binary, int seed)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(binary);
        return new Training.OneVersusAllOutOfFoldPlattEstimator<TModel>(mlContext, binary, seed);
    }

    /// <summary>
    /// After a multiclass trainer whose Score is per-class log likelihoods (naive Bayes): Score becomes the model's
    /// posterior softmax(Score), probabilities summing to 1, same size and slot names (see Training.PosteriorScores).
    /// </summary>
    public static IEstimator<ITransformer> Posterior(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new Training.PosteriorScores(mlContext);
    }

    /// <summary>
    /// The TextLoader options of <paramref name="settings"/>: its separator, header and columns (by kind), quoting on,
    /// and empty numeric cells read as missing (NaN) instead of 0.
    /// </summary>
    public static TextLoader.Options LoaderOptions(PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new TextLoader.Options
        {
            Separators = [settings.Separator],
            HasHeader = settings.HasHeader,
            AllowQuoting = true,
            MissingRealsAsNaNs = true,
            Columns = settings.Columns.Select(c => new TextLoader.Column(c.Name, DataKindOf(c.Kind), c.Index)).ToArray(),
        };
    }

    /// <summary>How a column of <paramref name="kind"/> is read.</summary>
    public static DataKind DataKindOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => DataKind.Single,
        ColumnKind.Boolean => DataKind.Boolean,
        ColumnKind.DateTime => DataKind.DateTime,
        _ => DataKind.String,
    };

    /// <summary>The binary label mapping: each label value with whether it is the positive class (for MapValue).</summary>
    public static KeyValuePair<T, bool>[] LabelMap<T>(params (T Value, bool Positive)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(v => new KeyValuePair<T, bool>(v.Value, v.Positive)).ToArray();
    }
}
