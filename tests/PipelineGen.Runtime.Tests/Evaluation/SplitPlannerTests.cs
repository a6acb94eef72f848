using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

public class SplitPlannerTests
{
    private static RowKeys Keys(int[] labels, int[]? groups = null, int[]? duplicateOf = null, bool[]? excluded = null) => new()
    {
        RowCount = labels.Length,
        Excluded = excluded ?? new bool[labels.Length],
        LabelClass = labels,
        ClassNames = [.. labels.Distinct().Where(l => l >= 0).Order().Select(l => "c" + l)],
        GroupOf = groups,
        DuplicateOf = duplicateOf ?? [.. Enumerable.Range(0, labels.Length)],
        DuplicateRowCount = duplicateOf is null ? 0 : duplicateOf.Where((d, i) => d != i).Count(),
    };

    private static int[] Imbalanced(int n, int minority) => [.. Enumerable.Range(0, n).Select(i => i % (n / minority) == 0 ? 1 : 0)];

    [Fact]
    public void Stratified_kfold_gives_every_fold_the_class_proportions()
    {
        var labels = Imbalanced(100, 20); // 20 of class 1
        var plan = SplitPlanner.Plan(Keys(labels), new EvaluationSettings { Folds = 5, Seed = 7 }, MlTaskKind.BinaryClassification);

        Assert.True(plan.Stratified);
        Assert.Equal(5, plan.Splits.Count);
        foreach (var split in plan.Splits)
        {
            Assert.Equal(20, split.ValidationRowCount);
            Assert.Equal(4, Enumerable.Range(0, 100).Count(r => split.IsValidation(r) && labels[r] == 1));
        }
    }

    [Fact]
    public void Kfold_puts_every_row_in_exactly_one_validation_fold_per_repeat()
    {
        var labels = Imbalanced(90, 30);
        var plan = SplitPlanner.Plan(Keys(labels),
            new EvaluationSettings { Protocol = EvaluationProtocol.RepeatedKFold, Folds = 3, Repeats = 2 }, MlTaskKind.BinaryClassification);

        Assert.Equal(6, plan.Splits.Count);
        foreach (var repeat in plan.Splits.GroupBy(s => s.Repeat))
            for (int r = 0; r < 90; r++)
            {
                Assert.Equal(1, repeat.Count(s => s.IsValidation(r)));
                Assert.Equal(2, repeat.Count(s => s.IsTraining(r)));
            }
        // Each repeat is reshuffled (seed + repeat).
        Assert.NotEqual(
            Enumerable.Range(0, 90).Select(r => plan.Splits[0].IsValidation(r)),
            Enumerable.Range(0, 90).Select(r => plan.Splits[3].IsValidation(r)));
    }

    [Fact]
    public void Rows_of_a_group_are_always_on_one_side()
    {
        var labels = Imbalanced(120, 40);
        var groups = Enumerable.Range(0, 120).Select(i => (i * 7) % 23).ToArray(); // 23 groups scattered through the file
        var plan = SplitPlanner.Plan(Keys(labels, groups), new EvaluationSettings { Folds = 4, Seed = 3 }, MlTaskKind.BinaryClassification);

        Assert.Equal(23, plan.UnitCount);
        foreach (var split in plan.Splits)
            foreach (var group in Enumerable.Range(0, 120).GroupBy(r => groups[r]))
                Assert.Single(group.Select(r => split.IsValidation(r)).Distinct());
    }

    [Fact]
    public void Exact_duplicates_are_never_on_both_sides()
    {
        var labels = Imbalanced(60, 20);
        // Rows 30..59 duplicate rows 0..29.
        var duplicateOf = Enumerable.Range(0, 60).Select(i => i < 30 ? i : i - 30).ToArray();
        var holdout = SplitPlanner.Plan(Keys(labels, duplicateOf: duplicateOf),
            new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.3 }, MlTaskKind.BinaryClassification);
        var kfold = SplitPlanner.Plan(Keys(labels, duplicateOf: duplicateOf), new EvaluationSettings { Folds = 5 }, MlTaskKind.BinaryClassification);

