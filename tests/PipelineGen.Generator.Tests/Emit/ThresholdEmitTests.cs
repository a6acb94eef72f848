using PipelineGen.Runtime;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>task.threshold reaches the runtime settings, which predict and the evaluation report read; absent, nothing is written.</summary>
public class ThresholdEmitTests
{
    [Fact]
    public void The_spec_threshold_is_emitted_into_the_settings_and_absent_means_none()
    {
        var plain = GeneratedPipelines.CreateTitanic(Fixtures.TitanicSpec, out var plainSource);
        Assert.Null(plain.Settings.DecisionThreshold);
        Assert.DoesNotContain("DecisionThreshold", plainSource);

        var spec = Fixtures.TitanicSpec.Replace("  label: survived", "  label: survived\n  threshold: 0.35");
        Assert.NotEqual(Fixtures.TitanicSpec, spec);
        var pipeline = GeneratedPipelines.CreateTitanic(spec, out var source);
        Assert.Equal(0.35, pipeline.Settings.DecisionThreshold);
        Assert.Contains("DecisionThreshold = 0.35", source);
    }
}
