using System.Globalization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

public sealed record TrainOptions
{
    /// <summary>Where to save; default <c>&lt;project&gt;/.pipelinegen/models/&lt;name&gt;.zip</c>.</summary>
    public string? ModelPath { get; init; }
    /// <summary>Hash of the spec the pipeline was generated from (the generator's <c>SpecHash</c> constant).</summary>
    public string? SpecHash { get; init; }
    /// <summary>What evaluate/baseline measured; recorded in the card when given.</summary>
    public EvaluationSummary? Evaluation { get; init; }
    /// <summary>The capacity to fit the trainer with (e.g. the capacity curve's choice, from <c>run</c>); null: the spec's. Recorded in the card.</summary>
    public CapacityChoice? Capacity { get; init; }
    /// <summary>Fits the model instead of the pipeline's estimator (e.g. a tuned ensemble); null: the pipeline.</summary>
    public Func<MLContext, IDataView, ITransformer>? Fit { get; init; }
    /// <summary>The tuning study behind the model, recorded in the card; null: read from the pipeline's lock file when it has one.</summary>
    public TuningProvenance? Tuning { get; init; }
}

public sealed record TrainResult(string ModelPath, ModelCard Card);

/// <summary>
/// The final model: fitted on the whole training file (train + validation; the spec's test file is never read), saved
/// atomically with a model card beside it.
/// </summary>
public static class TrainStep
{
    /// <summary>How long train and test wait for each other's model lock before giving up.</summary>
    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public static TrainResult Train(MLContext ml, IPipelineDefinition pipeline, TrainOptions? options = null, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new TrainOptions();
        var settings = pipeline.Settings;
        var dataPath = settings.ResolvePath(settings.TrainDataPath);
        if (!File.Exists(dataPath))
            throw new FileNotFoundException($"Training data '{dataPath}' does not exist (spec data path '{settings.TrainDataPath}').", dataPath);
        // A device or a named pipe would be hashed and loaded forever (or block): bad input before anything opens it.
        Data.DataFileGuard.CheckReadable(dataPath, "training data");
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(settings));

        // Read before training: a broken card must stop us rather than silently drop the test-set history.
        _ = ModelCard.TryRead(modelPath);
        var scan = Data.DataScan.Run(settings, dataPath);
        var data = pipeline.LoadData(ml, dataPath);
        var capacity = options.Capacity ?? CapacityChoice.Decide(pipeline, curve: null);
        var adjustable = capacity is not null && capacity.Used != capacity.SpecValue ? pipeline as ICapacityAdjustable : null;
        var estimator = adjustable is not null ? adjustable.BuildPipeline(ml, capacity!.Used) : pipeline.BuildPipeline(ml);
        ModelStore.Fault("fit-started");
        var model = options.Fit is { } fit ? fit(ml, data) : estimator.Fit(data);
        ModelStore.Fault("model-fitted");
        var dataSha = FileHash.Sha256(dataPath);
        var trainer = ModelInspector.DescribeTrainer(settings.TrainerName, adjustable is not null ? adjustable.BuildTrainer(ml, capacity!.Used) : pipeline.BuildTrainer(ml));

        // Metrics go in the card only when they were measured for this spec, these data and these hyperparameters.
        var evaluation = options.Evaluation;
        string? notEvaluated = null;
        if (evaluation?.Context is { } measured)
        {
            var differences = measured.DifferencesTo(new EvaluationContext(options.SpecHash, dataSha, EvaluationContext.TrainerLabel(trainer), trainer.Hyperparameters));
            if (differences.Count > 0)
            {
                notEvaluated = $"The evaluation found{(measured.RunId is null ? "" : $" (run {measured.RunId})")} was measured for a different pipeline: {string.Join("; ", differences)}.";
                evaluation = null;
            }
        }

        // Without a context the caller vouches for the match (typed API); say so rather than imply it was checked.
        var evaluationNote = evaluation is { Context: null }
            ? "These metrics were handed to train without a record of the spec, data and hyperparameters they were measured for, so they were not checked against this model."
            : null;
        var card = new ModelCard
        {
            EvaluationNote = evaluationNote,
            Name = settings.Name,
            CreatedUtc = DateTimeOffset.UtcNow,
            SpecHash = options.SpecHash,
            Task = settings.Task.ToString(),
            LabelColumn = settings.LabelColumn,
            Metric = evaluation?.Metric ?? settings.Metric ?? TrainingMetrics.ChooseMetric(settings, scan.LabelCounts.Select(c => c.Value).ToArray()),
            TrainData = new DataFingerprint(dataPath, dataSha, CountRows(data)),
            ModelFile = ModelStore.ModelFileName,
            ModelSha256 = "",
            Packages = ModelCard.PackageVersions(),
            Protocol = evaluation?.Protocol ?? DescribeProtocol(settings.Evaluation)
                + (notEvaluated is null ? " (from the spec; no evaluation summary given)" : " (from the spec; not evaluated for this model)"),
            Metrics = evaluation?.Metrics,
            BaselineStrategy = evaluation?.BaselineStrategy ?? settings.Baseline,
            Baseline = evaluation?.Baseline,
            EvaluationRunId = evaluation?.Context?.RunId,
            NotEvaluatedReason = notEvaluated,
            Trainer = trainer,
            Capacity = capacity,
            Preparation = ModelInspector.DescribePreparation(model, data.Schema, settings),
            LabelValues = settings.Task == MlTaskKind.Regression ? null : scan.LabelCounts.Select(c => c.Key).ToArray(),
            Tuning = options.Tuning ?? (pipeline is Tuning.ITunablePipeline { PinnedHyperparameters.Count: > 0 } tuned ? TuningProvenance.FromLockFile(tuned.LockFilePath, tuned.PinnedHyperparameters) : null),
        };

