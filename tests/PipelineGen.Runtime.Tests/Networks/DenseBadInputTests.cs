using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>Bad options and data give a DenseTrainingException that says where and what to do; divergence stops
/// training with the last good weights instead of crashing.</summary>
public sealed class DenseBadInputTests
{
    private static readonly DenseOptions Small = new() { Layers = [4], Epochs = 3, BatchSize = 2 };

    private static string Fails(DenseDataset data, DenseOptions options, DenseLoss loss = DenseLoss.BinaryLogistic, DenseDataset? validation = null) =>
        Assert.Throws<DenseTrainingException>(() => DenseTrainer.Train(data, validation, options, loss)).Message;

    [Fact]
    public void LayerOfSizeZero() =>
        Assert.Contains("layers[1] is 0", Fails(DenseTestData.Xor(), Small with { Layers = [4, 0] }));

    [Fact]
    public void BatchLargerThanTheData()
    {
        var message = Fails(DenseTestData.Xor(), Small with { BatchSize = 5 });
        Assert.Contains("batch_size is 5", message);
        Assert.Contains("only 4 rows", message);
    }

    [Fact]
    public void SingleClassBinaryLabel()
    {
        var data = new DenseDataset([0, 1, 2, 3], [1, 1, 1, 1], 1, 2);
        Assert.Contains("single class", Fails(data, Small));
    }

    [Fact]
    public void SingleClassSoftmaxLabel()
    {
        var data = new DenseDataset([0, 1, 2, 3], [2, 2, 2, 2], 1, 3);
        Assert.Contains("single class (every row is class 2)", Fails(data, Small, DenseLoss.Softmax));
    }

    [Fact]
    public void BinaryLabelOutsideZeroOne()
    {
        var data = new DenseDataset([0, 1, 2, 3], [0, 1, 2, 0], 1, 2);
        Assert.Contains("row 3 is 2", Fails(data, Small));
    }

    [Fact]
    public void SoftmaxLabelOutOfRange()
    {
        var data = new DenseDataset([0, 1, 2, 3], [0, 1, 3, 0], 1, 3);
        Assert.Contains("class index 0..2", Fails(data, Small, DenseLoss.Softmax));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "an infinite value")]
    public void NonFiniteFeatureNamesRowAndColumn(float bad, string what)
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        x[5] = bad; // row 3, column 2
        var message = Fails(new DenseDataset(x, [0, 1, 1, 0], 2, 2), Small);
        Assert.Contains($"{what} at row 3, feature column 2", message);
        Assert.Contains("training", message);
    }

    [Fact]
    public void NonFiniteValidationFeatureSaysValidation()
    {
        var valid = new DenseDataset([0, float.NaN], [0], 2, 2);
        Assert.Contains("validation data has NaN at row 1, feature column 2", Fails(DenseTestData.Xor(), Small, validation: valid));
    }

    [Fact]
    public void ValidationWithOtherFeatureCount()
    {
        var valid = new DenseDataset([0, 0, 0], [0], 3, 2);
        Assert.Contains("3 feature columns", Fails(DenseTestData.Xor(), Small, validation: valid));
    }

    [Fact]
    public void RegressionTargetNaN()
    {
        var data = new DenseDataset([0, 1, 2, 3], [0, 1, float.NaN, 0], 1, 0);
        Assert.Contains("row 3 is NaN", Fails(data, Small, DenseLoss.SquaredError));
    }

    [Theory]
    [InlineData(1.0, "dropout")]
    [InlineData(-0.1, "dropout")]
    public void DropoutOutOfRange(double dropout, string key) =>
        Assert.Contains(key, Fails(DenseTestData.Xor(), Small with { Dropout = dropout }));

    [Fact]
    public void OtherOptionsOutOfRange()
    {
        Assert.Contains("learning_rate", Fails(DenseTestData.Xor(), Small with { LearningRate = 0 }));
        Assert.Contains("epochs", Fails(DenseTestData.Xor(), Small with { Epochs = 0 }));
        Assert.Contains("early_stopping", Fails(DenseTestData.Xor(), Small with { EarlyStopping = -1 }));
        Assert.Contains("l2", Fails(DenseTestData.Xor(), Small with { L2 = -1 }));
        Assert.Contains("batch_size is 0", Fails(DenseTestData.Xor(), Small with { BatchSize = 0 }));
    }

    [Fact]
    public void DatasetShapeMismatch() =>
        Assert.Contains("3 rows x 2 features", Assert.Throws<DenseTrainingException>(() => new DenseDataset([1, 2, 3, 4, 5], [0, 1, 0], 2, 2)).Message);

    [Fact]
    public void NetworkWithMismatchedLayers()
    {
        var message = Assert.Throws<DenseTrainingException>(() => new DenseNetwork(
            [new DenseLayer(2, 3, new float[6], new float[3], DenseActivation.Relu), new DenseLayer(4, 1, new float[4], new float[1], null)],
            DenseLoss.BinaryLogistic)).Message;
        Assert.Contains("layer 2 takes 4 inputs but layer 1 gives 3", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ExplodingLossStopsWithTheLastGoodWeights()
    {
        // Targets of 1e18 on a linear-ish regression: squared errors overflow double after a few Adam steps of a
        // huge learning rate; training must stop with a message and return finite, earlier weights.
        var rng = new Random(1);
        var x = Enumerable.Range(0, 40).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, 20).Select(i => 1e18f * (i % 3)).ToArray();
        var data = new DenseDataset(x, y, 2, 0);
        var result = DenseTrainer.Train(data, null,
            new DenseOptions { Layers = [8], Epochs = 200, BatchSize = 4, LearningRate = 1e35, L2 = 0, EarlyStopping = 0 },
            DenseLoss.SquaredError);
        Assert.NotNull(result.StopReason);
        Assert.Contains("diverged", result.StopReason);
        Assert.Contains("learning_rate", result.StopReason);
        Assert.True(result.History.Count < 200);
        Assert.Equal(result.History.Count, result.BestEpoch);
        Assert.All(result.History, e => Assert.True(double.IsFinite(e.TrainingLoss)));
        Assert.All(result.Network.Layers, l => Assert.All(l.Weights, w => Assert.True(float.IsFinite(w))));
        var output = new float[1];
        result.Network.Forward(data.Row(0), output);
        Assert.True(float.IsFinite(output[0]));
    }
}
