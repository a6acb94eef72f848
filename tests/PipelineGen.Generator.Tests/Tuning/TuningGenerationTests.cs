using Microsoft.CodeAnalysis;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Spec.Data;
using PipelineGen.Generator.Tests.Emit;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// A spec with a 'tune' section: the generated pipeline exposes its space and builds its trainer with overridden
/// hyperparameters; 'tune' on the generated code writes a lock file, and the next generation pins its values as constants.
/// </summary>
public sealed class TuningGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-tunegen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Its own name: the snapshots are compiled into this test project, beside Binary.g.cs's TitanicPipeline.
    public static readonly string TunedSpec = Fixtures.TitanicSpec.Replace("name: Titanic", "name: TunedTitanic") + """

        tune:
          strategy: bayesian
          trials: 3
          metric: auc
          space:
            leaves: { min: 2, max: 32, scale: log }
            learning_rate: { min: 0.02, max: 0.4, scale: log }
            min_examples_per_leaf: { values: [2, 5, 10] }
        """;

    public const string Lock = """
        # Written by 'tune' (PipelineGen).
        version: 1
        pipeline: 'TunedTitanic'
        trainer: 'lightgbm'
        params:
          leaves: 5
          learning_rate: 0.125
          min_examples_per_leaf: 10
        study:
          id: '20261130-000000-abcdef'
          metric: 'auc'
          search_score: 0.85
        """;

    [Fact]
    public void Tuned_spec_with_a_lock_matches_the_snapshot_and_compiles()
    {
        var run = GeneratorHarness.RunWithLock("/specs/tuned/pipeline.yaml", TunedSpec, Fixtures.TitanicSchema, Lock);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = run.Source("TunedTitanic.PipelineGen.g.cs");
        // The pinned values are the trainer's constants; the spec's own leaves: 8 is replaced.
        Assert.Contains("NumberOfLeaves = 5, // pinned by pipeline.lock.yaml", text);
        Assert.Contains("LearningRate = 0.125d, // pinned by pipeline.lock.yaml", text);
        Assert.DoesNotContain("NumberOfLeaves = 8", text);

        SnapshotFile.AssertMatches("Tuned.g.cs", text);
    }

    /// <summary>Every trainer × task with hyperparameters: a space over all of them emits overrides that compile (int, float, double, bool options).</summary>
    [Theory]
    [MemberData(nameof(TrainerCompileTests.Combinations), MemberType = typeof(TrainerCompileTests))]
    public void Every_trainer_with_a_tune_section_compiles(string trainer, string task)
    {
        var info = PipelineGen.Spec.Catalog.TrainerCatalog.Find(trainer)!;
        if (info.Params.Count == 0) return; // nothing to search: a space would be PG0203
        var (spec, schema) = task switch
        {
            "binary" => (Fixtures.TitanicSpec, Fixtures.TitanicSchema),
            "multiclass" => (Fixtures.IrisSpec, Fixtures.IrisSchema),
            _ => (Fixtures.TaxisSpec, Fixtures.TaxisSchema),
        };
        var model = spec.Substring(spec.IndexOf("model:", StringComparison.Ordinal));
        // Lists and words (dense layers, activation) are not searchable (PG0604); bounds stay inside each range.
        var space = string.Concat(info.Params.Where(p => p.IsNumeric).Select(p => "\n    " + p.Name + ": " + p.Type switch
        {
            PipelineGen.Spec.Catalog.ParamType.Bool => "{ values: [true, false] }",
            PipelineGen.Spec.Catalog.ParamType.Int => $"{{ min: {(int)(p.Min ?? 1) + 1}, max: {Math.Min((int)(p.Min ?? 1) + 11, (int)(p.Max ?? double.MaxValue))} }}",
            _ => $"{{ min: 0.1, max: {Math.Min(0.9, p.Max ?? 0.9).ToString(System.Globalization.CultureInfo.InvariantCulture)} }}",
        }));
        var yaml = spec.Replace(model, $"model:\n  trainer: {trainer}\ntune:\n  space:{space}\n");
        var run = GeneratorHarness.RunWithLock("/specs/t/pipeline.yaml", yaml, schema, null);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS0436" /* the harness sees the compiled snapshots too */ && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
        Assert.Contains("ITunablePipeline", run.Result.Results.Single().GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void A_spec_without_tune_or_lock_generates_no_tuning_members()
    {
        var text = GeneratorHarness.RunWithLock("/specs/plain/pipeline.yaml", Fixtures.TitanicSpec, Fixtures.TitanicSchema, null).Source("Titanic.PipelineGen.g.cs");
        Assert.DoesNotContain("ITunablePipeline", text);
        Assert.DoesNotContain("pinned by", text);
    }

    [Fact]
    public void Tune_on_generated_code_writes_a_lock_that_the_next_build_pins()
    {
        File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), Path.Combine(_dir, "titanic.csv"));
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        var assembly = GeneratorHarness.Load(GeneratorHarness.RunWithLock(specPath, TunedSpec, Fixtures.TitanicSchema, null));
        // The program runs from the project folder in a real build (found at run time); here the test names it.
        var type = assembly.GetType("MyApp.TunedTitanicPipeline")!;
        var defaults = (PipelineSettings)type.GetProperty("DefaultSettings")!.GetValue(null)!;
        var pipeline = (ITunablePipeline)Activator.CreateInstance(type, defaults with { ProjectDirectory = _dir })!;
        Assert.Equal(["leaves", "learning_rate", "min_examples_per_leaf"], pipeline.Tuning.Space.Select(p => p.Name));
        Assert.True(pipeline.Tuning.Space[0].Log);
        Assert.Equal([2.0, 5, 10], pipeline.Tuning.Space[2].Choices!);
        Assert.Contains("unknown", Assert.Throws<ArgumentException>(() => pipeline.WithHyperparameters(new Dictionary<string, double> { ["unknown"] = 1 })).Message);

        // Overrides reach the trainer: a 2-leaf model differs from a 32-leaf one on the same data.
        var data = pipeline.LoadData(new Microsoft.ML.MLContext(1), Path.Combine(_dir, "titanic.csv"));
        var small = pipeline.WithHyperparameters(new Dictionary<string, double> { ["leaves"] = 2 });
        var large = pipeline.WithHyperparameters(new Dictionary<string, double> { ["leaves"] = 32 });
        var ml = new Microsoft.ML.MLContext(1);
        var scoreSmall = ml.BinaryClassification.Evaluate(small.BuildPipeline(ml).Fit(data).Transform(data)).AreaUnderRocCurve;
        var scoreLarge = ml.BinaryClassification.Evaluate(large.BuildPipeline(ml).Fit(data).Transform(data)).AreaUnderRocCurve;
        Assert.NotEqual(scoreSmall, scoreLarge);
        // A trial's settings declare its values (what its card and run context show); the spec's stay for the rest.
        Assert.Equal("2", small.Settings.Hyperparameters!["leaves"]);
        Assert.Equal("32", large.Settings.Hyperparameters!["leaves"]);
        Assert.Equal(pipeline.Settings.Hyperparameters!["iterations"], small.Settings.Hyperparameters["iterations"]);
        Assert.Equal(pipeline.Settings.Hyperparameters.Keys, small.Settings.Hyperparameters.Keys);

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(["tune"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("trial 3/3", output.ToString());
        var lockPath = Path.Combine(_dir, "pipeline.lock.yaml");
        Assert.Equal(lockPath, pipeline.LockFilePath);
        var lockText = File.ReadAllText(lockPath);
        Assert.Contains("trainer: 'lightgbm'", lockText);

        // The next build reads the lock: its values become the constants, and PinnedHyperparameters reports them.
        var rebuilt = GeneratorHarness.RunWithLock(specPath, TunedSpec, Fixtures.TitanicSchema, lockText);
        Assert.Empty(rebuilt.GeneratorDiagnostics);
        var source = rebuilt.Source("TunedTitanic.PipelineGen.g.cs");
        var leaves = System.Text.RegularExpressions.Regex.Match(lockText, @"\n  leaves: (\d+)").Groups[1].Value;
        Assert.Contains($"NumberOfLeaves = {leaves}, // pinned by pipeline.lock.yaml", source);
        var pinned = (ITunablePipeline)Activator.CreateInstance(GeneratorHarness.Load(rebuilt).GetType("MyApp.TunedTitanicPipeline")!)!;
        Assert.Equal(leaves, pinned.PinnedHyperparameters["leaves"]);
        // The pinned winner's settings declare the lock's value: its model card lists it without reading ML.NET back.
        Assert.Equal(leaves, pinned.Settings.Hyperparameters!["leaves"]);
        Assert.Equal(leaves, PipelineGen.Runtime.Training.TrainerHyperparameters.Describe(pinned).Hyperparameters["leaves"]);
    }

    [Fact]
    public void A_lock_that_no_longer_fits_is_a_diagnostic_in_the_lock_file()
    {
        var stale = Lock.Replace("leaves: 5", "leaves: 64");
        var run = GeneratorHarness.RunWithLock("/specs/tuned/pipeline.yaml", TunedSpec, Fixtures.TitanicSchema, stale);
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PG0214", d.Id);
        Assert.EndsWith("pipeline.lock.yaml", d.Location.GetLineSpan().Path);
        Assert.Equal(5, d.Location.GetLineSpan().StartLinePosition.Line); // 0-based: line 6 'leaves: 64'
        Assert.Contains("outside the range declared in tune.space.leaves (2 to 32)", d.GetMessage());
    }
}
