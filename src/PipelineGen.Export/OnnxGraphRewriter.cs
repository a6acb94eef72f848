using System.Text;

namespace PipelineGen.Export;

/// <summary>
/// Two corrections to the ONNX graph ML.NET's converter writes, applied to the protobuf bytes (ML.NET keeps its ONNX
/// object model internal, so this reads and writes protobuf's wire format directly; fields it does not change are copied
/// as they are):
/// <list type="number">
/// <item><b>Word n-grams of all lengths.</b> ML.NET's n-gram transform does not save <c>UseAllLengths</c> in the model
/// file: a model loaded from disk exports its <c>TfIdfVectorizer</c> with <c>min_gram_length = max_gram_length</c>, so a
/// spec's <c>word_ngrams: 2</c> scored only bigrams in ONNX Runtime (ReviewSentiment: 100 of 100 rows differed;
/// measured by tests/PipelineGen.Export.Tests/TextParityTests). The node's n-gram pool still tells the truth: it holds the
/// n-grams ML.NET counts, grouped by length (<c>ngram_counts</c> gives where each length starts). The node's
/// <c>min_gram_length</c> becomes the shortest length present in its pool, which is what ML.NET computes.</item>
/// <item><b>Prediction outputs only.</b> The multiclass scorer adds an output <c>mlnet.Score.unusedOutput</c>; outputs
/// that are not among the requested prediction columns are dropped from the graph's output list.</item>
/// </list>
/// </summary>
internal static class OnnxGraphRewriter
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphOutput = 12;
    private const int NodeOpType = 4, NodeName = 3, NodeAttribute = 5;
    private const int AttributeName = 1, AttributeInt = 3, AttributeInts = 8;
    private const int ValueInfoName = 1;

    /// <summary>Returns the corrected model and one line per change made.</summary>
    public static byte[] Rewrite(byte[] model, IReadOnlyCollection<string> keepOutputs, List<string> changes)
    {
        var fields = Parse(model);
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i].Number != ModelGraph || fields[i].WireType != 2) continue;
            fields[i] = fields[i] with { Payload = RewriteGraph(fields[i].Payload!, keepOutputs, changes) };
        }
        return Serialize(fields);
    }

    private static byte[] RewriteGraph(byte[] graph, IReadOnlyCollection<string> keepOutputs, List<string> changes)
    {
        var fields = Parse(graph);
        var result = new List<Field>(fields.Count);
        bool keepsAny = fields.Any(f => f.Number == GraphOutput && keepOutputs.Contains(OutputColumn(ValueInfoNameOf(f.Payload!))));
        foreach (var field in fields)
        {
            if (field.Number == GraphNode && field.WireType == 2)
            {
                result.Add(field with { Payload = RewriteNode(field.Payload!, changes) });
                continue;
            }
            if (field.Number == GraphOutput && field.WireType == 2 && keepsAny)
            {
                var name = ValueInfoNameOf(field.Payload!);
                if (!keepOutputs.Contains(OutputColumn(name)))
                {
                    changes.Add($"output '{name}' dropped (not a prediction column)");
                    continue;
                }
            }
            result.Add(field);
        }
        return Serialize(result);
    }

    private static byte[] RewriteNode(byte[] node, List<string> changes)
    {
        var fields = Parse(node);
        var opType = fields.FirstOrDefault(f => f.Number == NodeOpType && f.WireType == 2)?.Payload;
        if (opType is null || Encoding.UTF8.GetString(opType) != "TfIdfVectorizer") return node;

        var attributes = fields.Where(f => f.Number == NodeAttribute && f.WireType == 2).Select(f => (Field: f, Parts: Parse(f.Payload!))).ToList();
        List<Field>? Attribute(string name) => attributes.FirstOrDefault(a => AttributeNameOf(a.Parts) == name).Parts;
        var min = Attribute("min_gram_length");
        var counts = Attribute("ngram_counts");
        var pool = Attribute("pool_int64s");
        if (min is null || counts is null || pool is null) return node;
        var minValue = (long)(min.FirstOrDefault(p => p.Number == AttributeInt)?.Value ?? 0);
        var starts = Ints(counts);
        int poolLength = Ints(pool).Count;
        // Level k (1-based) holds k ids per n-gram, from starts[k-1] to the next level's start (or the pool's end).
        long shortest = 0;
        for (int k = 1; k <= starts.Count; k++)
        {
            long end = k < starts.Count ? starts[k] : poolLength;
            if (end > starts[k - 1]) { shortest = k; break; }
        }
        if (shortest == 0 || shortest >= minValue) return node;

        var newMin = min.Select(p => p.Number == AttributeInt ? p with { Value = (ulong)shortest } : p).ToList();
        var nodeName = fields.FirstOrDefault(f => f.Number == NodeName && f.WireType == 2)?.Payload is { } n ? Encoding.UTF8.GetString(n) : "?";
        changes.Add($"TfIdfVectorizer '{nodeName}': min_gram_length {minValue} -> {shortest} (its n-gram pool holds {shortest}-grams; ML.NET's model file does not keep UseAllLengths)");
        var result = new List<Field>(fields.Count);
        foreach (var field in fields)
        {
            if (field.Number == NodeAttribute && field.WireType == 2 && AttributeNameOf(Parse(field.Payload!)) == "min_gram_length")
                result.Add(field with { Payload = Serialize(newMin) });
            else
                result.Add(field);
        }
        return Serialize(result);
    }

    private static string? AttributeNameOf(List<Field> parts) =>
        parts.FirstOrDefault(p => p.Number == AttributeName && p.WireType == 2)?.Payload is { } b ? Encoding.UTF8.GetString(b) : null;

    private static string ValueInfoNameOf(byte[] valueInfo) =>
        Parse(valueInfo).FirstOrDefault(p => p.Number == ValueInfoName && p.WireType == 2)?.Payload is { } b ? Encoding.UTF8.GetString(b) : "";

    // ML.NET names the graph output of column C "C.output".
    internal static string OutputColumn(string name) => name.EndsWith(".output", StringComparison.Ordinal) ? name[..^".output".Length] : name;

    /// <summary>A repeated int64 attribute's values, packed (wire type 2) or not (wire type 0).</summary>
    private static List<long> Ints(List<Field> attribute)
    {
        var values = new List<long>();
        foreach (var p in attribute.Where(p => p.Number == AttributeInts))
        {
            if (p.WireType == 0) { values.Add((long)p.Value); continue; }
            if (p.WireType != 2) continue;
            int pos = 0;
            while (pos < p.Payload!.Length) values.Add((long)ReadVarint(p.Payload, ref pos));
        }
        return values;
    }

    /// <summary>One protobuf field: a varint value (wire type 0) or the bytes of a length-delimited or fixed-size one.</summary>
    internal sealed record Field(int Number, int WireType, ulong Value, byte[]? Payload);

    internal static List<Field> Parse(byte[] message)
    {
        var fields = new List<Field>();
        int pos = 0;
        while (pos < message.Length)
        {
            var tag = ReadVarint(message, ref pos);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0: fields.Add(new Field(number, 0, ReadVarint(message, ref pos), null)); break;
                case 1: fields.Add(new Field(number, 1, 0, message[pos..(pos + 8)])); pos += 8; break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref pos));
                    if (length < 0 || pos + length > message.Length) throw new InvalidDataException("The ONNX model is cut short (a field runs past the end).");
                    fields.Add(new Field(number, 2, 0, message[pos..(pos + length)]));
                    pos += length;
                    break;
                case 5: fields.Add(new Field(number, 5, 0, message[pos..(pos + 4)])); pos += 4; break;
                default: throw new InvalidDataException($"The ONNX model has a protobuf field of wire type {wireType}, which this rewriter does not read.");
            }
        }
        return fields;
    }

    internal static byte[] Serialize(List<Field> fields)
    {
        using var stream = new MemoryStream();
        foreach (var f in fields)
        {
            WriteVarint(stream, ((ulong)f.Number << 3) | (uint)f.WireType);
            if (f.WireType == 0) WriteVarint(stream, f.Value);
            else
            {
                if (f.WireType == 2) WriteVarint(stream, (ulong)f.Payload!.Length);
                stream.Write(f.Payload!);
            }
        }
        return stream.ToArray();
    }

    private static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("The ONNX model is cut short (inside a number).");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("The ONNX model has a malformed number.");
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
