namespace PipelineGen.Runtime.Exploration;

/// <summary>Compares one column's training profile with its profile in the comparison data.</summary>
internal static class DriftAnalysis
{
    public static ColumnDrift Compare(ColumnAccumulator train, ColumnAccumulator compare)
    {
        var name = train.Slot.Name;
        if (train.Present + train.Missing == 0 || compare.Present + compare.Missing == 0)
            return new ColumnDrift(name, double.NaN, double.NaN, double.NaN, DriftVerdict.NotComputed, [], "no rows");
        return train.Categories is not null && compare.Categories is not null
            ? DriftComparison.Categorical(name, train.Categories, train.Present, train.Missing, compare.Categories, compare.Present, compare.Missing)
            : DriftComparison.Numeric(name, train.Sample.Items, train.Present, train.Missing, compare.Sample.Items, compare.Present, compare.Missing,
                isDate: train.Slot.Mode == ProfileMode.Date, note: train.Slot.Mode == ProfileMode.Text ? "text length" : null);
    }
}
