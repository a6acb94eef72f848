using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// A share of a split's training rows: the budget successive halving gives a low rung (see docs/runtime-tuning.md).
/// Every row gets a fixed pseudo-random priority from (seed, row); within each class (stratified for classification,
/// all rows for regression) the training rows with the lowest priorities are kept. So the subsample depends only on
/// the seed, the split and the fraction — every trial at a rung is trained on exactly the same rows and compared
/// fairly — and a larger fraction keeps a superset of a smaller one's rows. Validation rows are never touched.
/// </summary>
internal static class TrainingSubsample
{
    /// <summary>Rows kept per class: at least one of each class present, so a classifier still sees every label.</summary>
    public static bool[] Select(RowKeys keys, DataSplit split, double fraction, int seed)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "a training fraction is in (0, 1].");
        var keep = new bool[keys.RowCount];
        var byClass = new Dictionary<int, List<long>>();
        for (long row = 0; row < keys.RowCount; row++)
        {
            if (!split.IsTraining(row)) continue;
            int cls = keys.LabelClass is { } labels ? labels[row] : 0;
            if (!byClass.TryGetValue(cls, out var list)) byClass[cls] = list = [];
            list.Add(row);
        }
        foreach (var rows in byClass.Values)
        {
            int take = Math.Max(1, (int)Math.Round(fraction * rows.Count, MidpointRounding.AwayFromZero));
            foreach (var row in rows.OrderBy(r => Priority(seed, r)).ThenBy(r => r).Take(take)) keep[row] = true;
        }
        return keep;
    }

    /// <summary>The split's training rows of <paramref name="data"/>, reduced to <paramref name="fraction"/> (1: all of them).</summary>
    public static IDataView Training(IDataView data, RowKeys keys, DataSplit split, double fraction, int seed)
    {
        if (fraction >= 1) return split.Training(data);
        var keep = Select(keys, split, fraction, seed);
        return new RowFilterDataView(data, row => row < keep.Length && keep[row], keep.LongCount(k => k));
    }

    // SplitMix64 of (seed, row): stable across processes and platforms (never string/HashCode hashing).
    private static ulong Priority(int seed, long row)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)row * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
