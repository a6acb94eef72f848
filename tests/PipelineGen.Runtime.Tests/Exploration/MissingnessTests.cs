using System.Globalization;
using PipelineGen.Runtime.Exploration;
using Xunit;
using Xunit.Abstractions;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>Missingness that depends on the label: a field left blank far more often for one class is a finding.</summary>
public class MissingnessTests(ITestOutputHelper output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Binary file: 'income' is blank in ~40% of 'yes' rows and ~5% of 'no' rows (values themselves are noise);
    /// 'phone' is blank in 10% of rows whatever the label.</summary>
    internal static string BinaryFile(int rows = 1200, int seed = 5)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, rows).Select(_ =>
        {
            var yes = random.NextDouble() < 0.5;
            var income = random.NextDouble() < (yes ? 0.4 : 0.05) ? "" : (20 + 80 * random.NextDouble()).ToString("0.0", Inv);
            var phone = random.NextDouble() < 0.1 ? "" : (random.NextDouble() < 0.5 ? "mobile" : "landline");
            var noise = random.NextDouble().ToString("0.000", Inv);
            return $"{income},{phone},{noise},{(yes ? "yes" : "no")}";
        });
        return Synthetic.Write("missing_binary.csv", "income,phone,noise,label", lines);
    }

    [Fact]
    public void A_column_blank_far_more_often_for_one_class_is_flagged_and_a_random_gap_is_not()
    {
        var pipeline = CsvTestPipeline.For(BinaryFile(), MlTaskKind.BinaryClassification, "label",
            CsvTestPipeline.Numeric("income", "noise"), positiveClass: "yes");
        var report = DataExplorer.Explore(pipeline, ExplorationFixtures.Options() with { SkipLeakage = true });

        var m = report.Missingness!;
        Assert.Equal(["income", "phone"], m.Columns.Select(c => c.Column).Order());
        Assert.Equal(0.001 / 2, m.Alpha, 12);
        var income = m.Columns.Single(c => c.Column == "income");
        Assert.True(income.Flagged);
        Assert.Equal("chi-square", income.Test);
        Assert.True(income.PValue < 1e-20, $"p {income.PValue}");
        Assert.InRange(income.Effect, 5, 12);   // ~40% vs ~5%
        var yes = income.Classes.Single(c => c.Class == "yes");
        var no = income.Classes.Single(c => c.Class == "no");
        Assert.InRange(yes.Rate, 0.33, 0.47);
        Assert.InRange(no.Rate, 0.02, 0.08);
        Assert.Equal(income.Missing, yes.Missing + no.Missing);
        Assert.Equal(report.RowCount, income.Rows);

        var phone = m.Columns.Single(c => c.Column == "phone");
        Assert.False(phone.Flagged);
        Assert.True(phone.PValue > 0.001, $"p {phone.PValue}");

        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.InformativeMissing);
        Assert.Equal("income", warning.Column);
        Assert.Equal(WarningSeverity.Warning, warning.Severity);
        Assert.Contains("label = yes", warning.Message);
        Assert.Contains("missing_indicators", warning.Message);
        // A finding, not a failure: explore still exits 0.
        Assert.Equal(0, ExploreCommand.ExitCode(report));

        var console = new StringWriter();
        ExplorationConsole.Write(report, console);
        output.WriteLine(console.ToString());
        Assert.Contains("Missing values vs label", console.ToString());
        Assert.Contains("INFORMATIVE", console.ToString());
        Assert.Contains("Missing values vs the label", ExplorationHtml.Render(report));
    }

    /// <summary>
    /// A share under 1 % reads the same in the column table and the missing-vs-label table ("0.67%"); the column table
    /// rounded it to one decimal ("0.7%") while the other kept two.
    /// </summary>
    [Fact]
    public void A_small_missing_share_is_written_the_same_in_both_tables()
    {
        var lines = Enumerable.Range(0, 1500).Select(i => $"{(i % 150 == 7 ? "" : (i % 97).ToString(Inv))},{(i % 2 == 0 ? "yes" : "no")}");
        var file = Synthetic.Write("missing_rare.csv", "rare,label", lines);
        var pipeline = CsvTestPipeline.For(file, MlTaskKind.BinaryClassification, "label", CsvTestPipeline.Numeric("rare"), positiveClass: "yes");
        var report = DataExplorer.Explore(pipeline, ExplorationFixtures.Options() with { SkipLeakage = true });
        var console = new StringWriter();
        ExplorationConsole.Write(report, console);
        var text = console.ToString();
        Assert.Contains("10 (0.67%)", text);
        Assert.Contains("0.67% missing", text);
        Assert.DoesNotContain("(0.7%)", text);
        Assert.Contains("10 (0.67%)", ExplorationHtml.Render(report));
    }

    [Fact]
    public void Regression_compares_the_label_mean_when_missing_and_present()
    {
        // 'x' is blank mostly when the label is high; 'z' is blank at random.
        var random = new Random(9);
        var lines = Enumerable.Range(0, 1500).Select(_ =>
        {
            var y = 10 + 2 * Normal(random);
            var x = random.NextDouble() < (y > 11 ? 0.5 : 0.05) ? "" : random.NextDouble().ToString("0.000", Inv);
            var z = random.NextDouble() < 0.2 ? "" : random.NextDouble().ToString("0.000", Inv);
            return $"{x},{z},{y.ToString("0.000", Inv)}";
        });
        var path = Synthetic.Write("missing_regression.csv", "x,z,y", lines);
        var report = DataExplorer.Explore(CsvTestPipeline.For(path, MlTaskKind.Regression, "y", CsvTestPipeline.Numeric("x", "z", "y")),
            ExplorationFixtures.Options() with { SkipLeakage = true });

        var x = report.Missingness!.Columns.Single(c => c.Column == "x");
        Assert.True(x.Flagged);
        Assert.Equal("Welch t", x.Test);
        Assert.True(x.LabelMeanMissing > x.LabelMeanPresent + 1, $"{x.LabelMeanMissing} vs {x.LabelMeanPresent}");
        Assert.True(x.Effect >= 0.5, $"shift {x.Effect}");
        var z = report.Missingness.Columns.Single(c => c.Column == "z");
        Assert.False(z.Flagged);
        Assert.True(z.Effect < 0.2, $"shift {z.Effect}");
        Assert.Equal(["x"], report.Warnings.Where(w => w.Kind == WarningKind.InformativeMissing).Select(w => w.Column));
    }

    [Fact]
    public void A_large_but_tiny_difference_is_not_material()
    {
        // 30,000 rows: 'a' is blank in 22% of positives vs 18% of negatives: significant, but a rate ratio of 1.2 is not material.
        var random = new Random(2);
        var lines = Enumerable.Range(0, 30_000).Select(_ =>
        {
            var yes = random.NextDouble() < 0.5;
            var a = random.NextDouble() < (yes ? 0.22 : 0.18) ? "" : "1";
            return $"{a},{(yes ? 1 : 0)}";
        });
        var path = Synthetic.Write("missing_tiny_effect.csv", "a,label", lines);
        var report = DataExplorer.Explore(CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "label", CsvTestPipeline.Numeric("a")),
            ExplorationFixtures.Options() with { SkipLeakage = true });
        var a = Assert.Single(report.Missingness!.Columns);
        Assert.True(a.PValue < 1e-6, $"p {a.PValue}");
        Assert.InRange(a.Effect, 1.1, 1.4);
        Assert.False(a.Flagged);
        Assert.DoesNotContain(report.Warnings, w => w.Kind == WarningKind.InformativeMissing);
    }

    [Fact]
    public void Tests_match_reference_values()
    {
        // Fisher's exact test on [[1, 9], [11, 3]]: two-sided p = 0.002759 (R: fisher.test).
        Assert.Equal(0.002759, MissingnessStatistics.FisherExact(a: 1, rowsA: 10, m: 12, n: 24), 5);
        // Chi-square without continuity correction on [[30, 70], [50, 50]]: 8.333, p = 0.003892.
        var (test, chi, p) = MissingnessStatistics.ContingencyTest([new("a", 100, 30), new("b", 100, 50)], n: 200, m: 80);
        Assert.Equal("chi-square", test);
        Assert.Equal(8.3333, chi, 3);
        Assert.Equal(0.003892, p, 5);
        // An expected count under 5 switches to Fisher.
        Assert.Equal("Fisher exact", MissingnessStatistics.ContingencyTest([new("a", 6, 1), new("b", 14, 11)], n: 20, m: 12).Test);
        // Welch: {1,2,3,4} vs {2,4,6,8,10}: t = -3.5 / sqrt(5/12 + 2) = -2.2514, df = 5.52.
        var (t, pt) = MissingnessStatistics.WelchT(4, 2.5, 5.0 / 3, 5, 6, 10);
        Assert.Equal(-2.2514, t, 4);
        Assert.InRange(pt, 0.06, 0.08);
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
