using Microsoft.CodeAnalysis;
using PipelineGen.Spec;

namespace PipelineGen.Generator.Tests.Diagnostics;

/// <summary>
/// The generator's written-out descriptors (what release tracking checks) must say what SpecDiagnostics says: the
/// same ids, titles, categories and default severities, and no id of their own.
/// </summary>
public class DiagnosticDescriptorTests
{
    [Fact]
    public void Every_spec_diagnostic_has_a_generator_descriptor_with_the_same_title_category_and_severity()
    {
        var wrong = new List<string>();
        foreach (var info in SpecDiagnostics.All)
        {
            var descriptor = DiagnosticDescriptors.Create(info.Id);
            var severity = info.DefaultSeverity switch { Severity.Warning => DiagnosticSeverity.Warning, Severity.Info => DiagnosticSeverity.Info, _ => DiagnosticSeverity.Error };
            if (descriptor is null) wrong.Add(info.Id + ": no descriptor");
            else if (descriptor.Id != info.Id || descriptor.Title.ToString() != info.Title || descriptor.Category != info.Category || descriptor.DefaultSeverity != severity)
                wrong.Add($"{info.Id}: generator says {descriptor.Id} '{descriptor.Title}' {descriptor.Category} {descriptor.DefaultSeverity}, spec says '{info.Title}' {info.Category} {severity}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_generator_has_no_descriptor_for_an_id_the_spec_library_does_not_know()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "PipelineGen.Generator", "DiagnosticDescriptors.cs"));
        var ids = System.Text.RegularExpressions.Regex.Matches(source, "new DiagnosticDescriptor\\(\"(PG\\d{4})\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(SpecDiagnostics.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), ids.OrderBy(i => i, StringComparer.Ordinal));
        Assert.Null(DiagnosticDescriptors.Create("PG0000"));
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }
}
