using System.Numerics.Tensors;

namespace PipelineGen.Runtime.Networks;

/// <summary>The numeric core: parameters, one mini-batch's forward and backward pass, and the AdamW step.
/// Single-threaded on purpose: the summation order is fixed, so a seed gives bit-identical weights.</summary>
internal sealed class DenseBackprop
{
    public readonly int[] Sizes;              // inputs, hidden..., outputs
    public readonly DenseActivation Activation;
    public readonly DenseLoss Loss;
    public readonly double Dropout;
    public readonly int MaxBatch;
    public readonly float[][] W, B, GW, GB;   // per layer: weights (out x in, row-major), bias, their gradients
    private readonly float[][] _mW, _vW, _mB, _vB;
    /// <summary>Per layer's output, unit-major [out x n] for a batch of n rows: index 0 is the input batch, hidden layers hold the activation
    /// after dropout, the last holds the raw output (logits or value).</summary>
    public readonly float[][] Acts;
    /// <summary>Per hidden layer (index 1..), the dropout multipliers of the last training pass (0 or 1/(1-p)),
    /// unit-major like <see cref="Acts"/>: unit u of batch row r at [u * n + r].</summary>
    public readonly float[][] Masks;
    private readonly float[] _delta, _deltaPrev;
    private long _step;

    public int LayerCount => Sizes.Length - 1;

    public DenseBackprop(int[] sizes, DenseActivation activation, DenseLoss loss, double dropout, int maxBatch)
    {
        Sizes = sizes;
        Activation = activation;
        Loss = loss;
        Dropout = dropout;
        MaxBatch = maxBatch;
        var n = LayerCount;
        W = new float[n][]; B = new float[n][]; GW = new float[n][]; GB = new float[n][];
        _mW = new float[n][]; _vW = new float[n][]; _mB = new float[n][]; _vB = new float[n][];
        for (var l = 0; l < n; l++)
        {
            var count = sizes[l] * sizes[l + 1];
            W[l] = new float[count]; GW[l] = new float[count]; _mW[l] = new float[count]; _vW[l] = new float[count];
            B[l] = new float[sizes[l + 1]]; GB[l] = new float[sizes[l + 1]]; _mB[l] = new float[sizes[l + 1]]; _vB[l] = new float[sizes[l + 1]];
        }
        Acts = new float[n + 1][];
        Masks = new float[n + 1][];
        for (var l = 0; l <= n; l++)
        {
            Acts[l] = new float[maxBatch * sizes[l]];
            Masks[l] = l > 0 && l < n ? new float[maxBatch * sizes[l]] : [];
        }
        var widest = sizes.Max();
        _delta = new float[maxBatch * widest];
        _deltaPrev = new float[maxBatch * widest];
    }

    /// <summary>He-normal init for ReLU layers, Glorot-uniform for tanh/sigmoid layers and the linear output layer;
    /// biases start at zero.</summary>
    public void Initialize(DenseRandom rng)
    {
        for (var l = 0; l < LayerCount; l++)
        {
            int fanIn = Sizes[l], fanOut = Sizes[l + 1];
            var hidden = l < LayerCount - 1;
            if (hidden && Activation == DenseActivation.Relu)
            {
                var std = Math.Sqrt(2.0 / fanIn);
                for (var i = 0; i < W[l].Length; i++) W[l][i] = (float)(rng.NextGaussian() * std);
            }
            else
            {
                var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
                for (var i = 0; i < W[l].Length; i++) W[l][i] = (float)((rng.NextDouble() * 2 - 1) * limit);
            }
            Array.Clear(B[l]);
        }
    }

