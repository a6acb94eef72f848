using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Preparation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>
/// The hand-written numerics (Welford moments, type-7 quantiles, medians, normal equations solved by Gauss–Jordan)
/// were replaced by MathNet. The replaced code is kept here as the reference, and the library versions must give the
/// same numbers on fixed inputs, so a report or an imputed value does not shift.
/// </summary>
public class LibraryNumericsTests
{
    private static readonly double[] Values = [3.5, -1.25, 7, 7, 0.001, 12.75, 4.2, -8, 5.5, 1e-3, 9.99, 2];

    [Fact]
    public void Column_moments_and_quantiles_equal_the_hand_written_ones()
    {
        var slot = new ColumnSlot("x", 0, ColumnKind.Numeric, ColumnRole.Feature, ProfileMode.Numeric, "Single");
        var accumulator = new ColumnAccumulator(slot, new ExploreOptions(), seed: 1, countCategories: false);
        foreach (var v in Values) accumulator.Add(new Cell(v, null, false));
        var summary = accumulator.Summary()!;

        // Welford, as ColumnAccumulator did it by hand.
        long n = 0;
        double mean = 0, m2 = 0;
        foreach (var x in Values) { n++; var d = x - mean; mean += d / n; m2 += d * (x - mean); }
        Assert.Equal(mean, summary.Mean, 12);
        Assert.Equal(Math.Sqrt(m2 / (n - 1)), summary.StdDev, 12);
        Assert.Equal(Values.Min(), summary.Min);
        Assert.Equal(Values.Max(), summary.Max);

        var sorted = Values.OrderBy(v => v).ToArray();
        Assert.Equal(OldQuantile(sorted, 0.5), summary.Median, 12);
        Assert.Equal(OldQuantile(sorted, 0.25), summary.Q1, 12);
        Assert.Equal(OldQuantile(sorted, 0.75), summary.Q3, 12);
        foreach (var p in new[] { 0.0, 0.1, 0.33, 0.9, 1.0 })
            Assert.Equal(OldQuantile(sorted, p), ColumnAccumulator.Quantile(sorted, p), 12);
        Assert.True(double.IsNaN(ColumnAccumulator.Quantile([], 0.5)));
    }

    [Theory]
    [InlineData(new float[] { 3, 1, 2 })]
    [InlineData(new float[] { 4, 1, 3, 2 })]
    [InlineData(new float[] { 0.1f, 0.2f })]
    [InlineData(new float[] { 16777216f, 16777218f })]
    [InlineData(new float[] { -5.5f })]
    public void Median_equals_the_hand_written_one(float[] values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var mid = sorted.Count / 2;
        float old = sorted.Count % 2 == 1 ? sorted[mid] : (float)((sorted[mid - 1] + (double)sorted[mid]) / 2);
        Assert.Equal(old, MedianImputerEstimator.Median(values.ToList()));
    }

    [Fact]
    public void Least_squares_residual_equals_gauss_jordan_on_the_normal_equations()
    {
        // y = 2 a − 3 b + 1 + noise, with c an exact copy of a (collinear: the ridge must keep it solvable).
        var random = new Random(7);
        var rows = new List<Cell[]>();
        var y = new List<double>();
        for (int i = 0; i < 60; i++)
        {
            double a = random.NextDouble() * 10, b = random.NextDouble() * 5 - 2;
            rows.Add([new Cell(a, null, false), new Cell(b, null, false), new Cell(a, null, false)]);
            y.Add(2 * a - 3 * b + 1 + (random.NextDouble() - 0.5));
        }
        foreach (var columns in new List<int>[] { [0], [0, 1], [0, 1, 2] })
        {
            double expected = OldResidualVariance(rows, columns, y.ToArray());
            double actual = JointLeakageProber.ResidualVariance(rows, columns, y.ToArray());
            Assert.Equal(expected, actual, 9);
        }
        Assert.True(JointLeakageProber.ResidualVariance(rows, [0, 1], y.ToArray()) < 0.1);
    }

    private static double OldQuantile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    // The replaced implementation, verbatim: normal equations with a tiny ridge, Gauss–Jordan with partial pivoting.
    private static double OldResidualVariance(List<Cell[]> rows, List<int> columns, double[] y)
    {
        int p = columns.Count + 1;
        var xtx = new double[p, p];
        var xty = new double[p];
        var x = new double[p];
        for (int n = 0; n < rows.Count; n++)
        {
            x[0] = 1;
            for (int j = 0; j < columns.Count; j++) x[j + 1] = rows[n][columns[j]].Number;
            for (int a = 0; a < p; a++)
            {
                xty[a] += x[a] * y[n];
                for (int b = 0; b < p; b++) xtx[a, b] += x[a] * x[b];
            }
        }
        for (int a = 1; a < p; a++) xtx[a, a] += 1e-9 * (1 + xtx[a, a]);
        var beta = Solve(xtx, xty);
        double sum = 0;
        for (int n = 0; n < rows.Count; n++)
        {
            double prediction = beta[0];
            for (int j = 0; j < columns.Count; j++) prediction += beta[j + 1] * rows[n][columns[j]].Number;
            sum += (y[n] - prediction) * (y[n] - prediction);
        }
        return sum / rows.Count;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (int i = 0; i < n; i++)
        {
            int pivot = i;
            for (int r = i + 1; r < n; r++) if (Math.Abs(m[r, i]) > Math.Abs(m[pivot, i])) pivot = r;
            if (pivot != i)
            {
                for (int k = 0; k < n; k++) (m[i, k], m[pivot, k]) = (m[pivot, k], m[i, k]);
                (v[i], v[pivot]) = (v[pivot], v[i]);
            }
            if (Math.Abs(m[i, i]) < 1e-300) continue;
            for (int r = 0; r < n; r++)
            {
                if (r == i) continue;
                double f = m[r, i] / m[i, i];
                if (f == 0) continue;
                for (int k = i; k < n; k++) m[r, k] -= f * m[i, k];
                v[r] -= f * v[i];
            }
        }
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Abs(m[i, i]) < 1e-300 ? 0 : v[i] / m[i, i];
        return x;
    }
}
