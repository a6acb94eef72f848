namespace PipelineGen.Generator;

/// <summary>Names of the generator's incremental steps, for caching tests (every step must be Cached/Unchanged after an unrelated edit).</summary>
public static class TrackingNames
{
    public const string AdditionalFiles = nameof(AdditionalFiles);
    public const string ParsedSpecs = nameof(ParsedSpecs);
    public const string Schemas = nameof(Schemas);
    public const string CollectedSchemas = nameof(CollectedSchemas);
    public const string RootNamespace = nameof(RootNamespace);
    public const string Bound = nameof(Bound);
    public const string EmitModels = nameof(EmitModels);
    public const string CollectedEmitModels = nameof(CollectedEmitModels);
    public const string Diagnostics = nameof(Diagnostics);
    public const string PipelineNames = nameof(PipelineNames);
    public const string DuplicateNames = nameof(DuplicateNames);
    public const string Locks = nameof(Locks);
    public const string CollectedLocks = nameof(CollectedLocks);
    public const string ProjectDirectory = nameof(ProjectDirectory);
    public const string Fallbacks = nameof(Fallbacks);
    public const string CollectedFallbacks = nameof(CollectedFallbacks);
    public const string CollectedDiagnostics = nameof(CollectedDiagnostics);
    public const string SkippedDuplicates = nameof(SkippedDuplicates);
    public const string EmittedNames = nameof(EmittedNames);
    public const string PipelineSources = nameof(PipelineSources);
    public const string ReferencedPackages = nameof(ReferencedPackages);
}