        // Model and card are one unit: written into a new version folder, made current by replacing the pointer, under
        // the lock test takes, so a look recorded while we trained is carried over instead of erased.
        string modelFile;
        using (ModelStore.AcquireLock(modelPath, LockTimeout, note))
        {
            int cleaned = ModelStore.CleanStale(modelPath);
            if (cleaned > 0) note?.Invoke($"removed {cleaned} temporary file(s) or folder(s) left by an interrupted run beside {modelPath}");
            var previous = ModelCard.TryRead(modelPath);
            // The test-once lock outlives retraining: a new model does not make a seen test set unseen.
            card = card with { TestLooks = previous?.TestLooks ?? [] };
            modelFile = ModelStore.Commit(modelPath, file =>
            {
                using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    ml.Model.Save(model, data.Schema, stream);
                    stream.Flush(flushToDisk: true);
                }
                ModelStore.Fault("model-saved");
                card = card with { ModelSha256 = FileHash.Sha256(file) };
                card.Write(file);
                // Beside the model: training ranges and categories per feature, so predict can flag values the model never saw.
                TrainingProfile.Compute(settings, data, card.ModelSha256).Write(file);
            });
        }
        return new TrainResult(modelFile, card);
    }

    /// <summary>CLI entry: 0 saved, 2 bad input (missing data, unreadable rows) or a model folder that cannot be written.</summary>
    public static int Run(IPipelineDefinition pipeline, TrainOptions options, TextWriter output, TextWriter error)
    {
        var ml = new MLContext(seed: pipeline.Settings.Seed);
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(pipeline.Settings));
        try
        {
            var result = Train(ml, pipeline, options, message => output.WriteLine($"Note: {message}"));
            var card = result.Card;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained {card.Trainer.Name} on {card.TrainData.Rows} rows of {card.TrainData.Path} (train + validation; the test set was not used)."));
            output.WriteLine($"Model: {result.ModelPath}");
            output.WriteLine($"Card:  {ModelCard.MarkdownPath(result.ModelPath)} (and .card.json)");
            output.WriteLine($"Current version: {ModelStore.PointerPath(modelPath)} points to it.");
            if (card.Preparation.FeatureSlots is { } slots)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Features: {slots} slots"));
            if (card.EvaluationRunId is { } evaluationRun)
                output.WriteLine($"Evaluation: metrics of evaluate run {evaluationRun} (same spec hash, training data and hyperparameters) are in the card.");
            if (card.NotEvaluatedReason is { } reason)
                output.WriteLine($"Note: this model was not evaluated. {reason} The card says so. Run 'evaluate' and then 'train' (or 'run') to record metrics that belong to it.");
            if (card.TestLooks.Count > 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Note: the test set was already evaluated {card.TestLooks.Count} time(s) before this retraining; the lock still applies."));
            return 0;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            error.WriteLine($"train: {e.Message}");
            return 2;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            error.WriteLine($"train: cannot write the model under '{Path.GetDirectoryName(modelPath)}': {e.Message} " +
                "The previous model (if any) is unchanged. Free disk space or make the folder writable, then run 'train' again.");
            return 2;
        }
    }

    /// <summary>The disk is full, a folder is read-only, or another command held the model lock too long.</summary>
    internal static bool IsStorageFailure(Exception e) => e is IOException or UnauthorizedAccessException or TimeoutException;

    internal static bool IsBadInput(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException or ArgumentException
            or Data.DataValidationException or Evaluation.EvaluationException;

    internal static string DescribeProtocol(EvaluationSettings e) => e.Protocol switch
    {
        EvaluationProtocol.Holdout => string.Create(CultureInfo.InvariantCulture, $"holdout {e.HoldoutFraction:0.##}, seed {e.Seed}"),
        EvaluationProtocol.KFold => string.Create(CultureInfo.InvariantCulture, $"{e.Folds}-fold{(e.Stratify ? ", stratified" : "")}, seed {e.Seed}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{e.Repeats}x{e.Folds}-fold{(e.Stratify ? ", stratified" : "")}, seed {e.Seed}"),
    };

    internal static long CountRows(IDataView data)
    {
        if (data.GetRowCount() is { } known) return known;
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
