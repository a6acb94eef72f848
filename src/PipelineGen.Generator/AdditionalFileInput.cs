using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PipelineGen.Generator;

public enum AdditionalFileKind { Spec, Schema, Lock }

/// <summary>An AdditionalFile PipelineGen cares about, reduced to plain values (path, kind, text) for the incremental cache.</summary>
public sealed record AdditionalFileInput(string Path, AdditionalFileKind Kind, string Text)
{
    public const string KindMetadata = "build_metadata.AdditionalFiles.PipelineGenKind";

    public static AdditionalFileInput? Classify(AdditionalText file, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        AdditionalFileKind kind;
        if (options.TryGetValue(KindMetadata, out var declared) && !string.IsNullOrEmpty(declared))
        {
            if (string.Equals(declared, "Spec", StringComparison.OrdinalIgnoreCase)) kind = AdditionalFileKind.Spec;
            else if (string.Equals(declared, "Schema", StringComparison.OrdinalIgnoreCase)) kind = AdditionalFileKind.Schema;
            else if (string.Equals(declared, "Lock", StringComparison.OrdinalIgnoreCase)) kind = AdditionalFileKind.Lock;
            else return null;
        }
        else if (IsSpecFileName(file.Path)) kind = AdditionalFileKind.Spec;
        else return null;

        var text = file.GetText(cancellationToken)?.ToString() ?? "";
        return new AdditionalFileInput(file.Path, kind, text);
    }

    /// <summary>Spec files added as plain AdditionalFiles (without the package's item metadata) are still recognised by name.</summary>
    private static bool IsSpecFileName(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.Equals("pipeline.yaml", StringComparison.OrdinalIgnoreCase)
            || name.Equals("pipeline.yml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".pipeline.yaml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".pipeline.yml", StringComparison.OrdinalIgnoreCase);
    }
}
