using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Training;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// <c>evaluate --predictions</c>: every row each split's metrics counted, written as the split is scored (nothing is
/// held beyond the split being read), so each per-split metric can be recomputed from outside. Columns: <c>split</c>
/// (<c>repeat.fold</c>, 1-based, or <c>holdout</c>), <c>line</c> (the row's line in the data file, as bad-row messages
/// number it), <c>Label</c>, then the model's outputs named as <c>predict</c> names them — binary <c>Score</c>,
/// <c>Probability</c> (calibrated models), <c>PredictedLabel</c> (at the decision threshold the metrics counted at);
/// multiclass <c>Score.&lt;class&gt;</c> per class and <c>PredictedLabel</c>; regression <c>Score</c> — and
/// <c>Baseline</c>, the baseline's prediction. The file appears only when the evaluation finished (atomic).
/// </summary>
internal sealed class OutOfFoldCsv : IDisposable
{
    private readonly AtomicFile.Pending _file;
    private readonly StreamWriter _writer;
    private readonly MlTaskKind _task;
    private readonly RowLines _lines;
    private readonly string[] _classes;
    private bool? _probability;
    private bool _committed;

    private OutOfFoldCsv(AtomicFile.Pending file, MlTaskKind task, RowLines lines, string[] classes)
    {
        _file = file;
        _writer = new StreamWriter(file.Stream, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _task = task;
        _lines = lines;
        _classes = classes;
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> (a temporary file beside it until <see cref="Commit"/>) before any split is fitted,
    /// so a path that cannot be written fails at once, not after the evaluation.
    /// </summary>
    public static OutOfFoldCsv Open(string path, PipelineSettings settings, DataScan scan)
    {
        try { PredictStep.CheckPath(path, "--predictions"); }
        catch (PredictInputException e) { throw new EvaluationException(e.Message); }
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new EvaluationException($"--predictions '{full}' is a directory; pass a file path such as {Path.Combine(full, "oof.csv")}.");
        if (string.Equals(full, Path.GetFullPath(scan.FilePath), StringComparison.Ordinal))
            throw new EvaluationException($"--predictions '{full}' is the data file being evaluated; choose another file.");
        try
        {
            var classes = settings.Task == MlTaskKind.MulticlassClassification ? ClassNamesAsLoaded(settings, scan.Keys.ClassNames) : [];
            return new OutOfFoldCsv(AtomicFile.Create(full), settings.Task, scan.Keys.Lines, classes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvaluationException($"cannot write the predictions to '{full}': {e.Message} Choose another --predictions (a writable folder with free space).");
        }
    }

    /// <summary>The split's name in the file: <c>holdout</c>, or <c>repeat.fold</c> counted from 1 (as the per-split table shows it).</summary>
    public static string SplitName(DataSplit split, EvaluationProtocol protocol) =>
        protocol == EvaluationProtocol.Holdout ? "holdout" : string.Create(CultureInfo.InvariantCulture, $"{split.Repeat + 1}.{split.Fold + 1}");

    /// <summary>
    /// Writes one split: <paramref name="decided"/> is the model's scored validation part with <c>PredictedLabel</c> at
    /// the decision threshold (<see cref="MetricComputer.Decided"/>), <paramref name="baseline"/> the baseline's scores
    /// of the same rows in the same order. Rows the metrics skip (no label; a multiclass label the split's training part
    /// never had, which the model's label key cannot hold) are skipped here too.
    /// </summary>
    public void Add(DataSplit split, string splitName, IDataView decided, IDataView baseline)
    {
        var schema = decided.Schema;
        var label = schema["Label"];
        var score = schema["Score"];
        var probability = _task == MlTaskKind.BinaryClassification ? schema.GetColumnOrNull("Probability") : null;
        var predicted = _task == MlTaskKind.Regression ? (DataViewSchema.Column?)null : schema["PredictedLabel"];
        var columns = new List<DataViewSchema.Column> { label, score };
        if (probability is { } p) columns.Add(p);
        if (predicted is { } pl) columns.Add(pl);
        if (_probability is null) WriteHeader(probability is not null);
        else if (_probability != probability is not null)
            throw new InvalidOperationException("the splits' models disagree on whether they output Probability; their predictions cannot share one file.");

        using var cursor = decided.GetRowCursor(columns);
        using var baselineCursor = baseline.GetRowCursor(baseline.Schema);
        Func<IReadOnlyList<string>?> read = _task switch
        {
            MlTaskKind.BinaryClassification => BinaryReader(cursor, label, score, probability, predicted!.Value, baselineCursor),
            MlTaskKind.MulticlassClassification => MulticlassReader(cursor, label, score, predicted!.Value, baselineCursor, splitName),
            _ => RegressionReader(cursor, label, score, baselineCursor),
        };
        long row = -1;
        while (cursor.MoveNext())
        {
            if (!baselineCursor.MoveNext()) throw new InvalidOperationException("the baseline scored fewer validation rows than the model.");
            row = split.NextValidationRow(row);
            if (read() is not { } cells) continue;
            _writer.Write(splitName);
            _writer.Write(',');
            _writer.Write(_lines.LineOf(row).ToString(CultureInfo.InvariantCulture));
            foreach (var cell in cells)
            {
                _writer.Write(',');
                _writer.Write(PredictStep.Quote(cell));
            }
            _writer.Write('\n');
            Rows++;
        }
    }

    /// <summary>Puts the complete file in place.</summary>
    public void Commit()
    {
        if (_probability is null) WriteHeader(false); // no split scored: still a file with the header
        _writer.Dispose(); // flushed into the stream, which stays open (leaveOpen) for the commit
        _file.Commit();
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed) _writer.Dispose(); // its last flush goes to the temporary file, which is then deleted
        _file.Dispose();
    }

    private void WriteHeader(bool probability)
    {
        _probability = probability;
        IEnumerable<string> outputs = _task switch
        {
            MlTaskKind.BinaryClassification => probability ? ["Score", "Probability", "PredictedLabel"] : ["Score", "PredictedLabel"],
            MlTaskKind.MulticlassClassification => [.. _classes.Select(c => $"Score.{c}"), "PredictedLabel"],
            _ => ["Score"],
        };
        _writer.Write(string.Join(",", new[] { "split", "line", "Label" }.Concat(outputs).Append("Baseline").Select(PredictStep.Quote)));
        _writer.Write('\n');
    }

    private static Func<IReadOnlyList<string>?> BinaryReader(DataViewRowCursor cursor, DataViewSchema.Column label, DataViewSchema.Column score,
        DataViewSchema.Column? probability, DataViewSchema.Column predicted, DataViewRowCursor baselineCursor)
    {
        var getLabel = cursor.GetGetter<bool>(label);
        var getScore = cursor.GetGetter<float>(score);
        var getProbability = probability is { } p ? cursor.GetGetter<float>(p) : null;
        var getPredicted = cursor.GetGetter<bool>(predicted);
        // The prior baseline's P(positive); the majority baseline has no Probability: its decision as 1 or 0.
        var baselineProbability = baselineCursor.Schema.GetColumnOrNull("Probability");
        var getBaseline = baselineProbability is { } bp ? baselineCursor.GetGetter<float>(bp) : null;
        var getBaselineDecision = baselineCursor.GetGetter<bool>(baselineCursor.Schema["PredictedLabel"]);
        bool l = false, d = false, bd = false;
        float s = 0, q = 0, b = 0;
        return () =>
        {
            getLabel(ref l); getScore(ref s); getPredicted(ref d);
            if (getBaseline is not null) getBaseline(ref b); else { getBaselineDecision(ref bd); b = bd ? 1 : 0; }
            var cells = new List<string>(6) { Cell(l), Cell(s) };
            if (getProbability is not null) { getProbability(ref q); cells.Add(Cell(q)); }
            cells.Add(Cell(d));
            cells.Add(Cell(b));
            return cells;
        };
    }

    private Func<IReadOnlyList<string>?> MulticlassReader(DataViewRowCursor cursor, DataViewSchema.Column label, DataViewSchema.Column score,
        DataViewSchema.Column predicted, DataViewRowCursor baselineCursor, string splitName)
    {
        // This split's model numbers the classes in its own key order: slot k is the header's class slotColumn[k].
        var names = ClassKeys.Read(label, "the multiclass label").Names;
        var slotColumn = names.Select(n => Array.IndexOf(_classes, n) is var at and >= 0 ? at
            : throw new InvalidOperationException($"split {splitName}: class '{n}' of the model's label is not among the data's classes ({string.Join(", ", _classes)}).")).ToArray();
        var getLabel = cursor.GetGetter<uint>(label);
        var getScore = cursor.GetGetter<VBuffer<float>>(score);
        var getPredicted = cursor.GetGetter<uint>(predicted);
        var getBaseline = baselineCursor.GetGetter<uint>(baselineCursor.Schema["PredictedLabel"]);
        uint l = 0, d = 0, b = 0;
        var buffer = default(VBuffer<float>);
        string Name(uint key) => key >= 1 && key <= names.Length ? names[key - 1] : "";
        return () =>
        {
            getLabel(ref l);
            if (l == 0 || l > names.Length) return null; // missing, or a class this split's training part never had
            getScore(ref buffer); getPredicted(ref d); getBaseline(ref b);
            var probabilities = new string[_classes.Length];
            Array.Fill(probabilities, "0"); // a class the model never saw gets nothing from it
            var values = buffer.DenseValues().ToArray();
            for (int k = 0; k < values.Length && k < slotColumn.Length; k++) probabilities[slotColumn[k]] = Cell(values[k]);
            return [Name(l), .. probabilities, Name(d), Name(b)];
        };
    }

    private static Func<IReadOnlyList<string>?> RegressionReader(DataViewRowCursor cursor, DataViewSchema.Column label, DataViewSchema.Column score, DataViewRowCursor baselineCursor)
    {
        var getLabel = cursor.GetGetter<float>(label);
        var getScore = cursor.GetGetter<float>(score);
        var getBaseline = baselineCursor.GetGetter<float>(baselineCursor.Schema["Score"]);
        float l = 0, s = 0, b = 0;
        return () =>
        {
            getLabel(ref l);
            if (float.IsNaN(l)) return null; // the regression evaluator skips rows without a label
            getScore(ref s); getBaseline(ref b);
            return [Cell(l), Cell(s), Cell(b)];
        };
    }

    private static string Cell(object value) => PredictStep.FormatCell(value);

    /// <summary>
    /// The label's classes as the loader reads them, which is how the model's label key names them: a numeric label's
    /// "1.0" is the Single 1 ("1"), a boolean's "yes" is "true"; text stays as written.
    /// </summary>
    internal static string[] ClassNamesAsLoaded(PipelineSettings settings, IReadOnlyList<string> written)
    {
        var kind = settings.Columns.FirstOrDefault(c => c.Name == settings.LabelColumn)?.Kind ?? ColumnKind.Categorical;
        return written.Select(v => kind switch
        {
            ColumnKind.Numeric when DataValues.TryParseNumber(v, out double d) => ((float)d).ToString("R", CultureInfo.InvariantCulture),
            ColumnKind.Boolean when DataValues.TryParseBoolean(v, out bool b) => b ? "true" : "false",
            _ => v,
        }).Distinct(StringComparer.Ordinal).ToArray();
    }
}
