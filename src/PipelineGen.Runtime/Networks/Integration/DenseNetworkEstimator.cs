using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// The dense network as an ML.NET estimator. <see cref="Fit"/> streams the featurised rows through one cursor into a
/// <see cref="DenseDataset"/>, holds out a seeded share for early stopping, trains with <see cref="DenseTrainer"/>,
/// writes the weights as an ONNX graph and returns a chain of ML.NET's own saveable transformers: the ONNX transform
/// (the graph's bytes are stored in the model zip) and the mappings to ML.NET's usual output columns (binary: Score,
/// Probability, PredictedLabel; multiclass: Score vector and key PredictedLabel; regression: Score).
/// Why this design: docs/runtime-networks.md, "Integration".
/// </summary>
public sealed class DenseNetworkEstimator : IEstimator<ITransformer>
{
    private readonly MLContext _ml;
    private readonly DenseLoss _loss;

    internal DenseNetworkEstimator(MLContext mlContext, DenseNetworkOptions options, DenseLoss loss)
    {
        _ml = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _loss = loss;
    }

    public DenseNetworkOptions Options { get; }

    /// <summary>Progress per epoch (the CLI can show it); null: silent.</summary>
    internal IProgress<EpochRecord>? Progress { get; set; }

    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DenseModelLoading.Register(_ml);
        var (all, labelKeyCount) = DenseRows.Read(input, Options, _loss);
        var (training, validation) = DenseRows.Split(all, Options);
        var core = Options.ToCore();
        // The epoch curve (DenseEpochCurve): one training per fold on all its training rows, the fold's validation rows
        // as the validation set, no early stopping, so the history holds every epoch on the rows the curve judges.
        if (DenseEpochCurve.Ambient.Value is { } curve)
        {
            training = all;
            validation = DenseRows.Read(curve.Validation, Options, _loss).Rows;
            core = core with { EarlyStopping = 0 };
        }
        DenseTrainingResult result;
        try
        {
            result = DenseTrainer.Train(training, validation, core, _loss, Progress);
        }
        catch (DenseTrainingException e)
        {
            throw new InvalidOperationException($"The dense network could not be trained: {e.Message}", e);
        }

        var model = DenseScoring.Build(_ml, input, Options, _loss, result.Network, labelKeyCount);
        DenseTrainingLog.Remember(model, new DenseTrainingSummary(Options.EffectiveLayers, training.Rows, validation?.Rows ?? 0,
            result.History, result.BestEpoch, result.StopReason, Options.Epochs));
        return model;
    }

    /// <summary>The output columns ML.NET's own trainer for the task would add (same names and types), checked the same way.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _loss switch
    {
        DenseLoss.BinaryLogistic => _ml.BinaryClassification.Trainers.LbfgsLogisticRegression(Options.LabelColumnName, Options.FeatureColumnName).GetOutputSchema(inputSchema),
        DenseLoss.Softmax => _ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(Options.LabelColumnName, Options.FeatureColumnName).GetOutputSchema(inputSchema),
        _ => _ml.Regression.Trainers.Sdca(Options.LabelColumnName, Options.FeatureColumnName).GetOutputSchema(inputSchema),
    };
}

/// <summary>What one fit of the network did: kept for the capacity curve in epochs and the model card (EpochsAllowed: the epoch budget it had).</summary>
internal sealed record DenseTrainingSummary(int[] Layers, int TrainingRows, int ValidationRows, IReadOnlyList<EpochRecord> History, int BestEpoch, string? StopReason, int EpochsAllowed)
{
    public int EpochsRun => History.Count;
}
