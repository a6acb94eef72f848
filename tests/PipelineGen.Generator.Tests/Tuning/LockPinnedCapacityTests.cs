using PipelineGen.Runtime.Training;
using PipelineGen.Generator.Tests.Emit;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// A lock file that pins the trainer's capacity (tune's winning iterations): the curve and the model card name the lock
/// as where the pipeline's own capacity came from, not the spec (whose value the lock replaced).
/// </summary>
public sealed class LockPinnedCapacityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-lockcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The spec says iterations: 30; the lock pins 12. One thread: the fits are deterministic.
    private static readonly string Spec = Fixtures.TitanicSpec
        .Replace("name: Titanic", "name: LockCapacityTitanic")
        .Replace("    iterations: 30", "    iterations: 30\n    threads: 1") + """

        tune:
          trials: 2
          space:
            iterations: { min: 4, max: 40 }
            leaves: { min: 2, max: 16 }
        """;

    private const string Lock = """
        version: 1
        pipeline: 'LockCapacityTitanic'
        trainer: 'lightgbm'
        params:
          iterations: 12
          leaves: 4
        study:
          id: '20261201-000000-abcdef'
          metric: 'auc'
          search_score: 0.8
        """;

    private ICapacityAdjustable Generate(string? lockText)
    {
        File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), Path.Combine(_dir, "titanic.csv"), overwrite: true);
        var run = GeneratorHarness.RunWithLock(Path.Combine(_dir, "pipeline.yaml"), Spec, Fixtures.TitanicSchema, lockText);
        Assert.Empty(run.GeneratorDiagnostics);
        return (ICapacityAdjustable)GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run), "MyApp.LockCapacityTitanicPipeline", _dir);
    }

    [Fact]
    public void The_curve_and_the_capacity_choice_name_the_lock_that_pinned_the_capacity()
    {
        var pipeline = Generate(Lock);
        Assert.Equal((12, "pipeline.lock.yaml"), (pipeline.DefaultCapacity, pipeline.CapacityPinnedBy));

        var output = new StringWriter();
        var exit = CapacityCurve.Run((PipelineGen.Runtime.IPipelineDefinition)pipeline,
            new CurveOptions { Capacities = [6, 24], PlotPath = Path.Combine(_dir, "curve.html") }, output, new StringWriter(), out var curve);
        Assert.True(exit == 0, output.ToString());
        var row = output.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("12 ", StringComparison.Ordinal));
        Assert.Contains("pinned by pipeline.lock.yaml", row);
        Assert.DoesNotContain("spec", row);
        var html = File.ReadAllText(Path.Combine(_dir, "curve.html"));
        Assert.Contains("pinned by pipeline.lock.yaml", html);

        // What train records: the lock's value, said to be the lock's (source 'lock'), with or without a curve.
        var pipelineDefinition = (PipelineGen.Runtime.IPipelineDefinition)pipeline;
        var alone = CapacityChoice.Decide(pipelineDefinition, curve: null)!;
        Assert.Equal(("lock", 12), (alone.Source, alone.Used));
        Assert.StartsWith("NumberOfIterations=12 pinned by pipeline.lock.yaml", alone.Reason);
        var afterCurve = CapacityChoice.Decide(pipelineDefinition, curve)!;
        Assert.DoesNotContain("spec's", afterCurve.Reason);
        Assert.Contains("pinned by pipeline.lock.yaml", afterCurve.Reason);
    }

    [Fact]
    public void Without_a_lock_the_capacity_is_the_spec_s()
    {
        var pipeline = Generate(null);
        Assert.Equal((30, (string?)null), (pipeline.DefaultCapacity, pipeline.CapacityPinnedBy));
        var choice = CapacityChoice.Decide((PipelineGen.Runtime.IPipelineDefinition)pipeline, curve: null)!;
        Assert.Equal("spec", choice.Source);
        Assert.StartsWith("NumberOfIterations=30 from the spec", choice.Reason);
    }
}
