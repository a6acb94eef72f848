using System.Numerics.Tensors;

namespace PipelineGen.Runtime.Networks;

/// <summary>A trained (or hand-built) dense network: hidden layers with an activation, then one linear output layer
/// whose meaning the loss decides. <see cref="Forward"/> is the reference the ONNX graph must reproduce.</summary>
internal sealed class DenseNetwork
{
    private readonly DenseLayer[] _layers;
    private readonly int _widest;

    public DenseNetwork(IReadOnlyList<DenseLayer> layers, DenseLoss loss)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
            throw new DenseTrainingException("A dense network needs at least its output layer.");
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i] ?? throw new DenseTrainingException($"Layer {i + 1} is null.");
            if (l.Inputs <= 0 || l.Outputs <= 0)
                throw new DenseTrainingException($"Layer {i + 1} has size {l.Inputs} x {l.Outputs}: every layer needs at least one input and one unit.");
            if (l.Weights is null || l.Weights.Length != l.Inputs * l.Outputs)
                throw new DenseTrainingException($"Layer {i + 1} needs {l.Outputs} x {l.Inputs} = {l.Inputs * l.Outputs} weights (row-major, one row per unit), got {l.Weights?.Length ?? 0}.");
            if (l.Bias is null || l.Bias.Length != l.Outputs)
                throw new DenseTrainingException($"Layer {i + 1} needs {l.Outputs} biases, got {l.Bias?.Length ?? 0}.");
            if (i > 0 && l.Inputs != layers[i - 1].Outputs)
                throw new DenseTrainingException($"Layer {i + 1} takes {l.Inputs} inputs but layer {i} gives {layers[i - 1].Outputs}.");
            var isLast = i == layers.Count - 1;
            if (isLast != (l.Activation is null))
                throw new DenseTrainingException(isLast
                    ? $"The output layer (layer {i + 1}) must be linear (Activation = null): the loss decides its link."
                    : $"Hidden layer {i + 1} needs an activation (only the output layer is linear).");
        }
        var outputs = layers[^1].Outputs;
        var expected = loss == DenseLoss.Softmax ? (int?)null : 1;
        if (expected is { } e && outputs != e)
            throw new DenseTrainingException($"A {loss} network has {e} output, but the output layer has {outputs}.");
        if (loss == DenseLoss.Softmax && outputs < 2)
            throw new DenseTrainingException($"A softmax network needs at least 2 outputs (one per class), got {outputs}.");
        _layers = [.. layers];
        Loss = loss;
        _widest = _layers.Max(l => Math.Max(l.Inputs, l.Outputs));
    }

    public IReadOnlyList<DenseLayer> Layers => _layers;
    public DenseLoss Loss { get; }
    public int InputCount => _layers[0].Inputs;
    public int OutputCount => _layers[^1].Outputs;

    /// <summary>Raw output for one row: the logit (binary), K logits (softmax) or the value (regression).</summary>
    public void Forward(ReadOnlySpan<float> features, Span<float> output)
    {
        if (features.Length != InputCount)
            throw new ArgumentException($"The network takes {InputCount} features, got {features.Length}.", nameof(features));
        if (output.Length < OutputCount)
            throw new ArgumentException($"The network gives {OutputCount} outputs; the output span holds {output.Length}.", nameof(output));
        // Row-at-a-time scoring: no allocation for ordinary widths.
        var a = _widest <= 512 ? stackalloc float[_widest] : new float[_widest];
        var b = _widest <= 512 ? stackalloc float[_widest] : new float[_widest];
        features.CopyTo(a);
        for (var li = 0; li < _layers.Length; li++)
        {
            var l = _layers[li];
            ReadOnlySpan<float> input = a[..l.Inputs];
            var z = b[..l.Outputs];
            for (var o = 0; o < l.Outputs; o++)
                z[o] = TensorPrimitives.Dot(l.Weights.AsSpan(o * l.Inputs, l.Inputs), input) + l.Bias[o];
            if (l.Activation is { } act) DenseMath.Activate(act, z, z);
            var swap = a; a = b; b = swap;
        }
        a[..OutputCount].CopyTo(output);
    }

    /// <summary>Probabilities (binary: P(class 1) in one slot; softmax: K probabilities) or the value (regression).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        Forward(features, output);
        var o = output[..OutputCount];
        switch (Loss)
        {
            case DenseLoss.BinaryLogistic: TensorPrimitives.Sigmoid(o, o); break;
            case DenseLoss.Softmax: TensorPrimitives.SoftMax(o, o); break;
        }
    }
}
