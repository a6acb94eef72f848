using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// A one-column probe cannot see a leak spread over several columns: a taxi's <c>total</c> is fare + tip + tolls +
/// surcharges, so <c>total</c> alone predicts the fare well, but <c>tip</c> and <c>tolls</c> are each only part of the bill.
/// Starting from the columns the one-column probes flagged, this adds numeric features one at a time (forward stepwise,
/// ordinary least squares on the row sample) while the best one removes at least <see cref="StepShare"/> of the remaining
/// error; the added columns are reported when the set explains at least <see cref="MinRSquared"/> of the label's variance.
/// Honest features rarely pass: on the taxi data, after total and tip, tolls removes 45% of the remaining error and
/// distance 2%.
/// </summary>
internal static class JointLeakageProber
{
    public const double StepShare = 0.30;
    public const double MinRSquared = 0.98;
    private const int MaxColumns = 40;

    public static JointLeakage? Probe(IReadOnlyList<ColumnSlot> slots, IReadOnlyList<Cell[]> rows, int labelIndex, IReadOnlyList<string> seeds)
    {
        var seedIndexes = seeds.Select(s => Index(slots, s)).Where(i => i >= 0 && slots[i].Mode == ProfileMode.Numeric).ToList();
        if (seedIndexes.Count == 0) return null;
        var candidates = Enumerable.Range(0, slots.Count)
            .Where(i => slots[i].Role == ColumnRole.Feature && slots[i].Mode == ProfileMode.Numeric && !seedIndexes.Contains(i))
            .Take(MaxColumns).ToList();

        // Complete cases over the label, the seeds and the candidates: a linear fit needs every value.
        var usable = rows.Where(r => IsNumber(r[labelIndex]) && seedIndexes.All(i => IsNumber(r[i]))).ToList();
        candidates = candidates.Where(c => usable.Count(r => IsNumber(r[c])) >= 0.9 * usable.Count).ToList();
        usable = usable.Where(r => candidates.All(c => IsNumber(r[c]))).ToList();
        if (usable.Count < Math.Max(50, 5 * (seedIndexes.Count + candidates.Count + 1))) return null;

        var y = usable.Select(r => r[labelIndex].Number).ToArray();
        double total = Variance(y);
        if (total <= 0) return null;

        var chosen = new List<int>(seedIndexes);
        double error = ResidualVariance(usable, chosen, y);
        var added = new List<JointLeakageStep>();
        while (candidates.Count > 0)
        {
            var best = candidates.Select(c => (Column: c, Error: ResidualVariance(usable, [.. chosen, c], y))).MinBy(t => t.Error);
            double removed = error <= 0 ? 0 : 1 - best.Error / error;
            if (removed < StepShare) break;
            chosen.Add(best.Column);
            candidates.Remove(best.Column);
            added.Add(new JointLeakageStep(slots[best.Column].Name, removed));
            error = best.Error;
        }
        double r2 = 1 - error / total;
        return added.Count > 0 && r2 >= MinRSquared
            ? new JointLeakage(seedIndexes.Select(i => slots[i].Name).ToArray(), added, r2, usable.Count)
            : null;
    }

    private static int Index(IReadOnlyList<ColumnSlot> slots, string name)
    {
        for (int i = 0; i < slots.Count; i++) if (slots[i].Name == name) return i;
        return -1;
    }

    private static bool IsNumber(in Cell cell) => !cell.Missing && !double.IsNaN(cell.Number);

    private static double Variance(double[] v) => Statistics.PopulationVariance(v);

    /// <summary>Mean squared residual of least squares with an intercept, solved with MathNet through the normal
    /// equations (LU with partial pivoting); a tiny ridge on the non-intercept diagonal keeps collinear columns solvable.</summary>
    internal static double ResidualVariance(List<Cell[]> rows, List<int> columns, double[] y)
    {
        int p = columns.Count + 1;
        var x = Matrix<double>.Build.Dense(rows.Count, p, (n, j) => j == 0 ? 1 : rows[n][columns[j - 1]].Number);
        var target = Vector<double>.Build.DenseOfArray(y);
        var xtx = x.TransposeThisAndMultiply(x);
        for (int a = 1; a < p; a++) xtx[a, a] += 1e-9 * (1 + xtx[a, a]);
        var beta = xtx.LU().Solve(x.TransposeThisAndMultiply(target));
        var residual = target - x * beta;
        return residual.DotProduct(residual) / rows.Count;
    }
}
