using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// A binary trainer that outputs no probability, followed by Platt scaling fitted on scores of rows the trainer did not
/// see. Platt fitted on the trainer's own training rows is overconfident wherever the trainer nearly separates them (a
/// forest does): on credit-g a FastForest's Score 0, its decision boundary, came out as Probability 0.87. Fit splits the
/// rows into <see cref="Folds"/> folds, fits the trainer on all folds but one and scores that one, keeping only the
/// (Score, Label) pairs; ML.NET's own Platt trainer is fitted on those pairs; the trainer is then fitted on all rows.
/// The result is a <see cref="TransformerChain{T}"/> of ML.NET's transformers (trainer, Platt calibrator), so it saves
/// and loads with no registration and scores exactly like the in-sample version did, with other constants. The trainer's
/// decision moves to the Score where that Probability is 1/2 (<see cref="DecidingAtOneHalf"/>), so no row is shown a
/// Probability above 0.5 and predicted negative.
/// </summary>
internal sealed class OutOfFoldPlattEstimator : IEstimator<ITransformer>
{
    /// <summary>Inner folds: the cost is this many extra fits on (Folds − 1)/Folds of the rows.</summary>
    public const int Folds = 3;

    /// <summary>
    /// Below this many rows in the smaller class, cross-fitting falls back to in-sample Platt: the folds are drawn at
    /// random (not stratified), and with fewer rows an inner fit too often sees one class only.
    /// </summary>
    public const int MinimumRowsPerClass = 10;

    // Fixed by the generated code (trainer options) and by ML.NET's binary scorer and calibrators.
    private const string LabelColumn = "Label";
    private const string ScoreColumn = "Score";

    private readonly MLContext _ml;
    private readonly IEstimator<ITransformer> _trainer;
    private readonly int _seed;

    public OutOfFoldPlattEstimator(MLContext ml, IEstimator<ITransformer> trainer, int seed)
    {
        _ml = ml;
        _trainer = trainer;
        _seed = seed;
    }

    public ITransformer Fit(IDataView input)
    {
        if (input.Schema.GetColumnOrNull(LabelColumn) is not { Type: BooleanDataViewType })
            throw new ArgumentException($"Out-of-fold Platt scaling needs a Boolean '{LabelColumn}' column (the binary label), which the data does not have; map the label to it before the trainer, as generated pipelines do.", nameof(input));
        var (positives, negatives) = CountClasses(input);
        // The full fit first: if the trainer cannot fit these rows at all, its own error is the one to see.
        var trainer = _trainer.Fit(input);
        var rows = positives + negatives;

        string? fallbackReason = Math.Min(positives, negatives) < MinimumRowsPerClass
            ? $"the smaller class has {Math.Min(positives, negatives)} row(s), fewer than the {MinimumRowsPerClass} needed to cross-fit {Folds} folds"
            : null;
        CalibratorTransformer<PlattCalibrator>? calibration = null;
        if (fallbackReason is null)
        {
            try
            {
                calibration = Platt().Fit(OutOfFoldScores(input));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // A fold whose training part holds one class, say: in-sample Platt is still better than no Probability.
                fallbackReason = $"an inner fit failed ({e.Message})";
            }
        }
        calibration ??= Platt().Fit(trainer.Transform(input));
        var platt = ((IPredictionTransformer<PlattCalibrator>)calibration).Model;
        var (decider, decidesAt) = DecidingAtOneHalf(trainer, platt);
        var constants = string.Create(CultureInfo.InvariantCulture, $"slope {platt.Slope:G4}, offset {platt.Offset:G4}")
            + (decidesAt is float at ? string.Create(CultureInfo.InvariantCulture, $"; positive when Score > {at:G4}, where Probability is 0.5") : "");
        var note = fallbackReason is null
            ? string.Create(CultureInfo.InvariantCulture, $"Probability: Platt scaling fitted on {Folds}-fold out-of-fold scores of {rows} rows ({constants})")
            : string.Create(CultureInfo.InvariantCulture,
                $"Probability: Platt scaling fitted on the {rows} training rows themselves ({constants}), likely overconfident: {fallbackReason}");
        var fitted = new TransformerChain<ITransformer>(decider, calibration);
        PreparationLog.Record(fitted, note);
        return fitted;
    }

    /// <summary>
    /// The trainer with its decision (PredictedLabel = Score &gt; threshold, 0 as trained) moved to the Score where the
    /// fitted sigmoid P = 1 / (1 + exp(slope·s + offset)) is 1/2, s = −offset / slope; and that threshold. Without this a
    /// forest whose calibrated Probability at Score 0 is 0.53 predicts negative for rows shown P = 0.52. The threshold is
    /// saved with the model, so predict, serve, evaluate and the exports (ModelDecision) all decide the same way.
    /// Unchanged (null) when the sigmoid does not increase with the score, where no such point is meaningful.
    /// </summary>
    private (ITransformer Trainer, float? Threshold) DecidingAtOneHalf(ITransformer trainer, PlattCalibrator platt)
    {
        var type = trainer.GetType();
        if (!(platt.Slope < 0) || !type.IsGenericType || type.GetGenericTypeDefinition() != typeof(BinaryPredictionTransformer<>))
            return (trainer, null);
        var threshold = (float)(-platt.Offset / platt.Slope);
        if (!float.IsFinite(threshold)) return (trainer, null);
        // ChangeModelThreshold is generic in the model parameters' type, which only the fitted transformer knows.
        var change = typeof(BinaryClassificationCatalog).GetMethod(nameof(BinaryClassificationCatalog.ChangeModelThreshold))!
            .MakeGenericMethod(type.GetGenericArguments()[0]);
        return ((ITransformer)change.Invoke(_ml.BinaryClassification, [trainer, threshold])!, threshold);
    }

    /// <summary>Every row's score from a trainer fitted without its fold: (Score, Label) pairs only, no feature rows.</summary>
    private IDataView OutOfFoldScores(IDataView input)
    {
        var pairs = new List<ScoredRow>();
        foreach (var split in _ml.Data.CrossValidationSplit(input, Folds, seed: _seed))
        {
            var scored = _trainer.Fit(split.TrainSet).Transform(split.TestSet);
            pairs.AddRange(Evaluation.BinaryScores.Read(scored, ScoreColumn, LabelColumn).Select(r => new ScoredRow { Label = r.Label, Score = r.Score }));
        }
        return _ml.Data.LoadFromEnumerable(pairs);
    }

    private static (long Positives, long Negatives) CountClasses(IDataView input)
    {
        var column = input.Schema[LabelColumn];
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<bool>(column);
        bool value = false;
        long positives = 0, negatives = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (value) positives++;
            else negatives++;
        }
        return (positives, negatives);
    }

    private PlattCalibratorEstimator Platt() => _ml.BinaryClassification.Calibrators.Platt(LabelColumn, ScoreColumn);

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ((IEstimator<ITransformer>)Platt()).GetOutputSchema(_trainer.GetOutputSchema(inputSchema));

    private sealed class ScoredRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
    }
}
