namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// What <see cref="CrossFittedKeepRule"/> found: the mean of (blend − single) in the metric's units over the
/// comparisons where the metric was defined, their standard deviation (how far one comparison strays from that mean:
/// the noise a margin must be read against), how many favoured the blend, and how many were skipped (metric undefined).
/// </summary>
internal sealed record KeepDecision(bool Kept, double? MeanDifference, int Favoured, int Compared, int Skipped, string Reason,
    double? StandardDeviation = null)
{
    /// <summary>
    /// The same comparisons against the study's winner itself (the model shipped when the blend is not kept) instead
    /// of the best single candidate of each selection half; null when the winner is no candidate. Reported beside the
    /// rule's own figures, not (yet) decisive: see <see cref="CrossFittedKeepRule"/>.
    /// </summary>
    public WinnerComparison? AgainstWinner { get; init; }

    /// <summary>Comparisons attempted: two per seeded split.</summary>
    public int Comparisons => Compared + Skipped;
}

/// <summary>Blend − the study's winner on the comparison halves: mean, standard deviation, how many favoured the blend.</summary>
internal sealed record WinnerComparison(int WinnerTrial, double MeanDifference, double? StandardDeviation, int Favoured, int Compared);

/// <summary>
/// Decides whether the ensemble is kept without reading the held-back rows: cross-fitted selection on the out-of-fold
/// rows. The selection rows are split in two halves by a seeded permutation (stratified by label for classification);
/// <see cref="CaruanaSelection"/> runs on half A and its blend is scored on half B, beside the best single candidate of
/// half A scored on B; then A and B swap; over <see cref="Repeats"/> splits. Selection and comparison therefore use
/// disjoint rows, so the comparison is not the optimistic "best of many looks" it would be on the rows that chose the
/// blend, and the held-back rows are left for the headline alone (scoring the kept model once). The ensemble is kept
/// when the mean of (blend − single) over the comparisons leads by more than its standard error (sd / √n) in the
/// metric's direction (<see cref="Keeps"/>): a blend is a more complex model, kept on a lead its own comparisons cannot
/// tell from noise only by luck (benchmarks §9h: the lead-above-0 rule kept such blends, which then lost). A comparison where
/// the metric is undefined on a half (e.g. AUC with one class) is skipped and counted; with none defined, not kept.
/// The single of each comparison is the best candidate of the selection half, chosen on half the rows, while the model
/// shipped without the blend is the study's winner, chosen on all of them (and re-scored): so the same halves also
/// compare the blend with the winner itself (<see cref="KeepDecision.AgainstWinner"/>). That comparison is reported, not
/// decisive: the winner was chosen on the comparison rows too, which favours it, and benchmarks §9h measured it refusing
/// blends that gained on the held-back rows (Titanic) while the rule's own comparison kept them.
/// </summary>
internal static class CrossFittedKeepRule
{
    /// <summary>
    /// Seeded splits (2 comparisons each). 5 gives 10 comparisons, enough to average out the luck of one split at the
    /// cost of 10 selections over at most 10 candidates — milliseconds beside one trial's fit.
    /// </summary>
    public const int Repeats = 5;

