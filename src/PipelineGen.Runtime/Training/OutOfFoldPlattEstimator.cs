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
/// rows into <see cref="OutOfFoldPlatt.Folds"/> folds, fits the trainer on all folds but one and scores that one, keeping only the
/// (Score, Label) pairs; ML.NET's own Platt trainer is fitted on those pairs; the trainer is then fitted on all rows.
/// The result is a <see cref="TransformerChain{T}"/> of ML.NET's transformers (trainer, Platt calibrator), so it saves
/// and loads with no registration and scores exactly like the in-sample version did, with other constants. The trainer's
/// decision moves to the Score where that Probability is 1/2 (<see cref="DecidingAtOneHalf"/>), so no row is shown a
/// Probability above 0.5 and predicted negative.
/// </summary>
internal sealed class OutOfFoldPlattEstimator : IEstimator<ITransformer>
{
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
        var platt = OutOfFoldPlatt.Fit(_ml, _trainer, _seed, input);
        var (decider, decidesAt) = DecidingAtOneHalf(platt.Trainer, platt.Calibrator);
        var decision = decidesAt is float at ? string.Create(CultureInfo.InvariantCulture, $"; positive when Score > {at:G4}, where Probability is 0.5") : "";
        var fitted = new TransformerChain<ITransformer>(decider, platt.Calibration);
        PreparationLog.Record(fitted, "Probability: " + platt.Describe(decision));
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

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ((IEstimator<ITransformer>)OutOfFoldPlatt.Estimator(_ml)).GetOutputSchema(_trainer.GetOutputSchema(inputSchema));
}
