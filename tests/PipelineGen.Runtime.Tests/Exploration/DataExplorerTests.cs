using System.Globalization;
using PipelineGen.Runtime.Exploration;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

public class DataExplorerTests
{
    private static ExplorationReport Explore(IPipelineDefinition pipeline, ExploreOptions? options = null) =>
        DataExplorer.Explore(pipeline, options ?? ExplorationFixtures.Options());

    [Fact]
    public void Statistics_of_a_tiny_file_match_hand_computed_values()
    {
        var report = Explore(ExplorationFixtures.Tiny());
        Assert.Equal(12, report.RowCount);

        var age = report.Columns.Single(c => c.Name == "age");
        Assert.Equal(2, age.Missing);
        Assert.Equal(10, age.Count);
        Assert.Equal(7, age.Distinct);
        Assert.False(age.DistinctIsLowerBound);
        Assert.Equal(33.1, age.Numeric!.Mean, 4);
        Assert.Equal(32.5, age.Numeric.Median, 6);
        Assert.Equal(12.740573857649514, age.Numeric.StdDev, 4);
        Assert.Equal(19, age.Numeric.Min);
        Assert.Equal(58, age.Numeric.Max);
        Assert.False(age.Numeric.QuantilesFromSample);
        Assert.Equal(10, age.Histogram.Sum(b => b.Count), 6);

        var score = report.Columns.Single(c => c.Name == "score"); // "NA" is a missing token
        Assert.Equal(1, score.Missing);
        Assert.Equal(9, score.Distinct);
        Assert.Equal(3.3863636363636362, score.Numeric!.Mean, 4);
        Assert.Equal(2.5, score.Numeric.Median, 6);

        var color = report.Columns.Single(c => c.Name == "color");
        Assert.Equal(1, color.Missing);
        Assert.Equal(3, color.Distinct);
        Assert.Equal(new[] { ("red", 6L), ("blue", 3L), ("green", 2L) }, color.TopValues.Select(t => (t.Value, t.Count)));
        Assert.Null(color.Numeric);

        var comment = report.Columns.Single(c => c.Name == "comment"); // "?" is a missing token
        Assert.Equal(ColumnKind.Text, comment.Kind);
        Assert.Equal(1, comment.Missing);
        Assert.Equal(7, comment.Distinct);
        Assert.Equal(2, comment.TextLength!.Min);
        Assert.Equal(25, comment.TextLength.Max);

        var extra = report.Columns.Single(c => c.Name == "extra");
        Assert.Equal(12, extra.Missing);
        Assert.Equal(100, extra.MissingPercent, 6);
        Assert.Null(extra.Numeric);
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.AllMissing && w.Column == "extra");

