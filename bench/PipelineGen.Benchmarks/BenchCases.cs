using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using PipelineGen.Runtime;
using PipelineGen.Spec.Data;

using PipelineGen.Generator.Tests.Harness;

namespace PipelineGen.Benchmarks;

/// <summary>A spec over a dataset: the unit every benchmark runs on.</summary>
internal sealed record BenchCase(string Name, string DataSet, string Spec)
{
    public string PipelineName => Name;
}

/// <summary>
/// The benchmark cases and their on-disk workspace (default /tmp/pg-bench, override with PG_BENCH_DIR): one folder per
/// dataset with the data file and one spec per case. Schemas are inferred by the real build tool (PipelineGen.Tool),
/// so the generator sees exactly what it sees in `dotnet build`.
/// </summary>
internal static class BenchCases
{
    public static string Root => Environment.GetEnvironmentVariable("PG_BENCH_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "pg-bench");

    public static string RepoRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PG_REPO_ROOT") is { Length: > 0 } root) return root;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PipelineGen.sln"))) return dir.FullName;
            throw new InvalidOperationException("PipelineGen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static readonly Dictionary<string, string> DataSources = new()
    {
        ["titanic"] = "/work/shared/datasets/titanic/titanic_kaggle_train_raw.csv", // 891 rows
        ["taxis"] = "/work/shared/datasets/taxis/taxis.csv",                         // 6,433 rows
    };

    private const string TitanicColumns = """
        data:
          train: titanic.csv
          columns:
            name: { type: text }
            ticket: { role: ignore }
            cabin: { role: ignore }
            pclass: { type: categorical }
        """;

    private const string TaxisColumns = """
        data:
          train: taxis.csv
          columns:
            pickup: { role: ignore }
            dropoff: { role: ignore }
            tip: { role: ignore }
            tolls: { role: ignore }
            total: { role: ignore }
            color: { role: ignore }
        """;

    /// <summary>Training benchmarks: pure ML.NET catalog transforms, so the hand-written twin needs nothing from PipelineGen.</summary>
    public static readonly BenchCase[] Training =
    {
        new("TitanicLightGbm", "titanic", $"version: 1\nname: TitanicLightGbm\ntask: {{ kind: binary, label: survived }}\n{TitanicColumns}\nmodel:\n  trainer: lightgbm\n  params: {{ leaves: 16, iterations: 100, min_examples_per_leaf: 5 }}\n"),
        new("TitanicSdca", "titanic", $"version: 1\nname: TitanicSdca\ntask: {{ kind: binary, label: survived }}\n{TitanicColumns}\nmodel:\n  trainer: sdca\n  params: {{ iterations: 50 }}\n"),
        new("TitanicFastTree", "titanic", $"version: 1\nname: TitanicFastTree\ntask: {{ kind: binary, label: survived }}\n{TitanicColumns}\nmodel:\n  trainer: fast_tree\n  params: {{ trees: 100, leaves: 16 }}\n"),
        new("TaxisLightGbm", "taxis", $"version: 1\nname: TaxisLightGbm\ntask: {{ kind: regression, label: fare }}\n{TaxisColumns}\nmodel:\n  trainer: lightgbm\n  params: {{ leaves: 16, iterations: 100 }}\n"),
        new("TaxisSdca", "taxis", $"version: 1\nname: TaxisSdca\ntask: {{ kind: regression, label: fare }}\n{TaxisColumns}\nmodel:\n  trainer: sdca\n  params: {{ iterations: 50 }}\n"),
        new("TaxisFastTree", "taxis", $"version: 1\nname: TaxisFastTree\ntask: {{ kind: regression, label: fare }}\n{TaxisColumns}\nmodel:\n  trainer: fast_tree\n  params: {{ trees: 100, leaves: 16 }}\n"),
    };

    /// <summary>The generator benchmark's spec: the test suite's realistic Titanic spec (text, median, indicators, k-fold).</summary>
    public static readonly BenchCase GeneratorCase = new("Titanic", "titanic", Fixtures.TitanicSpec);

    /// <summary>The memory benchmark's spec: every taxis column the runtime can use (datetimes → calendar features, hashed zones).</summary>
    public static BenchCase MemoryCase(string dataFile) => new("TaxisMemory", "taxis", $$"""
        version: 1
        name: TaxisMemory
        task: { kind: regression, label: fare }
        data:
          train: {{dataFile}}
          columns:
            tip: { role: ignore }
            tolls: { role: ignore }
            total: { role: ignore }
            color: { role: ignore }
        prepare:
          categorical_encoding: hash
          hash_bits: 8
        evaluate: { protocol: kfold, folds: 3 }
        model:
          trainer: lightgbm
          params: { leaves: 16, iterations: 50 }
        """);

    public static BenchCase Find(string name) =>
        Training.Concat(new[] { GeneratorCase }).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown case '{name}'; known: {string.Join(", ", Training.Select(c => c.Name))}, {GeneratorCase.Name}");

    public static string DataFolder(string dataSet) => Path.Combine(Root, dataSet);
    public static string SpecPath(BenchCase c) => Path.Combine(DataFolder(c.DataSet), c.Name + ".pipeline.yaml");
    public static string DataPath(string dataSet) => Path.Combine(DataFolder(dataSet), dataSet + ".csv");

    /// <summary>Writes the data copy and the spec, runs the build tool, returns the spec path and the inferred schema text.</summary>
    /// <param name="checkSchema">Read the schema back here to fail early; the generator's first-run benchmark passes false,
    /// because reading it in-process would JIT the spec library's YAML reading before the run it measures.</param>
    public static (string SpecPath, string SchemaPath, string SchemaText) Prepare(BenchCase c, bool checkSchema = true)
    {
        Directory.CreateDirectory(DataFolder(c.DataSet));
        if (!File.Exists(DataPath(c.DataSet))) File.Copy(DataSources[c.DataSet], DataPath(c.DataSet));
        var spec = SpecPath(c);
        if (!File.Exists(spec) || File.ReadAllText(spec) != c.Spec) File.WriteAllText(spec, c.Spec);
        var schema = spec + ".schema.json";
        RunTool(spec, schema, checkSchema);
        return (spec, schema, File.ReadAllText(schema));
    }

    private static void RunTool(string spec, string schema, bool checkSchema)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var tool = Path.Combine(RepoRoot, "src", "PipelineGen.Tool", "bin", configuration, "net10.0", "PipelineGen.Tool.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { tool, "infer", "--spec", spec, "--out", schema }) start.ArgumentList.Add(a);
        // The tool is another process: it must not write into the JIT log of the process being measured
        // (bench/generator-first-run-ab.sh counts the methods that one process compiled).
        start.Environment.Remove("DOTNET_JitStdOutFile");
        start.Environment.Remove("DOTNET_JitDisasmSummary");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"PipelineGen.Tool exited {process.ExitCode}: {stderr}{stdout.Result}");
        if (!checkSchema) return;
        var parsed = SchemaFile.Read(File.ReadAllText(schema)) ?? throw new InvalidOperationException("unreadable schema " + schema);
        if (parsed.Diagnostics.Count > 0) throw new InvalidOperationException("data diagnostics in " + schema);
    }

    /// <summary>Spec + schema as the AdditionalFiles the package's targets pass to the compiler.</summary>
    public static (List<AdditionalText> Files, Dictionary<string, string> Kinds) AdditionalFiles(string specPath, string specText, string schemaPath, string schemaText) =>
        (new List<AdditionalText> { new InMemoryAdditionalText(specPath, specText), new InMemoryAdditionalText(schemaPath, schemaText) },
         new Dictionary<string, string> { [specPath] = "Spec", [schemaPath] = "Schema" });

    /// <summary>Runs the generator over a case, compiles its output, loads it and returns the generated pipeline.</summary>
    public static (IPipelineDefinition Pipeline, string Source) LoadGenerated(BenchCase c)
    {
        var (specPath, schemaPath, schemaText) = Prepare(c);
        var (files, kinds) = AdditionalFiles(specPath, c.Spec, schemaPath, schemaText);
        var driver = GeneratorHarness.NewDriver(files, kinds)
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.NewCompilation(new[] { "namespace BenchApp { internal static class UserCode { } }" }), out var output, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(driver, diagnostics);
        var image = GeneratorHarness.EmitOrThrow(output);
        var assembly = new AssemblyLoadContext(null, isCollectible: false).LoadFromStream(new MemoryStream(image));
        var type = assembly.GetType($"BenchApp.{c.PipelineName}Pipeline") ?? throw new InvalidOperationException("no generated pipeline type for " + c.Name);
        var source = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        return ((IPipelineDefinition)Activator.CreateInstance(type)!, source);
    }
}
