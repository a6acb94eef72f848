namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>One candidate of an ensemble: a trial and its out-of-fold predictions (one per row; NaN where the row has none).</summary>
internal sealed record EnsembleCandidate(int Trial, double[] Predictions);

/// <summary>
/// The chosen members with their weights (times picked / <paramref name="Picks"/>) and the ensemble's score on the selection
/// data. <paramref name="Picks"/>: the steps of the best-scoring prefix, which is what is kept (at most the steps run).
/// </summary>
internal sealed record EnsembleSelection(IReadOnlyList<(int Trial, double Weight)> Members, double Score, double BestSingleScore, int BestSingleTrial, IReadOnlyList<double> ScoreByStep, int Picks);

/// <summary>
/// Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew and Ksikes, ICML 2004): start from the
/// best single model, then at each step add the candidate (again, possibly) whose addition gives the best score of the
/// averaged predictions, up to <c>steps</c> members; weights are the counts. The best-so-far prefix is kept, so the
/// result is never worse on the selection data than the best single model (it is the best single model when nothing helps).
/// </summary>
internal static class CaruanaSelection
{
    /// <param name="candidates">Predictions over the same rows, in the same order.</param>
    /// <param name="score">Scores a prediction vector (rows with a NaN in any candidate are left out before it is called).</param>
    /// <param name="higherIsBetter">Direction of <paramref name="score"/>.</param>
    /// <param name="steps">Members to pick, counted with repetition.</param>
    public static EnsembleSelection Select(IReadOnlyList<EnsembleCandidate> candidates, Func<double[], double> score, bool higherIsBetter, int steps = 20)
    {
        if (candidates.Count == 0) throw new ArgumentException("ensemble selection needs at least one candidate.");
        if (steps < 1) throw new ArgumentException("ensemble selection needs at least one step.");
        int n = candidates[0].Predictions.Length;
        if (candidates.Any(c => c.Predictions.Length != n)) throw new ArgumentException("the candidates' predictions cover different rows.");
        // Rows every candidate predicted (under K-fold all of them; under a holdout the validation rows).
        var rows = Enumerable.Range(0, n).Where(r => candidates.All(c => !double.IsNaN(c.Predictions[r]))).ToArray();
        if (rows.Length == 0) throw new ArgumentException("no row has an out-of-fold prediction from every candidate.");
        var preds = candidates.Select(c => rows.Select(r => c.Predictions[r]).ToArray()).ToArray();
        bool Better(double a, double b) => double.IsNaN(b) || (!double.IsNaN(a) && (higherIsBetter ? a > b : a < b));

        var singles = preds.Select(score).ToArray();
        int best = 0;
        for (int i = 1; i < singles.Length; i++) if (Better(singles[i], singles[best])) best = i;

        var sum = (double[])preds[best].Clone();
        var counts = new int[candidates.Count];
        counts[best] = 1;
        var bestCounts = (int[])counts.Clone();
        double bestScore = singles[best];
        var byStep = new List<double> { bestScore };
        var trial = new double[rows.Length];
        for (int step = 2; step <= steps; step++)
        {
            int pick = -1;
            double pickScore = double.NaN;
            for (int c = 0; c < preds.Length; c++)
            {
                for (int r = 0; r < trial.Length; r++) trial[r] = (sum[r] + preds[c][r]) / step;
                double s = score(trial);
                if (Better(s, pickScore)) { pick = c; pickScore = s; } // ties: the earlier (better-ranked) candidate
            }
            if (pick < 0) break;
            for (int r = 0; r < sum.Length; r++) sum[r] += preds[pick][r];
            counts[pick]++;
            byStep.Add(pickScore);
            if (Better(pickScore, bestScore)) { bestScore = pickScore; bestCounts = (int[])counts.Clone(); }
        }
        int total = bestCounts.Sum();
        var members = Enumerable.Range(0, candidates.Count).Where(i => bestCounts[i] > 0)
            .Select(i => (candidates[i].Trial, bestCounts[i] / (double)total))
            .OrderByDescending(m => m.Item2).ThenBy(m => m.Trial).ToArray();
        return new EnsembleSelection(members, bestScore, singles[best], candidates[best].Trial, byStep, total);
    }
}
