using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Every validation row's prediction, gathered while the evaluation runs (each row is predicted by the model that did
/// not see it), so the report's curves, confusion matrices and residual plots need no second evaluation. One entry per
/// validation row and split; with repeated K-fold a row appears once per repeat.
/// </summary>
internal sealed class OutOfFoldPredictions
{
    public required MlTaskKind Task { get; init; }
    /// <summary>Split index (into <see cref="EvaluationResult.Splits"/>) of each row.</summary>
    public List<int> Split { get; } = [];
    /// <summary>Binary: 1 positive / 0 negative. Multiclass: index into <see cref="ClassNames"/>. Regression: the label.</summary>
    public List<float> Label { get; } = [];
    /// <summary>Binary: the raw score (margin). Multiclass: index of the predicted class. Regression: the prediction.</summary>
    public List<float> Score { get; } = [];
    /// <summary>Binary with a calibrated model: P(positive); empty otherwise.</summary>
    public List<float> Probability { get; } = [];
    /// <summary>Value of the spec's group column for each row, when there is one; empty otherwise.</summary>
    public List<string> Segment { get; } = [];
    /// <summary>The column <see cref="Segment"/> comes from, or null.</summary>
    public string? SegmentColumn { get; init; }
    /// <summary>Multiclass: class names (the label's values), in first-seen order across splits.</summary>
    public List<string> ClassNames { get; } = [];
    /// <summary>Per split: the baseline's constant prediction (binary: its P(positive), NaN for majority; regression: its value).</summary>
    public List<double> BaselinePrediction { get; } = [];

    public bool HasProbability => Probability.Count == Label.Count && Label.Count > 0;
    public int Count => Label.Count;

    /// <summary>Reads one split's scored validation rows (and the baseline's constant) into the lists.</summary>
    internal void Add(int split, IDataView scored, IDataView baselineScores)
    {
        var schema = scored.Schema;
        var label = schema["Label"];
        var needed = new List<DataViewSchema.Column> { label, schema["Score"] };
        var segment = SegmentColumn is null ? null : schema.GetColumnOrNull(SegmentColumn);
        if (segment is { } seg) needed.Add(seg);
        var probability = Task == MlTaskKind.BinaryClassification ? schema.GetColumnOrNull("Probability") : null;
        if (probability is { } p) needed.Add(p);
        var predicted = Task == MlTaskKind.MulticlassClassification ? schema["PredictedLabel"] : (DataViewSchema.Column?)null;
        if (predicted is { } pr) needed.Add(pr);

        // Key indices differ between splits (each split's label mapping is fitted on its own training part): map by name.
        int[] classOf = Task == MlTaskKind.MulticlassClassification ? ClassIndices(label) : [];
        using var cursor = scored.GetRowCursor(needed);
        Func<string>? readSegment = segment is { } sc ? TextReader(cursor, sc) : null;
        switch (Task)
        {
            case MlTaskKind.BinaryClassification:
            {
                var getLabel = cursor.GetGetter<bool>(label);
                var getScore = cursor.GetGetter<float>(schema["Score"]);
                var getProbability = probability is { } pc ? cursor.GetGetter<float>(pc) : null;
                bool l = false; float s = 0, q = 0;
                while (cursor.MoveNext())
                {
                    getLabel(ref l); getScore(ref s);
                    Split.Add(split); Label.Add(l ? 1 : 0); Score.Add(s);
                    if (getProbability is not null) { getProbability(ref q); Probability.Add(q); }
                    if (readSegment is not null) Segment.Add(readSegment());
                }
                break;
            }
            case MlTaskKind.MulticlassClassification:
            {
                var getLabel = cursor.GetGetter<uint>(label);
                var getPredicted = cursor.GetGetter<uint>(predicted!.Value);
                uint l = 0, q = 0;
                while (cursor.MoveNext())
                {
                    getLabel(ref l); getPredicted(ref q);
                    if (l == 0 || l > classOf.Length) continue; // missing label: not scored by the evaluator either
                    Split.Add(split); Label.Add(classOf[l - 1]); Score.Add(q == 0 || q > classOf.Length ? -1 : classOf[q - 1]);
                    if (readSegment is not null) Segment.Add(readSegment());
                }
                break;
            }
            default:
            {
                var getLabel = cursor.GetGetter<float>(label);
                var getScore = cursor.GetGetter<float>(schema["Score"]);
                float l = 0, s = 0;
                while (cursor.MoveNext())
                {
                    getLabel(ref l); getScore(ref s);
                    if (float.IsNaN(l)) continue;
                    Split.Add(split); Label.Add(l); Score.Add(s);
                    if (readSegment is not null) Segment.Add(readSegment());
                }
                break;
            }
        }
        BaselinePrediction.Add(ReadBaseline(baselineScores));
    }

    private double ReadBaseline(IDataView baselineScores)
    {
        if (Task == MlTaskKind.MulticlassClassification) return double.NaN;
        var column = Task == MlTaskKind.BinaryClassification ? baselineScores.Schema.GetColumnOrNull("Probability") : baselineScores.Schema["Score"];
        if (column is not { } c) return double.NaN;
        using var cursor = baselineScores.GetRowCursor([c]);
        var get = cursor.GetGetter<float>(c);
        float v = float.NaN;
        if (cursor.MoveNext()) get(ref v);
        return v;
    }

    private int[] ClassIndices(DataViewSchema.Column label)
    {
        var names = KeyNames(label);
        var map = new int[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            int at = ClassNames.IndexOf(names[i]);
            if (at < 0) { ClassNames.Add(names[i]); at = ClassNames.Count - 1; }
            map[i] = at;
        }
        return map;
    }

    private static string[] KeyNames(DataViewSchema.Column label)
    {
        int count = checked((int)((KeyDataViewType)label.Type).Count);
        var keyValues = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (keyValues?.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            label.GetKeyValues(ref buffer);
            return buffer.DenseValues().Select(v => v.ToString()).ToArray();
        }
        if (keyValues?.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float))
        {
            VBuffer<float> buffer = default;
            label.GetKeyValues(ref buffer);
            return buffer.DenseValues().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        return Enumerable.Range(1, count).Select(k => $"class {k}").ToArray();
    }

    private static Func<string> TextReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case TextDataViewType:
            {
                var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> v = default;
                return () => { get(ref v); return v.ToString(); };
            }
            case BooleanDataViewType:
            {
                var get = cursor.GetGetter<bool>(column);
                bool v = false;
                return () => { get(ref v); return v ? "true" : "false"; };
            }
            case NumberDataViewType when column.Type.RawType == typeof(float):
            {
                var get = cursor.GetGetter<float>(column);
                float v = 0;
                return () => { get(ref v); return float.IsNaN(v) ? PipelineGen.Shared.ContractNames.MissingCategory : v.ToString(CultureInfo.InvariantCulture); };
            }
            default:
                return () => "(unreadable)";
        }
    }
}
