using PipelineGen.Generator.Tests.Harness;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>tune.halving_budget reaches the generated pipeline and decides what the low rungs of 'tune' spend.</summary>
public sealed class HalvingBudgetGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-tune-budget-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ITunablePipeline Create(string budgetLine)
    {
        var spec = TuningGenerationTests.TunedSpec.Replace("strategy: bayesian", "strategy: hyperband")
            .Replace("min_examples_per_leaf: 5", "min_examples_per_leaf: 5\n    threads: 1") + budgetLine;
        var path = Path.Combine(_dir, "titanic.csv");
        if (!File.Exists(path)) File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), path);
        var run = GeneratorHarness.RunWithLock(Path.Combine(_dir, "pipeline.yaml"), spec, Fixtures.TitanicSchema, null);
        Assert.Empty(run.GeneratorDiagnostics);
        return (ITunablePipeline)GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run, collectible: true), "MyApp.TunedTitanicPipeline", _dir);
    }

    [Theory]
    // The spec's 30 iterations allow one level at eta 3 (30/3 = 10 trees at the low rung).
    [InlineData("", "auto", "Halving budget (auto): low rungs spend a share of iterations (full 30).", "on 1/3 of the iterations (10 iterations fitted)")]
    [InlineData("\n  halving_budget: rows\n", "rows", "Halving budget (rows): low rungs spend a share of rows.", "on 1/3 of the rows")]
    public void The_key_decides_what_low_rungs_spend(string budgetLine, string bound, string summary, string rung)
    {
        var pipeline = Create(budgetLine);
        Assert.Equal(bound, pipeline.Tuning.HalvingBudget);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--budget-units", "3", "--sampler", "random", "--no-lock", "--no-ensemble"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        var text = output.ToString();
        Assert.True(text.Contains(summary), text);
        Assert.True(text.Contains(rung), text);
    }
}
