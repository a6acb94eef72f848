using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Catches leaks that only show in combination, non-linearly: a regression label leaked through a product
/// (<c>total</c> = unit price × quantity, predicting the unit price) scores modestly alone and defeats a linear joint fit,
/// but a tree model on every column reconstructs the label almost exactly and falls apart without <c>total</c>.
/// A legitimately strong feature also raises the error when dropped, but it leaves the model in the range real data
/// allows (the label's own noise): so a column is flagged only when the full model is near-perfect (R² ≥ 0.98) and
/// dropping it multiplies the error at least 5-fold, or the model is very good (R² ≥ 0.95) and dropping it multiplies
/// the error at least 10-fold. Regression only: near-perfect classification is common in honest data (penguin species
/// from bill and flipper measurements: macro accuracy 0.978, and without bill length the error grows 6.7-fold), so
/// "implausibly good" does not mark a leak there. Cheap by construction: a seeded sample of at
/// most <see cref="MaxRows"/> rows, LightGBM with 100 iterations on one thread, at most <see cref="MaxDropped"/> columns
/// dropped (the most important by split gain).
/// </summary>
internal static class DropColumnProber
{
    public const int MaxRows = 10_000;
    public const int MaxDropped = 12;
    public const double MinErrorRatio = 5.0;
    private const int MaxCategories = 30;
    public const string TrainerDescription = "LightGbm (100 iterations, 31 leaves, 1 thread) on every feature";

    public const double NearPerfect = 0.98;
    /// <summary>A column whose removal multiplies the error at least <see cref="StrongErrorRatio"/>-fold is flagged from this
    /// lower full-model score: a bounded probe (≤ 10,000 rows, 100 trees) undoes a product only to R² ≈ 0.98 on a few
    /// thousand rows, while the model the user trains on all rows gets closer.</summary>
    public const double VeryGood = 0.95;
    public const double StrongErrorRatio = 10.0;

    private sealed class Row
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    /// <summary>A feature's slots in the encoded vector.</summary>
    private sealed record Encoded(int Slot, string Name, int Start, int Width);

    public static DropColumnSummary? Probe(PipelineSettings settings, IReadOnlyList<ColumnSlot> slots, IReadOnlyList<Cell[]> sample,
        int labelIndex, int seed)
    {
        var task = settings.Task;
        if (task != MlTaskKind.Regression) return null;
        var labelled = LabelledRows(sample, labelIndex, seed);
        var features = Enumerable.Range(0, slots.Count).Where(i => slots[i].Role == ColumnRole.Feature).ToList();
        var leftOut = features.Where(i => slots[i].Mode == ProfileMode.Text).Select(i => slots[i].Name).ToArray();
        features = features.Where(i => slots[i].Mode != ProfileMode.Text).ToList();
        // With one feature, "the model without it" is the baseline: the one-column probe already measured that.
        if (features.Count < 2 || labelled.Count < DataExplorer.MinRowsForLeakage) return null;

        var (trainIdx, holdoutIdx) = LeakageProber.Split(labelled, labelIndex, task, seed);
        var encoded = Encode(slots, features, labelled);
        var models = new ProbeModels(encoded, labelled, labelIndex, trainIdx, holdoutIdx, seed);
        var full = models.Fit(null);
        if (double.IsNaN(full.Score)) return null;
        // Below the lower bound no column can be accused, so honest data costs one fit, not thirteen.
        if (full.Score < VeryGood)
            return new DropColumnSummary("r2", full.Score, NearPerfect, MinErrorRatio, VeryGood, StrongErrorRatio, trainIdx.Count,
                holdoutIdx.Count, TrainerDescription, [], leftOut);
        var probes = DropEach(models, encoded.Layout, full, ErrorScale(labelled, holdoutIdx, labelIndex));
        var (judged, scoreWithoutFlagged) = AccuseOne(probes);
        return new DropColumnSummary("r2", full.Score, NearPerfect, MinErrorRatio, VeryGood, StrongErrorRatio, trainIdx.Count, holdoutIdx.Count, TrainerDescription,
            judged, leftOut) { ScoreWithoutFlagged = scoreWithoutFlagged };
    }

