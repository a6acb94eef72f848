using System.Text;

namespace PipelineGen.Runtime.Networks;

/// <summary>Writes a <see cref="DenseNetwork"/> as an ONNX model (IR version 7, opset 13: ONNX Runtime 1.x loads it):
/// Gemm (transB = 1, the weights stay Outputs x Inputs) + activation per hidden layer, then the output head.
/// The protobuf is written by hand (field numbers from onnx/onnx.proto) so the runtime needs no protobuf package.</summary>
internal static class DenseOnnx
{
    private const long IrVersion = 7;
    private const long Opset = 13;
    private const int FloatType = 1; // TensorProto.DataType.FLOAT
    private const int AttrInt = 2;   // AttributeProto.AttributeType.INT

    /// <summary>An ONNX model with one float input <paramref name="inputName"/> of shape [N, InputCount] and outputs
    /// named by the caller: binary → outputs[0] "score" logit [N,1] and outputs[1] "probability" sigmoid [N,1];
    /// softmax → scores (softmax probabilities) [N,K]; regression → value [N,1].</summary>
    public static byte[] Write(DenseNetwork network, string inputName, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ArgumentNullException.ThrowIfNull(outputNames);
        var expected = network.Loss == DenseLoss.BinaryLogistic ? 2 : 1;
        if (outputNames.Count != expected || outputNames.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException(
                $"A {network.Loss} network's ONNX graph has {expected} output(s) ({(expected == 2 ? "score logit, probability" : network.Loss == DenseLoss.Softmax ? "softmax probabilities" : "value")}); {outputNames.Count} name(s) were given.",
                nameof(outputNames));
        var all = new HashSet<string>(StringComparer.Ordinal) { inputName };
        foreach (var n in outputNames)
            if (!all.Add(n)) throw new ArgumentException($"The ONNX input and output names must be distinct; '{n}' is repeated.", nameof(outputNames));

        var graph = new ProtoWriter();
        var current = inputName;
        var layers = network.Layers;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var w = $"dense_{l}_weight";
            var b = $"dense_{l}_bias";
            graph.Message(5, t => Tensor(t, w, [layer.Outputs, layer.Inputs], layer.Weights));
            graph.Message(5, t => Tensor(t, b, [layer.Outputs], layer.Bias));
            var isLast = l == layers.Count - 1;
            var gemmOut = isLast && network.Loss != DenseLoss.Softmax ? outputNames[0] : $"dense_{l}_linear";
            graph.Message(1, n => Node(n, $"dense_{l}_gemm", "Gemm", [current, w, b], gemmOut, ("transB", 1)));
            current = gemmOut;
            if (layer.Activation is { } act)
            {
                var actOut = $"dense_{l}_out";
                graph.Message(1, n => Node(n, $"dense_{l}_{act.ToString().ToLowerInvariant()}", OpName(act), [current], actOut));
                current = actOut;
            }
        }
        var outputs = network.OutputCount;
        switch (network.Loss)
        {
            case DenseLoss.BinaryLogistic:
                graph.Message(1, n => Node(n, "probability_sigmoid", "Sigmoid", [current], outputNames[1]));
                break;
            case DenseLoss.Softmax:
                graph.Message(1, n => Node(n, "scores_softmax", "Softmax", [current], outputNames[0], ("axis", 1)));
                break;
        }
        graph.String(2, "pipelinegen_dense");
        graph.Message(11, v => ValueInfo(v, inputName, network.InputCount));
        foreach (var name in outputNames)
            graph.Message(12, v => ValueInfo(v, name, network.Loss == DenseLoss.Softmax ? outputs : 1));

        var model = new ProtoWriter();
        model.Varint(1, IrVersion);
        model.String(2, "PipelineGen");
        model.Message(7, g => g.Raw(graph));
        model.Message(8, o => { o.String(1, ""); o.Varint(2, Opset); });
        return model.ToArray();
    }

    private static string OpName(DenseActivation activation) => activation switch
    {
        DenseActivation.Relu => "Relu",
        DenseActivation.Tanh => "Tanh",
        DenseActivation.Sigmoid => "Sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
    private static void Node(ProtoWriter n, string name, string op, string[] inputs, string output, params (string Name, long Value)[] attributes)
    {
        foreach (var i in inputs) n.String(1, i);
        n.String(2, output);
        n.String(3, name);
        n.String(4, op);
        // AttributeProto: name = 1, i = 3, type = 20.
        foreach (var (attrName, value) in attributes)
            n.Message(5, a => { a.String(1, attrName); a.Varint(3, value); a.Varint(20, AttrInt); });
    }

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian floats).
    private static void Tensor(ProtoWriter t, string name, long[] dims, float[] values)
    {
        foreach (var d in dims) t.Varint(1, d);
        t.Varint(2, FloatType);
        t.String(8, name);
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        t.Bytes(9, raw);
    }

    // ValueInfoProto: name = 1, type = 2; TypeProto: tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2;
    // TensorShapeProto: dim = 1; Dimension: dim_value = 1, dim_param = 2.
    private static void ValueInfo(ProtoWriter v, string name, int width)
    {
        v.String(1, name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, FloatType);
            tensor.Message(2, shape =>
            {
                shape.Message(1, d => d.String(2, "N"));
                shape.Message(1, d => d.Varint(1, width));
            });
        }));
    }

    /// <summary>The few protobuf wire-format pieces ONNX needs: varints (type 0) and length-delimited fields (type 2).</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, long value)
        {
            Tag(field, 0);
            WriteVarint((ulong)value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, 2);
            WriteVarint((ulong)value.Length);
            _stream.Write(value);
        }

        public void Message(int field, Action<ProtoWriter> body)
        {
            var inner = new ProtoWriter();
            body(inner);
            Bytes(field, inner._stream.GetBuffer().AsSpan(0, (int)inner._stream.Length));
        }

        public void Raw(ProtoWriter other) => _stream.Write(other._stream.GetBuffer().AsSpan(0, (int)other._stream.Length));

        public byte[] ToArray() => _stream.ToArray();

        private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _stream.WriteByte((byte)value);
        }
    }
}
