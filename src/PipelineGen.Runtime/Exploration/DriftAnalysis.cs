namespace PipelineGen.Runtime.Exploration;

/// <summary>Compares one column's training profile with its profile in the comparison data.</summary>
internal static class DriftAnalysis
{
    private const int QuantileBins = 10;
    private const int MaxCategoryBins = 10;

    public static ColumnDrift Compare(ColumnAccumulator train, ColumnAccumulator compare)
    {
        var name = train.Slot.Name;
        if (train.Present + train.Missing == 0 || compare.Present + compare.Missing == 0)
            return new ColumnDrift(name, double.NaN, double.NaN, double.NaN, DriftVerdict.NotComputed, [], "no rows");
        return train.Categories is not null && compare.Categories is not null
            ? Categorical(train, compare)
            : Numeric(train, compare);
    }

    private static ColumnDrift Numeric(ColumnAccumulator train, ColumnAccumulator compare)
    {
        var name = train.Slot.Name;
        var trainSorted = train.Sample.Items.ToArray();
        Array.Sort(trainSorted);
        var compareValues = compare.Sample.Items;
        if (trainSorted.Length == 0 || compareValues.Count == 0)
        {
            // All missing on one side: only the missing share can be compared.
            double missingTrain = Share(train.Missing, train), missingCompare = Share(compare.Missing, compare);
            var psiMissing = DriftStatistics.PopulationStabilityIndex([missingTrain, 1 - missingTrain], [missingCompare, 1 - missingCompare], Rows(train), Rows(compare));
            return new ColumnDrift(name, psiMissing, double.NaN, double.NaN, DriftStatistics.Verdict(psiMissing, double.NaN),
                [new("missing", missingTrain, missingCompare), new("present", 1 - missingTrain, 1 - missingCompare)],
                "no values on one side");
        }

        // Bin edges are training deciles, so each bin holds ~10% of the training rows.
        var edges = Enumerable.Range(1, QuantileBins - 1)
            .Select(k => ColumnAccumulator.Quantile(trainSorted, k / (double)QuantileBins))
            .Distinct().ToArray();
        var trainShares = BinShares(trainSorted, edges, train);
        var compareShares = BinShares(compareValues, edges, compare);
        var labels = new List<string>();
        var isDate = train.Slot.Mode == ProfileMode.Date;
        for (int i = 0; i <= edges.Length; i++)
            labels.Add(i == 0 ? "≤ " + Fmt.Num(edges[0], isDate)
                : i == edges.Length ? "> " + Fmt.Num(edges[^1], isDate)
                : Fmt.Num(edges[i - 1], isDate) + " – " + Fmt.Num(edges[i], isDate));
        if (train.Missing + compare.Missing > 0)
        {
            labels.Add("missing");
            trainShares.Add(Share(train.Missing, train));
            compareShares.Add(Share(compare.Missing, compare));
        }

        var psi = DriftStatistics.PopulationStabilityIndex(trainShares, compareShares, Rows(train), Rows(compare));
        var d = DriftStatistics.KsStatistic(trainSorted, compareValues);
        // The KS sample sizes are the samples actually compared, not the (possibly larger) row counts.
        var p = DriftStatistics.KsPValue(d, trainSorted.Length, compareValues.Count);
        var note = train.Slot.Mode == ProfileMode.Text ? "text length" : null;
        return new ColumnDrift(name, psi, d, p, DriftStatistics.Verdict(psi, p),
            labels.Select((l, i) => new DriftBin(l, trainShares[i], compareShares[i])).ToArray(), note);
    }

    private static List<double> BinShares(IReadOnlyList<double> values, double[] edges, ColumnAccumulator column)
    {
        var counts = new double[edges.Length + 1];
        foreach (var v in values)
        {
            var index = Array.BinarySearch(edges, v);
            // Value equal to an edge belongs to the bin that edge closes ("≤ edge").
            counts[index >= 0 ? index : ~index]++;
        }
        var presentShare = 1 - Share(column.Missing, column);
        return counts.Select(c => presentShare * c / values.Count).ToList();
    }

    private static ColumnDrift Categorical(ColumnAccumulator train, ColumnAccumulator compare)
    {
        var trainCategories = train.Categories!;
        var compareCategories = compare.Categories!;
        // Few bins on purpose: PSI over many sparse categories measures sampling noise, not drift
        // (its expected value under no drift grows with bins × (1/n + 1/m)).
        var kept = trainCategories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxCategoryBins).Select(kv => kv.Key).ToList();
        var bins = kept.Select(v => new DriftBin(v, Share(trainCategories[v], train), Share(compareCategories.GetValueOrDefault(v), compare))).ToList();
        var unseen = compareCategories.Where(kv => !trainCategories.ContainsKey(kv.Key)).Sum(kv => kv.Value);
        var trainOther = train.Present - kept.Sum(v => trainCategories[v]);
        // Values never seen in training share the "(other)" bin with the training tail: in a sparse column a new
        // sample always brings unseen values, and a bin that is empty in training would dominate PSI.
        var compareOther = compare.Present - kept.Sum(v => compareCategories.GetValueOrDefault(v));
        if (trainOther + compareOther > 0) bins.Add(new DriftBin("(other)", Share(trainOther, train), Share(compareOther, compare)));
        if (train.Missing + compare.Missing > 0)
            bins.Add(new DriftBin("missing", Share(train.Missing, train), Share(compare.Missing, compare)));
        var psi = DriftStatistics.PopulationStabilityIndex(bins.Select(b => b.TrainShare).ToArray(), bins.Select(b => b.CompareShare).ToArray(), Rows(train), Rows(compare));
        string? note = unseen > 0 ? $"{Fmt.Count(unseen)} comparison rows ({Fmt.Percent(Share(unseen, compare))}) have values not seen in training" : null;
        return new ColumnDrift(train.Slot.Name, psi, double.NaN, double.NaN, DriftStatistics.Verdict(psi, double.NaN), bins, note);
    }

    private static double Rows(ColumnAccumulator column) => column.Present + column.Missing;

    private static double Share(long count, ColumnAccumulator column)
    {
        var total = column.Present + column.Missing;
        return total == 0 ? 0 : (double)count / total;
    }
}
