using System.Globalization;

namespace PipelineGen.Runtime.Networks;

/// <summary>Mini-batch AdamW training of a <see cref="DenseNetwork"/> with a learning-rate schedule (constant or warm-up + cosine), inverted
/// dropout, per-epoch shuffling and early stopping on the validation loss. See docs/runtime-networks.md.</summary>
internal static class DenseTrainer
{
    // Separate random streams so that, e.g., turning dropout on does not change the initial weights or the batch order.
    private const ulong InitStream = 1, ShuffleStream = 2, DropoutStream = 3;

    /// <summary>Trains; with a validation set and EarlyStopping &gt; 0, stops after `patience` epochs without improvement
    /// and returns the BEST epoch's weights. Throws <see cref="DenseTrainingException"/> (clear message) on bad input.</summary>
    public static DenseTrainingResult Train(DenseDataset training, DenseDataset? validation, DenseOptions options,
        DenseLoss loss, IProgress<EpochRecord>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        DenseInputCheck.Options(options, training);
        DenseInputCheck.Data(training, loss, "training", requireAllClasses: true);
        if (validation is not null)
        {
            if (validation.FeatureCount != training.FeatureCount)
                throw new DenseTrainingException(
                    $"The validation data has {validation.FeatureCount} feature columns but the training data has {training.FeatureCount}: both must come from the same feature pipeline.");
            if (validation.Rows == 0)
                throw new DenseTrainingException("The validation data has no rows: pass null for no validation, or at least one row.");
            if (loss == DenseLoss.Softmax && validation.Classes != training.Classes)
                throw new DenseTrainingException(
                    $"The validation data declares {validation.Classes} classes but the training data {training.Classes}: both must use the same class indices.");
            DenseInputCheck.Data(validation, loss, "validation", requireAllClasses: false);
        }

        var outputs = loss == DenseLoss.Softmax ? training.Classes : 1;
        int[] sizes = [training.FeatureCount, .. options.Layers, outputs];
        var maxBatch = Math.Max(options.BatchSize, 1024); // evaluation passes run in chunks of up to 1024 rows
        var net = new DenseBackprop(sizes, options.Activation, loss, options.Dropout, maxBatch);
        net.Initialize(DenseRandom.Stream(options.Seed, InitStream));
        // The output layer starts at the training targets' base rate / mean: the network then learns the deviations
        // instead of spending its first epochs (Adam moves each parameter ~learning_rate per step) walking to an
        // unstandardized target's offset. Measured on wine quality (mean 5.6): see docs/runtime-networks.md.
        InitialOutput(training, loss).CopyTo(net.B[^1], 0);
        var shuffleRng = DenseRandom.Stream(options.Seed, ShuffleStream);
        var dropoutRng = DenseRandom.Stream(options.Seed, DropoutStream);

        var order = new int[training.Rows];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var history = new List<EpochRecord>(options.Epochs);
        var lastGood = net.Snapshot();
        var lastGoodEpoch = 0;
        float[][][]? best = null;
        var bestEpoch = 0;
        var bestLoss = double.PositiveInfinity;
        var sinceBest = 0;
        string? stopReason = null;
        var earlyStopping = validation is not null && options.EarlyStopping > 0;
        var stepsPerEpoch = (training.Rows + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = (long)stepsPerEpoch * options.Epochs;
        long step = 0;

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            // Fisher-Yates with the seeded stream: a new order every epoch, the same orders for the same seed.
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = shuffleRng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            string? failure = null;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
                var batchLoss = net.Run(training, batch, options.Dropout > 0 ? dropoutRng : null, backward: true);
                if (!double.IsFinite(batchLoss))
                {
                    failure = $"the training loss became {Describe(batchLoss)} in epoch {epoch} (mini-batch starting at shuffled position {start})";
                    break;
                }
                net.AdamStep(DenseLearningRate.At(options.Schedule, options.LearningRate, step++, stepsPerEpoch, totalSteps), options.L2);
            }
            double trainLoss = 0, validLoss = 0;
            if (failure is null)
            {
                if (!net.ParametersFinite()) failure = $"the weights became NaN or infinite in epoch {epoch}";
                else
                {
                    // Both curves in evaluation mode (no dropout) over whole sets, so they compare like with like.
                    trainLoss = Evaluate(net, training);
                    if (!double.IsFinite(trainLoss)) failure = $"the training loss became {Describe(trainLoss)} after epoch {epoch}";
                    else if (validation is not null)
                    {
                        validLoss = Evaluate(net, validation);
                        if (!double.IsFinite(validLoss)) failure = $"the validation loss became {Describe(validLoss)} after epoch {epoch}";
                    }
                }
            }
            if (failure is not null)
            {
                var kept = earlyStopping && best is not null ? bestEpoch : lastGoodEpoch;
                stopReason = string.Create(CultureInfo.InvariantCulture,
                    $"Training diverged: {failure}. Kept the weights of epoch {kept}{(kept == 0 ? " (the initial weights)" : "")}. Lower learning_rate (now {options.LearningRate}), or check the features are standardized.");
                if (!(earlyStopping && best is not null)) { best = lastGood; bestEpoch = lastGoodEpoch; }
                break;
            }

            var record = new EpochRecord(epoch, trainLoss, validation is null ? null : validLoss);
            history.Add(record);
            progress?.Report(record);
            lastGood = net.Snapshot();
            lastGoodEpoch = epoch;

            if (earlyStopping)
            {
                if (validLoss < bestLoss)
                {
                    bestLoss = validLoss;
                    best = lastGood;
                    bestEpoch = epoch;
                    sinceBest = 0;
                }
                else if (++sinceBest >= options.EarlyStopping)
                {
                    stopReason = string.Create(CultureInfo.InvariantCulture,
                        $"Early stopping: the validation loss did not improve for {options.EarlyStopping} epochs after epoch {bestEpoch} ({bestLoss:G6}); kept epoch {bestEpoch}'s weights.");
                    break;
                }
            }
        }

