using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// The sampling error of one test look: each metric's standard deviation over <see cref="Resamples"/> bootstrap
/// resamples of the scored test rows (drawn with replacement, fixed seed, so the same look gives the same error). A
/// test set of 300 rows measures AUC to about ±0.03 whatever the model; the look is compared with the estimate through
/// this error (<see cref="TestLookRange"/>), not as if it were exact.
/// </summary>
/// <remarks>
/// The scored columns are read once; a resample is a vector of integer weights (how often each row was drawn), so each
/// resample costs one pass over the rows (ranking metrics walk a score order sorted once). The metrics are recomputed
/// here from the arrays; a metric whose value on all rows does not reproduce what <see cref="MetricComputer"/> (ML.NET)
/// reported is left out rather than given another metric's error.
/// </remarks>
internal static class TestLookBootstrap
{
    /// <summary>Resamples drawn: enough for a standard error to about ±5% of itself (1/√(2·200)).</summary>
    public const int Resamples = 200;

    /// <summary>Resamples in which a metric must be defined (e.g. both classes drawn) for its error to count.</summary>
    private const double DefinedShare = 0.9;

    /// <summary>The standard error of each metric of <paramref name="look"/> that the arrays reproduce; empty when none.</summary>
    /// <param name="task">The task kind.</param>
    /// <param name="scored">The scored test rows (the view the look's metrics were computed on).</param>
    /// <param name="look">The look's metrics by name.</param>
    /// <param name="seed">Seed of the resampling.</param>
    /// <param name="decisionThreshold">Binary: the spec's task.threshold, as the look's metrics counted decisions.</param>
    public static IReadOnlyDictionary<string, double> StandardErrors(
        MlTaskKind task, IDataView scored, IReadOnlyDictionary<string, double> look, int seed, double? decisionThreshold = null)
    {
        var rows = ScoredRows.Read(task, MetricComputer.Decided(task, scored, decisionThreshold));
        var errors = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (rows.Count < 2) return errors;
        var ones = Enumerable.Repeat(1, rows.Count).ToArray();
        var full = rows.Metrics(ones);
        var names = look.Where(m => full.TryGetValue(m.Key, out var v) && Reproduces(v, m.Value)).Select(m => m.Key).ToArray();
        if (names.Length == 0) return errors;
        var samples = names.ToDictionary(n => n, _ => new List<double>(Resamples), StringComparer.Ordinal);
        var random = new Random(seed);
        var weights = new int[rows.Count];
        for (int b = 0; b < Resamples; b++)
        {
            Array.Clear(weights);
            for (int i = 0; i < weights.Length; i++) weights[random.Next(weights.Length)]++;
            var values = rows.Metrics(weights);
            foreach (var name in names)
                if (values.TryGetValue(name, out var v) && double.IsFinite(v)) samples[name].Add(v);
        }
        foreach (var (name, values) in samples)
            if (values.Count >= DefinedShare * Resamples)
                errors[name] = MathNet.Numerics.Statistics.Statistics.StandardDeviation(values);
        return errors;
    }

    /// <summary>Equal up to float rounding: ML.NET reads the same float columns and sums in another order.</summary>
    private static bool Reproduces(double mine, double reported) =>
        double.IsFinite(mine) && Math.Abs(mine - reported) <= 1e-5 * Math.Max(1, Math.Abs(reported));

    /// <summary>The scored columns of one task, as arrays, and its metrics under row weights.</summary>
    private abstract class ScoredRows
    {
        public abstract int Count { get; }

        public abstract Dictionary<string, double> Metrics(int[] weights);

        public static ScoredRows Read(MlTaskKind task, IDataView scored) => task switch
        {
            MlTaskKind.BinaryClassification => BinaryRows.Read(scored),
            MlTaskKind.MulticlassClassification => MulticlassRows.Read(scored),
            _ => RegressionRows.Read(scored),
        };
    }

    private sealed class BinaryRows : ScoredRows
    {
        // ML.NET's binary evaluator clips probabilities at this before taking log2.
        private const double Epsilon = 1e-15;
        private readonly List<bool> _label = [], _predicted = [];
        private readonly List<float> _score = [], _probability = [];
        private bool _hasProbability;
        private int[] _byScore = [];

        public override int Count => _label.Count;

