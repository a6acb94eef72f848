using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms.Text;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Target-leakage probe: for each feature alone, trains a small LightGBM model on a seeded, stratified 70% of a row
/// sample and scores it on the other 30% with the task's natural metric. A column that predicts the label almost
/// perfectly on its own is usually the label in disguise (computed from it, or recorded after the fact).
/// </summary>
internal static class LeakageProber
{
    public const double HoldoutFraction = 0.3;

    /// <summary>Fewest held-out rows of every class for a probe's score to flag a column.</summary>
    public const int MinHoldoutClassRows = 10;
    public const string TrainerDescription = "LightGbm (50 iterations, 1 thread) on one column";

    private sealed class BinaryRow { public bool Label { get; set; } public float Value { get; set; } public string Category { get; set; } = ""; }
    private sealed class MulticlassRow { public string LabelText { get; set; } = ""; public float Value { get; set; } public string Category { get; set; } = ""; }
    private sealed class RegressionRow { public float Label { get; set; } public float Value { get; set; } public string Category { get; set; } = ""; }

    /// <summary>Runs the probes, or returns null with the reason when the label cannot support them.</summary>
    public static LeakageSummary? Probe(PipelineSettings settings, IReadOnlyList<ColumnSlot> slots, IReadOnlyList<Cell[]> rows,
        int labelIndex, ExploreOptions options, Action<double>? progress, out string? skippedBecause)
    {
        skippedBecause = null;
        var task = settings.Task;
        // A regression label that is text (or did not parse) has no number to learn.
        var labelled = rows.Where(r => !r[labelIndex].Missing && (task != MlTaskKind.Regression || !double.IsNaN(r[labelIndex].Number))).ToList();
        if (labelled.Count < 2)
        {
            skippedBecause = $"the label '{settings.LabelColumn}' has no usable values in the sample.";
            return null;
        }
        var positive = task == MlTaskKind.BinaryClassification ? PositiveClass(settings, labelled, labelIndex) : null;
        if (positive is not null)
        {
            var positives = labelled.Count(r => IsPositive(r[labelIndex], positive));
            if (positives == 0 || positives == labelled.Count)
            {
                skippedBecause = positives == 0
                    ? $"no label value matches the positive class '{positive}'; check positive_class in the spec."
                    : $"every label value matches the positive class '{positive}'.";
                return null;
            }
        }
        var (trainIdx, holdoutIdx) = Split(labelled, labelIndex, task, options.Seed);

        var metric = task switch
        {
            MlTaskKind.BinaryClassification => "auc",
            MlTaskKind.MulticlassClassification => "macro_accuracy",
            _ => "r2",
        };
        var threshold = options.LeakageThreshold ?? ExploreOptions.DefaultLeakageThreshold(task);
        var classCount = labelled.Select(r => r[labelIndex].Display).Distinct().Count();
        var baseline = task switch
        {
            MlTaskKind.BinaryClassification => 0.5,
            MlTaskKind.MulticlassClassification => classCount == 0 ? double.NaN : 1.0 / classCount,
            _ => 0.0,
        };

        // An AUC over one or two held-out positives swings from 0 to 1 by chance (400 rows with 4 positives: a noise column
        // scored 0.996 on 120 held-out rows holding one, and explore stopped 'run' on it in 5 of 12 such files). Below
        // MinHoldoutClassRows of some class, scores are shown but no column is accused.
        var smallest = task == MlTaskKind.Regression ? (int?)null
            : holdoutIdx.GroupBy(i => labelled[i][labelIndex].Display, StringComparer.Ordinal).Select(g => g.Count()).DefaultIfEmpty(0).Min();
        string? tooFew = smallest < MinHoldoutClassRows
            ? $"not judged: the held-out part has only {smallest} row(s) of its rarest class (a score needs {MinHoldoutClassRows} or more to accuse a column)"
            : null;

        var features = Enumerable.Range(0, slots.Count).Where(i => slots[i].Role == ColumnRole.Feature).ToList();
        var probes = new List<LeakageProbe>();
        for (int k = 0; k < features.Count; k++)
        {
            var f = features[k];
            var slot = slots[f];
            double score;
            string? note = null;
            if (labelled.All(r => r[f].Missing))
            {
                score = double.NaN;
                note = "all values missing";
            }
            else
            {
                try
                {
                    score = Score(task, slot, f, labelIndex, positive, labelled, trainIdx, holdoutIdx, options.Seed);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or ArgumentOutOfRangeException)
                {
                    // e.g. a holdout with one class has no AUC: report it rather than fail the whole report.
                    score = double.NaN;
                    note = "not computed: " + e.Message.Split('\n')[0];
                }
            }
            probes.Add(new LeakageProbe(slot.Name, score, baseline, tooFew is null && !double.IsNaN(score) && score >= threshold, note ?? tooFew));
            progress?.Invoke((k + 1.0) / features.Count);
        }
        return new LeakageSummary(metric, threshold, trainIdx.Count, holdoutIdx.Count, TrainerDescription,
            probes.OrderByDescending(p => double.IsNaN(p.Score) ? double.NegativeInfinity : p.Score).ToArray());
    }

