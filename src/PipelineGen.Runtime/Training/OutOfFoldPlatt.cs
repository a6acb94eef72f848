using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// A binary trainer fitted on all rows, and ML.NET's Platt calibrator fitted on the scores of rows the trainer did not
/// see: the rows are split into <see cref="Folds"/> folds, the trainer is fitted on all folds but one and scores that one,
/// and only the (Score, Label) pairs are kept. Used for a binary task (<see cref="OutOfFoldPlattEstimator"/>) and for
/// each class of a multiclass one-versus-all (<see cref="OutOfFoldCalibratedTrainer{TSubModel}"/>).
/// </summary>
internal static class OutOfFoldPlatt
{
    /// <summary>Inner folds: the cost is this many extra fits on (Folds − 1)/Folds of the rows.</summary>
    public const int Folds = 3;

    /// <summary>
    /// Below this many rows in the smaller class, cross-fitting falls back to in-sample Platt: the folds are drawn at
    /// random (not stratified), and with fewer rows an inner fit too often sees one class only.
    /// </summary>
    public const int MinimumRowsPerClass = 10;

    // Fixed by the generated code (trainer options), ML.NET's one-versus-all and its binary scorer and calibrators.
    private const string LabelColumn = "Label";
    private const string ScoreColumn = "Score";

    /// <summary>
    /// What one fit made: the trainer on all rows, its calibration, the rows of each side, and why Platt was fitted on
    /// the training rows themselves (null when out of fold).
    /// </summary>
    public sealed record Result(
        ITransformer Trainer, CalibratorTransformer<PlattCalibrator> Calibration, long Positives, long Negatives, string? FallbackReason)
    {
        public PlattCalibrator Calibrator => ((IPredictionTransformer<PlattCalibrator>)Calibration).Model;

        public long Rows => Positives + Negatives;

        /// <summary>"Platt scaling fitted on ... (slope, offset<paramref name="more"/>)", and why if in sample.</summary>
        public string Describe(string more = "")
        {
            var constants = string.Create(CultureInfo.InvariantCulture, $"slope {Calibrator.Slope:G4}, offset {Calibrator.Offset:G4}") + more;
            return FallbackReason is null
                ? string.Create(CultureInfo.InvariantCulture, $"Platt scaling fitted on {Folds}-fold out-of-fold scores of {Rows} rows ({constants})")
                : string.Create(CultureInfo.InvariantCulture,
                    $"Platt scaling fitted on the {Rows} training rows themselves ({constants}), likely overconfident: {FallbackReason}");
        }
    }

    public static Result Fit(MLContext ml, IEstimator<ITransformer> trainer, int seed, IDataView input)
    {
        if (input.Schema.GetColumnOrNull(LabelColumn) is not { Type: BooleanDataViewType })
            throw new ArgumentException($"Out-of-fold Platt scaling needs a Boolean '{LabelColumn}' column (the binary label), which the data does not have; map the label to it before the trainer, as generated pipelines do.", nameof(input));
        var (positives, negatives) = CountClasses(input);
        // The full fit first: if the trainer cannot fit these rows at all, its own error is the one to see.
        var fitted = trainer.Fit(input);

        var smaller = Math.Min(positives, negatives);
        string? fallbackReason = smaller < MinimumRowsPerClass
            ? $"the smaller class has {smaller} row(s), fewer than the {MinimumRowsPerClass} needed to cross-fit {Folds} folds"
            : null;
        CalibratorTransformer<PlattCalibrator>? calibration = null;
        if (fallbackReason is null)
        {
            try
            {
                calibration = Estimator(ml).Fit(OutOfFoldScores(ml, trainer, seed, input));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // A fold whose training part holds one class, say: in-sample Platt is still better than no Probability.
                fallbackReason = $"an inner fit failed ({e.Message})";
            }
        }
        calibration ??= Estimator(ml).Fit(fitted.Transform(input));
        return new Result(fitted, calibration, positives, negatives, fallbackReason);
    }

    public static PlattCalibratorEstimator Estimator(MLContext ml) => ml.BinaryClassification.Calibrators.Platt(LabelColumn, ScoreColumn);

    /// <summary>Every row's score from a trainer fitted without its fold: (Score, Label) pairs only, no feature rows.</summary>
    private static IDataView OutOfFoldScores(MLContext ml, IEstimator<ITransformer> trainer, int seed, IDataView input)
    {
        var pairs = new List<ScoredRow>();
        foreach (var split in ml.Data.CrossValidationSplit(input, Folds, seed: seed))
        {
            var scored = trainer.Fit(split.TrainSet).Transform(split.TestSet);
            pairs.AddRange(Evaluation.BinaryScores.Read(scored, ScoreColumn, LabelColumn).Select(r => new ScoredRow { Label = r.Label, Score = r.Score }));
        }
        return ml.Data.LoadFromEnumerable(pairs);
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

    private sealed class ScoredRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
    }
}
