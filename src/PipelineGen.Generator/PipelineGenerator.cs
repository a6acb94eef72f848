using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using PipelineGen.Generator.Emit;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator;

/// <summary>
/// Turns pipeline specs (AdditionalFiles) and the data schemas the build inferred for them into typed ML.NET code.
/// Initialize only wires the steps; parsing and binding live in PipelineGen.Spec, emitting in <see cref="PipelineEmitter"/>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PipelineGenerator : IIncrementalGenerator
{
    // Every step's value is a class (records, StepValues<T>, ReferencedPackages): see StepValues<T> for why not structs.
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => AdditionalFileInput.Classify(pair.Left, pair.Right.GetOptions(pair.Left), ct))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .WithTrackingName(TrackingNames.AdditionalFiles);

        var parsed = files
            .Where(static f => f.Kind == AdditionalFileKind.Spec)
            .Select(static (f, _) => Safe.Parse(f))
            .WithTrackingName(TrackingNames.ParsedSpecs);

        var schemas = files
            .Where(static f => f.Kind == AdditionalFileKind.Schema)
            .Select(static (f, _) => SchemaFile.Read(f.Text))
            .Where(static s => s is not null)
            .Select(static (s, _) => s!)
            .WithTrackingName(TrackingNames.Schemas)
            .Collect()
            .Select(static (all, _) => new StepValues<InferredSchema>(all.ToEquatableArray()))
            .WithTrackingName(TrackingNames.CollectedSchemas);

        // Lock files written by 'tune' (PipelineGenKind=Lock), matched to their spec by path: pipeline.yaml -> pipeline.lock.yaml.
        var locks = files
            .Where(static f => f.Kind == AdditionalFileKind.Lock)
            .Select(static (f, _) => new LockFileInput(f.Path, f.Text))
            .WithTrackingName(TrackingNames.Locks)
            .Collect()
            .Select(static (all, _) => new StepValues<LockFileInput>(all.ToEquatableArray()))
            .WithTrackingName(TrackingNames.CollectedLocks);

        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && !string.IsNullOrWhiteSpace(ns) ? ns : "PipelineGen.Generated")
            .WithTrackingName(TrackingNames.RootNamespace);

        var bound = parsed
            .Combine(schemas)
            .Combine(rootNamespace)
            .Combine(locks)
            .Select(static (input, _) => Safe.Bind(input.Left.Left.Left, FindSchema(input.Left.Left.Right, input.Left.Left.Left.FilePath), input.Left.Right,
                FindLock(input.Right, input.Left.Left.Left.FilePath)))
            .WithTrackingName(TrackingNames.Bound);

        // Spans live only in diagnostics, so a comment edit that moves lines leaves the emit model Unchanged.
        // The project folder only serves to make the spec's path relative: no absolute path reaches the generated code.
        var projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.ProjectDir", out var dir) ? dir ?? "" : "")
            .WithTrackingName(TrackingNames.ProjectDirectory);

        var emitModels = bound
            .Combine(projectDirectory)
            .Select(static (pair, _) => pair.Left.Pipeline is { } pipeline
                ? pipeline with { ProjectSpecPath = ProjectPaths.SpecPathInProject(pair.Right, pipeline.SpecDirectory, pipeline.SpecFileName) }
                : null)
            .WithTrackingName(TrackingNames.EmitModels);

        // Emitting is per pipeline: editing one spec re-emits that spec only. What needs every pipeline is reduced to
        // small values first (names, which paths lose a name clash), so they stay Unchanged while no name changes.
        var emitKeys = emitModels
            .Select(static (p, _) => p is null ? null : new EmitKey(p.Name, PipelineEmitter.SpecPath(p)))
            .Collect()
            .Select(static (all, _) => new StepValues<EmitKey>(
                all.Where(k => k is not null).Select(k => k!).OrderBy(k => k.SpecPath, StringComparer.Ordinal).ToEquatableArray()))
            .WithTrackingName(TrackingNames.CollectedEmitModels);
        var skippedDuplicates = emitKeys
            .Select(static (keys, _) => new StepValues<string>(PipelineEmitter.SkippedDuplicates(keys.Items.Select(k => (k.Name, k.SpecPath)))))
            .WithTrackingName(TrackingNames.SkippedDuplicates);
        var emittedNames = emitKeys
            .Select(static (keys, _) => new StepValues<string>(keys.Items.Select(k => k.Name).ToEquatableArray()))
            .WithTrackingName(TrackingNames.EmittedNames);

        var sources = emitModels
            .Combine(skippedDuplicates)
            .Select(static (pair, ct) => pair.Left is { } p && !pair.Right.Items.Contains(PipelineEmitter.SpecPath(p)) ? Safe.EmitOne(p) : null)
            .WithTrackingName(TrackingNames.PipelineSources);

        var diagnostics = bound
            .Select(static (result, _) => new StepValues<DiagnosticInfo>(result.Diagnostics))
            .WithTrackingName(TrackingNames.Diagnostics);

        var duplicateNames = parsed
            .Select(static (p, _) => p.Spec is { } spec ? new PipelineName(spec.Name.Value, spec.FilePath, spec.Name.Span) : null)
            .WithTrackingName(TrackingNames.PipelineNames)
            .Collect()
            .Select(static (names, _) => new StepValues<DiagnosticInfo>(FindDuplicates(names)))
            .WithTrackingName(TrackingNames.DuplicateNames);

        // Typed REST endpoints and the 'serve' command only where the project references PipelineGen.Serving, so console
        // projects never see ASP.NET Core types; device projects get only the typed ONNX classes. Equal values, so an
        // edit elsewhere in the compilation leaves the step Unchanged.
        var references = context.CompilationProvider
            .Select(static (compilation, _) => ReferencedPackages.Of(compilation))
            .WithTrackingName(TrackingNames.ReferencedPackages);

        // A spec that does not bind still gets its public types (members throw), so the build's only errors are the PG
        // ones. From the spec's outline, which the parser keeps even when the spec has errors.
        var fallbacks = parsed
            .Combine(schemas)
            .Combine(rootNamespace)
            .Select(static (input, _) => Safe.Fallback(input.Left.Left, FindSchema(input.Left.Right, input.Left.Left.FilePath), input.Right))
            .WithTrackingName(TrackingNames.Fallbacks)
            .Collect()
            .Select(static (all, _) => new StepValues<FallbackPipeline>(all.Where(f => f is not null).Select(f => f!).ToEquatableArray()))
            .WithTrackingName(TrackingNames.CollectedFallbacks);
        var allDiagnostics = diagnostics.Collect()
            .Select(static (all, _) => new StepValues<DiagnosticInfo>(all.SelectMany(d => d.Items).ToEquatableArray()))
            .WithTrackingName(TrackingNames.CollectedDiagnostics);

        context.RegisterSourceOutput(fallbacks.Combine(emittedNames).Combine(allDiagnostics).Combine(references), static (spc, input) =>
        {
            if (!input.Right.DeviceOnly) Safe.EmitFallbacks(spc, input.Left.Left.Left.Items, input.Left.Left.Right.Items, input.Left.Right.Items);
        });

        context.RegisterSourceOutput(sources.Combine(references), static (spc, input) =>
        {
            if (!input.Right.DeviceOnly) Safe.AddSource(spc, input.Left);
        });
        context.RegisterSourceOutput(emitModels.Combine(skippedDuplicates).Combine(references), static (spc, input) =>
        {
            var (model, skipped) = input.Left;
            if (input.Right.Serving && !input.Right.DeviceOnly && model is { } p && !skipped.Items.Contains(PipelineEmitter.SpecPath(p)))
                Safe.EmitServing(spc, new EquatableArray<BoundPipeline>(new[] { p }));
        });
        context.RegisterSourceOutput(emitModels.Combine(skippedDuplicates).Combine(references), static (spc, input) =>
        {
            if (input.Right.Predictor && input.Left.Left is { } p && !input.Left.Right.Items.Contains(PipelineEmitter.SpecPath(p)))
                DevicePredictorEmitter.Register(spc, new EquatableArray<BoundPipeline>(new[] { p }));
        });
        context.RegisterSourceOutput(diagnostics, static (spc, list) => DiagnosticReporter.Report(spc, list.Items));
        context.RegisterSourceOutput(duplicateNames, static (spc, list) => DiagnosticReporter.Report(spc, list.Items));
    }

    private static InferredSchema? FindSchema(StepValues<InferredSchema> schemas, string specPath)
    {
        var normalized = Normalize(specPath);
        return schemas.Items.FirstOrDefault(s => Normalize(s.SpecPath) == normalized);
    }

    private static LockFileInput? FindLock(StepValues<LockFileInput> locks, string specPath)
    {
        var expected = Normalize(LockFileParser.LockPathFor(specPath));
        return locks.Items.FirstOrDefault(l => Normalize(l.FilePath) == expected);
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    private sealed record EmitKey(string Name, string SpecPath);

    private sealed record PipelineName(string Name, string FilePath, SourceSpan Span);

    private static EquatableArray<DiagnosticInfo> FindDuplicates(System.Collections.Immutable.ImmutableArray<PipelineName?> names)
    {
        var result = new List<DiagnosticInfo>();
        // Hint names (and file systems) ignore case, so 'Titanic' and 'titanic' clash as surely as two 'Titanic's:
        // the first spec by path generates, every later one is a located error (the emitter skips it).
        foreach (var group in names.Where(n => n is not null).Select(n => n!).GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase))
        {
            var ordered = group.OrderBy(n => n.FilePath, StringComparer.Ordinal).ToList();
            foreach (var later in ordered.Skip(1))
                result.Add(later.Name == ordered[0].Name
                    ? SpecDiagnostics.DuplicatePipelineName.Create(later.FilePath, later.Span, later.Name, ordered[0].FilePath)
                    : SpecDiagnostics.PipelineNameCaseClash.Create(later.FilePath, later.Span, later.Name, ordered[0].Name, ordered[0].FilePath));
        }
        return result.ToEquatableArray();
    }
}
