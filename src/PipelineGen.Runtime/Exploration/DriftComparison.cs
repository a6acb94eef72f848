namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// The PSI/KS comparison of one column from plain counts and samples: what <c>explore</c> runs between the training and
/// the comparison data, and what the REST service (PipelineGen.Serving) runs between the training profile and the inputs
/// it received, so both report the same measures and verdict words.
/// </summary>
internal static class DriftComparison
{
    private const int QuantileBins = 10;
    private const int MaxCategoryBins = 10;

    /// <summary>
    /// Numbers: PSI over the training deciles (plus a "missing" bin when either side has missing values) and the two-sample
    /// KS test between the samples. <paramref name="trainSample"/>/<paramref name="compareSample"/> are samples of the
    /// present values; <c>present</c>/<c>missing</c> are the full row counts.
    /// </summary>
    public static ColumnDrift Numeric(string name, IReadOnlyList<double> trainSample, long trainPresent, long trainMissing,
        IReadOnlyList<double> compareSample, long comparePresent, long compareMissing, bool isDate = false, string? note = null)
    {
        if (trainPresent + trainMissing == 0 || comparePresent + compareMissing == 0)
            return new ColumnDrift(name, double.NaN, double.NaN, double.NaN, DriftVerdict.NotComputed, [], "no rows");
        double trainRows = trainPresent + trainMissing, compareRows = comparePresent + compareMissing;
        double missingTrain = trainMissing / trainRows, missingCompare = compareMissing / compareRows;
        var trainSorted = trainSample.ToArray();
        Array.Sort(trainSorted);
        if (trainSorted.Length == 0 || compareSample.Count == 0)
        {
            // All missing on one side: only the missing share can be compared.
            var psiMissing = DriftStatistics.PopulationStabilityIndex([missingTrain, 1 - missingTrain], [missingCompare, 1 - missingCompare], trainRows, compareRows);
            return new ColumnDrift(name, psiMissing, double.NaN, double.NaN,
                DriftStatistics.Verdict(psiMissing, double.NaN, DriftStatistics.PsiPValue(psiMissing, 2, trainRows, compareRows)),
                [new("missing", missingTrain, missingCompare), new("present", 1 - missingTrain, 1 - missingCompare)],
                "no values on one side");
        }

        // Bin edges are training deciles, so each bin holds ~10% of the training rows.
        var edges = Enumerable.Range(1, QuantileBins - 1)
            .Select(k => ColumnAccumulator.Quantile(trainSorted, k / (double)QuantileBins))
            .Distinct().ToArray();
        var trainShares = BinShares(trainSorted, edges, 1 - missingTrain);
        var compareShares = BinShares(compareSample, edges, 1 - missingCompare);
        var labels = new List<string>();
        for (int i = 0; i <= edges.Length; i++)
            labels.Add(i == 0 ? "≤ " + Fmt.Num(edges[0], isDate)
                : i == edges.Length ? "> " + Fmt.Num(edges[^1], isDate)
                : Fmt.Num(edges[i - 1], isDate) + " – " + Fmt.Num(edges[i], isDate));
        if (trainMissing + compareMissing > 0)
        {
            labels.Add("missing");
            trainShares.Add(missingTrain);
            compareShares.Add(missingCompare);
        }

        var psi = DriftStatistics.PopulationStabilityIndex(trainShares, compareShares, trainRows, compareRows);
        var d = DriftStatistics.KsStatistic(trainSorted, compareSample);
        // The KS sample sizes are the samples actually compared, not the (possibly larger) row counts.
        var p = DriftStatistics.KsPValue(d, trainSorted.Length, compareSample.Count);
        // The present shares were counted on the samples, the missing share on every row.
        var psiP = DriftStatistics.PsiPValue(psi, trainShares.Count, trainSorted.Length + trainMissing, compareSample.Count + compareMissing);
        return new ColumnDrift(name, psi, d, p, DriftStatistics.Verdict(psi, p, psiP),
            labels.Select((l, i) => new DriftBin(l, trainShares[i], compareShares[i])).ToArray(), note);
    }

    private static List<double> BinShares(IReadOnlyList<double> values, double[] edges, double presentShare)
    {
        var counts = new double[edges.Length + 1];
        foreach (var v in values)
        {
            var index = Array.BinarySearch(edges, v);
            // Value equal to an edge belongs to the bin that edge closes ("≤ edge").
            counts[index >= 0 ? index : ~index]++;
        }
        return counts.Select(c => presentShare * c / values.Count).ToList();
    }

    /// <summary>Categories: PSI over the ten commonest training categories, "(other)" and "missing".</summary>
    public static ColumnDrift Categorical(string name, IReadOnlyDictionary<string, long> trainCategories, long trainPresent, long trainMissing,
        IReadOnlyDictionary<string, long> compareCategories, long comparePresent, long compareMissing)
    {
        if (trainPresent + trainMissing == 0 || comparePresent + compareMissing == 0)
            return new ColumnDrift(name, double.NaN, double.NaN, double.NaN, DriftVerdict.NotComputed, [], "no rows");
        double trainRows = trainPresent + trainMissing, compareRows = comparePresent + compareMissing;
        // Few bins on purpose: PSI over many sparse categories measures sampling noise, not drift
        // (its expected value under no drift grows with bins × (1/n + 1/m)).
        var kept = trainCategories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxCategoryBins).Select(kv => kv.Key).ToList();
        var bins = kept.Select(v => new DriftBin(v, trainCategories[v] / trainRows, compareCategories.GetValueOrDefault(v) / compareRows)).ToList();
        var unseen = compareCategories.Where(kv => !trainCategories.ContainsKey(kv.Key)).Sum(kv => kv.Value);
        var trainOther = trainPresent - kept.Sum(v => trainCategories[v]);
        // Values never seen in training share the "(other)" bin with the training tail: in a sparse column a new
        // sample always brings unseen values, and a bin that is empty in training would dominate PSI.
        var compareOther = comparePresent - kept.Sum(v => compareCategories.GetValueOrDefault(v));
        if (trainOther + compareOther > 0) bins.Add(new DriftBin("(other)", trainOther / trainRows, compareOther / compareRows));
        if (trainMissing + compareMissing > 0)
            bins.Add(new DriftBin("missing", trainMissing / trainRows, compareMissing / compareRows));
        var psi = DriftStatistics.PopulationStabilityIndex(bins.Select(b => b.TrainShare).ToArray(), bins.Select(b => b.CompareShare).ToArray(), trainRows, compareRows);
        string? note = unseen > 0 ? $"{Fmt.Count(unseen)} comparison rows ({Fmt.Percent(unseen / compareRows)}) have values not seen in training" : null;
        return new ColumnDrift(name, psi, double.NaN, double.NaN,
            DriftStatistics.Verdict(psi, double.NaN, DriftStatistics.PsiPValue(psi, bins.Count, trainRows, compareRows)), bins, note);
    }
}