        if (best is null) { best = lastGood; bestEpoch = lastGoodEpoch; }
        return new DenseTrainingResult(net.ToNetwork(best), history, bestEpoch, stopReason);
    }

    /// <summary>The constant output that minimises the loss on the training targets: their mean (regression), the
    /// log-odds of the positive rate (binary), the log class frequencies (softmax; softmax is shift-invariant).</summary>
    internal static float[] InitialOutput(DenseDataset training, DenseLoss loss)
    {
        switch (loss)
        {
            case DenseLoss.SquaredError:
            {
                var sum = 0.0;
                for (var r = 0; r < training.Rows; r++) sum += training.Target(r);
                return [(float)(sum / training.Rows)];
            }
            case DenseLoss.BinaryLogistic:
            {
                var positives = 0;
                for (var r = 0; r < training.Rows; r++) if (training.Target(r) == 1f) positives++;
                var p = (double)positives / training.Rows; // both classes are present (checked), so 0 < p < 1
                return [(float)Math.Log(p / (1 - p))];
            }
            default:
            {
                var counts = new int[training.Classes];
                for (var r = 0; r < training.Rows; r++) counts[(int)training.Target(r)]++;
                // A class absent from training gets a floor of half a row, not log(0).
                return [.. counts.Select(c => (float)Math.Log(Math.Max(c, 0.5) / training.Rows))];
            }
        }
    }

    /// <summary>Mean loss over a whole data set, evaluation mode (no dropout).</summary>
    private static double Evaluate(DenseBackprop net, DenseDataset data)
    {
        var total = 0.0;
        var rows = new int[Math.Min(net.MaxBatch, data.Rows)];
        for (var start = 0; start < data.Rows; start += rows.Length)
        {
            var n = Math.Min(rows.Length, data.Rows - start);
            for (var i = 0; i < n; i++) rows[i] = start + i;
            total += net.Run(data, rows.AsSpan(0, n), dropoutRng: null, backward: false);
        }
        return total / data.Rows;
    }

    private static string Describe(double value) => double.IsNaN(value) ? "NaN" : "infinite";
}
