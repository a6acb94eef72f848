namespace PipelineGen.Runtime.Networks;

/// <summary>Activation of the hidden layers (the output layer is always linear; the loss decides its link).</summary>
public enum DenseActivation { Relu, Tanh, Sigmoid }

/// <summary>Decides the output layer: 1 logit (binary), K logits (softmax), 1 value (squared error).</summary>
internal enum DenseLoss { BinaryLogistic, Softmax, SquaredError }

/// <summary>Hyper-parameters of <see cref="DenseTrainer"/>. See docs/runtime-networks.md for the maths.</summary>
internal sealed record DenseOptions
{
    /// <summary>Hidden layer widths, input side first. Empty = a linear model on the inputs.</summary>
    public int[] Layers { get; init; } = [64, 32];
    public DenseActivation Activation { get; init; } = DenseActivation.Relu;
    /// <summary>Inverted dropout on every hidden layer's output during training only; in [0, 1).</summary>
    public double Dropout { get; init; }
    /// <summary>Decoupled weight decay (AdamW): each step w -= lr * L2 * w on weights (not biases).</summary>
    public double L2 { get; init; } = 1e-4;
    public int Epochs { get; init; } = 200;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Learning-rate schedule over the epoch budget (see <see cref="DenseLearningRate"/>).</summary>
    public DenseSchedule Schedule { get; init; } = DenseSchedule.Constant;
    /// <summary>Patience in epochs on the validation loss; 0 = off.</summary>
    public int EarlyStopping { get; init; } = 10;
    public int Seed { get; init; } = 1;
}

/// <summary>One epoch's mean training loss (over the epoch's mini-batches, dropout on) and validation loss.</summary>
internal sealed record EpochRecord(int Epoch, double TrainingLoss, double? ValidationLoss);

/// <summary>The trained network (the best epoch's weights when early stopping ran), the per-epoch history,
/// the epoch whose weights were kept (1-based) and why training stopped before the last epoch (null if it did not).</summary>
internal sealed record DenseTrainingResult(DenseNetwork Network, IReadOnlyList<EpochRecord> History, int BestEpoch, string? StopReason);

/// <summary>Bad input or options for the dense trainer; the message says what is wrong and what to do.</summary>
internal sealed class DenseTrainingException(string message) : Exception(message);

/// <summary>One fully connected layer: output = Weights · input + Bias, then the activation (null = linear output layer).</summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weights, float[] Bias, DenseActivation? Activation);
