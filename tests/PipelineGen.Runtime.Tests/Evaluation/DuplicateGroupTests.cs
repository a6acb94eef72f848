using System.Globalization;
using System.Text;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// One feature vector repeated many times (a public medical dataset has one row 3,322 times, 30% of the file, all one
/// class): kept together it cannot fit a balanced fold. The planner says so, offers the choice, and the report shows
/// the per-split table; drop and keep give balanced folds.
/// </summary>
public class DuplicateGroupTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    // 1,000 rows: rows 0..299 are copies of one row of class 0 (30% of the file); 200 more of class 0, 500 of class 1.
    private static RowKeys HugeDuplicateGroup()
    {
        const int n = 1000;
        var labels = new int[n];
        var duplicateOf = new int[n];
        for (int r = 0; r < n; r++)
        {
            labels[r] = r < 500 ? 0 : 1;
            duplicateOf[r] = r < 300 ? 0 : r;
        }
        return new RowKeys
        {
            RowCount = n,
            Excluded = new bool[n],
            LabelClass = labels,
            ClassNames = ["no", "yes"],
            DuplicateOf = duplicateOf,
            DuplicateRowCount = 299,
        };
    }

    private static SplitPlan Plan(RowKeys keys, DuplicatePolicy policy) =>
        SplitPlanner.Plan(keys, new EvaluationSettings { Folds = 5, Seed = 3, Duplicates = policy }, MlTaskKind.BinaryClassification);

    [Fact]
    public void Grouped_the_huge_set_is_one_fold_the_others_stay_balanced_and_a_warning_offers_the_choice()
    {
        var plan = Plan(HugeDuplicateGroup(), DuplicatePolicy.Group);

        var large = Assert.Single(plan.LargeUnits);
        Assert.Equal(300, large.Rows);
        Assert.Equal(0.3, large.Share, 6);
        Assert.False(large.ByGroup);
        Assert.Equal([new KeyValuePair<string, int>("no", 300)], large.ClassMix);
        var warning = Assert.Single(plan.Warnings, w => w.Contains("300 identical rows"));
        Assert.Contains("30.0% of the 1000 rows used", warning);
        Assert.Contains("all of class 'no'", warning);
        Assert.Contains("evaluate.duplicates: drop", warning);
        Assert.Contains("'keep'", warning);

        // Copies stay on one side of every split.
        foreach (var split in plan.Splits)
            Assert.True(Enumerable.Range(0, 300).All(r => split.IsValidation(r)) || Enumerable.Range(0, 300).All(r => split.IsTraining(r)));
        // The set fills one fold; the other four share the rest evenly in size and class mix.
        var holder = Assert.Single(plan.Splits, s => s.IsValidation(0));
        var others = plan.Splits.Where(s => s != holder).ToArray();
        Assert.All(others, s => Assert.InRange(s.ValidationRowCount, 149, 151));
        Assert.All(others, s => Assert.InRange(s.ValidationClassCounts![1], 99, 101));
        Assert.Equal(0, holder.ValidationClassCounts![0] - 300); // no other row of its class joins it
    }

    [Fact]
    public void Drop_keeps_one_copy_and_balances_the_folds()
    {
        var plan = Plan(HugeDuplicateGroup(), DuplicatePolicy.Drop);

        Assert.Empty(plan.LargeUnits);
        Assert.Equal(701, plan.RowCount);
        Assert.Equal(299, plan.DroppedDuplicateRowCount);
        Assert.Contains(plan.Warnings, w => w.Contains("'drop': 299 exact-duplicate row(s) are left out of every split"));
        Assert.Contains("duplicates dropped", plan.Description);
        foreach (var split in plan.Splits)
        {
            Assert.InRange(split.ValidationRowCount, 140, 141);
            Assert.InRange(split.ValidationClassCounts![0], 40, 41); // 201 of class 'no'
            Assert.InRange(split.ValidationClassCounts![1], 100, 100);
            for (int r = 1; r < 300; r++) Assert.False(split.IsValidation(r) || split.IsTraining(r));
        }
    }

    [Fact]
    public void Keep_splits_copies_as_independent_rows_and_says_it_leaks()
    {
        var plan = Plan(HugeDuplicateGroup(), DuplicatePolicy.Keep);

        Assert.Empty(plan.LargeUnits);
        Assert.All(plan.Splits, s => Assert.Equal(200, s.ValidationRowCount));
        Assert.All(plan.Splits, s => Assert.Equal(100, s.ValidationClassCounts![0]));
        Assert.Contains(plan.Splits, s => Enumerable.Range(0, 300).Any(r => s.IsValidation(r)) && Enumerable.Range(0, 300).Any(r => s.IsTraining(r)));
        Assert.Contains(plan.Warnings, w => w.Contains("'keep'") && w.Contains("leaks"));
    }

    [Fact]
    public void Mixed_class_groups_are_placed_to_keep_class_shares_even()
    {
        // 60 groups of 5 rows: 20 groups all 'no', 20 all 'yes', 20 with 1 'yes' and 4 'no'.
        var labels = new List<int>();
        var groups = new List<int>();
        for (int g = 0; g < 60; g++)
            for (int i = 0; i < 5; i++)
            {
                groups.Add(g);
                labels.Add(g < 20 ? 0 : g < 40 ? 1 : i == 0 ? 1 : 0);
            }
        var keys = new RowKeys
        {
            RowCount = 300,
            Excluded = new bool[300],
            LabelClass = [.. labels],
            ClassNames = ["no", "yes"],
            GroupOf = [.. groups],
            DuplicateOf = [.. Enumerable.Range(0, 300)],
        };

        var plan = SplitPlanner.Plan(keys, new EvaluationSettings { Folds = 5, Seed = 11 }, MlTaskKind.BinaryClassification);

        Assert.Empty(plan.LargeUnits);
        // 180 'no' and 120 'yes' rows: 36 and 24 per fold when perfectly even; groups of 5 allow a few rows off.
        foreach (var split in plan.Splits)
        {
            Assert.InRange(split.ValidationRowCount, 55, 65);
            Assert.InRange(split.ValidationClassCounts![1], 20, 28);
        }
    }

    [Fact]
    public void A_group_column_group_too_large_for_a_fold_is_named_as_a_group()
    {
        var labels = Enumerable.Range(0, 200).Select(r => r % 2).ToArray();
        var groups = Enumerable.Range(0, 200).Select(r => r < 60 ? 0 : r).ToArray();
        var keys = new RowKeys
        {
            RowCount = 200, Excluded = new bool[200], LabelClass = labels, ClassNames = ["a", "b"], GroupOf = groups,
            DuplicateOf = [.. Enumerable.Range(0, 200)],
        };

        var plan = SplitPlanner.Plan(keys, new EvaluationSettings { Folds = 5, Seed = 1 }, MlTaskKind.BinaryClassification);

        Assert.True(Assert.Single(plan.LargeUnits).ByGroup);
        Assert.Contains(plan.Warnings, w => w.StartsWith("a group of 60 rows (first at data row 1, classes 'a' 30, 'b' 30)", StringComparison.Ordinal) && w.Contains("fewer folds"));
    }

    // A CSV where one row is 120 of 420 rows.
    private string HugeDuplicateCsv()
    {
        var random = new Random(17);
        var csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 300; i++)
        {
            double a = random.NextDouble(), b = random.NextDouble();
            bool yes = a + b > 1 ^ random.NextDouble() < 0.1;
            csv.Append(CultureInfo.InvariantCulture, $"{a:0.####},{b:0.####},{(yes ? "yes" : "no")}\n");
        }
        for (int i = 0; i < 120; i++) csv.Append("0.2,0.1,no\n");
        return _dir.Write("huge-duplicate.csv", csv.ToString());
    }

    private BinaryPipeline Pipeline(string path) => new(new PipelineSettings
    {
        Name = "Dup",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        ProjectDirectory = _dir.Path,
        Columns =
        [
            TestPipeline.Column("a", 0, ColumnKind.Numeric), TestPipeline.Column("b", 1, ColumnKind.Numeric),
            TestPipeline.Column("label", 2, ColumnKind.Categorical, ColumnRole.Label),
        ],
    });

    [Fact]
    public void Evaluate_on_a_huge_duplicate_set_warns_and_prints_the_per_split_table()
    {
        var pipeline = Pipeline(HugeDuplicateCsv());
        var output = new StringWriter();
        var error = new StringWriter();

        PipelineApp.Run(["evaluate"], pipeline, output, error);

        string text = output.ToString();
        Assert.Contains("warning: 120 identical rows (first at data row 301, all of class 'no') are 28.6% of the 420 rows used", text);
        Assert.Contains("Per split (some rows kept together are too many for a balanced split", text);
        Assert.Contains("validation class mix", text);

        var result = Evaluator.Evaluate(pipeline);
        Assert.NotNull(result.PerSplitReason);
        // The split that holds the set is scored mostly on it: no other row of its class joins it.
        var holder = result.Splits.MaxBy(s => s.ValidationRows)!;
        int no = result.ClassNames.ToList().IndexOf("no");
        Assert.Equal(120, holder.ValidationClassCounts![no]);
        Assert.True(holder.ValidationRows > 120);

        // Dropped: folds are balanced, nothing large, the table is no longer forced by the duplicates.
        var dropped = Evaluator.Evaluate(pipeline, new EvaluationOptions { Duplicates = DuplicatePolicy.Drop });
        Assert.Empty(dropped.LargeUnits);
        Assert.Equal(301, dropped.UsedRowCount);
        Assert.All(dropped.Splits, s => Assert.InRange(s.ValidationRows, 60, 61));
        Assert.Equal("drop", dropped.Parameters()["duplicates"]);
        Assert.DoesNotContain(dropped.Warnings, w => w.Contains("kept on one side of every split"));
    }

    [Fact]
    public void Per_split_reason_flags_an_outlying_fold_and_a_spread_larger_than_the_gap()
    {
        SplitResult Split(int fold, double model, double baseline) => new(0, fold, 80, 20,
            new Dictionary<string, double?> { ["auc"] = model }, new Dictionary<string, double?> { ["auc"] = baseline });

        var calm = new[] { Split(0, 0.90, 0.5), Split(1, 0.91, 0.5), Split(2, 0.89, 0.5), Split(3, 0.90, 0.5), Split(4, 0.92, 0.5) };
        var calmComparison = BaselineComparison.Compare("auc", calm.Select(s => s.Model!["auc"]).ToArray(), calm.Select(s => s.Baseline["auc"]).ToArray(), 0.25);
        Assert.Null(Evaluator.PerSplitReason(calm, "auc", calmComparison, [], includeModel: true));

        var outlier = new[] { Split(0, 0.90, 0.5), Split(1, 0.91, 0.5), Split(2, 0.89, 0.5), Split(3, 0.90, 0.5), Split(4, 0.40, 0.5) };
        var reason = Evaluator.PerSplitReason(outlier, "auc", null, [], includeModel: true);
        Assert.StartsWith("split 1.5 scores auc 0.4, outside the 3-sigma range of the other splits (0.9 ± ", reason);

        // Five folds that merely disagree a little are not flagged (a 3-sigma range estimated from four values is wide).
        var ordinary = new[] { Split(0, 0.7622, 0.99), Split(1, 0.7700, 0.99), Split(2, 0.7124, 0.99), Split(3, 0.7490, 0.99), Split(4, 0.7487, 0.99) };
        Assert.Null(Evaluator.PerSplitReason(ordinary, "auc", null, [], includeModel: true));

        var noisy = new[] { Split(0, 0.70, 0.5), Split(1, 0.40, 0.5), Split(2, 0.60, 0.5), Split(3, 0.35, 0.5), Split(4, 0.65, 0.5) };
        var noisyComparison = BaselineComparison.Compare("auc", noisy.Select(s => s.Model!["auc"]).ToArray(), noisy.Select(s => s.Baseline["auc"]).ToArray(), 0.25);
        Assert.Contains("larger than the model's mean gap to the baseline", Evaluator.PerSplitReason(noisy, "auc", noisyComparison, [], includeModel: true));
    }
}
