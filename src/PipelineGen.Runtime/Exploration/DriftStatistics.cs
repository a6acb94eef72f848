namespace PipelineGen.Runtime.Exploration;

/// <summary>Population stability index and the two-sample Kolmogorov–Smirnov test.</summary>
internal static class DriftStatistics
{
    /// <summary>Shares below this are floored so an empty bin does not make PSI infinite.</summary>
    public const double ShareFloor = 1e-4;

    /// <summary>PSI = Σ (actual − expected) · ln(actual / expected) over bins given as shares.</summary>
    public static double PopulationStabilityIndex(IReadOnlyList<double> expectedShares, IReadOnlyList<double> actualShares)
    {
        if (expectedShares.Count != actualShares.Count) throw new ArgumentException("Both distributions need the same bins.");
        double psi = 0;
        for (int i = 0; i < expectedShares.Count; i++)
        {
            var e = Math.Max(expectedShares[i], ShareFloor);
            var a = Math.Max(actualShares[i], ShareFloor);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>
    /// PSI of two binned samples of <paramref name="expectedTotal"/> and <paramref name="actualTotal"/> rows, with half a
    /// row added to every bin (Jeffreys smoothing). Without it a bin that happens to be empty in a small sample gets a
    /// share near 0 and its log ratio dominates the index: sampling noise read as drift.
    /// </summary>
    public static double PopulationStabilityIndex(IReadOnlyList<double> expectedShares, IReadOnlyList<double> actualShares,
        double expectedTotal, double actualTotal)
    {
        if (expectedShares.Count != actualShares.Count) throw new ArgumentException("Both distributions need the same bins.");
        var bins = expectedShares.Count;
        double Smooth(double share, double total) => (share * total + 0.5) / (total + 0.5 * bins);
        double psi = 0;
        for (int i = 0; i < bins; i++)
        {
            var e = Smooth(expectedShares[i], expectedTotal);
            var a = Smooth(actualShares[i], actualTotal);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>Largest distance between the empirical distribution functions of two samples (ties handled).</summary>
    public static double KsStatistic(IReadOnlyList<double> sample1, IReadOnlyList<double> sample2)
    {
        if (sample1.Count == 0 || sample2.Count == 0) return double.NaN;
        var a = sample1.ToArray(); Array.Sort(a);
        var b = sample2.ToArray(); Array.Sort(b);
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            var v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= v) i++;
            while (j < b.Length && b[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }
        return d;
    }

    /// <summary>
    /// Asymptotic p-value of the two-sample KS statistic <paramref name="d"/>: Q_KS(λ) with
    /// λ = (√nₑ + 0.12 + 0.11/√nₑ)·d and nₑ = n·m/(n+m) (Stephens' small-sample correction, as in Numerical Recipes).
    /// Conservative when the data have ties.
    /// </summary>
    public static double KsPValue(double d, long n, long m)
    {
        if (double.IsNaN(d) || n == 0 || m == 0) return double.NaN;
        var ne = (double)n * m / (n + m);
        var sq = Math.Sqrt(ne);
        return KolmogorovSurvival((sq + 0.12 + 0.11 / sq) * d);
    }

    /// <summary>P(K &gt; λ) for the Kolmogorov distribution: 2 Σ (−1)^(k−1) exp(−2k²λ²).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda < 0.2) return 1.0; // the series converges badly here and the answer is 1 to 1e-10
        double sum = 0, sign = 1, previous = 0;
        for (int k = 1; k <= 100; k++)
        {
            var term = sign * Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-10 * previous || Math.Abs(term) <= 1e-16 * sum) break;
            sign = -sign;
            previous = Math.Abs(term);
        }
        return Math.Clamp(2 * sum, 0, 1);
    }

    /// <summary>
    /// How likely sampling noise alone gives an index this large: for small differences PSI ≈ Σ (a − e)²/e, so under no
    /// drift PSI / (1/n + 1/m) is about chi-square with bins − 1 degrees of freedom (its mean, (bins − 1)(1/n + 1/m), is
    /// 0.54 for 10 bins, 250 rows against 18). <paramref name="n"/> and <paramref name="m"/> are the rows each side's
    /// shares were counted on. NaN when it cannot be computed.
    /// </summary>
    public static double PsiPValue(double psi, int bins, double n, double m)
    {
        if (double.IsNaN(psi) || bins < 2 || n <= 0 || m <= 0) return double.NaN;
        return 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(bins - 1, psi / (1 / n + 1 / m));
    }

    /// <summary>Verdict from PSI beyond its sampling noise, raised to moderate by a KS p-value under <paramref name="alpha"/>.</summary>
    /// <remarks>PSI &lt; 0.1 stable, &lt; 0.25 moderate, else major (the credit-scoring convention), counted only when
    /// <paramref name="psiPValue"/> (<see cref="PsiPValue"/>; NaN: not known) is under <paramref name="alpha"/> too: with
    /// a small file the index reaches 0.25 by chance. KS alone never says "major": with thousands of rows it finds
    /// shifts too small to matter.</remarks>
    public static DriftVerdict Verdict(double psi, double ksPValue, double psiPValue = double.NaN, double alpha = 0.01)
    {
        if (double.IsNaN(psi)) return DriftVerdict.NotComputed;
        bool beyondNoise = double.IsNaN(psiPValue) || psiPValue < alpha;
        if (psi >= 0.25 && beyondNoise) return DriftVerdict.Major;
        if ((psi >= 0.1 && beyondNoise) || (!double.IsNaN(ksPValue) && ksPValue < alpha)) return DriftVerdict.Moderate;
        return DriftVerdict.Stable;
    }
}
