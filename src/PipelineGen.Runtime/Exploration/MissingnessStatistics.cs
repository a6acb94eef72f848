using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>The tests behind <see cref="MissingnessSummary"/>.</summary>
internal static class MissingnessStatistics
{
    /// <summary>Chi-square test of independence of missingness and class; Fisher's exact test when an expected count is
    /// under 5 (one class against the rest, Bonferroni over classes, when there are more than two).</summary>
    public static (string Test, double Statistic, double P) ContingencyTest(IReadOnlyList<MissingRateByClass> classes, long n, long m)
    {
        var rows = classes.Where(c => c.Rows > 0).ToArray();
        if (rows.Length < 2) return ("none", double.NaN, 1);
        bool small = rows.Any(c => (double)c.Rows * m / n < 5 || (double)c.Rows * (n - m) / n < 5);
        if (!small)
        {
            double chi = 0;
            foreach (var c in rows)
            {
                double expectedMissing = (double)c.Rows * m / n, expectedPresent = (double)c.Rows * (n - m) / n;
                chi += Sq(c.Missing - expectedMissing) / expectedMissing + Sq(c.Rows - c.Missing - expectedPresent) / expectedPresent;
            }
            int df = rows.Length - 1;
            return ("chi-square", chi, SpecialFunctions.GammaUpperRegularized(df / 2.0, chi / 2));
        }
        if (rows.Length == 2)
            return ("Fisher exact", double.NaN, FisherExact(rows[0].Missing, rows[0].Rows, m, n));
        double p = rows.Min(c => FisherExact(c.Missing, c.Rows, m, n)) * rows.Length;
        return ("Fisher exact, one class vs rest", double.NaN, Math.Min(1, p));
    }

    /// <summary>Two-sided Fisher exact p for a 2×2 table: <paramref name="a"/> missing among <paramref name="rowsA"/> rows
    /// of one group, <paramref name="m"/> missing among <paramref name="n"/> rows in all. Sums the probabilities of every
    /// table with the same margins no more likely than the one observed.</summary>
    public static double FisherExact(long a, long rowsA, long m, long n)
    {
        long lo = Math.Max(0, rowsA + m - n), hi = Math.Min(rowsA, m);
        double LogP(long k) => SpecialFunctions.FactorialLn((int)m) + SpecialFunctions.FactorialLn((int)(n - m))
            + SpecialFunctions.FactorialLn((int)rowsA) + SpecialFunctions.FactorialLn((int)(n - rowsA))
            - SpecialFunctions.FactorialLn((int)n) - SpecialFunctions.FactorialLn((int)k) - SpecialFunctions.FactorialLn((int)(m - k))
            - SpecialFunctions.FactorialLn((int)(rowsA - k)) - SpecialFunctions.FactorialLn((int)(n - m - rowsA + k));
        double observed = LogP(a);
        double p = 0;
        for (long k = lo; k <= hi; k++)
        {
            var lp = LogP(k);
            if (lp <= observed + 1e-7) p += Math.Exp(lp);
        }
        return Math.Min(1, p);
    }

    public static (double T, double P) WelchT(long nA, double meanA, double varianceA, long nB, double meanB, double varianceB)
    {
        if (nA < 2 || nB < 2) return (double.NaN, 1);
        double va = varianceA / nA, vb = varianceB / nB;
        double diff = meanA - meanB;
        if (va + vb == 0) return diff == 0 ? (0, 1) : (double.PositiveInfinity, 0);
        double t = diff / Math.Sqrt(va + vb);
        double df = Sq(va + vb) / (Sq(va) / (nA - 1) + Sq(vb) / (nB - 1));
        return (t, Math.Min(1, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t))));
    }

    private static double Sq(double x) => x * x;
}
