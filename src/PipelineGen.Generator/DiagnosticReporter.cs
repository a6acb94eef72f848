using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PipelineGen.Spec;

namespace PipelineGen.Generator;

/// <summary>Turns plain <see cref="DiagnosticInfo"/> data into Roslyn diagnostics located in the YAML (or data) file.</summary>
public static class DiagnosticReporter
{
    private static readonly Dictionary<string, DiagnosticDescriptor> Descriptors = new();

    public static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var info in diagnostics) context.ReportDiagnostic(ToDiagnostic(info));
    }

    public static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var descriptor = Descriptor(info.Id);
        var severity = info.Severity switch
        {
            Severity.Error => DiagnosticSeverity.Error,
            Severity.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };
        var location = Location(info);
        return Diagnostic.Create(descriptor, location, severity, null, null, info.Message);
    }

    private static Location Location(DiagnosticInfo info)
    {
        if (string.IsNullOrEmpty(info.FilePath)) return Microsoft.CodeAnalysis.Location.None;
        var span = info.Span;
        if (span.IsNone) return Microsoft.CodeAnalysis.Location.Create(info.FilePath, default, new LinePositionSpan(default, default));
        // Roslyn positions are 0-based; the spec's spans are 1-based like editors show them.
        var start = new LinePosition(span.StartLine - 1, span.StartColumn - 1);
        var end = new LinePosition(System.Math.Max(span.EndLine - 1, start.Line), span.EndLine - 1 > start.Line ? span.EndColumn - 1 : System.Math.Max(span.EndColumn - 1, start.Character));
        var textSpan = span.EndOffset >= span.StartOffset ? TextSpan.FromBounds(span.StartOffset, span.EndOffset) : default;
        return Microsoft.CodeAnalysis.Location.Create(info.FilePath, textSpan, new LinePositionSpan(start, end));
    }

    private static DiagnosticDescriptor Descriptor(string id)
    {
        lock (Descriptors)
        {
            if (Descriptors.TryGetValue(id, out var existing)) return existing;
            // Every id has a written-out descriptor (release tracking checks them); the rest is only for an id missing there.
            var descriptor = DiagnosticDescriptors.Create(id) ?? Untracked(id);
            Descriptors[id] = descriptor;
            return descriptor;
        }
    }

    private static DiagnosticDescriptor Untracked(string id)
    {
        var info = SpecDiagnostics.Find(id);
        return new DiagnosticDescriptor(id, info?.Title ?? id, "{0}", info?.Category ?? "PipelineGen",
            info?.DefaultSeverity switch { Severity.Warning => DiagnosticSeverity.Warning, Severity.Info => DiagnosticSeverity.Info, _ => DiagnosticSeverity.Error },
            // The id's section of docs/diagnostics.md at the commit built from, when the build knew the repository's
            // URL; otherwise no link (a link that cannot resolve is worse than none). See HelpLinks.
            isEnabledByDefault: true, helpLinkUri: HelpLinks.For(id));
    }
}