    /// <summary>The spec's positive class, else True / the last value in ordinal order ("1" of 0/1, "yes" of no/yes).
    /// For AUC the choice does not matter as long as it is consistent: the probe learns either direction.</summary>
    internal static string PositiveClass(PipelineSettings settings, List<Cell[]> rows, int labelIndex)
    {
        if (!string.IsNullOrEmpty(settings.PositiveClass)) return settings.PositiveClass;
        return rows.Select(r => r[labelIndex].Display).Distinct().OrderBy(v => v, StringComparer.Ordinal).LastOrDefault() ?? "";
    }

    internal static bool IsPositive(in Cell cell, string positive) =>
        string.Equals(cell.Display, positive, StringComparison.OrdinalIgnoreCase)
        || (!double.IsNaN(cell.Number) && double.TryParse(positive, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var p) && cell.Number == p);

    /// <summary>Seeded 70/30 split; stratified by class for classification so both sides see every class.</summary>
    internal static (List<int> Train, List<int> Holdout) Split(List<Cell[]> rows, int labelIndex, MlTaskKind task, int seed)
    {
        var random = new Random(seed);
        var groups = task == MlTaskKind.Regression
            ? [Enumerable.Range(0, rows.Count).ToList()]
            : Enumerable.Range(0, rows.Count).GroupBy(i => rows[i][labelIndex].Display, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        List<int> train = [], holdout = [];
        foreach (var group in groups)
        {
            var shuffled = group.ToArray();
            random.Shuffle(shuffled);
            var holdoutCount = (int)Math.Round(shuffled.Length * HoldoutFraction);
            if (shuffled.Length >= 2) holdoutCount = Math.Clamp(holdoutCount, 1, shuffled.Length - 1);
            holdout.AddRange(shuffled.Take(holdoutCount));
            train.AddRange(shuffled.Skip(holdoutCount));
        }
        return (train, holdout);
    }

    private static double Score(MlTaskKind task, ColumnSlot slot, int f, int labelIndex, string? positive, List<Cell[]> rows,
        List<int> trainIdx, List<int> holdoutIdx, int seed)
    {
        var ml = new MLContext(seed);
        bool numeric = slot.Mode is ProfileMode.Numeric or ProfileMode.Date;
        float Value(Cell[] r) => numeric && !r[f].Missing ? (float)r[f].Number : float.NaN;
        // Missingness is kept as its own category: "is this blank" can itself leak the label.
        string Category(Cell[] r) => numeric ? "" : r[f].Missing ? PipelineGen.Shared.ContractNames.MissingCategory : r[f].Display;

        IEstimator<ITransformer> features = slot.Mode switch
        {
            ProfileMode.Numeric or ProfileMode.Date => ml.Transforms.Concatenate("Features", "Value"),
            // Word unigrams only: the default char trigrams + word bigrams made one text probe ~25× slower than a
            // numeric one, and a leaking text (the label written out) shows up in its words anyway.
            ProfileMode.Text => ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, MaximumNgramsCount = [2000] },
                CharFeatureExtractor = null,
            }, "Category"),
            _ => ml.Transforms.Categorical.OneHotEncoding("Features", "Category"),
        };
        var minLeaf = Math.Clamp(trainIdx.Count / 50, 2, 20);

        switch (task)
        {
            case MlTaskKind.BinaryClassification:
            {
                IEnumerable<BinaryRow> Rows(List<int> idx) => idx.Select(i => rows[i]).Select(r =>
                    new BinaryRow { Label = IsPositive(r[labelIndex], positive!), Value = Value(r), Category = Category(r) });
                var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfThreads = 1, NumberOfIterations = 50, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = minLeaf,
                    Seed = seed, Verbose = false,
                });
                var model = features.Append(trainer).Fit(ml.Data.LoadFromEnumerable(Rows(trainIdx)));
                var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(holdoutIdx)));
                return ml.BinaryClassification.EvaluateNonCalibrated(scored).AreaUnderRocCurve;
            }
            case MlTaskKind.MulticlassClassification:
            {
                IEnumerable<MulticlassRow> Rows(List<int> idx) => idx.Select(i => rows[i]).Select(r =>
                    new MulticlassRow { LabelText = r[labelIndex].Display, Value = Value(r), Category = Category(r) });
                var trainer = ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
                {
                    NumberOfThreads = 1, NumberOfIterations = 50, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = minLeaf,
                    Seed = seed, Verbose = false,
                });
                var model = ml.Transforms.Conversion.MapValueToKey("Label", "LabelText")
                    .Append(features).Append(trainer).Fit(ml.Data.LoadFromEnumerable(Rows(trainIdx)));
                var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(holdoutIdx)));
                return ml.MulticlassClassification.Evaluate(scored).MacroAccuracy;
            }
            default:
            {
                IEnumerable<RegressionRow> Rows(List<int> idx) => idx.Select(i => rows[i]).Select(r =>
                    new RegressionRow { Label = (float)r[labelIndex].Number, Value = Value(r), Category = Category(r) });
                var trainer = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                {
                    NumberOfThreads = 1, NumberOfIterations = 50, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = minLeaf,
                    Seed = seed, Verbose = false,
                });
                var model = features.Append(trainer).Fit(ml.Data.LoadFromEnumerable(Rows(trainIdx)));
                var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(holdoutIdx)));
                return ml.Regression.Evaluate(scored).RSquared;
            }
        }
    }
}
