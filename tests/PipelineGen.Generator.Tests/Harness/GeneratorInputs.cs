using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PipelineGen.Generator.Tests.Harness;

// The generator's inputs as the compiler would hand them over. No test framework here: bench/ compiles this file too.

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _source = SourceText.From(text);
    public override string Path { get; } = path;
    public override SourceText GetText(CancellationToken cancellationToken = default) => _source;
}

/// <summary>Supplies the per-file item metadata and global build properties the package's targets would.</summary>
internal sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> kindsByPath, string rootNamespace, string? projectDir = null) : AnalyzerConfigOptionsProvider
{
    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; } =
        new Options(projectDir is null
            ? new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace }
            : new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace, ["build_property.ProjectDir"] = projectDir });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(kindsByPath.TryGetValue(textFile.Path, out var kind)
            ? new Dictionary<string, string> { [Generator.AdditionalFileInput.KindMetadata] = kind }
            : new Dictionary<string, string>());
}
