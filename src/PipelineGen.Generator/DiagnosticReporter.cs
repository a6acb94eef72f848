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
            var info = SpecDiagnostics.Find(id);
            var descriptor = new DiagnosticDescriptor(id, info?.Title ?? id, "{0}", info?.Category ?? "PipelineGen",
                info?.DefaultSeverity switch { Severity.Warning => DiagnosticSeverity.Warning, Severity.Info => DiagnosticSeverity.Info, _ => DiagnosticSeverity.Error },
                // No help link: the package has no public host, and a link that cannot resolve is worse than none. Each id is
                // described, with an example, in docs/diagnostics.md (generated from the code).
                isEnabledByDefault: true, helpLinkUri: null);
            Descriptors[id] = descriptor;
            return descriptor;
        }
    }
}
