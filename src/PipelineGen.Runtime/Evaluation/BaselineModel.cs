using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// The trivial model a real one has to beat, fitted on a training part's <c>Label</c> column only:
/// <c>prior</c> (constant class distribution: binary P(positive), multiclass class frequencies),
/// <c>majority</c> (always the most frequent class), <c>mean</c> or <c>median</c> (regression).
/// It scores a validation part into the same columns a trained pipeline produces, so the same evaluators measure it.
/// </summary>
internal sealed class BaselineModel
{
    private readonly MlTaskKind _task;
    private readonly float _constant;        // binary: P(positive); regression: the prediction
    private readonly float[] _distribution;  // multiclass: score per class key (index 0 = key 1)

    private BaselineModel(MlTaskKind task, string strategy, float constant, float[] distribution, string description)
    {
        _task = task;
        Strategy = strategy;
        _constant = constant;
        _distribution = distribution;
        Description = description;
    }

    /// <summary>The resolved strategy: prior, majority, mean or median.</summary>
    public string Strategy { get; }
    public string Description { get; }

    /// <summary>Turns the spec's strategy (auto included) into a concrete one, or explains why it does not fit the task.</summary>
    public static string ResolveStrategy(string strategy, MlTaskKind task, string primaryMetric)
    {
        bool classification = task != MlTaskKind.Regression;
        return (strategy.ToLowerInvariant(), classification) switch
        {
            (PipelineGen.Shared.ContractNames.AutoBaseline, true) => "prior",
            (PipelineGen.Shared.ContractNames.AutoBaseline, false) => primaryMetric == "mae" ? "median" : "mean",
            ("prior" or "majority", true) or ("mean" or "median", false) => strategy.ToLowerInvariant(),
            _ => throw new ArgumentException(
                $"Baseline '{strategy}' does not fit task {task}. Use one of {string.Join(", ", classification ? PipelineGen.Shared.ContractNames.ClassificationBaselines : PipelineGen.Shared.ContractNames.RegressionBaselines)}."),
        };
    }

    public static BaselineModel Fit(MlTaskKind task, string strategy, IDataView trainingWithLabel)
    {
        var label = trainingWithLabel.Schema["Label"];
        using var cursor = trainingWithLabel.GetRowCursor([label]);
        switch (task)
        {
            case MlTaskKind.BinaryClassification:
            {
                var get = cursor.GetGetter<bool>(label);
                long positives = 0, total = 0;
                bool value = false;
                while (cursor.MoveNext()) { get(ref value); total++; if (value) positives++; }
                if (total == 0) throw new EvaluationException("The baseline's training part has no rows.");
                float rate = positives / (float)total;
                return strategy == "majority"
                    ? new BaselineModel(task, strategy, rate >= 0.5f ? 1f : 0f, [],
                        $"majority: always {(rate >= 0.5f ? "positive" : "negative")}")
                    : new BaselineModel(task, strategy, rate, [],
                        $"prior: P(positive) = {rate.ToString("0.###", CultureInfo.InvariantCulture)}");
            }
            case MlTaskKind.MulticlassClassification:
            {
                int classes = checked((int)((KeyDataViewType)label.Type).Count);
                var get = cursor.GetGetter<uint>(label);
                var counts = new long[classes];
                uint key = 0;
                long total = 0;
                while (cursor.MoveNext())
                {
                    get(ref key);
                    if (key == 0) continue; // missing label
                    counts[key - 1]++;
                    total++;
                }
                if (total == 0) throw new EvaluationException("The baseline's training part has no labelled rows.");
                int majority = Array.IndexOf(counts, counts.Max());
                var distribution = strategy == "majority"
                    ? counts.Select((_, i) => i == majority ? 1f : 0f).ToArray()
                    : counts.Select(c => c / (float)total).ToArray();
                return new BaselineModel(task, strategy, 0, distribution, strategy == "majority"
                    ? $"majority: always class key {majority + 1}"
                    : $"prior: class frequencies {string.Join("/", distribution.Select(p => p.ToString("0.##", CultureInfo.InvariantCulture)))}");
            }
            default:
            {
                var get = cursor.GetGetter<float>(label);
                var labels = new List<float>(); // one column of floats: fine to hold for a median
                float value = 0;
                while (cursor.MoveNext()) { get(ref value); if (!float.IsNaN(value)) labels.Add(value); }
                if (labels.Count == 0) throw new EvaluationException("The baseline's training part has no labelled rows.");
                float prediction = strategy == "median"
                    ? (float)MathNet.Numerics.Statistics.Statistics.Median(labels.Select(v => (double)v))
                    : (float)labels.Average(v => (double)v);
                return new BaselineModel(task, strategy, prediction, [],
                    $"{strategy}: always {prediction.ToString("0.####", CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>Scores a view that has the <c>Label</c> column (the validation labels are held in memory, one column).</summary>
    public IDataView Score(MLContext mlContext, IDataView validationWithLabel)
    {
        var label = validationWithLabel.Schema["Label"];
        using var cursor = validationWithLabel.GetRowCursor([label]);
        switch (_task)
        {
            case MlTaskKind.BinaryClassification:
            {
                var get = cursor.GetGetter<bool>(label);
                var rows = new List<BinaryRow>();
                bool value = false;
                // ML.NET's binary evaluator thresholds Score at 0 (a margin), so the score is the log-odds of the
                // probability; a hard 0/1 majority gets a margin of ∓1.
                float score = _constant is 0f or 1f
                    ? (_constant == 1f ? 1f : -1f)
                    : MathF.Log(_constant / (1 - _constant));
                while (cursor.MoveNext())
                {
                    get(ref value);
                    rows.Add(new BinaryRow { Label = value, Score = score, Probability = _constant, PredictedLabel = _constant >= 0.5f });
                }
                var data = mlContext.Data.LoadFromEnumerable(rows);
                // A hard 0/1 "probability" has no meaningful log loss: the majority baseline is scored uncalibrated.
                return Strategy == "majority" ? mlContext.Transforms.DropColumns("Probability").Fit(data).Transform(data) : data;
            }
            case MlTaskKind.MulticlassClassification:
            {
                int classes = _distribution.Length;
                var get = cursor.GetGetter<uint>(label);
                var rows = new List<MulticlassRow>();
                // LoadFromEnumerable reads a key column's .NET value as the 0-based class index (key = value + 1;
                // a value >= the class count is the missing key), so keys are shifted down here.
                uint predictedIndex = (uint)Array.IndexOf(_distribution, _distribution.Max());
                uint key = 0;
                while (cursor.MoveNext())
                {
                    get(ref key);
                    rows.Add(new MulticlassRow { Label = key == 0 ? uint.MaxValue : key - 1, Score = _distribution, PredictedLabel = predictedIndex });
                }
                var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(MulticlassRow));
                schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), classes);
                schema["PredictedLabel"].ColumnType = new KeyDataViewType(typeof(uint), classes);
                schema["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
                return mlContext.Data.LoadFromEnumerable(rows, schema);
            }
            default:
            {
                var get = cursor.GetGetter<float>(label);
                var rows = new List<RegressionRow>();
                float value = 0;
                while (cursor.MoveNext()) { get(ref value); rows.Add(new RegressionRow { Label = value, Score = _constant }); }
                return mlContext.Data.LoadFromEnumerable(rows);
            }
        }
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class MulticlassRow
    {
        public uint Label { get; set; }
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }
}
