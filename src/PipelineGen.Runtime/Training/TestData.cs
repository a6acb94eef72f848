using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Checks of the test file that must pass before a look at it counts: the header matches, the label parses, its
/// values are ones the model was trained on, and bad rows follow the bad-row policy.
/// </summary>
internal static class TestData
{
    private const int MaxListed = 10;

    /// <summary>Scans the test file; throws <see cref="DataValidationException"/> for a file that cannot be scored honestly.</summary>
    public static DataScan Scan(PipelineSettings settings, string testPath)
    {
        var scan = DataScan.Run(settings, testPath);
        var header = scan.Problems.Where(p => p.Kind == RowProblemKind.HeaderMismatch).ToArray();
        if (header.Length > 0)
            throw new DataValidationException($"test data {testPath}: the header does not match the pipeline's columns:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", header.Select(p => p.ToString())), header);
        if (scan.RowCount == 0)
            throw new DataValidationException($"test data {testPath}: the file has no data rows. Nothing was scored and the look is not counted.", []);
        // A label that does not parse cannot be scored whatever the bad-row policy says.
        var label = scan.Problems.Where(p => p.ColumnName == settings.LabelColumn && p.Kind is RowProblemKind.UnparsableNumber or RowProblemKind.UnparsableBoolean).ToArray();
        if (label.Length > 0)
            throw new DataValidationException(
                $"test data {testPath}: the label column '{settings.LabelColumn}' does not parse in {label.Length}{(label.Length == DataScan.MaxProblemsKept ? "+" : "")} row(s). First {Math.Min(MaxListed, label.Length)}:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", label.Take(MaxListed).Select(p => p.ToString())) + Environment.NewLine +
                "Nothing was scored and the test set is not marked as seen.", label);
        if (scan.BadRowCount > 0 && settings.BadRows == BadRowPolicy.Fail)
            throw new DataValidationException(
                $"test data {testPath}: {scan.BadRowCount} bad row(s) (bad-row policy: fail). First {Math.Min(MaxListed, scan.Problems.Count)}:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", scan.Problems.Take(MaxListed).Select(p => p.ToString())) + Environment.NewLine +
                "Fix the rows, or set bad_rows: skip in the spec. Nothing was scored and the test set is not marked as seen.", scan.Problems);
        return scan;
    }

    /// <summary>Classification: every label value of the test file must be one the model was trained on.</summary>
    public static void CheckLabels(PipelineSettings settings, DataScan scan, ModelCard card)
    {
        if (settings.Task == MlTaskKind.Regression) return;
        var label = settings.Columns.First(c => c.Name == settings.LabelColumn);
        IReadOnlyList<string> trained = card.LabelValues ?? TrainingLabels(settings, card);
        var known = new HashSet<string>(trained.Select(v => Canonical(v, label.Kind)), StringComparer.Ordinal);
        var unseen = scan.LabelCounts.Where(c => !known.Contains(Canonical(c.Key, label.Kind))).ToArray();
        if (unseen.Length == 0) return;

        var firstLines = FirstLines(settings, scan.FilePath, label, unseen.Select(u => u.Key).ToHashSet(StringComparer.Ordinal));
        var listed = string.Join(", ", unseen.Take(MaxListed).Select(u => string.Create(CultureInfo.InvariantCulture,
            $"'{u.Key}' ({u.Value} row(s), first at line {firstLines.GetValueOrDefault(u.Key)})")));
        throw new DataValidationException(
            $"test data {scan.FilePath}, column {label.Index + 1} ('{label.Name}'): label value(s) that training never saw: {listed}{(unseen.Length > MaxListed ? ", ..." : "")}. " +
            $"The model was trained on: {string.Join(", ", trained.Take(20).Select(v => $"'{v}'"))}. " +
            "Scoring these rows would count each as a wrong prediction of another class, so nothing was scored and the test set is not marked as seen. " +
            "Fix: spell the test file's labels as the training data does (e.g. without a trailing '.'), then run 'test' again.", []);
    }

    /// <summary>The test data without rows that cannot be scored (bad rows under the skip policy, rows without a label).</summary>
    public static IDataView Usable(IDataView data, DataScan scan, PipelineSettings settings, out string? note)
    {
        long bad = scan.BadRowCount, kept = Data.UsableRows.Count(scan), unlabeled = scan.RowCount - bad - kept;
        note = null;
        if (bad == 0 && unlabeled == 0) return data;
        if (kept == 0)
            throw new DataValidationException($"test data {scan.FilePath}: no row can be scored ({bad} bad row(s), {unlabeled} without a label value). Nothing was scored and the test set is not marked as seen.", scan.Problems);
        note = string.Create(CultureInfo.InvariantCulture,
            $"{bad + unlabeled} of {scan.RowCount} test row(s) left out ({bad} bad row(s) under bad-row policy {settings.BadRows.ToString().ToLowerInvariant()}, {unlabeled} without a label value); the metrics are over the other {kept}.");
        return Data.UsableRows.Of(data, scan);
    }

    /// <summary>
    /// The feature values of the test file that the model never saw in training, as predict reports them (a category not
    /// in training, a number or date far outside the training range, a missing value where training had none), one
    /// warning per column, and what to check when there are any. Empty without a training profile.
    /// </summary>
    public static IReadOnlyList<string> UnfamiliarValues(PipelineSettings settings, string path, TrainingProfile? profile)
    {
        if (profile is null) return [];
        var checks = new ValueChecks(settings, profile);
        var features = settings.Columns.Where(c => c.Role == ColumnRole.Feature).ToArray();
        var fields = new List<string>();
        var starts = new List<int>();
        long rows = 0;
        using (var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
        {
            var records = DelimitedData.RowsAfterHeader(reader, settings, out _);
            while (records.TryRead(out var line, out long lineNumber))
            {
                // A row with an open quote is a bad row the scan already counted; its fields are not where they belong.
                if (DelimitedLine.Split(line, settings.Separator, fields, starts) >= 0) continue;
                rows++;
                var where = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}");
                foreach (var column in features)
                    if (column.Index < fields.Count) checks.Check(column, fields[column.Index], where);
            }
        }
        var found = checks.Messages().Select(m => $"test data {path}: {m}").ToList();
        // A few unseen values are normal (a rare category, a cabin number); a large share of the rows is a file written
        // unlike the training file, and the metrics then measure that.
        var widespread = checks.RowsPerColumn().Where(c => c.Rows >= rows * WidespreadShare).ToArray();
        if (widespread.Length > 0)
            found.Add(string.Join(", ", widespread.Select(c => string.Create(CultureInfo.InvariantCulture, $"'{c.Column}' ({100.0 * c.Rows / rows:0.#}% of the rows)"))) +
                $": values the model never saw are that common in the test file ({rows} rows), and those rows are in the metrics above. " +
                "If the test file writes the column differently from the training file (another spelling or coding of a category, other units), " +
                "the metrics measure that mismatch, not the model: correct the file and test the corrected one.");
        return found;
    }

    /// <summary>The share of the test rows with unseen values in one column from which that is called a mismatch of the files.</summary>
    internal const double WidespreadShare = 0.25;

    private static IReadOnlyList<string> TrainingLabels(PipelineSettings settings, ModelCard card)
    {
        // Cards written before LabelValues was recorded: read the classes from the training data the card names.
        var path = File.Exists(card.TrainData.Path) ? card.TrainData.Path : settings.ResolvePath(settings.TrainDataPath);
        return DataScan.Run(settings, path).LabelCounts.Select(c => c.Key).ToArray();
    }

    // The loader reads a numeric or boolean label as a value, so "1.0" and "1" are the same class, as are "True" and "true".
    private static string Canonical(string value, ColumnKind kind) => DataValues.LabelClass(value, kind == ColumnKind.Numeric, kind == ColumnKind.Boolean);

    private static Dictionary<string, long> FirstLines(PipelineSettings settings, string path, ColumnInfo label, HashSet<string> wanted)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        var fields = new List<string>();
        var starts = new List<int>();
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var records = DelimitedData.RowsAfterHeader(reader, settings, out _);
        while (found.Count < wanted.Count && records.TryRead(out var line, out long lineNumber))
        {
            DelimitedLine.Split(line, settings.Separator, fields, starts);
            if (label.Index >= fields.Count) continue;
            var value = fields[label.Index].Trim();
            if (wanted.Contains(value)) found.TryAdd(value, lineNumber);
        }
        return found;
    }
}
