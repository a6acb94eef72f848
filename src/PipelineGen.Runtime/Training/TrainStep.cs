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
}

public sealed record TrainResult(string ModelPath, ModelCard Card);

/// <summary>
/// The final model: fitted on the whole training file (train + validation; the spec's test file is never read), saved
/// atomically with a model card beside it.
/// </summary>
public static class TrainStep
{
    public static TrainResult Train(MLContext ml, IPipelineDefinition pipeline, TrainOptions? options = null)
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
        var previous = ModelCard.TryRead(modelPath);
        var data = pipeline.LoadData(ml, dataPath);
        var capacity = options.Capacity ?? CapacityChoice.Decide(pipeline, curve: null);
        var adjustable = capacity is not null && capacity.Used != capacity.SpecValue ? pipeline as ICapacityAdjustable : null;
        var estimator = adjustable is not null ? adjustable.BuildPipeline(ml, capacity!.Used) : pipeline.BuildPipeline(ml);
        var model = estimator.Fit(data);
        ModelStore.Save(ml, model, data.Schema, modelPath);

        var evaluation = options.Evaluation;
        var card = new ModelCard
        {
            Name = settings.Name,
            CreatedUtc = DateTimeOffset.UtcNow,
            SpecHash = options.SpecHash,
            Task = settings.Task.ToString(),
            LabelColumn = settings.LabelColumn,
            Metric = evaluation?.Metric ?? settings.Metric ?? PrimaryMetricOf(settings, dataPath),
            TrainData = new DataFingerprint(dataPath, FileHash.Sha256(dataPath), CountRows(data)),
            ModelFile = Path.GetFileName(modelPath),
            ModelSha256 = FileHash.Sha256(modelPath),
            Packages = ModelCard.PackageVersions(),
            Protocol = evaluation?.Protocol ?? DescribeProtocol(settings.Evaluation) + " (from the spec; no evaluation summary given)",
            Metrics = evaluation?.Metrics,
            BaselineStrategy = evaluation?.BaselineStrategy ?? settings.Baseline,
            Baseline = evaluation?.Baseline,
            Trainer = ModelInspector.DescribeTrainer(settings.TrainerName, adjustable is not null ? adjustable.BuildTrainer(ml, capacity!.Used) : pipeline.BuildTrainer(ml)),
            Capacity = capacity,
            Preparation = ModelInspector.DescribePreparation(model, data.Schema, settings),
            // The test-once lock outlives retraining: a new model does not make a seen test set unseen.
            TestLooks = previous?.TestLooks ?? [],
        };
        card.Write(modelPath);
        // Beside the model: training ranges and categories per feature, so predict can flag values the model never saw.
        TrainingProfile.Compute(settings, data, card.ModelSha256).Write(modelPath);
        return new TrainResult(modelPath, card);
    }

    /// <summary>CLI entry: 0 saved, 2 bad input (missing data, unreadable rows).</summary>
    public static int Run(IPipelineDefinition pipeline, TrainOptions options, TextWriter output, TextWriter error)
    {
        var ml = new MLContext(seed: pipeline.Settings.Seed);
        try
        {
            var result = Train(ml, pipeline, options);
            var card = result.Card;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained {card.Trainer.Name} on {card.TrainData.Rows} rows of {card.TrainData.Path} (train + validation; the test set was not used)."));
            output.WriteLine($"Model: {result.ModelPath}");
            output.WriteLine($"Card:  {ModelCard.MarkdownPath(result.ModelPath)} (and .card.json)");
            if (card.Preparation.FeatureSlots is { } slots)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Features: {slots} slots"));
            if (card.TestLooks.Count > 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Note: the test set was already evaluated {card.TestLooks.Count} time(s) before this retraining; the lock still applies."));
            return 0;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            error.WriteLine($"train: {e.Message}");
            return 2;
        }
    }

    internal static bool IsBadInput(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException or ArgumentException
            or Data.DataValidationException or Evaluation.EvaluationException;

    /// <summary>The metric evaluate would choose (it depends on the class balance), so the card agrees with evaluate.</summary>
    private static string PrimaryMetricOf(PipelineSettings settings, string dataPath)
    {
        var scan = Data.DataScan.Run(settings, dataPath);
        return TrainingMetrics.ChooseMetric(settings, scan.LabelCounts.Select(c => c.Value).ToArray());
    }

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
