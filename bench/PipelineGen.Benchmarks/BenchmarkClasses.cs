using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.CodeAnalysis;

namespace PipelineGen.Benchmarks;

/// <summary>
/// In-process (no generated benchmark project to build: the machine is shared and slow to build on), few iterations,
/// one invocation per iteration (each invocation is a whole compile or a whole fit).
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1).WithId("InProcess"));
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
        HideColumns("Error", "StdDev");
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.Q1, BenchmarkDotNet.Columns.StatisticColumn.Q3,
                  BenchmarkDotNet.Columns.StatisticColumn.Min, BenchmarkDotNet.Columns.StatisticColumn.Max);
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}

/// <summary>Compiler cost with vs without the generator; each category has its own baseline (the no-generator compile).</summary>
[Config(typeof(BenchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratorBenchmarks
{
    private GeneratorWorkload workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        workload = new GeneratorWorkload();
        workload.SetUpWarm();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Cold")] public byte[] Cold_NoGenerator() => workload.ColdWithoutGenerator();
    [Benchmark, BenchmarkCategory("Cold")] public byte[] Cold_WithGenerator() => workload.ColdWithGenerator();
    [Benchmark, BenchmarkCategory("Cold")] public GeneratorDriver Cold_GeneratorOnly() => workload.ColdGeneratorOnly();

    [Benchmark(Baseline = true), BenchmarkCategory("CodeEdit")] public byte[] CodeEdit_NoGenerator() => workload.WarmCodeEditWithoutGenerator();
    [Benchmark, BenchmarkCategory("CodeEdit")] public byte[] CodeEdit_WithGenerator() => workload.WarmCodeEditWithGenerator();
    [Benchmark, BenchmarkCategory("CodeEdit")] public GeneratorDriver CodeEdit_GeneratorOnly() => workload.WarmCodeEditGeneratorOnly();

    [Benchmark(Baseline = true), BenchmarkCategory("YamlComment")] public byte[] YamlComment_NoGenerator() => workload.YamlCommentEditWithoutGenerator();
    [Benchmark, BenchmarkCategory("YamlComment")] public byte[] YamlComment_WithGenerator() => workload.YamlCommentEditWithGenerator();
    [Benchmark, BenchmarkCategory("YamlComment")] public GeneratorDriver YamlComment_GeneratorOnly() => workload.YamlCommentEditGeneratorOnly();
}

/// <summary>Fit + evaluate: generated pipeline vs the same pipeline hand-written (baseline), per case.</summary>
[Config(typeof(BenchConfig))]
public class TrainingBenchmarks
{
    private TrainingWorkload generated = null!;
    private TrainingWorkload handWritten = null!;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> Cases => BenchCases.Training.Select(c => c.Name);

    [GlobalSetup]
    public void Setup()
    {
        var c = BenchCases.Find(Case);
        generated = TrainingWorkload.Generated(c);
        handWritten = TrainingWorkload.HandWritten(c);
        var (g, h) = (generated.Run(), handWritten.Run());
        if (g != h) throw new InvalidOperationException($"{Case}: generated and hand-written metrics differ:\n  generated   {g}\n  hand-written {h}");
    }

    [Benchmark(Baseline = true)] public string HandWritten() => handWritten.Run();
    [Benchmark] public string Generated() => generated.Run();
}
