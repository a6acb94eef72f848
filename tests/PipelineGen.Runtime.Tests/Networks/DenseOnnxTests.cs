using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PipelineGen.Runtime.Networks;

namespace PipelineGen.Runtime.Tests.Networks;

/// <summary>The ONNX graph, loaded by ONNX Runtime, gives what <see cref="DenseNetwork.Forward"/> gives.</summary>
public sealed class DenseOnnxTests
{
    // DenseLoss is internal to the runtime: the public test method takes its name.
    public static TheoryData<string, DenseActivation> Cases()
    {
        var data = new TheoryData<string, DenseActivation>();
        foreach (var loss in Enum.GetValues<DenseLoss>())
            foreach (var act in Enum.GetValues<DenseActivation>()) data.Add(loss.ToString(), act);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeScoresLikeForward(string lossName, DenseActivation activation)
    {
        var loss = Enum.Parse<DenseLoss>(lossName);
        const int inputs = 7, rows = 25;
        var k = loss == DenseLoss.Softmax ? 4 : 1;
        var net = DenseTestData.RandomNetwork(inputs, [9, 5], activation, loss, k, seed: 11 + (int)loss * 3 + (int)activation);
        string[] names = loss switch
        {
            DenseLoss.BinaryLogistic => ["score", "probability"],
            DenseLoss.Softmax => ["scores"],
            _ => ["value"],
        };
        var bytes = DenseOnnx.Write(net, "features", names);

        var rng = new Random(5);
        var x = new float[rows * inputs];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 6 - 3);
        using var session = new InferenceSession(bytes);
        Assert.Equal(["features"], session.InputMetadata.Keys);
        Assert.Equal(names, session.OutputMetadata.Keys.ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", new DenseTensor<float>(x, [rows, inputs]))]);
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>());

        var raw = new float[k];
        for (var r = 0; r < rows; r++)
        {
            net.Forward(x.AsSpan(r * inputs, inputs), raw);
            switch (loss)
            {
                case DenseLoss.BinaryLogistic:
                    Assert.Equal(raw[0], byName["score"][r, 0], 1e-5f);
                    Assert.Equal(1 / (1 + MathF.Exp(-raw[0])), byName["probability"][r, 0], 1e-5f);
                    break;
                case DenseLoss.Softmax:
                    var max = raw.Max();
                    var sum = raw.Sum(v => MathF.Exp(v - max));
                    for (var c = 0; c < k; c++) Assert.Equal(MathF.Exp(raw[c] - max) / sum, byName["scores"][r, c], 1e-5f);
                    break;
                default:
                    Assert.Equal(raw[0], byName["value"][r, 0], 1e-5f);
                    break;
            }
        }
    }

    [Fact]
    public void WrongNumberOfOutputNamesIsAClearError()
    {
        var net = DenseTestData.RandomNetwork(3, [4], DenseActivation.Relu, DenseLoss.BinaryLogistic, 1, 1);
        var ex = Assert.Throws<ArgumentException>(() => DenseOnnx.Write(net, "features", ["score"]));
        Assert.Contains("2 output", ex.Message);
    }
}