        Assert.Equal(10, report.SampleRows.Count);
        Assert.Equal(["1", "22", "red", "fine", "1.5", "yes", ""], report.SampleRows[0]);
        Assert.Equal(["2", "", "blue", "okay", "2.5", "no", ""], report.SampleRows[1]);
    }

    [Fact]
    public void Duplicates_ignore_id_columns_and_name_the_first_occurrence()
    {
        var report = Explore(ExplorationFixtures.Tiny());
        Assert.Equal(2, report.Duplicates.DuplicateRows);
        Assert.DoesNotContain("id", report.Duplicates.ColumnsCompared);
        Assert.Equal([(5L, 1L), (9L, 1L)], report.Duplicates.Examples.Select(e => (e.RowNumber, e.FirstRowNumber)));
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.Duplicates);

        // titanic_300 has 18 exact repeats (counted independently with a Python set of rows).
        Assert.Equal(18, ExplorationFixtures.TitanicReport.Duplicates.DuplicateRows);
        Assert.Equal(33, ExplorationFixtures.TitanicReport.Duplicates.Examples[0].FirstRowNumber);
        Assert.Equal(48, ExplorationFixtures.TitanicReport.Duplicates.Examples[0].RowNumber);
    }

    [Fact]
    public void Classes_that_differ_only_in_case_or_spaces_are_a_serious_finding_naming_rows()
    {
        // Penguins with one class typed three ways: data rows 5 and 9 'adelie', row 12 'ADELIE ' (trailing space).
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        var path = Path.Combine(Synthetic.Directory(), "penguins_spelled.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i is 5 or 9 ? "adelie" + l["Adelie".Length..] : i == 12 ? "ADELIE " + l["Adelie".Length..] : l));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));
        var report = Explore(pipeline, ExplorationFixtures.Options() with { SkipLeakage = true });
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.LabelSpelling);
        Assert.Equal(WarningSeverity.Serious, warning.Severity);
        Assert.Contains("'Adelie' (149 rows, first at data row 1), 'adelie' (2 rows, first at data row 5), 'ADELIE' (1 row, first at data row 12)", warning.Message);
        Assert.Contains("(5 classes where the data probably has 3)", warning.Message);
        Assert.Contains("penguins_spelled.csv", warning.Message);
        Assert.Equal(1, ExploreCommand.ExitCode(report));
        // The honest file has no such finding.
        Assert.DoesNotContain(Explore(ExplorationFixtures.Penguins(), ExplorationFixtures.Options() with { SkipLeakage = true }).Warnings,
            w => w.Kind == WarningKind.LabelSpelling);
    }

    [Fact]
    public void A_regression_label_with_a_few_absurd_values_is_warned_with_rows_and_honest_tails_are_not()
    {
        // taxis_train: fares 2.5..87.5, median 9.5, IQR 9.5 (the longest trip 8.2 IQRs above the median): a heavy tail, no warning.
        Assert.DoesNotContain(Explore(ExplorationFixtures.Taxis(), ExplorationFixtures.Options() with { SkipLeakage = true }).Warnings,
            w => w.Kind == WarningKind.LabelOutliers);
        // Data rows 7 and 300 get a placeholder and a fare typed in cents.
        var lines = File.ReadAllLines(CsvTestPipeline.Data("taxis_train.csv"));
        string Fare(string line, string fare) { var f = line.Split(','); f[4] = fare; return string.Join(',', f); }
        var path = Path.Combine(Synthetic.Directory(), "taxis_typos.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i == 7 ? Fare(l, "999999") : i == 300 ? Fare(l, "1250") : l));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.Regression, "fare", ExplorationFixtures.Taxis().Settings.Columns
            .Where(c => c.Kind != ColumnKind.Categorical).ToDictionary(c => c.Name, c => c.Kind));
        var warning = Assert.Single(Explore(pipeline, ExplorationFixtures.Options() with { SkipLeakage = true }).Warnings,
            w => w.Kind == WarningKind.LabelOutliers);
        Assert.Equal(WarningSeverity.Warning, warning.Severity);
        Assert.Contains("label 'fare' has 2 value(s) far outside the rest", warning.Message);
        Assert.Contains("999999 at data row 7, 1250 at data row 300 of", warning.Message);
        Assert.Contains("taxis_typos.csv", warning.Message);
    }

    [Fact]
    public void A_numeric_code_for_missing_is_warned_with_its_rows_and_the_spec_fix_and_declaring_it_reads_it_as_missing()
    {
        // Every 10th penguin's body mass written as -999 (34 rows): the summaries would read a mean near 4,200 as ~3,700.
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        string Mass(string line, string mass) { var f = line.Split(','); f[5] = mass; return string.Join(',', f); }
        var path = Path.Combine(Synthetic.Directory(), "penguins_sentinel.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i > 0 && i % 10 == 0 ? Mass(l, "-999") : l));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));
        var options = ExplorationFixtures.Options() with { SkipLeakage = true };

        var report = Explore(pipeline, options);
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.MissingCode);
        Assert.Equal("body_mass_g", warning.Column);
        Assert.Equal(WarningSeverity.Warning, warning.Severity);
        Assert.Contains("'body_mass_g' holds -999 in 34 rows (9.9%) of", warning.Message);
        Assert.Contains("far below every other value (2700..6300)", warning.Message);
        // The fix names this column only: a global -999 would also erase real values of other columns.
        Assert.Contains("'columns: { body_mass_g: { missing_values: [\"-999\"] } }'", warning.Message);

        // Declared as the column's own missing token, the code is a gap: counted missing, out of the mean, and no longer warned.
        var declared = new CsvTestPipeline(pipeline.Settings with
        {
            Columns = pipeline.Settings.Columns.Select(c => c.Name == "body_mass_g" ? c with { MissingTokens = ["-999"] } : c).ToArray(),
        });
        var fixedReport = Explore(declared, options);
        Assert.DoesNotContain(fixedReport.Warnings, w => w.Kind == WarningKind.MissingCode);
        var mass = fixedReport.Columns.Single(c => c.Name == "body_mass_g");
        Assert.Equal(1 + 34, mass.Missing); // data row 4 was NA; row 340, NA too, is one of the codes
        Assert.Equal(2700, mass.Numeric!.Min);
    }

    [Fact]
    public void A_minus_one_in_a_count_is_warned_but_ordinary_values_that_look_like_codes_are_not()
    {
        var random = new Random(3);
        // visits: a count 0..30 with -1 for 'never asked' in 1 row of 8; score: a genuine -1/0/1 rating; pct: 0..100 where
        // 99 is an ordinary value inside the range; debt: a skewed amount whose 9999 is inside the range too.
        var rows = Enumerable.Range(0, 240).Select(i => string.Join(',',
            i % 8 == 0 ? "-1" : random.Next(0, 31).ToString(CultureInfo.InvariantCulture),
            (random.Next(3) - 1).ToString(CultureInfo.InvariantCulture),
            (i % 20 == 0 ? 99 : random.Next(0, 101)).ToString(CultureInfo.InvariantCulture),
            (i % 30 == 0 ? 9999 : (int)Math.Exp(random.NextDouble() * 11)).ToString(CultureInfo.InvariantCulture),
            random.Next(2) == 0 ? "y" : "n"));
        var path = Synthetic.Write("codes.csv", "visits,score,pct,debt,label", rows);
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "label",
            CsvTestPipeline.Numeric("visits", "score", "pct", "debt")), ExplorationFixtures.Options() with { SkipLeakage = true });

        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.MissingCode);
        Assert.Equal("visits", warning.Column);
        Assert.Contains("'visits' holds -1 in 30 rows (12.5%)", warning.Message);
        // The fixtures' real columns (ages, fares, tolls of 0, counts of 0) raise nothing.
        Assert.DoesNotContain(ExplorationFixtures.TitanicReport.Warnings, w => w.Kind == WarningKind.MissingCode);
        Assert.DoesNotContain(ExplorationFixtures.TaxisShiftedReport.Warnings, w => w.Kind == WarningKind.MissingCode);
    }

    [Fact]
    public void A_categorical_feature_typed_in_several_cases_or_with_spaces_is_warned()
    {
        var options = ExplorationFixtures.Options() with { SkipLeakage = true };
        Assert.DoesNotContain(Explore(ExplorationFixtures.Penguins(), options).Warnings, w => w.Kind == WarningKind.Spelling);
        // Every 20th island upper-cased, every 30th quoted with a trailing space: before, 'Biscoe', 'BISCOE' and
        // 'Biscoe ' were three islands to the model and explore said nothing.
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        string Island(string line, Func<string, string> change) { var f = line.Split(','); f[1] = change(f[1]); return string.Join(',', f); }
        var path = Path.Combine(Synthetic.Directory(), "penguins_spellings.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i > 0 && i % 20 == 0 ? Island(l, v => v.ToUpperInvariant())
            : i > 0 && i % 30 == 0 ? Island(l, v => $"\"{v} \"") : l));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));
        var warning = Assert.Single(Explore(pipeline, options).Warnings, w => w.Kind == WarningKind.Spelling);
        Assert.Equal("island", warning.Column);
        Assert.Contains("'island' has values that differ only in letter case or spaces: 'Biscoe' (", warning.Message);
        Assert.Contains("'BISCOE' (", warning.Message);
        Assert.Contains("'Biscoe ' (", warning.Message);
    }

    [Fact]
    public void A_label_value_in_a_handful_of_rows_beside_full_classes_is_warned_as_stray()
    {
        var options = ExplorationFixtures.Options() with { SkipLeakage = true };
        Assert.DoesNotContain(Explore(ExplorationFixtures.Penguins(), options).Warnings, w => w.Kind == WarningKind.LabelStray);
        Assert.DoesNotContain(ExplorationFixtures.TitanicReport.Warnings, w => w.Kind == WarningKind.LabelStray);
        // Data rows 50 and 120 typed 'Adelei': before, only an imbalance warning advising macro_accuracy, which would
        // weight the two-row class like the 150-row ones.
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        var path = Path.Combine(Synthetic.Directory(), "penguins_stray.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i is 50 or 120 ? "Adelei" + l[l.IndexOf(',')..] : l));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));
        var warning = Assert.Single(Explore(pipeline, options).Warnings, w => w.Kind == WarningKind.LabelStray);
        Assert.Equal("species", warning.Column);
        Assert.Contains("'Adelei' (2 rows, first at data row 50)", warning.Message);
        Assert.Contains("A typo or a stray code?", warning.Message);
    }

    [Fact]
    public void Rows_repeating_every_feature_of_an_earlier_row_with_another_label_are_warned()
    {
        var penguins = ExplorationFixtures.Options() with { SkipLeakage = true };
        Assert.DoesNotContain(Explore(ExplorationFixtures.Penguins(), penguins).Warnings, w => w.Kind == WarningKind.LabelConflicts);
        // Data rows 1 and 2 (Adelie) appended again as Chinstrap: rows 345 and 346 contradict them.
        var lines = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        var path = Path.Combine(Synthetic.Directory(), "penguins_conflicts.csv");
        File.WriteAllLines(path, lines.Concat(lines.Skip(1).Take(2).Select(l => "Chinstrap" + l["Adelie".Length..])));
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));
        var warning = Assert.Single(Explore(pipeline, penguins).Warnings, w => w.Kind == WarningKind.LabelConflicts);
        Assert.Contains("2 rows (0.58%) repeat every feature of an earlier row with another label", warning.Message);
        Assert.Contains("data row 345 says 'Chinstrap' where row 1 says 'Adelie', data row 346 says 'Chinstrap' where row 2 says 'Adelie')", warning.Message);
    }

    [Fact]
    public void Class_balance_is_reported_and_imbalance_warned()
    {
        var titanic = ExplorationFixtures.TitanicReport.ClassBalance!;
        Assert.Equal([("0", 192L), ("1", 108L)], titanic.Classes.Select(c => (c.Value, c.Count)));
        Assert.Equal(0.36, titanic.MinorityShare, 6);
        Assert.False(titanic.Imbalanced);
        Assert.DoesNotContain(ExplorationFixtures.TitanicReport.Warnings, w => w.Kind == WarningKind.Imbalance);

        var random = new Random(3);
        var path = Synthetic.Write("imbalanced.csv", "x,fraud", Enumerable.Range(0, 100).Select(i =>
            $"{random.NextDouble().ToString(CultureInfo.InvariantCulture)},{(i % 12 == 0 ? "yes" : "no")}"));
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "fraud", CsvTestPipeline.Numeric("x")));
        Assert.True(report.ClassBalance!.Imbalanced);
        Assert.Equal(9.0 / 100, report.ClassBalance.MinorityShare, 6);
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.Imbalance);
        Assert.Contains("'yes'", warning.Message);
        Assert.Contains("Prefer pr_auc/f1", warning.Message);
    }

    [Fact]
    public void When_the_positive_class_is_the_common_one_the_imbalance_warning_does_not_recommend_pr_auc_on_it()
    {
        // 'no' (91 %) is the positive class: pr_auc/f1 on it reward a constant score; the advice names the rare 'yes'.
        var random = new Random(3);
        var path = Synthetic.Write("imbalanced_common_positive.csv", "x,fraud", Enumerable.Range(0, 100).Select(i =>
            $"{random.NextDouble().ToString(CultureInfo.InvariantCulture)},{(i % 12 == 0 ? "yes" : "no")}"));
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "fraud", CsvTestPipeline.Numeric("x"), positiveClass: "no"),
            ExplorationFixtures.Options() with { SkipLeakage = true });
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.Imbalance);
        Assert.DoesNotContain("Prefer pr_auc/f1", warning.Message);
        Assert.Contains("task.positive_class 'no') is the common one", warning.Message);
        Assert.Contains("Make the rare class 'yes' task.positive_class", warning.Message);
        Assert.Contains("a constant score already gets pr_auc 0.91 there", warning.Message); // 91 of 100 rows are 'no
    }

    [Fact]
    public void A_multiclass_imbalance_warning_recommends_metrics_a_multiclass_spec_can_name()
    {
        // Wine-quality-like shares: the minority '3' is 1 % of rows. pr_auc and f1 are binary-only (PG0205 for multiclass).
        var random = new Random(5);
        var path = Synthetic.Write("imbalanced_classes.csv", "x,quality", Enumerable.Range(0, 100).Select(i =>
            $"{random.NextDouble().ToString(CultureInfo.InvariantCulture)},{(i == 0 ? "3" : i % 2 == 0 ? "5" : "6")}"));
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "quality", CsvTestPipeline.Numeric("x")),
            ExplorationFixtures.Options() with { SkipLeakage = true });
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.Imbalance);
        Assert.Contains("minority class '3'", warning.Message);
        Assert.Contains("Prefer macro_accuracy", warning.Message);
        Assert.DoesNotContain("pr_auc", warning.Message);
    }

    [Fact]
    public void Three_classes_with_a_19_percent_minority_are_not_imbalanced()
    {
        // Penguins: 152/124/68. The 20% minority rule is for two classes; three use the 4:1 ratio.
        var report = Explore(ExplorationFixtures.Penguins(), ExplorationFixtures.Options() with { SkipLeakage = true });
        Assert.Equal(3, report.ClassBalance!.Classes.Count);
        Assert.False(report.ClassBalance.Imbalanced);
        Assert.Equal(11, report.Columns.Single(c => c.Name == "sex").Missing);
    }

    [Fact]
    public void Identifier_like_columns_are_detected_and_marked_ids_are_left_alone()
    {
        var random = new Random(5);
        var tickets = Enumerable.Range(0, 60).Select(_ => random.Next(10_000, 99_999)).Distinct().Take(40).ToArray();
        var rows = Enumerable.Range(0, 40).Select(i => string.Join(',',
            (1000 + i).ToString(CultureInfo.InvariantCulture),                          // passenger_id: rising integers
            "T-" + tickets[i].ToString(CultureInfo.InvariantCulture),                   // ticket: unique codes
            (random.NextDouble() * 100).ToString("0.000000", CultureInfo.InvariantCulture), // amount: unique, not ordered
            new[] { "north", "south", "east" }[random.Next(3)],                         // city: ordinary categorical
            "K" + i.ToString(CultureInfo.InvariantCulture),                              // key: unique but marked role: id
            random.Next(2) == 0 ? "y" : "n"));
        var path = Synthetic.Write("ids.csv", "passenger_id,ticket,amount,city,key,label", rows);
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "label",
            CsvTestPipeline.Numeric("passenger_id", "amount"), new Dictionary<string, ColumnRole> { ["key"] = ColumnRole.Id }));

        Assert.Equal(["passenger_id", "ticket"], report.IdLikeColumns.Select(c => c.Column).Order());
        Assert.Equal(2, report.Warnings.Count(w => w.Kind == WarningKind.IdLike));
        Assert.Contains("role: id", report.Warnings.First(w => w.Kind == WarningKind.IdLike).Message);
    }

    [Fact]
    public void Leakage_flags_a_copy_of_a_binary_label_and_not_ordinary_columns()
    {
        var leakage = ExplorationFixtures.TitanicReport.Leakage!;
        Assert.Equal("auc", leakage.Metric);
        var alive = leakage.Probes.Single(p => p.Column == "alive");
        Assert.True(alive.Flagged);
        Assert.True(alive.Score > 0.99, $"alive AUC {alive.Score}");
        Assert.Equal(["alive"], leakage.Flagged.Select(p => p.Column));
        foreach (var ordinary in new[] { "sex", "pclass", "age", "fare", "embarked" })
        {
            var probe = leakage.Probes.Single(p => p.Column == ordinary);
            Assert.False(probe.Flagged, ordinary);
            Assert.InRange(probe.Score, 0.3, 0.9);
        }
        // sex is a genuinely strong single feature: the probe must see it, or the probe learns nothing.
        Assert.True(leakage.Probes.Single(p => p.Column == "sex").Score > 0.7);
        Assert.Contains(ExplorationFixtures.TitanicReport.Warnings, w => w.Kind == WarningKind.Leakage && w.Column == "alive"
            && w.Severity == WarningSeverity.Serious && w.Message.Contains("auc 1.000"));
        // The full-model probe is for regression only (near-perfect classification is common in honest data); nobody else is accused.
        Assert.Null(leakage.DropColumn);
        Assert.Equal(["alive"], ExplorationFixtures.TitanicReport.Warnings.Where(w => w.Kind == WarningKind.Leakage && w.Severity == WarningSeverity.Serious).Select(w => w.Column).Distinct());
    }

    [Fact]
    public void Leakage_flags_a_near_copy_of_a_regression_label()
    {
        var leakage = ExplorationFixtures.TaxisShiftedReport.Leakage!;
        Assert.Equal("r2", leakage.Metric);
        Assert.Equal(["total"], leakage.Flagged.Select(p => p.Column));
        Assert.False(leakage.Probes.Single(p => p.Column == "distance").Flagged); // strong, but honest
        Assert.True(leakage.Probes.Single(p => p.Column == "distance").Score > 0.5);
        Assert.InRange(leakage.Probes.Single(p => p.Column == "passengers").Score, -1, 0.2);
    }

    [Fact]
    public void Joint_leakage_finds_the_parts_of_the_bill_that_alone_look_harmless()
    {
        // total = fare + tip + tolls + surcharges: tip and tolls do not predict the fare alone, but complete total's leak.
        var report = ExplorationFixtures.TaxisShiftedReport;
        var joint = report.Leakage!.Joint!;
        Assert.Equal(["total"], joint.Seeds);
        Assert.Equal(["tip", "tolls"], joint.Added.Select(a => a.Column).Order());
        Assert.True(joint.RSquared >= 0.98, $"R² {joint.RSquared}");
        Assert.DoesNotContain("distance", joint.Columns);  // strong but honest: it explains little of what total leaves
        foreach (var column in new[] { "total", "tip", "tolls" })
            Assert.Contains(report.Warnings, w => w.Kind == WarningKind.Leakage && w.Severity == WarningSeverity.Serious && w.Column == column);
        // Each share is the forward step's: of the error the columns added before it leave (not of the error the set
        // leaves without it, which for the first added column is larger: 80% vs 67% for tip on the taxi data).
        var (first, second) = (joint.Added[0], joint.Added[1]);
        Assert.Contains(report.Warnings, w => w.Column == first.Column
            && w.Message.Contains($"'{first.Column}' removes {Fmt.Percent(first.ErrorRemoved)} of the error a linear fit on total leaves"));
        Assert.Contains(report.Warnings, w => w.Column == second.Column
            && w.Message.Contains($"'{second.Column}' removes {Fmt.Percent(second.ErrorRemoved)} of the error a linear fit on total + {first.Column} leaves"));
        Assert.Equal(1, ExploreCommand.ExitCode(report));
    }

    [Fact]
    public void No_joint_leak_without_a_column_that_leaks_alone()
    {
        Assert.Null(ExplorationFixtures.TitanicReport.Leakage!.Joint);   // classification: not probed
        // With total ignored, nothing leaks alone, so tip and tolls are not accused.
        var withoutTotal = CsvTestPipeline.For(CsvTestPipeline.Data("taxis_train.csv"), MlTaskKind.Regression, "fare", new Dictionary<string, ColumnKind>
        {
            ["pickup"] = ColumnKind.DateTime, ["dropoff"] = ColumnKind.DateTime, ["passengers"] = ColumnKind.Numeric,
            ["distance"] = ColumnKind.Numeric, ["fare"] = ColumnKind.Numeric, ["tip"] = ColumnKind.Numeric,
            ["tolls"] = ColumnKind.Numeric, ["total"] = ColumnKind.Numeric,
        }, roles: new Dictionary<string, ColumnRole> { ["total"] = ColumnRole.Ignore });
        var report = DataExplorer.Explore(withoutTotal, ExplorationFixtures.Options());
        Assert.Empty(report.Leakage!.Flagged);
        Assert.Null(report.Leakage.Joint);
        // distance is strong and honest: the full model without it is worse, but was never implausibly good.
        Assert.Empty(report.Leakage.DropColumn!.Flagged);
        Assert.True(report.Leakage.DropColumn.FullScore < 0.95, $"R² {report.Leakage.DropColumn.FullScore}");
        Assert.DoesNotContain(report.Warnings, w => w.Kind == WarningKind.Leakage && w.Severity == WarningSeverity.Serious);
    }

    [Fact]
    public void Leakage_flags_a_copy_of_a_multiclass_label()
    {
        var source = File.ReadAllLines(CsvTestPipeline.Data("penguins.csv"));
        var path = Synthetic.Write("penguins_leak.csv", source[0] + ",species_code",
            source.Skip(1).Select(line => line + "," + line.Split(',')[0][..2].ToUpperInvariant()));
        var report = Explore(CsvTestPipeline.For(path, MlTaskKind.MulticlassClassification, "species",
            CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")));
        Assert.Equal("macro_accuracy", report.Leakage!.Metric);
        Assert.Equal(["species_code"], report.Leakage.Flagged.Select(p => p.Column));
        Assert.Equal(1.0 / 3, report.Leakage.Probes[0].Baseline, 6);
    }

    [Fact]
    public void Too_few_rows_skip_the_leakage_probe_instead_of_flagging_luck()
    {
        var report = Explore(ExplorationFixtures.Tiny());
        Assert.Null(report.Leakage);
        Assert.DoesNotContain(report.Warnings, w => w.Kind == WarningKind.Leakage);
        Assert.Contains(report.MethodNotes, n => n.Contains("Leakage probes were skipped"));
    }

    [Fact]
    public void A_positive_class_that_never_occurs_is_bad_input()
    {
        var pipeline = CsvTestPipeline.For(CsvTestPipeline.Data("titanic_300.csv"), MlTaskKind.BinaryClassification, "alive",
            positiveClass: "survived");
        var output = new StringWriter();
        Assert.Equal(ExploreCommand.BadInput, ExploreCommand.Run(pipeline, ExplorationFixtures.Options(), output));
        Assert.Contains("titanic_300.csv", output.ToString());
        Assert.Contains("'survived'", output.ToString());
    }

    [Fact]
    public void Drift_is_major_on_a_shifted_file()
    {
        var drift = ExplorationFixtures.TaxisShiftedReport.Drift!;
        Assert.EndsWith("taxis_long_trips.csv", drift.ComparePath);
        Assert.Equal(200, drift.CompareRows);
        foreach (var shifted in new[] { "distance", "fare", "total" })
        {
            var d = drift.Columns.Single(c => c.Column == shifted);
            Assert.Equal(DriftVerdict.Major, d.Verdict);
            Assert.True(d.Psi > 1, $"{shifted} PSI {d.Psi}");
            Assert.True(d.KsPValue < 1e-6, $"{shifted} KS p {d.KsPValue}");
        }
        foreach (var unshifted in new[] { "passengers", "color", "payment" })
            Assert.Equal(DriftVerdict.Stable, drift.Columns.Single(c => c.Column == unshifted).Verdict);
        Assert.Contains(ExplorationFixtures.TaxisShiftedReport.Warnings, w => w.Kind == WarningKind.Drift && w.Column == "distance");
    }

    [Fact]
    public void Drift_is_not_reported_on_a_same_distribution_split()
    {
        // The spec's test file is the default comparison.
        var report = Explore(ExplorationFixtures.Taxis(testFile: "taxis_same.csv"), ExplorationFixtures.Options() with { SkipLeakage = true });
        var drift = report.Drift!;
        Assert.EndsWith("taxis_same.csv", drift.ComparePath);
        Assert.DoesNotContain(drift.Columns, c => c.Verdict == DriftVerdict.Major);
        foreach (var column in new[] { "distance", "fare", "total", "tip", "passengers", "payment", "pickup_borough" })
        {
            var d = drift.Columns.Single(c => c.Column == column);
            Assert.Equal(DriftVerdict.Stable, d.Verdict);
            Assert.True(d.Psi < 0.1, $"{column} PSI {d.Psi}");
        }
    }

    [Fact]
    public void Missing_data_file_is_bad_input_naming_the_file()
    {
        var pipeline = ExplorationFixtures.Tiny();
        var options = ExplorationFixtures.Options() with { DataPath = "/nonexistent/data.csv" };
        var e = Assert.Throws<ExplorationInputException>(() => DataExplorer.Explore(pipeline, options));
        Assert.Contains("/nonexistent/data.csv", e.Message);
        var output = new StringWriter();
        Assert.Equal(ExploreCommand.BadInput, ExploreCommand.Run(pipeline, options, output));
        Assert.Contains("error:", output.ToString());
        Assert.Contains("/nonexistent/data.csv", output.ToString());
    }

    [Fact]
    public void Exit_codes_follow_the_findings()
    {
        var dir = Synthetic.Directory();
        // Leakage is a serious finding: exit 1.
        Assert.Equal(ExploreCommand.CheckFailed, ExploreCommand.Run(ExplorationFixtures.Titanic(),
            ExplorationFixtures.Options(Path.Combine(dir, "titanic.html")), new StringWriter()));
        Assert.True(File.Exists(Path.Combine(dir, "titanic.html")));
        // Warnings only (duplicates, imbalance, drift without FailOnMajorDrift): exit 0.
        Assert.Equal(ExploreCommand.Ok, ExploreCommand.Run(ExplorationFixtures.Tiny(),
            ExplorationFixtures.Options(Path.Combine(dir, "tiny.html")), new StringWriter()));
        // A single-class label is bad input: exit 2.
        var single = Synthetic.Write("single.csv", "x,label", Enumerable.Range(0, 30).Select(i => $"{i % 7},no"));
        var output = new StringWriter();
        Assert.Equal(ExploreCommand.BadInput, ExploreCommand.Run(CsvTestPipeline.For(single, MlTaskKind.BinaryClassification, "label",
            CsvTestPipeline.Numeric("x")), ExplorationFixtures.Options(Path.Combine(dir, "single.html")), output));
        Assert.Contains("single class", output.ToString());
        Assert.Contains("single.csv", output.ToString());
    }

    [Fact]
    public void Bad_rows_are_named_by_line_and_column_and_left_out()
    {
        var rows = Enumerable.Range(0, 30).Select(i => $"{i % 5},{(i % 3 == 0 ? "yes" : "no")}").ToList();
        rows[1] = "abc,no";     // line 3: not a number
        rows[4] = "2,no,extra"; // line 6: one field too many
        var path = Synthetic.Write("bad.csv", "x,label", rows);
        var pipeline = CsvTestPipeline.For(path, MlTaskKind.BinaryClassification, "label", CsvTestPipeline.Numeric("x"));

        // Spec default (fail): the report is written, the command exits 2 and says where the rows are.
        var html = Path.Combine(Synthetic.Directory(), "bad.html");
        var output = new StringWriter();
        Assert.Equal(ExploreCommand.BadInput, ExploreCommand.Run(pipeline, ExplorationFixtures.Options(html), output));
        Assert.True(File.Exists(html));
        Assert.Contains("2 bad row(s)", output.ToString());
        Assert.Contains("bad.csv: line 3, column 1 ('x'): 'abc' is not a number.", output.ToString());

        // Skip: the rows are left out of every statistic and the run is not failed for them.
        var report = DataExplorer.Explore(pipeline, ExplorationFixtures.Options() with { BadRows = BadRowPolicy.Skip });
        Assert.Equal(28, report.RowCount);
        Assert.Equal(0, report.Columns.Single(c => c.Name == "x").Missing);
        Assert.Equal(WarningSeverity.Warning, report.Warnings.Single(w => w.Kind == WarningKind.BadRows).Severity);
        Assert.Equal(ExploreCommand.Ok, ExploreCommand.ExitCode(report));
    }

    [Fact]
    public void Major_drift_fails_the_command_only_when_asked()
    {
        var report = DataExplorer.Explore(ExplorationFixtures.Taxis(), ExplorationFixtures.Options() with
        {
            CompareWithPath = CsvTestPipeline.Data("taxis_long_trips.csv"), SkipLeakage = true, FailOnMajorDrift = true,
        });
        Assert.Equal(ExploreCommand.CheckFailed, ExploreCommand.ExitCode(report));
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.Drift && w.Severity == WarningSeverity.Serious);
    }

    [Fact]
    public void Progress_rises_to_one()
    {
        var seen = new List<double>();
        DataExplorer.Explore(ExplorationFixtures.Tiny(), ExplorationFixtures.Options(), new SyncProgress(seen.Add));
        Assert.Equal(0, seen[0]);
        Assert.Equal(1, seen[^1]);
        Assert.Equal(seen.Order(), seen);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}

/// <summary>Generated test files, under one temp folder per test process; folders of earlier runs are removed.</summary>
internal static class Synthetic
{
    private static readonly string Root = CreateRoot();

    private static string CreateRoot()
    {
        var parent = Path.Combine(Path.GetTempPath(), "pg-explore-tests");
        // The test host is often killed rather than exited, so clean up after earlier runs instead of this one.
        if (System.IO.Directory.Exists(parent))
            foreach (var old in new DirectoryInfo(parent).GetDirectories().Where(d => d.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)))
                try { old.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Path.Combine(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public static string Directory()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Write(string name, string header, IEnumerable<string> rows)
    {
        var path = Path.Combine(Directory(), name);
        File.WriteAllLines(path, rows.Prepend(header));
        return path;
    }
}
