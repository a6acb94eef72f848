using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using PipelineGen.Generator.Emit;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator;

/// <summary>
/// An exception escaping a generator becomes CS8785 and silently drops every generated type, so each step
/// turns an unexpected exception into a located PG9999 diagnostic instead. Tests assert it never fires on broken specs.
/// </summary>
internal static class Safe
{
    public static ParsedSpec Parse(AdditionalFileInput file)
    {
        try { return SpecParser.Parse(file.Text, file.Path); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ParsedSpec(file.Path, null, new EquatableArray<DiagnosticInfo>(new[] { Internal(file.Path, "parsing", ex) }));
        }
    }

    public static BindResult Bind(ParsedSpec parsed, InferredSchema? schema, string rootNamespace, LockFileInput? lockFile = null)
    {
        try { return SpecBinder.Bind(parsed, schema, rootNamespace, lockFile); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new BindResult(null, new EquatableArray<DiagnosticInfo>(new[] { Internal(parsed.FilePath, "binding", ex) }));
        }
    }

    /// <summary>One pipeline's source, or the emit failure as text (a step value must be equatable; an exception is not).</summary>
    public static EmittedSource EmitOne(BoundPipeline pipeline)
    {
        try { return new EmittedSource(PipelineEmitter.HintName(pipeline), PipelineEmitter.Emit(pipeline), PipelineEmitter.SpecPath(pipeline), null); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new EmittedSource(PipelineEmitter.HintName(pipeline), "", PipelineEmitter.SpecPath(pipeline), $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public static void AddSource(SourceProductionContext context, EmittedSource? source)
    {
        if (source is null) return;
        if (source.Error is { } error)
            context.ReportDiagnostic(DiagnosticReporter.ToDiagnostic(
                SpecDiagnostics.InternalError.Create(source.SpecPath, SourceSpan.At(1, 1), "emitting code", error)));
        else
            context.AddSource(source.HintName, source.Source);
    }

    public static void EmitServing(SourceProductionContext context, EquatableArray<BoundPipeline> pipelines)
    {
        var outputs = ServingEmitter.EmitAll(pipelines, context.CancellationToken, out var failures);
        foreach (var (hintName, source, _) in outputs)
            context.AddSource(hintName, source);
        foreach (var (specPath, ex) in failures)
            context.ReportDiagnostic(DiagnosticReporter.ToDiagnostic(Internal(specPath, "emitting the serving code", ex)));
    }

    public static FallbackPipeline? Fallback(ParsedSpec parsed, InferredSchema? schema, string rootNamespace)
    {
        // The stand-in types are a convenience: if reading them fails, emit none rather than a second error.
        try { return SpecBinder.Fallback(parsed, schema, rootNamespace); }
        catch (Exception ex) when (ex is not OperationCanceledException) { return null; }
    }

    public static void EmitFallbacks(SourceProductionContext context, EquatableArray<FallbackPipeline> fallbacks,
        EquatableArray<string> emittedNames, EquatableArray<DiagnosticInfo> diagnostics)
    {
        try
        {
            foreach (var (hintName, source) in FallbackEmitter.EmitAll(fallbacks, emittedNames, diagnostics, context.CancellationToken))
                context.AddSource(hintName, source);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(DiagnosticReporter.ToDiagnostic(Internal(fallbacks.FirstOrDefault()?.SpecPath ?? "", "emitting stand-in types", ex)));
        }
    }

    private static DiagnosticInfo Internal(string path, string stage, Exception ex) =>
        SpecDiagnostics.InternalError.Create(path, SourceSpan.At(1, 1), stage, $"{ex.GetType().Name}: {ex.Message}");
}

/// <summary>The generated text of one pipeline (or why it could not be written), compared by value between runs.</summary>
internal sealed record EmittedSource(string HintName, string Source, string SpecPath, string? Error);
