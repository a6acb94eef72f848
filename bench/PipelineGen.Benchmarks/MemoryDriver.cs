using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using PipelineGen.Runtime;

namespace PipelineGen.Benchmarks;

/// <summary>
/// Peak-memory runs of the real CLI commands on growing data. `prepare-memory` generates and compiles the pipeline once
/// to a DLL, so the measured `cli` process never loads Roslyn; `cli` runs PipelineApp exactly as a user's program does
/// and prints the process's peak working set and allocation totals to stderr.
/// </summary>
internal static class MemoryDriver
{
    private static string AssemblyPath => Path.Combine(BenchCases.Root, "gen", "TaxisMemory.dll");

    public static int Prepare()
    {
        var c = BenchCases.MemoryCase("taxis.csv");
        var (specPath, schemaPath, schemaText) = BenchCases.Prepare(c);
        var (files, kinds) = BenchCases.AdditionalFiles(specPath, c.Spec, schemaPath, schemaText);
        var driver = GeneratorHarness.NewDriver(files, kinds)
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.NewCompilation(new[] { "namespace BenchApp { internal static class UserCode { } }" }), out var output, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(driver, diagnostics);
        Directory.CreateDirectory(Path.GetDirectoryName(AssemblyPath)!);
        File.WriteAllBytes(AssemblyPath, GeneratorHarness.EmitOrThrow(output));
        Console.WriteLine(AssemblyPath);
        return 0;
    }

    public static int RunCli(string[] cliArgs)
    {
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(AssemblyPath);
        var pipeline = (IPipelineDefinition)Activator.CreateInstance(assembly.GetType("BenchApp.TaxisMemoryPipeline")!)!;
        var exit = PipelineGen.Runtime.Cli.PipelineApp.Run(cliArgs, pipeline);
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var info = GC.GetGCMemoryInfo();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MEM exit={exit} peak_working_set_mb={self.PeakWorkingSet64 / 1048576.0:F1} total_allocated_mb={GC.GetTotalAllocatedBytes() / 1048576.0:F1} " +
            $"gc_heap_now_mb={info.HeapSizeBytes / 1048576.0:F1} gen2_collections={GC.CollectionCount(2)}"));
        return exit;
    }

    /// <summary>Writes `factor` times the taxis rows, each copy's numbers jittered (±10 %) and times shifted, so no row repeats exactly.</summary>
    public static int Synthesize(int factor, string outPath)
    {
        var lines = File.ReadAllLines("/work/shared/datasets/taxis/taxis.csv");
        var random = new Random(7);
        var numeric = new[] { 2, 3, 4, 5, 6, 7 };
        using var writer = new StreamWriter(outPath);
        writer.WriteLine(lines[0]);
        for (var copy = 0; copy < factor; copy++)
        {
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(',');
                if (copy > 0)
                {
                    var shift = TimeSpan.FromMinutes(random.Next(-720, 720));
                    for (var i = 0; i < 2; i++)
                        if (DateTime.TryParse(f[i], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                            f[i] = (t + shift).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                    foreach (var i in numeric)
                        if (i != 2 && double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                            f[i] = Math.Round(v * (0.9 + 0.2 * random.NextDouble()), 2).ToString(CultureInfo.InvariantCulture);
                }
                writer.WriteLine(string.Join(',', f));
            }
        }
        Console.WriteLine($"{outPath}: {factor * (lines.Length - 1)} rows");
        return 0;
    }
}
