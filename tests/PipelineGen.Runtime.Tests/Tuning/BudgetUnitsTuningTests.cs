using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// <c>--budget-units</c>: a compute budget in full-trial equivalents, so strategies are compared at equal compute on a
/// loaded machine. Halving is charged each rung evaluation's share of the rows and never starts one that would pass it.
/// </summary>
public sealed class BudgetUnitsTuningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-units-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly SearchSpace Space = new([
        SearchParameter.Range("x", HyperparameterType.Float, -5, 5),
        SearchParameter.Range("n", HyperparameterType.Int, 1, 64, log: true),
    ]);

    private StudyResult Run(string id, HalvingOptions options, double? units, List<double> charged, TuningJournal? journal = null)
    {
        var own = journal is null ? new TuningJournal(Path.Combine(_dir, id + ".db")) : null;
        var j = journal ?? own!;
        var study = new StudyInfo(id, "P", "spec", "data", Space.Fingerprint(), options.Hyperband ? "hyperband" : "halving", 5, "rmse", false, DateTimeOffset.UtcNow);
        if (j.LatestStudy("P")?.Id != id) j.CreateStudy(study);
        try
        {
            return HalvingRunner.RunAsync(study, Space, options, new RandomSampler(3), j, int.MaxValue, null, 1,
                (n, c, fraction, ct) => { charged.Add(fraction); return Task.FromResult(new TrialOutcome(Math.Pow(c["x"] - 1, 2) + 3 * (1 - fraction), 0.01, 5)); },
                null, null, default, killRunningAtDeadline: false, budgetUnits: units).GetAwaiter().GetResult();
        }
        finally { own?.Dispose(); }
    }

    [Theory]
    [InlineData(false, 4.0)]
    [InlineData(true, 7.5)]
    public void Halving_spends_at_most_the_units_and_stops_when_the_next_evaluation_would_pass_them(bool hyperband, double units)
    {
        var options = new HalvingOptions(hyperband, Eta: 3, MaxLevel: 2, Sampler: "random");
        var charged = new List<double>();
        var result = Run("u", options, units, charged);

        Assert.Equal(StopReason.UnitBudget, result.StopReason);
        double spent = charged.Sum();
        Assert.True(spent <= units + 1e-9, $"spent {spent} of {units}");
        // Stopped only because the next evaluation (at least the lowest rung's 1/9) did not fit any more.
        Assert.True(units - spent < 1.0, $"stopped with {units - spent} units left");
        Assert.Equal(spent, result.Rungs.Sum(r => r.Fraction), 9);
        Assert.Contains(result.Trials, t => t.State == "complete");
    }

    [Fact]
    public void A_resumed_study_counts_the_units_already_journaled()
    {
        var options = new HalvingOptions(false, Eta: 3, MaxLevel: 2, Sampler: "random");
        using var journal = new TuningJournal(Path.Combine(_dir, "r.db"));
        var first = new List<double>();
        Run("r", options, 2.0, first, journal);
        var second = new List<double>();
        var result = Run("r", options, 4.0, second, journal);

        Assert.True(first.Sum() + second.Sum() <= 4.0 + 1e-9);
        Assert.Equal(first.Sum() + second.Sum(), result.Rungs.Sum(r => r.Fraction), 9);
        Assert.True(second.Count > 0);
    }

    [Fact]
    public void A_budget_below_one_unit_is_refused_with_the_option_named()
    {
        var pipeline = new TunableTitanicPipeline(_dir, new TuningSettings { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 16)] });
        var e = Assert.Throws<ArgumentException>(() => PipelineTuner.Run(pipeline, new TuneOptions { BudgetUnits = 0.5, JournalPath = Path.Combine(_dir, "z.db") }));
        Assert.Contains("--budget-units", e.Message);
    }
}
