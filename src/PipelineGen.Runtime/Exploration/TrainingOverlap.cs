using MathNet.Numerics.Distributions;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Rows of a test (comparison) file that repeat a training row exactly in the feature, label and group columns: the model
/// has seen their answers, so a test score on them is inflated. Some repeats are natural where rows often repeat (wine
/// measurements), so the training file's own rate is what to expect: the share of training rows that have a copy in the
/// training file. The overlap is flagged when it is beyond that rate's binomial noise (one-sided p &lt; <see cref="Alpha"/>)
/// and at least twice that rate (on a huge test file a slightly misestimated rate would otherwise be "significant").
/// </summary>
internal sealed record TrainingOverlap(string TrainPath, long TrainRows, long CompareRows, long OverlapRows, double ExpectedShare,
    double PValue, bool Exact, IReadOnlyList<DuplicateExample> Examples)
{
    public const double Alpha = 0.001;
    private const int MaxExamples = 5;

    public double Share => CompareRows == 0 ? 0 : (double)OverlapRows / CompareRows;
    public bool Flagged => OverlapRows > 0 && PValue < Alpha && Share >= 2 * ExpectedShare;

    /// <summary>One sentence: how many rows, examples by row number, and what to do.</summary>
    public string Describe(string comparePath)
    {
        var examples = string.Join(", ", Examples.Take(3).Select(e => $"row {e.RowNumber} = training row {e.FirstRowNumber}"));
        var head = $"{Fmt.Count(OverlapRows)} of {Fmt.Count(CompareRows)} rows of {comparePath} ({Fmt.Percent(Share)}) repeat a row of the training file {TrainPath} exactly ({examples}{(OverlapRows > 3 ? ", ..." : "")}; data rows, header not counted)";
        return Flagged
            ? $"{head}, far more than the {Fmt.Percent(ExpectedShare)} that repeats within the training file predicts (binomial p {Fmt.PValue(PValue)}). The model has seen these answers: a test score on this file is inflated. Remove the repeated rows from the test file (or rebuild the split so no row is on both sides)."
            : $"{head}; about as many as repeats within the training file predict ({Fmt.Percent(ExpectedShare)}), so they look like natural repeats.";
    }

    /// <summary>Counts the rows of a comparison file that the training rows' <paramref name="tracker"/> has seen.</summary>
    internal sealed class Counter(DuplicateTracker tracker)
    {
        private readonly List<DuplicateExample> _examples = [];
        private long _rows, _overlap;

        public void Add(ulong hash, long rowNumber, Func<string> render)
        {
            _rows++;
            if (!tracker.TryFind(hash, out var first)) return;
            _overlap++;
            if (_examples.Count < MaxExamples) _examples.Add(new DuplicateExample(rowNumber, first, render()));
        }

        public TrainingOverlap Result(string trainPath, long trainRows)
        {
            // At least one repeat's worth: a file without repeats still allows the odd natural coincidence.
            var expected = trainRows == 0 ? 1 : Math.Min(1, Math.Max(tracker.RowsWithCopy, 1) / (double)trainRows);
            var p = _overlap == 0 ? 1 : 1 - Binomial.CDF(expected, (int)Math.Min(_rows, int.MaxValue), _overlap - 1);
            return new TrainingOverlap(trainPath, trainRows, _rows, _overlap, expected, Math.Max(0, p), tracker.Exact, _examples);
        }
    }

    /// <summary>
    /// The overlap of <paramref name="comparePath"/> with <paramref name="trainPath"/>, read as the pipeline reads them
    /// (numbers compared as parsed, so "7.25" and "7.250" are one value). Rows the scans found malformed are left out.
    /// </summary>
    public static TrainingOverlap Measure(IPipelineDefinition pipeline, MLContext ml, string trainPath, DataScan trainScan,
        string comparePath, DataScan compareScan, int hashCap = 2_000_000)
    {
        var settings = pipeline.Settings;
        var train = pipeline.LoadData(ml, trainPath);
        var slots = RowReader.Describe(train.Schema, settings);
        var compared = ComparedColumns(slots);
        var tracker = new DuplicateTracker(hashCap, maxExamples: 0);
        var trainRows = Read(train, slots, settings, trainScan, compared, (hash, row, _) => tracker.Add(hash, row, () => ""));
        var compare = pipeline.LoadData(ml, comparePath);
        var aligned = slots.Select(s => s with { SchemaIndex = compare.Schema[s.Name].Index }).ToList();
        var counter = new Counter(tracker);
        Read(compare, aligned, settings, compareScan, compared, (hash, row, cells) =>
            counter.Add(hash, row, () => string.Join(settings.Separator, cells.Select(c => c.Display))));
        return counter.Result(trainPath, trainRows);
    }

    /// <summary>What the model sees decides whether two rows are the same example: ids and ignored columns do not count.</summary>
    public static int[] ComparedColumns(IReadOnlyList<ColumnSlot> slots)
        => Enumerable.Range(0, slots.Count).Where(i => slots[i].Role is ColumnRole.Feature or ColumnRole.Label or ColumnRole.Group).ToArray();

    private static long Read(IDataView data, IReadOnlyList<ColumnSlot> slots, PipelineSettings settings, DataScan scan, int[] compared,
        Action<ulong, long, Cell[]> add)
    {
        long rows = 0, rowIndex = -1;
        using var reader = RowReader.Open(data, slots, settings);
        while (reader.MoveNext())
        {
            rowIndex++;
            if (rowIndex < scan.RowCount && scan.IsBadRow(rowIndex)) continue;
            rows++;
            // Row numbers are 1-based data rows, as explore's duplicate examples.
            add(RowHash.OfRow(reader.Current, compared), rowIndex + 1, reader.Current);
        }
        return rows;
    }
}
