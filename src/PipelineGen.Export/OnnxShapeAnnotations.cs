namespace PipelineGen.Export;

/// <summary>
/// Removes the intermediate shape annotations (<c>GraphProto.value_info</c>) from an ONNX model, leaving every node,
/// initializer, input and output as it is. ML.NET's converter declares the one-hot encoder's output as 2-D
/// ([rows, categories]) while the ONNX schema infers 3-D ([rows, 1, categories]); native ONNX Runtime 1.31 loads that,
/// but onnxruntime-web 1.30 refuses it ("[ShapeInferenceError] Mismatch between number of inferred and declared
/// dimensions. inferred=3 declared=2"). value_info is optional in ONNX (runtimes infer it), so the web copy goes without.
/// Works on the protobuf wire format directly: no ONNX object model is needed for one field.
/// </summary>
public static class OnnxShapeAnnotations
{
    private const int ModelGraphField = 7;      // ModelProto.graph
    private const int GraphValueInfoField = 13; // GraphProto.value_info

    public static byte[] WithoutIntermediateShapes(byte[] model)
    {
        var output = new MemoryStream(model.Length);
        bool sawGraph = false;
        int pos = 0;
        while (pos < model.Length)
        {
            int start = pos;
            var (field, wire, payloadStart, end) = ReadField(model, ref pos);
            if (field == ModelGraphField && wire == 2)
            {
                sawGraph = true;
                var graph = Filter(model.AsSpan(payloadStart, end - payloadStart), GraphValueInfoField);
                WriteVarint(output, ((ulong)field << 3) | 2);
                WriteVarint(output, (ulong)graph.Length);
                output.Write(graph);
            }
            else output.Write(model, start, end - start);
        }
        if (!sawGraph) throw new InvalidDataException("The ONNX model has no graph.");
        return output.ToArray();
    }

    private static byte[] Filter(ReadOnlySpan<byte> message, int dropField)
    {
        var bytes = message.ToArray();
        var output = new MemoryStream(bytes.Length);
        int pos = 0;
        while (pos < bytes.Length)
        {
            int start = pos;
            var (field, _, _, end) = ReadField(bytes, ref pos);
            if (field != dropField) output.Write(bytes, start, end - start);
        }
        return output.ToArray();
    }

    // One field at pos: its number, wire type, where its payload starts (after a length prefix) and where it ends.
    private static (int Field, int Wire, int PayloadStart, int End) ReadField(byte[] data, ref int pos)
    {
        ulong tag = ReadVarint(data, ref pos);
        int field = (int)(tag >> 3), wire = (int)(tag & 7);
        int payloadStart = pos;
        switch (wire)
        {
            case 0: ReadVarint(data, ref pos); break;
            case 1: pos += 8; break;
            case 2:
                long length = (long)ReadVarint(data, ref pos);
                payloadStart = pos;
                if (length < 0 || pos + length > data.Length) throw new InvalidDataException("The ONNX model is cut short (a field runs past the end).");
                pos += (int)length;
                break;
            case 5: pos += 4; break;
            default: throw new InvalidDataException($"The ONNX model has an unknown protobuf wire type {wire}.");
        }
        if (pos > data.Length) throw new InvalidDataException("The ONNX model is cut short.");
        return (field, wire, payloadStart, pos);
    }

    private static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("The ONNX model is cut short (inside a varint).");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("The ONNX model has a malformed varint.");
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
