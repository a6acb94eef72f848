using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// The capacity curve of a dense network, in epochs. On every split of the spec's protocol, preparation is fitted on
/// the training part and the network is trained ONCE for the epoch budget (early stopping off) with the split's
/// validation rows as its validation set; its history gives the training and validation loss after every epoch. The
/// curve is those losses averaged over splits (bands: split-to-split spread), judged by <see cref="CapacityCurve.Judge"/>
/// like any capacity curve, so the chosen epoch count is the smallest one not worse than the best beyond the noise.
/// Retraining per epoch count would cost budget × points trainings and show the same thing.
/// </summary>
internal static class DenseEpochCurve
{
    /// <summary>Set while the curve fits a split: the dense estimator then validates on these rows every epoch.</summary>
    internal sealed record Run(IDataView Validation);
    internal static readonly AsyncLocal<Run?> Ambient = new();

    public const int MaxPoints = DenseEpochCurveInfo.MaxPoints;

    public static CapacityCurveResult Compute(MLContext ml, IPipelineDefinition pipeline, ICapacityAdjustable adjustable, IReadOnlyList<int>? capacities,
        SplitPlan plan, IDataView data, List<string> warnings, TextWriter? progress, Action<string>? phase = null)
    {
        var settings = pipeline.Settings;
        var budget = capacities is { Count: > 0 } given ? given.Max() : adjustable.DefaultCapacity;
        var train = new List<double[]>();
        var validation = new List<double[]>();
        long trainRows = 0, validationRows = 0;
        foreach (var split in plan.Splits)
        {
            trainRows += split.TrainingRowCount;
            validationRows += split.ValidationRowCount;
            phase?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{split}: training up to {budget} epochs"));
            var trainPart = split.Training(data);
            var preparation = pipeline.BuildPreprocessing(ml).Fit(trainPart);
            var trainPrepared = preparation.Transform(trainPart);
            var validationPrepared = preparation.Transform(split.Validation(data));
            ITransformer model;
            Ambient.Value = new Run(validationPrepared);
            try { model = adjustable.BuildTrainer(ml, budget).Fit(trainPrepared); }
            finally { Ambient.Value = null; }
            var summary = DenseTrainingLog.Find(model) ?? throw new InvalidOperationException("The dense trainer kept no training history for the epoch curve.");
            train.Add(summary.History.Select(h => h.TrainingLoss).ToArray());
            validation.Add(summary.History.Select(h => h.ValidationLoss ?? double.NaN).ToArray());
            if (summary.StopReason is { } stop) warnings.Add($"{split}: {stop}");
            var best = summary.History.MinBy(h => h.ValidationLoss ?? double.PositiveInfinity);
            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {split}: {summary.EpochsRun} epochs, lowest validation loss {best?.ValidationLoss:0.####} at epoch {best?.Epoch}, training loss then {best?.TrainingLoss:0.####}, at the end {summary.History[^1].TrainingLoss:0.####} / {summary.History[^1].ValidationLoss:0.####}"));
        }

        // A split that diverged stops early: the curve covers the epochs every split reached.
        var epochs = Math.Min(train.Min(t => t.Length), validation.Min(v => v.Length));
        if (epochs < 2)
            throw new EvaluationException("The dense network trained fewer than two epochs on some split, so there is no epoch curve; see the warnings (lower learning_rate).");
        var picked = Enumerable.Range(1, epochs).Where(e => epochs <= MaxPoints || (e - 1) % (int)Math.Ceiling(epochs / (double)MaxPoints) == 0).Append(epochs).Distinct().ToArray();
        var points = picked.Select(e =>
        {
            var v = validation.Select(s => s[e - 1]).ToArray();
            var t = train.Select(s => s[e - 1]).ToArray();
            return new CapacityPoint(e, t.Average(), v.Average())
            {
                ValidationPerSplit = v,
                ValidationStd = v.Length >= 2 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(v) : null,
                TrainPerSplit = t,
                TrainStd = t.Length >= 2 ? MathNet.Numerics.Statistics.Statistics.StandardDeviation(t) : null,
            };
        }).ToArray();

        var ratio = plan.Splits.Average(s => s.ValidationRowCount / (double)Math.Max(1, s.TrainingRowCount));
        var specIndex = Array.IndexOf(picked, adjustable.DefaultCapacity);
        var judged = CapacityCurve.Judge(points, lowerIsBetter: true, specIndex, plan.Splits.Count == 1 ? 0 : ratio);
        if (plan.Splits.Count == 1)
            warnings.Add("one holdout split: the epoch curve has no split-to-split noise, so no direction is called. Use kfold.");
        var loss = LossName(settings.Task);
        return new CapacityCurveResult(settings.Name, settings.TrainerName, "epochs", loss, true,
            trainRows / plan.Splits.Count, validationRows / plan.Splits.Count, points, judged.Chosen, judged.Verdict,
            Explain(points, judged, loss, plan.Splits.Count))
        {
            SplitDescription = plan.Description,
            Warnings = warnings.Distinct().ToArray(),
            TopIndex = judged.Top,
            SpecCapacity = adjustable.DefaultCapacity,
            SplitCount = plan.Splits.Count,
        };
    }

    /// <summary>The loss the network minimises, as the curve names it.</summary>
    public static string LossName(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => "log_loss",
        MlTaskKind.MulticlassClassification => "cross_entropy",
        _ => "mse",
    };

    private static string Explain(IReadOnlyList<CapacityPoint> points, CapacityCurve.Judgement judged, string loss, int splits)
    {
        var inv = CultureInfo.InvariantCulture;
        var top = points[judged.Top];
        var chosen = points[judged.Chosen];
        var last = points[^1];
        // Where overfitting starts: the first epoch after the lowest mean validation loss that is worse than it beyond the noise.
        var overfitFrom = Enumerable.Range(judged.Top + 1, Math.Max(0, points.Count - judged.Top - 1)).FirstOrDefault(i => judged.WorseThanTop[i], -1);
        var overfit = overfitFrom >= 0
            ? string.Create(inv, $" From epoch {points[overfitFrom].Capacity} the validation {loss} is worse than at its lowest beyond the split-to-split noise (by epoch {last.Capacity}: {last.ValidationMetric:0.####}, training {last.TrainMetric:0.####}): it overfits from there.")
            : string.Create(inv, $" Up to epoch {last.Capacity} the validation {loss} does not rise beyond the noise ({last.ValidationMetric:0.####} at the end).");
        return string.Create(inv,
            $"Lowest mean validation {loss} over {splits} split(s): {top.ValidationMetric:0.####} at epoch {top.Capacity} (training {top.TrainMetric:0.####}). Chosen: {chosen.Capacity} epochs, the fewest not worse than that beyond the noise ({CapacityCurve.OutcomeName(judged.Verdict)}).") + overfit;
    }
}

/// <summary>Public facts about the dense epoch curve (for callers and tests).</summary>
internal static class DenseEpochCurveInfo
{
    /// <summary>Points drawn and judged: every epoch up to this many, else evenly spaced epochs (the last always included).</summary>
    public const int MaxPoints = 40;
}
