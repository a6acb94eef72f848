using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// The independent units a split plan places (rows joined by group or duplicate content), with their sizes and their
/// rows per stratum (0: no label or not stratified; 1 + class otherwise). Built once per plan by <see cref="SplitPlanner"/>.
/// </summary>
internal sealed class SplitUnits
{
    /// <summary>Unit of each row.</summary>
    public required int[] Of { get; init; }
    public required int Count { get; init; }
    /// <summary>Per unit: joined by the group column (not only by duplicate content).</summary>
    public required bool[] ByGroup { get; init; }
    public required int[] Rows { get; init; }
    public required int[] FirstRow { get; init; }
    /// <summary>Units with at least one row that takes part.</summary>
    public required int[] Live { get; init; }
    public required long UsedRows { get; init; }
    public required int Strata { get; init; }
    /// <summary>Rows of unit u in stratum s at <c>u * Strata + s</c>.</summary>
    public required int[] StratumRows { get; init; }
    public required long[] StratumTotal { get; init; }

    public static SplitUnits Build(RowKeys keys, bool[] excluded, int[] units, int unitCount, bool[] byGroup, bool stratified)
    {
        int n = excluded.Length;
        var unitRows = new int[unitCount];
        var unitFirstRow = Enumerable.Repeat(-1, unitCount).ToArray();
        for (int r = 0; r < n; r++)
        {
            if (excluded[r]) continue;
            unitRows[units[r]]++;
            if (unitFirstRow[units[r]] < 0) unitFirstRow[units[r]] = r;
        }
        int strata = stratified ? keys.ClassNames.Count + 1 : 1;
        var unitStrata = new int[unitCount * strata];
        var stratumTotal = new long[strata];
        for (int r = 0; r < n; r++)
        {
            if (excluded[r]) continue;
            int s = stratified ? keys.LabelClass![r] + 1 : 0;
            unitStrata[units[r] * strata + s]++;
            stratumTotal[s]++;
        }
        return new SplitUnits
        {
            Of = units,
            Count = unitCount,
            ByGroup = byGroup,
            Rows = unitRows,
            FirstRow = unitFirstRow,
            Live = Enumerable.Range(0, unitCount).Where(u => unitRows[u] > 0).ToArray(),
            UsedRows = unitRows.Sum(),
            Strata = strata,
            StratumRows = unitStrata,
            StratumTotal = stratumTotal,
        };
    }

    /// <summary>A unit's stratum for the holdout: its most common one (the first row's class on a tie-free unit).</summary>
    public int StratumOf(int unit)
    {
        int best = 0;
        for (int s = 1; s < Strata; s++) if (StratumRows[unit * Strata + s] > StratumRows[unit * Strata + best]) best = s;
        return best;
    }
}