    /// <summary>Forward pass of <paramref name="rows"/> (dropout only when <paramref name="dropoutRng"/> is given);
    /// returns the summed loss of the batch. With <paramref name="backward"/>, fills GW/GB with the gradient of the
    /// MEAN loss over the batch.</summary>
    /// <remarks>Batch matrices are stored unit-major ([units x n], row u = that unit's value for every row of the
    /// batch), so every TensorPrimitives call runs along the batch: forward and dA are MultiplyAdd of length n,
    /// dW is a Dot of length n. The call count per layer is 3 x inputs x outputs whatever the batch size, and
    /// narrow inputs (a few features) still get full-width vectors.</remarks>
    public double Run(DenseDataset data, ReadOnlySpan<int> rows, DenseRandom? dropoutRng, bool backward)
    {
        var n = rows.Length;
        var inputs = Sizes[0];
        var x = Acts[0];
        for (var r = 0; r < n; r++)
        {
            var row = data.Row(rows[r]);
            for (var i = 0; i < inputs; i++) x[i * n + r] = row[i];
        }
        var dropping = dropoutRng is not null && Dropout > 0;

        for (var l = 0; l < LayerCount; l++)
        {
            int fin = Sizes[l], fout = Sizes[l + 1];
            var a = Acts[l];
            var z = Acts[l + 1];
            var w = W[l];
            var b = B[l];
            for (var o = 0; o < fout; o++)
            {
                var zRow = z.AsSpan(o * n, n);
                zRow.Fill(b[o]);
                var wRow = w.AsSpan(o * fin, fin);
                for (var i = 0; i < fin; i++)
                    TensorPrimitives.MultiplyAdd(a.AsSpan(i * n, n), wRow[i], zRow, zRow);
            }
            if (l == LayerCount - 1) break;
            var zs = z.AsSpan(0, n * fout);
            DenseMath.Activate(Activation, zs, zs);
            if (dropping)
            {
                var mask = Masks[l + 1].AsSpan(0, n * fout);
                var keep = (float)(1.0 / (1.0 - Dropout));
                for (var i = 0; i < mask.Length; i++) mask[i] = dropoutRng!.NextDouble() < Dropout ? 0f : keep;
                TensorPrimitives.Multiply(zs, mask, zs);
            }
        }

        // Loss and its gradient with respect to the raw output (already divided by the batch size).
        var k = Sizes[^1];
        var output = Acts[LayerCount];
        var delta = _delta;
        var total = 0.0;
        var scale = 1f / n;
        for (var r = 0; r < n; r++)
        {
            var y = data.Target(rows[r]);
            switch (Loss)
            {
                case DenseLoss.BinaryLogistic:
                {
                    double zv = output[r];
                    // log(1 + e^z) - y z, written to stay finite for large |z|.
                    total += Math.Max(zv, 0) - y * zv + Math.Log(1 + Math.Exp(-Math.Abs(zv)));
                    delta[r] = ((float)(1.0 / (1.0 + Math.Exp(-zv))) - y) * scale;
                    break;
                }
                case DenseLoss.Softmax:
                {
                    var cls = (int)y;
                    var max = double.NegativeInfinity;
                    for (var c = 0; c < k; c++) max = Math.Max(max, output[c * n + r]);
                    var sum = 0.0;
                    for (var c = 0; c < k; c++) sum += Math.Exp(output[c * n + r] - max);
                    total += Math.Log(sum) + max - output[cls * n + r];
                    for (var c = 0; c < k; c++)
                        delta[c * n + r] = (float)(Math.Exp(output[c * n + r] - max) / sum) * scale;
                    delta[cls * n + r] -= scale;
                    break;
                }
                default:
                {
                    double diff = output[r] - y;
                    total += diff * diff;
                    delta[r] = (float)(2 * diff) * scale;
                    break;
                }
            }
        }
        if (!backward) return total;

        var deltaPrev = _deltaPrev;
        for (var l = LayerCount - 1; l >= 0; l--)
        {
            int fin = Sizes[l], fout = Sizes[l + 1];
            var a = Acts[l];
            var gw = GW[l];
            var gb = GB[l];
            var w = W[l];
            var needInputGradient = l > 0;
            var prev = deltaPrev.AsSpan(0, n * fin);
            if (needInputGradient) prev.Clear();
            for (var o = 0; o < fout; o++)
            {
                var dRow = delta.AsSpan(o * n, n);
                gb[o] = TensorPrimitives.Sum(dRow);
                var gRow = gw.AsSpan(o * fin, fin);
                var wRow = w.AsSpan(o * fin, fin);
                for (var i = 0; i < fin; i++)
                {
                    gRow[i] = TensorPrimitives.Dot(dRow, a.AsSpan(i * n, n));
                    // Gradient with respect to this layer's input = the previous hidden layer's (dropped-out) output.
                    if (needInputGradient)
                    {
                        var pRow = prev.Slice(i * n, n);
                        TensorPrimitives.MultiplyAdd(dRow, wRow[i], pRow, pRow);
                    }
                }
            }
            if (!needInputGradient) break;
            if (dropping)
                TensorPrimitives.Multiply(prev, Masks[l].AsSpan(0, n * fin), prev);
            // a = mask * f(z): for ReLU, f'(z) = [a > 0] whatever the mask; for tanh/sigmoid the stored value is
            // scaled by 1/(1-p), so undo that before taking the derivative from f(z).
            if (dropping && Activation != DenseActivation.Relu)
            {
                var act = a.AsSpan(0, n * fin);
                var mask = Masks[l].AsSpan(0, n * fin);
                for (var i = 0; i < prev.Length; i++)
                    if (mask[i] != 0f) prev[i] *= Derivative(Activation, act[i] / mask[i]);
            }
            else
            {
                DenseMath.MultiplyByDerivative(Activation, a.AsSpan(0, n * fin), prev);
            }
            (delta, deltaPrev) = (deltaPrev, delta);
        }
        return total;
    }

