using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>Backpropagation (float, the training path) against central finite differences of an independent
/// double-precision forward pass written here, for every activation x loss, with and without a dropout mask.</summary>
public sealed class DenseGradientTests
{
    // DenseLoss is internal to the runtime: the public test method takes its name.
    public static TheoryData<DenseActivation, string, double> Cases()
    {
        var data = new TheoryData<DenseActivation, string, double>();
        foreach (var act in Enum.GetValues<DenseActivation>())
            foreach (var loss in Enum.GetValues<DenseLoss>())
                foreach (var dropout in new[] { 0.0, 0.3 }) data.Add(act, loss.ToString(), dropout);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackpropMatchesFiniteDifferences(DenseActivation activation, string lossName, double dropout)
    {
        var loss = Enum.Parse<DenseLoss>(lossName);
        const int inputs = 4, rows = 6;
        var classes = loss == DenseLoss.Softmax ? 3 : 1;
        int[] sizes = [inputs, 5, 3, classes];
        var rng = new Random(17);
        var x = new float[rows * inputs];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
        var y = new float[rows];
        for (var r = 0; r < rows; r++)
            y[r] = loss switch { DenseLoss.BinaryLogistic => r % 2, DenseLoss.Softmax => r % 3, _ => (float)(rng.NextDouble() * 3 - 1) };
        var data = new DenseDataset(x, y, inputs, loss == DenseLoss.Softmax ? 3 : 2);

        var net = new DenseBackprop(sizes, activation, loss, dropout, maxBatch: rows);
        net.Initialize(new DenseRandom(99));
        // Non-zero biases so every term of the gradient is exercised.
        foreach (var b in net.B) for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        int[] batch = [0, 1, 2, 3, 4, 5];
        var summed = net.Run(data, batch, dropout > 0 ? new DenseRandom(7) : null, backward: true);
        float[][]? masks = dropout > 0 ? net.Masks.Select(m => (float[])m.Clone()).ToArray() : null;
        if (masks is not null) Assert.Contains(masks[1], v => v == 0f); // the check really runs with units dropped

        var w = net.W.Select(a => a.Select(v => (double)v).ToArray()).ToArray();
        var b2 = net.B.Select(a => a.Select(v => (double)v).ToArray()).ToArray();
        Assert.Equal(ReferenceLoss(w, b2, sizes, activation, loss, data, batch, masks) * rows, summed, 1e-3);

        const double h = 1e-6;
        var checkedCount = 0;
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            foreach (var (param, grad) in new[] { (w[l], net.GW[l]), (b2[l], net.GB[l]) })
            {
                for (var i = 0; i < param.Length; i++)
                {
                    var keep = param[i];
                    param[i] = keep + h;
                    var up = ReferenceLoss(w, b2, sizes, activation, loss, data, batch, masks);
                    param[i] = keep - h;
                    var down = ReferenceLoss(w, b2, sizes, activation, loss, data, batch, masks);
                    param[i] = keep;
                    var numeric = (up - down) / (2 * h);
                    var analytic = grad[i];
                    Assert.True(Math.Abs(numeric - analytic) <= 1e-4 + 1e-3 * Math.Abs(numeric),
                        $"layer {l}, parameter {i}: backprop {analytic}, finite difference {numeric}");
                    checkedCount++;
                }
            }
        }
        Assert.Equal(Enumerable.Range(0, sizes.Length - 1).Sum(l => (sizes[l] + 1) * sizes[l + 1]), checkedCount);
    }

    /// <summary>Mean loss over the batch in double precision, with the given dropout multipliers (index = layer output).</summary>
    internal static double ReferenceLoss(double[][] w, double[][] b, int[] sizes, DenseActivation activation, DenseLoss loss,
        DenseDataset data, int[] rows, float[][]? masks)
    {
        var total = 0.0;
        for (var r = 0; r < rows.Length; r++)
        {
            var a = data.Row(rows[r]).ToArray().Select(v => (double)v).ToArray();
            for (var l = 0; l < sizes.Length - 1; l++)
            {
                var z = new double[sizes[l + 1]];
                for (var o = 0; o < z.Length; o++)
                {
                    var s = b[l][o];
                    for (var i = 0; i < a.Length; i++) s += w[l][o * a.Length + i] * a[i];
                    z[o] = s;
                }
                if (l < sizes.Length - 2)
                {
                    for (var o = 0; o < z.Length; o++)
                    {
                        z[o] = activation switch
                        {
                            DenseActivation.Relu => Math.Max(0, z[o]),
                            DenseActivation.Tanh => Math.Tanh(z[o]),
                            _ => 1 / (1 + Math.Exp(-z[o])),
                        };
                        if (masks is not null) z[o] *= masks[l + 1][o * rows.Length + r]; // unit-major, as DenseBackprop stores them
                    }
                }
                a = z;
            }
            var y = data.Target(rows[r]);
            total += loss switch
            {
                DenseLoss.BinaryLogistic => Math.Log(1 + Math.Exp(a[0])) - y * a[0],
                DenseLoss.Softmax => Math.Log(a.Sum(Math.Exp)) - a[(int)y],
                _ => (a[0] - y) * (a[0] - y),
            };
        }
        return total / rows.Length;
    }
}
