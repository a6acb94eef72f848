using PipelineGen.Runtime;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>The spec's gates reach the runtime's GateSettings: 'require: interval' as the init property, the default (mean) unwritten.</summary>
public class GateEmitTests
{
    [Fact]
    public void Require_interval_is_emitted_into_the_gate_settings_and_the_default_is_mean()
    {
        var spec = Fixtures.TitanicSpec.TrimEnd() + """

            gates:
              - metric: auc
                min: 0.7
              - metric: recall
                class: "1"
                min: 0.5
                require: interval
              - metric: auc
                min_improvement: 0.1
                require: mean
            """;
        var pipeline = GeneratedPipelines.CreateTitanic(spec, out var source);
        var gates = pipeline.Settings.Gates!;
        Assert.Equal([GateRequire.Mean, GateRequire.Interval, GateRequire.Mean], gates.Select(g => g.Require));
        Assert.Equal(("recall", GateKind.Min, 0.5, "1"), (gates[1].Metric, gates[1].Kind, gates[1].Threshold, gates[1].Class));
        Assert.Equal("recall of class '1' >= 0.5 (require: interval)", gates[1].Describe());
        // Written once, for the gate that asks for it: 'require: mean' is the default and leaves the code as before.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, @"\{ Require = PG::GateRequire\.Interval \}"));
    }
}
