using System.Globalization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

internal sealed record TestOptions
{
    public string? ModelPath { get; init; }
    /// <summary>Look at an already-seen test set again; recorded in the card as a forced look.</summary>
    public bool Force { get; init; }
}

internal enum TestOutcome { Evaluated, Refused }

internal sealed record TestResult(TestOutcome Outcome, TestLook? Look, IReadOnlyList<TestLook> PreviousLooks, string Message)
{
    /// <summary>Metrics that are undefined on the test data (e.g. a single class) and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Test rows that repeat a training row; when flagged, the metrics are inflated and the command exits 1.</summary>
    public Exploration.TrainingOverlap? Overlap { get; init; }
    /// <summary>The primary metric beside the card's estimate (through the look's own sampling error); null when the card holds no estimate.</summary>
    public Evaluation.TestLookComparison? BesideEstimate { get; init; }
}

/// <summary>
/// The held-out test set, evaluated once. The card records each look with the test data's SHA-256; a second look at the
/// same data is refused unless forced, and a forced look is recorded as such.
/// </summary>
internal static class TestStep
{
    public static TestResult Test(MLContext ml, IPipelineDefinition pipeline, TestOptions? options = null, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new TestOptions();
        var settings = pipeline.Settings;
        if (string.IsNullOrWhiteSpace(settings.TestDataPath))
            throw new ArgumentException($"Pipeline '{settings.Name}' has no test data: add a test file to the spec's data section.");
        var testPath = settings.ResolvePath(settings.TestDataPath);
        if (!File.Exists(testPath))
            throw new FileNotFoundException($"Test data '{testPath}' does not exist (spec test path '{settings.TestDataPath}'). Fix the path in the spec or create the file.", testPath);
        // A device or a named pipe would be hashed forever (or block): bad input before anything opens it.
        Data.DataFileGuard.CheckReadable(testPath, "test data");
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(settings));
        if (!File.Exists(ModelStore.Resolve(modelPath)))
            throw new FileNotFoundException($"No model at '{modelPath}'. Run 'train' first.", modelPath);

        // Read-only checks of the test file first: nothing below is recorded unless the look can be scored.
        var scan = TestData.Scan(settings, testPath);

        // Check, score and record under the model lock: two tests at once cannot both be the first look, and a
        // train finishing meanwhile carries the recorded look over to its new card.
        using var held = ModelStore.AcquireLock(modelPath, TrainStep.LockTimeout, note);
        int cleaned = ModelStore.CleanStale(modelPath);
        if (cleaned > 0) note?.Invoke($"removed {cleaned} temporary file(s) or folder(s) left by an interrupted run beside {modelPath}");
        var modelFile = ModelStore.Resolve(modelPath);
        var card = ModelCard.TryRead(modelPath)
            ?? throw new FileNotFoundException($"The model '{modelFile}' has no card ({ModelCard.JsonPath(modelFile)}), so the test-once lock cannot be checked. Run 'train' again to write it.", ModelCard.JsonPath(modelFile));