    /// <summary>The rows with a label, at most <see cref="MaxRows"/> of them (a seeded sample when there are more).</summary>
    private static List<Cell[]> LabelledRows(IReadOnlyList<Cell[]> sample, int labelIndex, int seed)
    {
        var labelled = sample.Where(r => !r[labelIndex].Missing && !double.IsNaN(r[labelIndex].Number)).ToList();
        if (labelled.Count > MaxRows)
        {
            var shuffled = labelled.ToArray();
            new Random(seed + 17).Shuffle(shuffled);
            labelled = shuffled.Take(MaxRows).ToList();
        }
        return labelled;
    }

    /// <summary>The labelled rows' feature vectors and where each feature's slots are in them.</summary>
    private sealed record EncodedRows(IReadOnlyList<Encoded> Layout, float[][] Vectors, int Width);

    /// <summary>
    /// Numbers and dates as one value (NaN when missing, which LightGBM treats as missing); categories one-hot over their
    /// most frequent values, with missing as a category of its own.
    /// </summary>
    private static EncodedRows Encode(IReadOnlyList<ColumnSlot> slots, List<int> features, List<Cell[]> labelled)
    {
        var layout = new List<Encoded>();
        var categoryIndex = new Dictionary<int, Dictionary<string, int>>();
        int width = 0;
        foreach (var f in features)
        {
            if (slots[f].Mode is ProfileMode.Numeric or ProfileMode.Date)
            {
                layout.Add(new Encoded(f, slots[f].Name, width, 1));
                width++;
                continue;
            }
            var values = labelled.Select(r => CategoryOf(r[f])).GroupBy(v => v, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(MaxCategories)
                .Select((g, k) => (g.Key, k)).ToDictionary(t => t.Key, t => t.k, StringComparer.Ordinal);
            categoryIndex[f] = values;
            layout.Add(new Encoded(f, slots[f].Name, width, values.Count));
            width += values.Count;
        }
        var vectors = labelled.Select(r =>
        {
            var v = new float[width];
            foreach (var e in layout)
            {
                if (!categoryIndex.TryGetValue(e.Slot, out var values))
                    v[e.Start] = r[e.Slot].Missing ? float.NaN : (float)r[e.Slot].Number;
                else if (values.TryGetValue(CategoryOf(r[e.Slot]), out var k))
                    v[e.Start + k] = 1;
            }
            return v;
        }).ToArray();
        return new EncodedRows(layout, vectors, width);
    }

    /// <summary>A category's key: its text, or the missing category (a NUL prefix keeps it apart from any real value).</summary>
    private static string CategoryOf(Cell cell) => cell.Missing ? "\u0000" + PipelineGen.Shared.ContractNames.MissingCategory : cell.Display;

    /// <summary>
    /// The holdout labels' variance (what R² divides by): the near-perfect boundary in MSE units is (1 − 0.98) of it.
    /// </summary>
    private static double ErrorScale(List<Cell[]> labelled, List<int> holdoutIdx, int labelIndex)
    {
        var y = holdoutIdx.Select(i => labelled[i][labelIndex].Number).ToArray();
        var mean = y.Average();
        return y.Sum(v => (v - mean) * (v - mean)) / y.Length;
    }

    /// <summary>The probe's model: LightGBM on the training rows, with every column or one dropped, scored on the holdout rows.</summary>
    private sealed class ProbeModels
    {
        private readonly MLContext _ml;
        private readonly SchemaDefinition _definition;
        private readonly EncodedRows _encoded;
        private readonly List<Cell[]> _labelled;
        private readonly int _labelIndex;
        private readonly List<int> _trainIdx, _holdoutIdx;
        private readonly int _minLeaf, _seed;

        public ProbeModels(EncodedRows encoded, List<Cell[]> labelled, int labelIndex, List<int> trainIdx, List<int> holdoutIdx, int seed)
        {
            _ml = new MLContext(seed);
            _definition = SchemaDefinition.Create(typeof(Row));
            _definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, encoded.Width);
            _minLeaf = Math.Clamp(trainIdx.Count / 100, 5, 20);
            (_encoded, _labelled, _labelIndex, _trainIdx, _holdoutIdx, _seed) = (encoded, labelled, labelIndex, trainIdx, holdoutIdx, seed);
        }

        /// <summary>(R², MSE, gain per slot) of a model trained on the training rows and scored on the holdout rows; the gain only for the full model.</summary>
        public (double Score, double Error, float[]? Gain) Fit(Encoded? dropped)
        {
            var train = View(_trainIdx, dropped);
            var holdout = View(_holdoutIdx, dropped);
            var model = _ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfThreads = 1, NumberOfIterations = 100, NumberOfLeaves = 31,
                MinimumExampleCountPerLeaf = _minLeaf, Seed = _seed, Verbose = false,
            }).Fit(train);
            var metrics = _ml.Regression.Evaluate(model.Transform(holdout));
            return (metrics.RSquared, metrics.MeanSquaredError, dropped is null ? Weights(model.Model, _encoded.Width) : null);
        }

        private IDataView View(List<int> idx, Encoded? dropped) => _ml.Data.LoadFromEnumerable(idx.Select(i =>
        {
            var features = _encoded.Vectors[i];
            if (dropped is not null)
            {
                // A constant in every row: the trees cannot split on it, so the column is as good as gone.
                features = (float[])features.Clone();
                Array.Fill(features, 0f, dropped.Start, dropped.Width);
            }
            return new Row { Label = (float)_labelled[i][_labelIndex].Number, Features = features };
        }), _definition);
    }

    /// <summary>
    /// The full model without each of its <see cref="MaxDropped"/> most important columns (by split gain). A column passes
    /// when the full model is near-perfect and its removal multiplies the error at least <see cref="MinErrorRatio"/>-fold
    /// (or very good and <see cref="StrongErrorRatio"/>-fold), and without it the error is out of the near-perfect range.
    /// </summary>
    private static List<DropColumnProbe> DropEach(ProbeModels models, IReadOnlyList<Encoded> layout, (double Score, double Error, float[]? Gain) full,
        double errorScale)
    {
        const double nearPerfect = NearPerfect;
        var ranked = layout.Select(e => (Column: e, Gain: full.Gain is null ? 0 : full.Gain.Skip(e.Start).Take(e.Width).Sum()))
            .OrderByDescending(t => t.Gain).ThenBy(t => t.Column.Name, StringComparer.Ordinal).Take(MaxDropped).ToList();
        var probes = new List<DropColumnProbe>();
        foreach (var (column, _) in ranked)
        {
            var without = models.Fit(column);
            double ratio = full.Error <= 0 ? (without.Error > 0 ? double.PositiveInfinity : 1) : without.Error / full.Error;
            bool passes = (full.Score >= nearPerfect && ratio >= MinErrorRatio || full.Score >= VeryGood && ratio >= StrongErrorRatio)
                // and the column is what makes it near-perfect: without it the error is at least twice the near-perfect bound.
                && without.Error >= 2 * (1 - nearPerfect) * errorScale;
            probes.Add(new DropColumnProbe(column.Name, without.Score, ratio, passes));
        }
        return probes;
    }

    /// <summary>
    /// Only the column whose removal hurts most is accused: the others that pass decode it (a leak through a product
    /// needs the other factor too), and without the accused column they no longer make the model near-perfect.
    /// </summary>
    private static (List<DropColumnProbe> Probes, double ScoreWithoutFlagged) AccuseOne(List<DropColumnProbe> probes)
    {
        probes = probes.OrderByDescending(p => p.ErrorRatio).ThenBy(p => p.Column, StringComparer.Ordinal).ToList();
        if (probes.Count > 0 && probes[0].Flagged)
        {
            probes[0] = probes[0] with { Partners = probes.Skip(1).Where(p => p.Flagged).Select(p => p.Column).ToArray() };
            for (int k = 1; k < probes.Count; k++) probes[k] = probes[k] with { Flagged = false };
            return (probes, probes[0].ScoreWithout);
        }
        return (probes.Select(p => p with { Flagged = false }).ToList(), double.NaN);
    }

    private static float[]? Weights(object model, int width)
    {
        if (model is not Microsoft.ML.Trainers.FastTree.TreeEnsembleModelParameters trees) return null;
        VBuffer<float> weights = default;
        trees.GetFeatureWeights(ref weights);
        var dense = new float[width];
        weights.CopyTo(dense);
        return dense;
    }
}