        public static BinaryRows Read(IDataView scored)
        {
            var rows = new BinaryRows();
            var label = scored.Schema["Label"];
            var score = scored.Schema["Score"];
            var predicted = scored.Schema["PredictedLabel"];
            var probability = scored.Schema.GetColumnOrNull("Probability");
            rows._hasProbability = probability is not null;
            using var cursor = scored.GetRowCursor(probability is { } p ? [label, score, predicted, p] : [label, score, predicted]);
            var getLabel = cursor.GetGetter<bool>(label);
            var getScore = cursor.GetGetter<float>(score);
            var getPredicted = cursor.GetGetter<bool>(predicted);
            var getProbability = probability is { } column ? cursor.GetGetter<float>(column) : null;
            bool l = false, d = false;
            float s = 0, pr = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref l); getScore(ref s); getPredicted(ref d);
                getProbability?.Invoke(ref pr);
                rows._label.Add(l); rows._score.Add(s); rows._predicted.Add(d); rows._probability.Add(pr);
            }
            // Highest score first, once: every resample walks the same order with its own weights.
            rows._byScore = Enumerable.Range(0, rows.Count).OrderByDescending(i => rows._score[i]).ToArray();
            return rows;
        }

        public override Dictionary<string, double> Metrics(int[] w)
        {
            double positives = 0, negatives = 0, tp = 0, fp = 0, loss = 0;
            for (int i = 0; i < Count; i++)
            {
                if (w[i] == 0) continue;
                bool l = _label[i], d = _predicted[i];
                if (l) positives += w[i]; else negatives += w[i];
                if (d) { if (l) tp += w[i]; else fp += w[i]; }
                if (_hasProbability)
                {
                    double p = l ? _probability[i] : 1 - _probability[i];
                    loss -= w[i] * Math.Log(Math.Max(Epsilon, p), 2);
                }
            }
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            // As MetricComputer: a resample without a predicted positive has no precision (left out, never counted as 0).
            foreach (var (name, value) in MetricComputer.CountedMetrics(tp, fp, positives - tp, negatives - fp))
                if (value is double v) values[name] = v;
            if (_hasProbability && positives + negatives > 0) values["log_loss"] = loss / (positives + negatives);
            if (positives == 0 || negatives == 0) return values; // auc is undefined, as in MetricComputer (pr_auc left out too)
            // AUC: the chance a positive outranks a negative, ties counted half. pr_auc: average precision over distinct
            // scores from the highest down, as MetricComputer.AveragePrecision.
            double above = 0, pairs = 0, tpSoFar = 0, fpSoFar = 0, area = 0, previousRecall = 0;
            bool nan = false;
            for (int k = 0; k < _byScore.Length;)
            {
                float threshold = _score[_byScore[k]];
                nan |= float.IsNaN(threshold);
                double pos = 0, neg = 0;
                for (; k < _byScore.Length && _score[_byScore[k]].Equals(threshold); k++)
                {
                    int i = _byScore[k];
                    if (_label[i]) pos += w[i]; else neg += w[i];
                }
                pairs += neg * (above + 0.5 * pos);
                above += pos;
                tpSoFar += pos;
                fpSoFar += neg;
                if (pos + neg == 0) continue;
                double r = tpSoFar / positives;
                area += (r - previousRecall) * tpSoFar / (tpSoFar + fpSoFar);
                previousRecall = r;
            }
            if (!nan)
            {
                values["auc"] = pairs / (positives * negatives);
                values["pr_auc"] = area;
            }
            return values;
        }
    }

    private sealed class MulticlassRows : ScoredRows
    {
        // ML.NET's multiclass evaluator clips the true class's probability at this before taking the natural log.
        private const double Epsilon = 1e-15;
        private readonly List<uint> _label = [], _predicted = [];
        private readonly List<float> _trueClassScore = [];

        public override int Count => _label.Count;

        public static MulticlassRows Read(IDataView scored)
        {
            var rows = new MulticlassRows();
            var label = scored.Schema["Label"];
            var score = scored.Schema["Score"];
            var predicted = scored.Schema["PredictedLabel"];
            using var cursor = scored.GetRowCursor([label, score, predicted]);
            var getLabel = cursor.GetGetter<uint>(label);
            var getPredicted = cursor.GetGetter<uint>(predicted);
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            uint l = 0, d = 0;
            VBuffer<float> s = default;
            while (cursor.MoveNext())
            {
                getLabel(ref l); getPredicted(ref d); getScore(ref s);
                rows._label.Add(l); rows._predicted.Add(d);
                rows._trueClassScore.Add(l == 0 || l > s.Length ? float.NaN : s.GetItemOrDefault((int)l - 1));
            }
            return rows;
        }

        public override Dictionary<string, double> Metrics(int[] w)
        {
            double total = 0, correct = 0, loss = 0;
            var perClass = new Dictionary<uint, (double Rows, double Correct)>();
            for (int i = 0; i < Count; i++)
            {
                if (w[i] == 0 || _label[i] == 0) continue; // a missing label key is not scored by ML.NET either
                bool right = _label[i] == _predicted[i];
                total += w[i];
                if (right) correct += w[i];
                perClass[_label[i]] = perClass.TryGetValue(_label[i], out var c) ? (c.Rows + w[i], c.Correct + (right ? w[i] : 0)) : (w[i], right ? w[i] : 0);
                loss -= w[i] * Math.Log(Math.Max(Epsilon, _trueClassScore[i]));
            }
            if (total == 0) return [];
            return new(StringComparer.Ordinal)
            {
                ["micro_accuracy"] = correct / total,
                ["macro_accuracy"] = perClass.Values.Average(c => c.Correct / c.Rows),
                ["log_loss"] = loss / total,
            };
        }
    }

    private sealed class RegressionRows : ScoredRows
    {
        private readonly List<float> _label = [], _score = [];

        public override int Count => _label.Count;

        public static RegressionRows Read(IDataView scored)
        {
            var rows = new RegressionRows();
            var label = scored.Schema["Label"];
            var score = scored.Schema["Score"];
            using var cursor = scored.GetRowCursor([label, score]);
            var getLabel = cursor.GetGetter<float>(label);
            var getScore = cursor.GetGetter<float>(score);
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref l); getScore(ref s);
                rows._label.Add(l); rows._score.Add(s);
            }
            return rows;
        }

        public override Dictionary<string, double> Metrics(int[] w)
        {
            double total = 0, sum = 0, squared = 0, absolute = 0;
            for (int i = 0; i < Count; i++)
            {
                if (w[i] == 0) continue;
                double e = _label[i] - (double)_score[i];
                total += w[i];
                sum += w[i] * (double)_label[i];
                squared += w[i] * e * e;
                absolute += w[i] * Math.Abs(e);
            }
            if (total == 0) return [];
            double mean = sum / total, spread = 0;
            for (int i = 0; i < Count; i++)
                if (w[i] != 0) spread += w[i] * (_label[i] - mean) * (_label[i] - mean);
            return new(StringComparer.Ordinal)
            {
                ["mse"] = squared / total,
                ["rmse"] = Math.Sqrt(squared / total),
                ["mae"] = absolute / total,
                ["r2"] = 1 - squared / spread,
            };
        }
    }
}
