namespace PipelineGen.Generator.Tests;

/// <summary>A diagnostic's help link must lead somewhere: the package has no public host, so it carries none (issue #10).</summary>
public class DiagnosticHelpLinkTests
{
    [Fact]
    public void Reported_diagnostics_carry_no_link_to_a_host_that_cannot_resolve()
    {
        var broken = Fixtures.TitanicSpec.Replace("metric: auc", "metirc: auc");
        var run = GeneratorHarness.Run("/specs/binary/pipeline.yaml", broken, Fixtures.TitanicSchema);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "PG0002");
        Assert.True(string.IsNullOrEmpty(diagnostic.Descriptor.HelpLinkUri), $"help link '{diagnostic.Descriptor.HelpLinkUri}'");
    }
}