        Assert.Equal(30, kfold.DuplicateRowCount);
        foreach (var split in holdout.Splits.Concat(kfold.Splits))
            for (int r = 30; r < 60; r++)
                Assert.Equal(split.IsValidation(r - 30), split.IsValidation(r));
    }

    [Fact]
    public void A_holdout_is_a_sample_of_the_units_not_the_biggest_ones_first()
    {
        // 1000 rows: 200 pairs of duplicates (400 rows) and 600 single rows. A 0.2 holdout (200 rows) used to be filled
        // with duplicate pairs before any single row was considered (100 pairs, 0 singles); drawn in the shuffled
        // order, about 40% of it is duplicated rows, as in the data (binomial sd about 3.5 points).
        var labels = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var duplicateOf = Enumerable.Range(0, 1000).Select(i => i >= 200 && i < 400 ? i - 200 : i).ToArray();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var split = Assert.Single(SplitPlanner.Plan(Keys(labels, duplicateOf: duplicateOf),
                new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.2, Seed = seed }, MlTaskKind.BinaryClassification).Splits);
            int held = Enumerable.Range(0, 1000).Count(r => split.IsValidation(r));
            int duplicatedHeld = Enumerable.Range(0, 400).Count(r => split.IsValidation(r));
            Assert.InRange(held, 195, 205);
            Assert.InRange(duplicatedHeld / (double)held, 0.25, 0.55);
        }
    }

    [Fact]
    public void Holdout_takes_the_fraction_per_class()
    {
        var labels = Imbalanced(200, 40);
        var plan = SplitPlanner.Plan(Keys(labels), new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.25 },
            MlTaskKind.BinaryClassification);

        var split = Assert.Single(plan.Splits);
        Assert.Equal(50, split.ValidationRowCount);
        Assert.Equal(150, split.TrainingRowCount);
        Assert.Equal(10, Enumerable.Range(0, 200).Count(r => split.IsValidation(r) && labels[r] == 1));
    }

    [Fact]
    public void Same_seed_same_splits_other_seed_other_splits()
    {
        var labels = Imbalanced(100, 50);
        bool[] Assignment(int seed) => [.. SplitPlanner.Plan(Keys(labels), new EvaluationSettings { Seed = seed }, MlTaskKind.BinaryClassification)
            .Splits.SelectMany(s => Enumerable.Range(0, 100).Select(r => s.IsValidation(r)))];

        Assert.Equal(Assignment(42), Assignment(42));
        Assert.NotEqual(Assignment(42), Assignment(43));
    }

    [Fact]
    public void Excluded_rows_are_in_no_split()
    {
        var labels = Imbalanced(50, 25);
        var excluded = Enumerable.Range(0, 50).Select(i => i % 10 == 3).ToArray();
        var plan = SplitPlanner.Plan(Keys(labels, excluded: excluded), new EvaluationSettings { Folds = 5 }, MlTaskKind.BinaryClassification);

        Assert.Equal(45, plan.RowCount);
        foreach (var split in plan.Splits)
            for (int r = 0; r < 50; r++)
                if (excluded[r]) Assert.False(split.IsValidation(r) || split.IsTraining(r));
    }

    [Fact]
    public void Fewer_independent_units_than_folds_is_an_error()
    {
        var labels = Imbalanced(20, 10);
        var groups = Enumerable.Range(0, 20).Select(i => i % 3).ToArray();
        var error = Assert.Throws<EvaluationException>(() =>
            SplitPlanner.Plan(Keys(labels, groups), new EvaluationSettings { Folds = 5 }, MlTaskKind.BinaryClassification));
        Assert.Contains("Only 3 independent unit(s)", error.Message);
    }

    [Fact]
    public void Stratify_false_deals_units_without_looking_at_the_label()
    {
        var labels = Imbalanced(100, 20);
        var plan = SplitPlanner.Plan(Keys(labels), new EvaluationSettings { Folds = 5, Stratify = false, Seed = 1 }, MlTaskKind.BinaryClassification);
        Assert.False(plan.Stratified);
        Assert.DoesNotContain("stratified", plan.Description);
        Assert.All(plan.Splits, s => Assert.Equal(20, s.ValidationRowCount));
        // Unstratified, the minority share per fold varies with the shuffle (stratified it is exactly 4 everywhere).
        Assert.NotEqual([4, 4, 4, 4, 4], plan.Splits.Select(s => Enumerable.Range(0, 100).Count(r => s.IsValidation(r) && labels[r] == 1)));
    }

    [Fact]
    public void Regression_is_not_stratified()
    {
        var keys = new RowKeys { RowCount = 30, Excluded = new bool[30], DuplicateOf = [.. Enumerable.Range(0, 30)] };
        var plan = SplitPlanner.Plan(keys, new EvaluationSettings { Folds = 3 }, MlTaskKind.Regression);
        Assert.False(plan.Stratified);
        Assert.All(plan.Splits, s => Assert.Equal(10, s.ValidationRowCount));
    }
}
