using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>The trainer learns problems with known answers.</summary>
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
        Assert.True(result.History[^1].TrainingLoss < 0.05, $"final loss {result.History[^1].TrainingLoss}");
    }
}
