using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// ML.NET's one-versus-all over a binary trainer with no probability of its own, each class's binary model Platt-scaled
/// on out-of-fold scores (<see cref="OutOfFoldCalibratedTrainer{TSubModel}"/>) instead of on the rows it was just fitted
/// on, which a forest nearly separates. Class probabilities are normalised to sum to 1 by one-versus-all as before and
/// PredictedLabel is their argmax. The fitted model is ML.NET's one-versus-all transformer; the card's note says how
/// each class was calibrated.
/// </summary>
internal sealed class OneVersusAllOutOfFoldPlattEstimator<TSubModel> : IEstimator<ITransformer>
    where TSubModel : class
{
    private const string LabelColumn = "Label";

    private readonly OutOfFoldCalibratedTrainer<TSubModel> _binary;
    private readonly OneVersusAllTrainer _oneVersusAll;

    public OneVersusAllOutOfFoldPlattEstimator(MLContext ml, ITrainerEstimator<BinaryPredictionTransformer<TSubModel>, TSubModel> binary, int seed)
    {
        _binary = new OutOfFoldCalibratedTrainer<TSubModel>(ml, binary, seed);
        _oneVersusAll = ml.MulticlassClassification.Trainers.OneVersusAll(_binary, labelColumnName: LabelColumn);
    }

    public ITransformer Fit(IDataView input)
    {
        var classes = ClassNames(input);
        _binary.ClearFits();
        var fitted = _oneVersusAll.Fit(input);
        // One fit per class, in key order, and ML.NET (5.0) fits the first class twice: the last ones are the model's.
        var fits = _binary.Fits.Skip(_binary.Fits.Count - classes.Count).ToArray();
        if (fits.Length != classes.Count)
            throw new InvalidOperationException($"one-versus-all fitted {_binary.Fits.Count} binary models for {classes.Count} classes; this build of PipelineGen does not match its ML.NET version.");
        PreparationLog.Record(fitted, Describe(classes, fits));
        return fitted;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _oneVersusAll.GetOutputSchema(inputSchema);

    /// <summary>
    /// "Probability: one-versus-all over 3 classes, each class's binary model Platt-scaled on 3-fold out-of-fold scores
    /// of 230 rows, normalised to sum to 1", with each class's constants; a class fitted in sample says so and why.
    /// </summary>
    private static string Describe(IReadOnlyList<string> classes, OutOfFoldPlatt.Result[] fits)
    {
        var inSample = fits.Count(f => f.FallbackReason is not null);
        var how = inSample == 0
            ? string.Create(CultureInfo.InvariantCulture, $"each class's binary model (the class against the rest) Platt-scaled on {OutOfFoldPlatt.Folds}-fold out-of-fold scores of {fits[0].Rows} rows")
            : string.Create(CultureInfo.InvariantCulture, $"each class's binary model (the class against the rest) Platt-scaled, {fits.Length - inSample} of {fits.Length} on {OutOfFoldPlatt.Folds}-fold out-of-fold scores");
        var perClass = classes.Zip(fits, (name, fit) => string.Create(CultureInfo.InvariantCulture, $"'{name}' ({fit.Positives} rows): {fit.Describe()}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"Probability: one-versus-all over {classes.Count} classes, {how}, then normalised to sum to 1; {string.Join("; ", perClass)}");
    }

    /// <summary>The label's classes in key order (its key values), or their key numbers when it has none.</summary>
    private static IReadOnlyList<string> ClassNames(IDataView input)
    {
        var label = input.Schema.GetColumnOrNull(LabelColumn)
            ?? throw new ArgumentException($"One-versus-all needs a '{LabelColumn}' key column (the label mapped to keys, as generated pipelines do), which the data does not have.", nameof(input));
        if (label.Type is not KeyDataViewType { Count: > 0 and var count })
            throw new ArgumentException($"One-versus-all needs '{LabelColumn}' to be a key column (MapValueToKey), not {label.Type}.", nameof(input));
        if (label.HasKeyValues())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            label.GetKeyValues(ref names);
            return names.DenseValues().Select(n => n.ToString()).ToArray();
        }
        return Enumerable.Range(1, (int)count).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }
}