    /// <param name="candidates">Candidates' predictions over the selection rows, row-major with <paramref name="width"/> values a row (no NaN).</param>
    /// <param name="labels">The selection rows' labels (class indices for classification).</param>
    /// <param name="width">Values per row: 1, or the class count for multiclass probabilities.</param>
    /// <param name="scorerFor">The metric's scorer for a subset of the labels (null: not computed).</param>
    /// <param name="stratify">Split each label's rows evenly (classification).</param>
    /// <param name="higherIsBetter">The metric's direction.</param>
    /// <param name="seed">The study's seed: the same study always gives the same splits.</param>
    /// <param name="metric">The metric's name, for the reason text.</param>
    /// <param name="steps">Selection steps on each half (as on all rows).</param>
    /// <param name="winnerTrial">The study's winner, when it is among the candidates: also compared with each half's blend.</param>
    public static KeepDecision Decide(IReadOnlyList<EnsembleCandidate> candidates, double[] labels, int width,
        Func<double[], Func<double[], double>?> scorerFor, bool higherIsBetter, bool stratify, int seed, string metric, int steps = EnsembleBuilder.Steps,
        int? winnerTrial = null)
    {
        var differences = new List<double>();
        var againstWinner = new List<double>();
        if (winnerTrial is { } w && candidates.All(c => c.Trial != w)) winnerTrial = null;
        int skipped = 0;
        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            var (a, b) = Split(labels, stratify, unchecked(seed * 7919 + repeat));
            foreach (var (select, compare) in new[] { (a, b), (b, a) })
            {
                if (Compare(candidates, labels, width, scorerFor, higherIsBetter, steps, select, compare, winnerTrial) is { } d)
                {
                    differences.Add(d.AgainstBest);
                    if (d.AgainstWinner is { } dw) againstWinner.Add(dw);
                }
                else skipped++;
            }
        }
        if (differences.Count == 0)
            return new KeepDecision(false, null, 0, 0, skipped,
                $"{metric} is undefined on every half of the {Repeats} cross-fitted splits of the out-of-fold rows (e.g. one class only), so the blend cannot be shown to be better; the single model is kept");
        double mean = differences.Average();
        double? sd = StandardDeviation(differences, mean);
        int favoured = differences.Count(d => higherIsBetter ? d > 0 : d < 0);
        double winnerMean = againstWinner.Count > 0 ? againstWinner.Average() : double.NaN;
        WinnerComparison? vsWinner = winnerTrial is { } winner && againstWinner.Count > 0
            ? new WinnerComparison(winner, winnerMean, StandardDeviation(againstWinner, winnerMean),
                againstWinner.Count(d => higherIsBetter ? d > 0 : d < 0), againstWinner.Count)
            : null;
        bool kept = Keeps(mean, sd, differences.Count, higherIsBetter);
        double? standardError = StandardError(sd, differences.Count);
        string skippedText = skipped > 0 ? $", {skipped} skipped: {metric} undefined on a half" : "";
        string evidence = $"cross-fitted on the out-of-fold rows (selection on one half, compared on the other, {Repeats} seeded splits): "
            + $"blend − single {FormatDifference(mean)} {metric} on average{(sd is { } s ? $" (sd {FormatSpread(s)}, standard error {FormatSpread(standardError!.Value)})" : "")}, {favoured} of {differences.Count} comparisons favoured the blend{skippedText}"
            + (vsWinner is { } v
                ? $"; against the winner itself (trial {v.WinnerTrial + 1}; chosen on these rows too, so this comparison favours it and does not decide): blend − winner {FormatDifference(v.MeanDifference)} on average"
                    + $"{(v.StandardDeviation is { } vs ? $" (sd {FormatSpread(vs)})" : "")}, {v.Favoured} of {v.Compared} for the blend"
                : "");
        string refusal = standardError is null
            ? "only one comparison was defined, so the lead cannot be told from noise"
            : (higherIsBetter ? mean > 0 : mean < 0)
                ? $"the blend's lead is within its standard error ({FormatDifference(mean)} against {FormatSpread(standardError.Value)}), so it cannot be told from noise"
                : "the blend does not lead";
        return new KeepDecision(kept, mean, favoured, differences.Count, skipped,
            kept ? $"the ensemble is kept: {evidence}" : $"the ensemble is not kept: {evidence}; {refusal}; the single model is kept", sd)
        { AgainstWinner = vsWinner };
    }

    /// <summary>
    /// Kept when the mean difference leads by more than its standard error in the metric's direction (t &gt; 1 over the
    /// comparisons); a single comparison has no spread to judge it by, so it never keeps the blend.
    /// </summary>
    internal static bool Keeps(double mean, double? sd, int comparisons, bool higherIsBetter)
    {
        if (StandardError(sd, comparisons) is not { } standardError) return false;
        double lead = higherIsBetter ? mean : -mean;
        return lead > 0 && lead > standardError;
    }

    /// <summary>sd / √n, the noise of a mean of n comparisons; null when there is no spread to judge it by (n &lt; 2).</summary>
    private static double? StandardError(double? sd, int comparisons) => comparisons < 2 ? null : sd / Math.Sqrt(comparisons);

    private static double? StandardDeviation(List<double> values, double mean) =>
        values.Count > 1 ? Math.Sqrt(values.Sum(d => (d - mean) * (d - mean)) / (values.Count - 1)) : null;

    /// <summary>
    /// Blend − single on <paramref name="compare"/>, both chosen on <paramref name="select"/>, and blend − the winner
    /// there (when given); null when the metric is undefined.
    /// </summary>
    private static (double AgainstBest, double? AgainstWinner)? Compare(IReadOnlyList<EnsembleCandidate> candidates, double[] labels, int width, Func<double[], Func<double[], double>?> scorerFor,
        bool higherIsBetter, int steps, int[] select, int[] compare, int? winnerTrial)
    {
        if (select.Length == 0 || compare.Length == 0) return null;
        var selectScorer = scorerFor(select.Select(r => labels[r]).ToArray());
        var compareScorer = scorerFor(compare.Select(r => labels[r]).ToArray());
        if (selectScorer is null || compareScorer is null) return null;
        var onSelect = candidates.Select(c => new EnsembleCandidate(c.Trial, Rows(c.Predictions, select, width))).ToArray();
        var selection = CaruanaSelection.Select(onSelect, selectScorer, higherIsBetter, steps);
        if (!double.IsFinite(selection.BestSingleScore)) return null; // nothing meaningful was selected on this half
        var onCompare = candidates.ToDictionary(c => c.Trial, c => Rows(c.Predictions, compare, width));
        var blend = new double[compare.Length * width];
        foreach (var (trial, weight) in selection.Members)
        {
            var p = onCompare[trial];
            for (int i = 0; i < blend.Length; i++) blend[i] += weight * p[i];
        }
        double blendScore = compareScorer(blend), singleScore = compareScorer(onCompare[selection.BestSingleTrial]);
        if (!double.IsFinite(blendScore) || !double.IsFinite(singleScore)) return null;
        double? winnerScore = winnerTrial is { } w ? compareScorer(onCompare[w]) : null;
        return (blendScore - singleScore, winnerScore is { } ws && double.IsFinite(ws) ? blendScore - ws : null);
    }

    /// <summary>Signed, 5 decimals: a mean difference is often below the 4 decimals scores are printed with.</summary>
    internal static string FormatDifference(double d) => d.ToString("+0.00000;-0.00000;0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Unsigned, 5 decimals, like <see cref="FormatDifference"/>.</summary>
    internal static string FormatSpread(double s) => s.ToString("0.00000", System.Globalization.CultureInfo.InvariantCulture);

    private static double[] Rows(double[] predictions, int[] rows, int width) =>
        rows.SelectMany(r => Enumerable.Range(0, width).Select(k => predictions[r * width + k])).ToArray();

    /// <summary>
    /// Two halves by a seeded permutation; stratified: each label's rows are shuffled and dealt alternately, the deal
    /// continuing across labels, so both halves get each class in proportion and sizes differ by at most one.
    /// </summary>
    internal static (int[] A, int[] B) Split(double[] labels, bool stratify, int seed)
    {
        var random = new Random(seed);
        var groups = stratify
            ? labels.Select((l, i) => (l, i)).GroupBy(x => x.l).OrderBy(g => g.Key).Select(g => g.Select(x => x.i).ToArray()).ToArray()
            : [Enumerable.Range(0, labels.Length).ToArray()];
        var a = new List<int>();
        var b = new List<int>();
        int dealt = 0;
        foreach (var group in groups)
        {
            random.Shuffle(group);
            foreach (var row in group) (dealt++ % 2 == 0 ? a : b).Add(row);
        }
        a.Sort();
        b.Sort();
        return (a.ToArray(), b.ToArray());
    }
}
