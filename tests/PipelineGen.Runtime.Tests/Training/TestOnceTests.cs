using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>The test-once rule, the test file's label values, and the model + card unit under crashes and contention.</summary>
public sealed class TestOnceTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    private static int Train(IPipelineDefinition pipeline, TextWriter? output = null, TextWriter? error = null) =>
        TrainStep.Run(pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, output ?? TextWriter.Null, error ?? TextWriter.Null);

    /// <summary>An adult-like binary pipeline whose label is text: "&gt;50K" is positive.</summary>
    private sealed class IncomePipeline(string project) : IPipelineDefinition
    {
        public PipelineSettings Settings { get; } = new()
        {
            Name = "Income",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "income",
            PositiveClass = ">50K",
            Metric = "auc",
            TrainerName = "LightGbm",
            TrainDataPath = "income_train.csv",
            TestDataPath = "income_test.csv",
            ProjectDirectory = project,
            Columns =
            [
                new("age", 0, "Age", ColumnKind.Numeric, ColumnRole.Feature, false),
                new("hours", 1, "Hours", ColumnKind.Numeric, ColumnRole.Feature, false),
                new("income", 2, "Income", ColumnKind.Categorical, ColumnRole.Label, false),
            ],
        };

        public IDataView LoadData(MLContext ml, string path) => ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true,
            Separators = [','],
            Columns = [new("age", DataKind.Single, 0), new("hours", DataKind.Single, 1), new("income", DataKind.String, 2)],
        }).Load(path);

        // Like generated code: the label is "equals the positive class", so any other spelling silently becomes negative.
        public IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
            ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>(">50K", true), new KeyValuePair<string, bool>("<=50K", false)], "income")
                .Append(ml.Transforms.Concatenate("Features", "age", "hours"));

        public IEstimator<ITransformer> BuildTrainer(MLContext ml) => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = 10, NumberOfLeaves = 4, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
        });

        public IEstimator<ITransformer> BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));
    }

    private static string IncomeRows(int n, int seed, string positive, string negative)
    {
        var random = new Random(seed);
        var lines = new List<string> { "age,hours,income" };
        for (int i = 0; i < n; i++)
        {
            int age = random.Next(18, 70), hours = random.Next(10, 70);
            bool rich = age + hours + random.Next(-15, 15) > 90;
            lines.Add($"{age},{hours},{(rich ? positive : negative)}");
        }
        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public void TestLabelValuesTrainingNeverSawAreBadInputNamedAndTheLookIsNotTaken()
    {
        File.WriteAllText(Path.Combine(_project, "income_train.csv"), IncomeRows(200, 1, ">50K", "<=50K"));
        // adult's test file spells the classes with a trailing dot.
        File.WriteAllText(Path.Combine(_project, "income_test.csv"), IncomeRows(80, 2, ">50K.", "<=50K."));
        var pipeline = new IncomePipeline(_project);
        Assert.Equal(0, Train(pipeline));

        var error = new StringWriter();
        var output = new StringWriter();
        Assert.Equal(2, TestStep.Run(pipeline, new TestOptions(), output, error));
        var message = error.ToString();
        Assert.Contains("income_test.csv", message);
        Assert.Contains("column 3 ('income')", message);
        Assert.Contains("'>50K.'", message);
        Assert.Contains("'<=50K.'", message);
        Assert.Contains("first at line 2", message);
        Assert.Contains("not marked as seen", message);
        Assert.DoesNotContain("auc", output.ToString()); // nothing was scored or shown
        var model = Path.Combine(_project, ".pipelinegen", "models", "Income.zip");
        Assert.Empty(ModelCard.TryRead(model)!.TestLooks);

        // Fixed spelling: this is still the first look.
        File.WriteAllText(Path.Combine(_project, "income_test.csv"), IncomeRows(80, 2, ">50K", "<=50K"));
        var fixedOutput = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), fixedOutput, TextWriter.Null));
        Assert.Contains("First look at the test set", fixedOutput.ToString());
        Assert.Single(ModelCard.TryRead(model)!.TestLooks);
    }

    [Fact]
    public void NumericLabelsCompareAsValuesAndAnUnseenClassIsRefused()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var test = Path.Combine(_project, "titanic_test.csv");
        var lines = File.ReadAllLines(test);
        // "1.0" is the class "1" as the loader reads it; "2" is a class training never saw.
        File.WriteAllLines(test, lines.Select((l, i) => i == 1 ? "1.0" + l[1..] : i == 5 ? "2" + l[1..] : l));
        var error = new StringWriter();
        Assert.Equal(2, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, error));
        Assert.Contains("'2' (1 row(s), first at line 6)", error.ToString());
        Assert.DoesNotContain("'1.0'", error.ToString());
        Assert.Empty(ModelCard.TryRead(ModelPath)!.TestLooks);
    }

    [Fact]
    public void MulticlassTestLabelsTrainingNeverSawAreRefused()
    {
        var test = Path.Combine(_project, "iris_test.csv");
        var rows = File.ReadAllLines(TestPipeline.DataPath("iris.csv"));
        // Two rows per class, one class spelled with a capital letter.
        File.WriteAllLines(test, rows.Take(1).Concat(rows.Skip(1).Where((_, i) => i % 25 == 0)
            .Select(l => l.Replace(",versicolor", ",Versicolor", StringComparison.Ordinal))));
        var pipeline = MulticlassPipeline.Iris(s => s with { ProjectDirectory = _project, TestDataPath = test });
        Assert.Equal(0, Train(pipeline));

        var error = new StringWriter();
        Assert.Equal(2, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, error));
        Assert.Contains("'Versicolor' (2 row(s), first at line 4)", error.ToString());
        Assert.Contains("column 5 ('species')", error.ToString());
        Assert.Empty(ModelCard.TryRead(Path.Combine(_project, ".pipelinegen", "models", "Iris.zip"))!.TestLooks);
    }

    [Fact]
    public void ARegressionLabelThatDoesNotParseIsRefusedAndMissingLabelsAreLeftOutAndCounted()
    {
        var rows = File.ReadAllLines(TestPipeline.DataPath("wine.csv"));
        var test = Path.Combine(_project, "wine_test.csv");
        var sample = rows.Skip(1).Where((_, i) => i % 20 == 0).ToArray();
        string WithLabel(string row, string label) => row[..(row.LastIndexOf(',') + 1)] + label;
        File.WriteAllLines(test, sample.Select((r, i) => i == 3 ? WithLabel(r, "five") : r).Prepend(rows[0]));
        // Trained on the other rows: a test file cut from the training file would be flagged as inflated (exit 1).
        var train = Path.Combine(_project, "wine_train.csv");
        File.WriteAllLines(train, rows.Skip(1).Where((_, i) => i % 20 != 0).Prepend(rows[0]));
        var pipeline = new RegressionPipeline(RegressionPipeline.Wine().Settings with { ProjectDirectory = _project, TrainDataPath = train, TestDataPath = test });
        Assert.Equal(0, Train(pipeline));
        var model = Path.Combine(_project, ".pipelinegen", "models", "Wine.zip");

        var error = new StringWriter();
        Assert.Equal(2, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, error));
        Assert.Contains("line 5, column 12 ('quality'): 'five' is not a number", error.ToString());
        Assert.Empty(ModelCard.TryRead(model)!.TestLooks);

        // A missing label cannot be scored: the row is left out and counted, the rest is the first look.
        File.WriteAllLines(test, sample.Select((r, i) => i == 3 ? WithLabel(r, "") : r).Prepend(rows[0]));
        var output = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null));
        Assert.Contains($"1 of {sample.Length} test row(s) left out (0 bad row(s) under bad-row policy fail, 1 without a label value)", output.ToString());
        var look = Assert.Single(ModelCard.TryRead(model)!.TestLooks);
        Assert.Equal(sample.Length - 1, look.Rows);
        Assert.True(double.IsFinite(look.Metrics["rmse"]), "the missing label must not turn the metric into NaN");
    }

    [Fact]
    public void OnlyTheNewestVersionsAreKept()
    {
        var pipeline = new TitanicTestPipeline(_project);
        for (int i = 0; i < ModelStore.VersionsKept + 2; i++) Assert.Equal(0, Train(pipeline));
        var versions = Directory.GetDirectories(ModelStore.VersionsDirectory(ModelPath));
        Assert.Equal(ModelStore.VersionsKept, versions.Length);
        Assert.Contains(Path.GetDirectoryName(ModelStore.Resolve(ModelPath)), versions);
    }

    [Fact]
    public void MetricsHandedOverWithoutAContextAreMarkedAsNotChecked()
    {
        var evaluation = new EvaluationSummary
        {
            Protocol = "holdout 0.25, seed 7",
            Metric = "auc",
            Metrics = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.85) },
        };
        var result = TrainStep.Train(new MLContext(seed: 1), new TitanicTestPipeline(_project), new TrainOptions { Evaluation = evaluation });
        Assert.Contains("not checked against this model", result.Card.EvaluationNote);
        Assert.Contains("not checked against this model", File.ReadAllText(ModelCard.MarkdownPath(result.ModelPath)));
    }

    [Fact]
    public void ConcurrentTestsGiveExactlyOneFirstLook()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));

        var results = new (int Exit, string Output)[4];
        using var start = new Barrier(results.Length);
        var threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() =>
        {
            var output = new StringWriter();
            start.SignalAndWait();
            results[i] = (TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null), output.ToString());
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Single(results, r => r.Exit == 0);
        Assert.Single(results, r => r.Output.Contains("First look", StringComparison.Ordinal));
        Assert.Equal(results.Length - 1, results.Count(r => r.Exit == 1));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
    }

    [Fact]
    public void ATestWhileTrainingIsCarriedOverToTheNewCard()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));

        // Retrain and test at once: the look lands in whichever card is current when test holds the lock, and train
        // copies the looks under the same lock, so the look survives either order.
        int trained = -1, tested = -1;
        var trainer = new Thread(() => trained = Train(pipeline));
        var tester = new Thread(() => tested = TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
        trainer.Start();
        tester.Start();
        trainer.Join();
        tester.Join();

        Assert.Equal(0, trained);
        Assert.Equal(0, tested);
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
        Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void ALookRecordedWhileTrainWasFittingIsNotErasedByItsNewCard()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var before = ModelStore.Resolve(ModelPath);

        // Exactly the bad interleaving: train has read the old card and fitted; a test records its look; train commits.
        int tested = -1;
        ModelStore.FaultInjection.Value = stage =>
        {
            if (stage == "model-fitted") tested = TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null);
        };
        try
        {
            Assert.Equal(0, Train(pipeline));
        }
        finally
        {
            ModelStore.FaultInjection.Value = null;
        }
        Assert.Equal(0, tested);
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
        Assert.NotEqual(before, ModelStore.Resolve(ModelPath)); // a new version is current and carries the look
        Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
    }

    [Theory]
    [InlineData("version-written")]
    [InlineData("version-renamed")]
    public void ACrashWhileWritingANewVersionLeavesThePreviousModelAndItsCardCurrent(string stage)
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var before = ModelStore.Resolve(ModelPath);
        var pointer = File.ReadAllText(ModelStore.PointerPath(ModelPath));

        ModelStore.FaultInjection.Value = s => { if (s == stage) throw new IOException($"No space left on device (simulated at {s})"); };
        var error = new StringWriter();
        try
        {
            Assert.Equal(2, Train(pipeline, error: error));
        }
        finally
        {
            ModelStore.FaultInjection.Value = null;
        }
        Assert.Contains("No space left on device", error.ToString());
        Assert.Contains(Path.Combine(_project, ".pipelinegen", "models"), error.ToString());
        Assert.Contains("previous model", error.ToString());

        Assert.Equal(pointer, File.ReadAllText(ModelStore.PointerPath(ModelPath)));
        Assert.Equal(before, ModelStore.Resolve(ModelPath));
        var card = ModelCard.TryRead(ModelPath)!;
        Assert.Equal(FileHash.Sha256(before), card.ModelSha256);
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(ModelStore.VersionsDirectory(ModelPath)), e => e.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void StaleTemporaryFilesFromAKilledRunAreCleanedOnStart()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var models = Path.GetDirectoryName(ModelPath)!;
        var versions = ModelStore.VersionsDirectory(ModelPath);
        var current = Path.GetDirectoryName(ModelStore.Resolve(ModelPath))!;
        // What a kill leaves: temp files of the old single-file writer, a half-written version folder, a card temp file.
        var leftovers = new[]
        {
            Path.Combine(models, ".Titanic.zip.0123456789abcdef.tmp"),
            Path.Combine(models, ".Titanic.card.json.fedcba9876543210.tmp"),
            Path.Combine(current, ".model.card.json.00112233445566778899.tmp"),
            Path.Combine(versions, ".20260101-000000-000-abcdef.tmp", "model.zip"),
        };
        foreach (var file in leftovers)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "PK half-written");
        }

        var output = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null));
        Assert.Contains("removed 4 temporary", output.ToString());
        foreach (var file in leftovers) Assert.False(File.Exists(file), file);
        Assert.False(Directory.Exists(Path.Combine(versions, ".20260101-000000-000-abcdef.tmp")));
        Assert.Equal(FileHash.Sha256(ModelStore.Resolve(ModelPath)), ModelCard.TryRead(ModelPath)!.ModelSha256);
    }

    [Fact]
    public void TheSingleFileLayoutOfEarlierVersionsIsStillReadAndItsLooksCarryOver()
    {
        var pipeline = new TitanicTestPipeline(_project);
        var result = TrainStep.Train(new MLContext(seed: 1), pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash });
        // Rewrite it as an earlier version did: Titanic.zip with Titanic.card.json beside it, no pointer.
        File.Copy(result.ModelPath, ModelPath);
        (result.Card with { ModelFile = "Titanic.zip", LabelValues = null }).Write(ModelPath);
        Directory.Delete(ModelStore.VersionsDirectory(ModelPath), recursive: true);
        Assert.Equal(ModelPath, ModelStore.Resolve(ModelPath));

        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);

        Assert.Equal(0, Train(pipeline));
        Assert.NotEqual(ModelPath, ModelStore.Resolve(ModelPath));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
        Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void AReadOnlyModelFolderIsExit2WithThePathAndThePreviousModelStays()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var before = ModelStore.Resolve(ModelPath);
        var versions = ModelStore.VersionsDirectory(ModelPath);

        var error = new StringWriter();
        using (var readOnly = new ReadOnlyFolder(versions))
        {
            Assert.True(readOnly.Active, $"could not make {versions} read-only on this machine");
            Assert.Equal(2, Train(pipeline, error: error));
        }
        Assert.Contains($"cannot write the model under '{Path.GetDirectoryName(ModelPath)}'", error.ToString());
        Assert.Contains(versions, error.ToString()); // the reason names the folder that refused
        Assert.Contains("previous model", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
        Assert.Equal(before, ModelStore.Resolve(ModelPath));
        Assert.Equal(FileHash.Sha256(before), ModelCard.TryRead(ModelPath)!.ModelSha256);
    }

    [Fact]
    public void AReadOnlyVersionFolderStopsTestBeforeItShowsMetricsAndTheLookIsNotCounted()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var version = Path.GetDirectoryName(ModelStore.Resolve(ModelPath))!;

        var output = new StringWriter();
        var error = new StringWriter();
        using (var readOnly = new ReadOnlyFolder(version))
        {
            Assert.True(readOnly.Active, $"could not make {version} read-only on this machine");
            Assert.Equal(2, TestStep.Run(pipeline, new TestOptions(), output, error));
        }
        Assert.Contains("cannot record the look", error.ToString());
        Assert.Contains(version, error.ToString());
        Assert.DoesNotContain("auc", output.ToString());
        Assert.Empty(ModelCard.TryRead(ModelPath)!.TestLooks);
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null)); // still the first look
    }
}