    private static float Derivative(DenseActivation activation, float a) => activation switch
    {
        DenseActivation.Tanh => 1f - a * a,
        DenseActivation.Sigmoid => a * (1f - a),
        _ => a > 0f ? 1f : 0f,
    };

    /// <summary>AdamW (Loshchilov &amp; Hutter): decoupled weight decay on weights only, bias-corrected moments.</summary>
    public void AdamStep(double learningRate, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _step++;
        var bc1 = 1 - Math.Pow(beta1, _step);
        var bc2 = 1 - Math.Pow(beta2, _step);
        var stepSize = (float)(learningRate / bc1);
        var sqrtBc2 = (float)Math.Sqrt(bc2);
        var decay = (float)(1 - learningRate * weightDecay);
        for (var l = 0; l < LayerCount; l++)
        {
            if (weightDecay > 0) TensorPrimitives.Multiply(W[l], decay, W[l]);
            Update(W[l], GW[l], _mW[l], _vW[l], (float)beta1, (float)beta2, stepSize, sqrtBc2, (float)epsilon);
            Update(B[l], GB[l], _mB[l], _vB[l], (float)beta1, (float)beta2, stepSize, sqrtBc2, (float)epsilon);
        }
    }

    private static void Update(float[] p, float[] g, float[] m, float[] v, float b1, float b2, float stepSize, float sqrtBc2, float eps)
    {
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / sqrtBc2 + eps);
        }
    }

    public float[][][] Snapshot() => [W.Select(a => (float[])a.Clone()).ToArray(), B.Select(a => (float[])a.Clone()).ToArray()];

    public DenseNetwork ToNetwork(float[][][] snapshot)
    {
        var layers = new DenseLayer[LayerCount];
        for (var l = 0; l < LayerCount; l++)
            layers[l] = new DenseLayer(Sizes[l], Sizes[l + 1], (float[])snapshot[0][l].Clone(), (float[])snapshot[1][l].Clone(),
                l < LayerCount - 1 ? Activation : null);
        return new DenseNetwork(layers, Loss);
    }

    public bool ParametersFinite()
    {
        for (var l = 0; l < LayerCount; l++)
        {
            if (!AllFinite(W[l]) || !AllFinite(B[l])) return false;
        }
        return true;
    }

    private static bool AllFinite(float[] values)
    {
        foreach (var v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}
