using System.Runtime.Loader;
using PipelineGen.Runtime;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>task.threshold reaches the runtime settings, which predict and the evaluation report read; absent, nothing is written.</summary>
public class ThresholdEmitTests
{
    private static IPipelineDefinition Generate(string spec, out string source)
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, Fixtures.TitanicSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        source = string.Join("\n", run.Output.SyntaxTrees.Select(t => t.ToString()));
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(null, isCollectible: false).LoadFromStream(stream);
        return (IPipelineDefinition)Activator.CreateInstance(assembly.GetType("MyApp.TitanicPipeline")!)!;
    }

    [Fact]
    public void The_spec_threshold_is_emitted_into_the_settings_and_absent_means_none()
    {
        var plain = Generate(Fixtures.TitanicSpec, out var plainSource);
        Assert.Null(plain.Settings.DecisionThreshold);
        Assert.DoesNotContain("DecisionThreshold", plainSource);

        var spec = Fixtures.TitanicSpec.Replace("  label: survived", "  label: survived\n  threshold: 0.35");
        Assert.NotEqual(Fixtures.TitanicSpec, spec);
        var pipeline = Generate(spec, out var source);
        Assert.Equal(0.35, pipeline.Settings.DecisionThreshold);
        Assert.Contains("DecisionThreshold = 0.35", source);
    }
}
