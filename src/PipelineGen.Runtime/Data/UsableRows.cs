namespace PipelineGen.Runtime.Data;

/// <summary>The rows a model is fitted and scored on: not a bad row (under the skip policy) and with a label value.</summary>
internal static class UsableRows
{
    public static long Count(DataScan scan)
    {
        long kept = 0;
        for (long r = 0; r < scan.RowCount; r++)
            if (scan.Keys.IsUsable(r)) kept++;
        return kept;
    }

    /// <summary><paramref name="data"/> without the rows <paramref name="scan"/> found unusable (itself when there are none).</summary>
    public static Microsoft.ML.IDataView Of(Microsoft.ML.IDataView data, DataScan scan)
    {
        if (scan.BadRowCount == 0 && scan.MissingLabelCount == 0) return data;
        return new RowFilterDataView(data, r => r < scan.RowCount && scan.Keys.IsUsable(r), Count(scan));
    }
}
