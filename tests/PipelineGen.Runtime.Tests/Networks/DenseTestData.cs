using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>Small synthetic data sets with known answers, made from a fixed seed.</summary>
internal static class DenseTestData
{
    public static DenseDataset Xor()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] y = [0, 1, 1, 0];
        return new DenseDataset(x, y, 2, 2);
    }

    /// <summary>Two interleaved spirals (the classic hard case for shallow models), 2 features, labels 0/1.</summary>
    public static DenseDataset Spirals(int perArm, double noise, int seed)
    {
        var rng = new Random(seed);
        var x = new float[perArm * 2 * 2];
        var y = new float[perArm * 2];
        for (var i = 0; i < perArm; i++)
        {
            var t = 0.25 + 3.0 * Math.PI * i / perArm; // 1.5 turns
            var r = t / (3.0 * Math.PI) * 2.0;
            for (var arm = 0; arm < 2; arm++)
            {
                var sign = arm == 0 ? 1 : -1;
                var row = i * 2 + arm;
                x[row * 2] = (float)(sign * r * Math.Cos(t) + noise * (rng.NextDouble() - 0.5));
                x[row * 2 + 1] = (float)(sign * r * Math.Sin(t) + noise * (rng.NextDouble() - 0.5));
                y[row] = arm;
            }
        }
        return new DenseDataset(x, y, 2, 2);
    }

    /// <summary>y = sin(x1) + x2^2 with x uniform in [-2, 2]^2, no noise.</summary>
    public static DenseDataset SinPlusSquare(int rows, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * 2];
        var y = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var a = rng.NextDouble() * 4 - 2;
            var b = rng.NextDouble() * 4 - 2;
            x[r * 2] = (float)a;
            x[r * 2 + 1] = (float)b;
            y[r] = (float)(Math.Sin(a) + b * b);
        }
        return new DenseDataset(x, y, 2, 0);
    }

    /// <summary>Gaussian blobs, one per class, in <paramref name="features"/> dimensions.</summary>
    public static DenseDataset Blobs(int rows, int features, int classes, double spread, int seed)
    {
        var rng = new Random(seed);
        var centres = new double[classes, features];
        for (var c = 0; c < classes; c++)
            for (var f = 0; f < features; f++) centres[c, f] = rng.NextDouble() * 4 - 2;
        var x = new float[rows * features];
        var y = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var c = r % classes;
            y[r] = c;
            for (var f = 0; f < features; f++) x[r * features + f] = (float)(centres[c, f] + spread * Gaussian(rng));
        }
        return new DenseDataset(x, y, features, classes);
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static double Accuracy(DenseNetwork net, DenseDataset data)
    {
        var output = new float[net.OutputCount];
        var correct = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            net.Forward(data.Row(r), output);
            var predicted = net.Loss == DenseLoss.BinaryLogistic ? (output[0] > 0 ? 1 : 0) : output.AsSpan().IndexOf(output.Max());
            if (predicted == (int)data.Target(r)) correct++;
        }
        return (double)correct / data.Rows;
    }

    public static double Rmse(DenseNetwork net, DenseDataset data)
    {
        var output = new float[1];
        var sum = 0.0;
        for (var r = 0; r < data.Rows; r++)
        {
            net.Forward(data.Row(r), output);
            var d = output[0] - data.Target(r);
            sum += d * d;
        }
        return Math.Sqrt(sum / data.Rows);
    }

    /// <summary>A network with random weights (not trained), for graph and gradient checks.</summary>
    public static DenseNetwork RandomNetwork(int inputs, int[] hidden, DenseActivation activation, DenseLoss loss, int outputs, int seed)
    {
        var rng = new Random(seed);
        var sizes = new[] { inputs }.Concat(hidden).Append(outputs).ToArray();
        var layers = new List<DenseLayer>();
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            var w = new float[sizes[l] * sizes[l + 1]];
            var b = new float[sizes[l + 1]];
            for (var i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1);
            for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
            layers.Add(new DenseLayer(sizes[l], sizes[l + 1], w, b, l < sizes.Length - 2 ? activation : null));
        }
        return new DenseNetwork(layers, loss);
    }
}
