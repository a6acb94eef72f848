using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>The learning-rate schedule: its values step by step, and that the trainer applies them per AdamW step.</summary>
public sealed class DenseScheduleTests
{
    private const double Lr = 0.01;

    [Fact]
    public void Constant_is_the_learning_rate_at_every_step()
    {
        foreach (var step in new long[] { 0, 1, 7, 99 })
            Assert.Equal(Lr, DenseLearningRate.At(DenseSchedule.Constant, Lr, step, stepsPerEpoch: 10, totalSteps: 100));
    }

    [Fact]
    public void Cosine_warms_up_linearly_over_the_first_epoch_then_decays_to_the_floor()
    {
        // 10 steps per epoch, 100 steps: warm-up = 10 steps, decay over the other 90.
        Assert.Equal(10, DenseLearningRate.WarmupSteps(10, 100));
        Assert.Equal(Lr * 0.1, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 0, 10, 100), 15);
        Assert.Equal(Lr * 0.5, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 4, 10, 100), 15);
        Assert.Equal(Lr, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 9, 10, 100), 15);
        Assert.Equal(Lr, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 10, 10, 100), 15); // decay starts at the top
        var floor = Lr * DenseLearningRate.CosineFloor;
        // Half-way through the decay: the mean of the top and the floor.
        Assert.Equal((Lr + floor) / 2, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 10 + 45, 10, 100), 15);
        // The last step of the budget is one step short of the floor; past the budget it stays at the floor.
        Assert.Equal(floor + (Lr - floor) * 0.5 * (1 + Math.Cos(Math.PI * 89 / 90)), DenseLearningRate.At(DenseSchedule.Cosine, Lr, 99, 10, 100), 15);
        Assert.Equal(floor, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 100, 10, 100), 15);
        Assert.Equal(floor, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 5000, 10, 100), 15);
        // Monotone: up during warm-up, down after.
        for (var s = 1; s < 100; s++)
        {
            double prev = DenseLearningRate.At(DenseSchedule.Cosine, Lr, s - 1, 10, 100), cur = DenseLearningRate.At(DenseSchedule.Cosine, Lr, s, 10, 100);
            if (s < 10) Assert.True(cur > prev, $"step {s}"); else Assert.True(cur <= prev, $"step {s}");
        }
    }

    [Fact]
    public void A_short_run_warms_up_for_a_tenth_of_its_steps_at_most()
    {
        Assert.Equal(3, DenseLearningRate.WarmupSteps(stepsPerEpoch: 10, totalSteps: 30));
        Assert.Equal(1, DenseLearningRate.WarmupSteps(stepsPerEpoch: 10, totalSteps: 5));
        Assert.Equal(Lr, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 0, 10, 5)); // one step of warm-up reaches the top at once
    }

    [Fact]
    public void The_trainer_applies_the_rate_of_each_step()
    {
        // Full-batch training (1 step per epoch) of 3 epochs: cosine's steps 0 and 1 run at the full rate (warm-up of 1
        // step, then the top of the cosine), step 2 at the cosine's midpoint. So the first two epochs equal constant's
        // bit for bit and the third differs, as the schedule says.
        var data = DenseTestData.SinPlusSquare(64, seed: 5);
        var options = new DenseOptions { Layers = [8], Epochs = 3, BatchSize = 64, LearningRate = Lr, L2 = 0, EarlyStopping = 0, Seed = 2 };
        Assert.Equal((Lr + Lr * DenseLearningRate.CosineFloor) / 2, DenseLearningRate.At(DenseSchedule.Cosine, Lr, 2, 1, 3), 15);
        var constant = DenseTrainer.Train(data, null, options, DenseLoss.SquaredError);
        var cosine = DenseTrainer.Train(data, null, options with { Schedule = DenseSchedule.Cosine }, DenseLoss.SquaredError);
        Assert.Equal(constant.History[0].TrainingLoss, cosine.History[0].TrainingLoss);
        Assert.Equal(constant.History[1].TrainingLoss, cosine.History[1].TrainingLoss);
        Assert.NotEqual(constant.History[2].TrainingLoss, cosine.History[2].TrainingLoss);
    }

    [Fact]
    public void Cosine_learns_the_known_regression_function_and_is_deterministic()
    {
        var train = DenseTestData.SinPlusSquare(400, seed: 1);
        var test = DenseTestData.SinPlusSquare(200, seed: 2);
        var options = new DenseOptions { Layers = [32, 32], Activation = DenseActivation.Tanh, Epochs = 300, BatchSize = 16, LearningRate = 0.01, L2 = 0, EarlyStopping = 0, Seed = 1, Schedule = DenseSchedule.Cosine };
        var a = DenseTrainer.Train(train, null, options, DenseLoss.SquaredError);
        var b = DenseTrainer.Train(train, null, options, DenseLoss.SquaredError);
        var rmse = DenseTestData.Rmse(a.Network, test);
        Assert.True(rmse < 0.1, $"held-out RMSE {rmse}");
        for (var l = 0; l < a.Network.Layers.Count; l++) Assert.Equal(a.Network.Layers[l].Weights, b.Network.Layers[l].Weights);
    }
}
