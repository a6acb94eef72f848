using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>The trainer learns problems with known answers, stops early on the best epoch and is deterministic.</summary>
public sealed class DenseLearningTests
{
    [Fact]
    public void LearnsXor()
    {
        var data = DenseTestData.Xor();
        var result = DenseTrainer.Train(data, null,
            new DenseOptions { Layers = [8], Activation = DenseActivation.Tanh, Epochs = 500, BatchSize = 4, LearningRate = 0.05, L2 = 0, EarlyStopping = 0, Seed = 3 },
            DenseLoss.BinaryLogistic);
        Assert.Equal(1.0, DenseTestData.Accuracy(result.Network, data));
        Assert.Equal(500, result.History.Count);
        Assert.Equal(500, result.BestEpoch);
        Assert.Null(result.StopReason);
        Assert.True(result.History[^1].TrainingLoss < 0.05, $"final loss {result.History[^1].TrainingLoss}");
    }

    [Fact]
    public void SeparatesTwoInterleavedSpirals()
    {
        var data = DenseTestData.Spirals(perArm: 100, noise: 0.05, seed: 2);
        var result = DenseTrainer.Train(data, null,
            new DenseOptions { Layers = [32, 32], Activation = DenseActivation.Relu, Epochs = 400, BatchSize = 16, LearningRate = 0.01, L2 = 0, EarlyStopping = 0, Seed = 1 },
            DenseLoss.BinaryLogistic);
        var accuracy = DenseTestData.Accuracy(result.Network, data);
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy}");
    }

    [Fact]
    public void SeparatesSpiralsAsThreeClassSoftmaxToo()
    {
        // The same spirals labelled 0/1 plus a third blob class: the softmax path learns non-linear boundaries as well.
        var spirals = DenseTestData.Spirals(perArm: 80, noise: 0.05, seed: 4);
        var x = new List<float>();
        var y = new List<float>();
        for (var r = 0; r < spirals.Rows; r++) { x.AddRange(spirals.Row(r).ToArray()); y.Add(spirals.Target(r)); }
        var rng = new Random(8);
        for (var r = 0; r < 80; r++) { x.Add((float)(2.5 + 0.2 * rng.NextDouble())); x.Add((float)(2.5 + 0.2 * rng.NextDouble())); y.Add(2); }
        var data = new DenseDataset([.. x], [.. y], 2, 3);
        var result = DenseTrainer.Train(data, null,
            new DenseOptions { Layers = [32, 32], Activation = DenseActivation.Tanh, Epochs = 400, BatchSize = 16, LearningRate = 0.01, L2 = 0, EarlyStopping = 0, Seed = 1 },
            DenseLoss.Softmax);
        var accuracy = DenseTestData.Accuracy(result.Network, data);
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy}");
    }

    [Fact]
    public void FitsSinPlusSquareToAStatedError()
    {
        // y = sin(x1) + x2^2 on [-2, 2]^2 (target standard deviation about 1.3): held-out RMSE under 0.1.
        var train = DenseTestData.SinPlusSquare(400, seed: 1);
        var test = DenseTestData.SinPlusSquare(200, seed: 2);
        var result = DenseTrainer.Train(train, null,
            new DenseOptions { Layers = [32, 32], Activation = DenseActivation.Tanh, Epochs = 300, BatchSize = 16, LearningRate = 0.01, L2 = 0, EarlyStopping = 0, Seed = 1 },
            DenseLoss.SquaredError);
        var rmse = DenseTestData.Rmse(result.Network, test);
        Assert.True(rmse < 0.1, $"held-out RMSE {rmse}");
        Assert.Equal(Math.Sqrt(result.History[^1].TrainingLoss), DenseTestData.Rmse(result.Network, train), 1e-4);
    }

    [Fact]
    public void EarlyStoppingKeepsTheBestEpochsWeights()
    {
        // A wide network on 60 noisy rows overfits: the validation loss turns up and patience runs out.
        var all = DenseTestData.Blobs(260, features: 6, classes: 2, spread: 1.6, seed: 3);
        var train = Slice(all, 0, 60);
        var valid = Slice(all, 60, 200);
        var options = new DenseOptions { Layers = [128, 128], Epochs = 400, BatchSize = 10, LearningRate = 0.01, L2 = 0, EarlyStopping = 5, Seed = 2 };
        var seen = new List<EpochRecord>();
        var result = DenseTrainer.Train(train, valid, options, DenseLoss.BinaryLogistic, new SyncProgress(seen));

        Assert.NotNull(result.StopReason);
        Assert.Contains("Early stopping", result.StopReason);
        Assert.True(result.History.Count < options.Epochs);
        var bestByHistory = result.History.MinBy(e => e.ValidationLoss!.Value)!;
        Assert.Equal(bestByHistory.Epoch, result.BestEpoch);
        Assert.Equal(result.BestEpoch + options.EarlyStopping, result.History.Count);
        Assert.Equal(result.History, seen);
        // The returned weights are that epoch's: their validation loss is the recorded best, not the last epoch's.
        Assert.Equal(bestByHistory.ValidationLoss!.Value, MeanLogLoss(result.Network, valid), 1e-5);
        Assert.NotEqual(result.History[^1].ValidationLoss!.Value, MeanLogLoss(result.Network, valid), 1e-5);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndHistory()
    {
        var data = DenseTestData.Blobs(150, features: 5, classes: 3, spread: 1.0, seed: 6);
        var options = new DenseOptions { Layers = [16, 8], Dropout = 0.2, Epochs = 20, BatchSize = 16, LearningRate = 0.01, Seed = 42 };
        var a = DenseTrainer.Train(data, data, options, DenseLoss.Softmax);
        var b = DenseTrainer.Train(data, data, options, DenseLoss.Softmax);
        var c = DenseTrainer.Train(data, data, options with { Seed = 43 }, DenseLoss.Softmax);
        Assert.Equal(a.History, b.History);
        for (var l = 0; l < a.Network.Layers.Count; l++)
        {
            Assert.Equal(a.Network.Layers[l].Weights, b.Network.Layers[l].Weights);
            Assert.Equal(a.Network.Layers[l].Bias, b.Network.Layers[l].Bias);
        }
        Assert.NotEqual(a.Network.Layers[0].Weights, c.Network.Layers[0].Weights);
        Assert.NotEqual(a.History, c.History);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cts = new CancellationTokenSource();
        var data = DenseTestData.Xor();
        var progress = new SyncProgress([], onReport: e => { if (e.Epoch == 3) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DenseTrainer.Train(data, null,
            new DenseOptions { Layers = [4], Epochs = 100, BatchSize = 2 }, DenseLoss.BinaryLogistic, progress, cts.Token));
    }

    [Fact]
    public void OutputLayerStartsAtTheTargetsBaseRate()
    {
        Assert.Equal([2.5f], DenseTrainer.InitialOutput(new DenseDataset([0, 1, 2, 3], [1, 2, 3, 4], 1, 0), DenseLoss.SquaredError));
        Assert.Equal(MathF.Log(3f), DenseTrainer.InitialOutput(new DenseDataset([0, 1, 2, 3], [1, 1, 1, 0], 1, 2), DenseLoss.BinaryLogistic)[0], 1e-6f);
        var softmax = DenseTrainer.InitialOutput(new DenseDataset([0, 1, 2, 3], [0, 0, 0, 1], 1, 3), DenseLoss.Softmax);
        Assert.Equal([MathF.Log(0.75f), MathF.Log(0.25f), MathF.Log(0.125f)], softmax);
        // Zero epochs are not allowed, so check the effect through one tiny step: a 1-epoch regression on a constant
        // offset target starts (and stays) near that offset rather than near 0.
        var data = new DenseDataset([0, 1, 2, 3, 4, 5, 6, 7], [100, 100, 100, 100, 100, 100, 100, 100], 1, 0);
        var result = DenseTrainer.Train(data, null, new DenseOptions { Layers = [4], Epochs = 1, BatchSize = 8, EarlyStopping = 0 }, DenseLoss.SquaredError);
        Assert.True(result.History[0].TrainingLoss < 100, $"training loss after one step {result.History[0].TrainingLoss}");
    }

    internal static DenseDataset Slice(DenseDataset data, int start, int count)
    {
        var x = new float[count * data.FeatureCount];
        var y = new float[count];
        for (var r = 0; r < count; r++)
        {
            data.Row(start + r).CopyTo(x.AsSpan(r * data.FeatureCount));
            y[r] = data.Target(start + r);
        }
        return new DenseDataset(x, y, data.FeatureCount, data.Classes);
    }

    private static double MeanLogLoss(DenseNetwork net, DenseDataset data)
    {
        var o = new float[1];
        var total = 0.0;
        for (var r = 0; r < data.Rows; r++)
        {
            net.Forward(data.Row(r), o);
            double z = o[0];
            total += Math.Log(1 + Math.Exp(z)) - data.Target(r) * z;
        }
        return total / data.Rows;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one records synchronously, in order.</summary>
    private sealed class SyncProgress(List<EpochRecord> into, Action<EpochRecord>? onReport = null) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord value) { into.Add(value); onReport?.Invoke(value); }
    }
}