        var fingerprint = FileHash.Sha256(testPath);
        var seen = card.TestLooks.Where(l => l.DataSha256 == fingerprint).ToArray();
        if (seen.Length > 0 && !options.Force)
        {
            var first = seen[0];
            var message = string.Create(CultureInfo.InvariantCulture,
                $"The test set '{testPath}' (SHA-256 {fingerprint[..12]}…) was already evaluated {seen.Length} time(s), first on {first.AtUtc.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ") +
                $"({string.Join(", ", first.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}")))}). " +
                "Looking again and changing the model in response turns the test set into a validation set, and its estimate stops being honest. " +
                "To look again anyway, rerun with --force; the extra look is recorded in the model card.";
            return new TestResult(TestOutcome.Refused, null, card.TestLooks, message);
        }

        // Label values the model never saw would be scored as some other class: refuse before the look counts.
        TestData.CheckLabels(settings, scan, card);

        // Values the model never saw (a category spelled differently, a number in other units): scored all the same, so
        // the metrics stand, but the user must learn that part of the test file is written unlike the training file.
        var unfamiliar = TestData.UnfamiliarValues(settings, testPath, TrainingProfile.TryReadFor(modelPath, out _));

        var overlap = OverlapWithTraining(ml, pipeline, testPath, scan);
        var model = ModelStore.Load(ml, modelFile, out _);
        var data = TestData.Usable(pipeline.LoadData(ml, testPath), scan, settings, out var leftOut);
        var warnings = new List<string>();
        if (leftOut is { } excluded) warnings.Add(excluded);
        warnings.AddRange(unfamiliar);
        var scored = model.Transform(data);
        var metrics = TrainingMetrics.Evaluate(ml, settings.Task, scored, warnings, "test set", settings.DecisionThreshold);
        var look = new TestLook(DateTimeOffset.UtcNow, testPath, fingerprint, TrainStep.CountRows(data), FileHash.Sha256(modelFile),
            Forced: seen.Length > 0, new SortedDictionary<string, double>(metrics.ToDictionary(), StringComparer.Ordinal))
        {
            DecisionThreshold = DecisionThreshold.Resolve(settings, null),
            // The look's own sampling error, so that it is set beside the estimate as a measurement, not as an exact value.
            StandardErrors = Evaluation.TestLookBootstrap.StandardErrors(settings.Task, scored, metrics, settings.Seed, settings.DecisionThreshold),
        };
        var beside = card.CompareWithEstimate(look);
        if (beside is not null) look = look with { EstimateCheck = TestLookCheck.Of(beside) };
        // Recorded before anyone sees the metrics: the caller prints them only after this returns.
        (card with { TestLooks = [.. card.TestLooks, look] }).Write(modelFile);

        var text = seen.Length > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Forced look #{seen.Length + 1} at this test set; recorded in the model card.")
            : card.TestLooks.Count > 0
                ? "First look at this test file (a different one was evaluated before; see the card)."
                : "First look at the test set; recorded in the model card. A second look needs --force.";
        return new TestResult(TestOutcome.Evaluated, look, card.TestLooks, text) { Warnings = warnings.Distinct().ToArray(), Overlap = overlap, BesideEstimate = beside };
    }

    /// <summary>Test rows that are copies of training rows (a test file cut from, or appended to, the training file).
    /// Without the training file (a model moved elsewhere) there is nothing to compare with.</summary>
    private static Exploration.TrainingOverlap? OverlapWithTraining(MLContext ml, IPipelineDefinition pipeline, string testPath, Data.DataScan testScan)
    {
        var settings = pipeline.Settings;
        if (string.IsNullOrWhiteSpace(settings.TrainDataPath)) return null;
        var trainPath = settings.ResolvePath(settings.TrainDataPath);
        if (!File.Exists(trainPath)) return null;
        Data.DataFileGuard.CheckReadable(trainPath, "training data");
        return Exploration.TrainingOverlap.Measure(pipeline, ml, trainPath, Data.DataScan.Run(settings, trainPath), testPath, testScan);
    }

    /// <summary>CLI entry: 0 evaluated, 1 refused by the test-once lock or evaluated on a test file that repeats training
    /// rows (the metrics are printed, with why they are inflated), 2 bad input (no test file, no model).</summary>
    /// <param name="pipeline">The generated pipeline whose saved model is scored.</param>
    /// <param name="options">The model path and whether a second look is forced.</param>
    /// <param name="output">Where the metrics and the look are written.</param>
    /// <param name="error">Where refusals and bad input are written.</param>
    /// <param name="evaluated">Called with the look this command recorded (not one another command recorded meanwhile).</param>
    public static int Run(IPipelineDefinition pipeline, TestOptions options, TextWriter output, TextWriter error, Action<TestLook>? evaluated = null)
    {
        var ml = new MLContext(seed: pipeline.Settings.Seed);
        TestResult result;
        try
        {
            result = Test(ml, pipeline, options, message => output.WriteLine($"Note: {message}"));
        }
        catch (Exception e) when (TrainStep.IsBadInput(e))
        {
            error.WriteLine($"test: {e.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
        catch (Exception e) when (TrainStep.IsStorageFailure(e))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(pipeline.Settings)));
            error.WriteLine($"test: cannot record the look in the model card under '{folder}': {e.Message} " +
                "Nothing was shown and the look is not counted. Free disk space or make the folder writable, then run 'test' again.");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
        if (result.Outcome == TestOutcome.Refused)
        {
            error.WriteLine($"test: {result.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.CheckFailed;
        }
        evaluated?.Invoke(result.Look!);
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(pipeline.Settings));
        var metric = ModelCard.TryRead(modelPath)?.Metric ?? TrainingMetrics.ChooseMetric(pipeline.Settings);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test set: {result.Look!.Rows} rows of {result.Look.DataPath}"));
        // A metric the test rows do not define (precision when no row was called positive) is listed as undefined with
        // why, never left out of the table or shown as a number.
        var undefinedRows = Evaluation.MetricCatalog.For(pipeline.Settings.Task).Where(n => !result.Look.Metrics.ContainsKey(n))
            .Select(n => new[] { n, Evaluation.MetricComputer.UndefinedText(n), n == metric ? "(primary metric)" : "" });
        var rows = result.Look.Metrics.Select(m => new[] { m.Key, m.Value.ToString("0.0000", CultureInfo.InvariantCulture), m.Key == metric ? "(primary metric)" : "" }).Concat(undefinedRows);
        foreach (var line in Cli.PlainTable.Lines(["metric", "value", ""], rows, 80, rightAligned: [1])) output.WriteLine("  " + line);
        if (DecisionThreshold.CountedAt(pipeline.Settings.Task, pipeline.Settings.DecisionThreshold) is { } countedAt) output.WriteLine($"  ({countedAt}.)");
        foreach (var warning in result.Warnings) output.WriteLine($"warning: {warning}");
        // A look worse than the estimate allows for is a finding about the data or the estimate, not a failed command: the
        // look is recorded either way, and the exit code stays what the test-once lock and the overlap check say. Better
        // than the range is only a note: the estimate is measured on models fitted on fewer rows than the final one, so
        // it leans pessimistic, and honest looks land above it more often than the nominal 2.5% (runtime-evaluation.md).
        if (result.BesideEstimate is { Worse: true } disagreement)
            output.WriteLine($"warning: the test set disagrees with the model's estimate (recorded in the model card): {disagreement.Text}.");
        else if (result.BesideEstimate is { Disagrees: true } better)
            output.WriteLine($"Note: the test look is better than the model's estimate allows for (recorded in the model card): {better.Text}.");
        if (result.Overlap is { OverlapRows: > 0 } overlap && !overlap.Flagged) output.WriteLine($"Note: {overlap.Describe(result.Look.DataPath)}");
        output.WriteLine(result.Message);
        if (result.Overlap is { Flagged: true } inflated)
        {
            error.WriteLine($"test: the metrics above are not an honest estimate: {inflated.Describe(result.Look.DataPath)}");
            return PipelineGen.Runtime.Cli.ExitCodes.CheckFailed;
        }
        return PipelineGen.Runtime.Cli.ExitCodes.Ok;
    }
}
