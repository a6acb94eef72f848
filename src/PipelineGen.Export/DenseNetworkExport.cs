using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using static PipelineGen.Export.OnnxGraphRewriter;

namespace PipelineGen.Export;

/// <summary>A model with a dense network could not be exported (PG0605); the message says why and what to do.</summary>
public sealed class DenseExportException(string message) : InvalidOperationException(message);

/// <summary>
/// ONNX export of a pipeline whose trainer is <c>dense</c> (docs/runtime-networks.md, "ONNX export"). The network is
/// scored inside the ML.NET model by ML.NET's ONNX transform, which ML.NET's ONNX converter cannot convert. So the
/// export is made of two graphs joined at the protobuf level:
/// <list type="number">
/// <item>ML.NET's converter exports the scoring chain up to the network (preparation and standardisation), with the
/// network's input column (<c>Features</c>) as its only output;</item>
/// <item>the network's own graph (written by <c>DenseOnnx.Write</c> at training time) is read back from the model zip,
/// where ML.NET's ONNX transform saved its bytes;</item>
/// <item>the network's nodes and weights are appended to ML.NET's graph: its input is rebound to ML.NET's output of
/// that column, every other name is prefixed (<see cref="Prefix"/>) so nothing collides, and its outputs become the
/// graph's outputs with the names the other trainers' exports use (<c>Score.output</c>, <c>Probability.output</c>).</item>
/// </list>
/// The ML.NET mappings after the network (logit → Score, argmax → PredictedLabel) are not needed: the network's graph
/// already outputs Score (the logit for binary, the softmax probabilities for multiclass, the value for regression) and
/// Probability. The parity check then compares the whole ML.NET model against the joined graph, as for any model.
/// </summary>
internal static class DenseNetworkExport
{
    /// <summary>Prefix of the network's node, weight and intermediate names inside the joined graph.</summary>
    public const string Prefix = "pipelinegen_dense/";

    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3;
    private const int TensorName = 8, ValueInfoName = 1;

    /// <summary>Whether <paramref name="transformer"/> is or holds ML.NET's ONNX transform (how a dense network is scored).</summary>
    public static bool Holds(ITransformer transformer) =>
        transformer is OnnxTransformer || (transformer is IEnumerable<ITransformer> chain && chain.Any(Holds));

    /// <summary>The transformers of <paramref name="scoring"/> before the one that holds the network; null when it holds none.</summary>
    public static ITransformer? Preparation(ITransformer scoring)
    {
        if (!Holds(scoring)) return null;
        if (scoring is not TransformerChain<ITransformer> chain)
            throw new DenseExportException("The model's network is not a step of its transformer chain, so the preparation before it cannot be exported on its own. Retrain the model with this version of PipelineGen.");
        var parts = chain.ToList();
        var at = parts.FindIndex(Holds);
        if (parts.Skip(at + 1).Any(Holds))
            throw new DenseExportException("The model holds more than one ONNX transform; export joins exactly one dense network to the preparation before it.");
        if (at == 0)
            throw new DenseExportException("The model's network has no preparation step before it (its Features column must be built and standardised in the pipeline).");
        return new TransformerChain<ITransformer>(parts.Take(at).ToArray());
    }

    /// <summary>
    /// The network's ONNX bytes as ML.NET's ONNX transform saved them in the model zip (entry <c>.../OnnxModel</c>:
    /// a 4-byte little-endian length, then the model).
    /// </summary>
    public static byte[] ReadNetwork(string modelZip)
    {
        using var zip = ZipFile.OpenRead(modelZip);
        var entries = zip.Entries.Where(e => e.Name == "OnnxModel").ToList();
        if (entries.Count != 1)
            throw new DenseExportException($"The model file {modelZip} holds {entries.Count} saved ONNX graphs where its dense network should be exactly one; retrain the model.");
        using var stream = entries[0].Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var length = bytes.Length >= 4 ? BitConverter.ToInt32(bytes, 0) : -1;
        if (length != bytes.Length - 4)
            throw new DenseExportException($"The network's entry '{entries[0].FullName}' in {modelZip} is not a length-prefixed ONNX model ({bytes.Length} bytes, length field {length}); the file may be damaged or from another ML.NET version.");
        return bytes[4..];
    }

    /// <summary>The network graph's single input name (the feature column it scores).</summary>
    public static string InputColumn(byte[] network)
    {
        var inputs = ValueInfoNames(GraphOf(network, "the network"), GraphInput);
        if (inputs.Count != 1) throw new DenseExportException($"The network's graph has {inputs.Count} inputs; a dense network has exactly one (its feature vector).");
        return inputs[0];
    }

    /// <summary>
    /// Appends <paramref name="network"/> to <paramref name="preparation"/> (ML.NET's export whose outputs include the
    /// network's input column): the joined graph's outputs are the network's, named <c>{column}.output</c> after
    /// <paramref name="outputColumns"/> in order. One line per change goes to <paramref name="changes"/>.
    /// </summary>
    public static byte[] Join(byte[] preparation, byte[] network, IReadOnlyList<string> outputColumns, List<string> changes)
    {
        var featureColumn = InputColumn(network);
        var model = Parse(preparation);
        var graphAt = model.FindIndex(f => f.Number == ModelGraph && f.WireType == 2);
        if (graphAt < 0) throw new DenseExportException("ML.NET's export of the preparation has no graph.");
        var prep = Parse(model[graphAt].Payload!);
        var featureOutputs = prep.Where(f => f.Number == GraphOutput && f.WireType == 2)
            .Select(f => NameOf(f.Payload!, ValueInfoName)).Where(n => OutputColumn(n) == featureColumn).ToList();
        if (featureOutputs.Count != 1)
            throw new DenseExportException($"ML.NET's export of the preparation has no output '{featureColumn}' for the network to read (outputs: {string.Join(", ", ValueInfoNames(prep, GraphOutput))}).");
        var featureName = featureOutputs[0];

        var net = GraphOf(network, "the network");
        var netOutputs = ValueInfoNames(net, GraphOutput);
        if (netOutputs.Count != outputColumns.Count)
            throw new DenseExportException($"The network's graph has {netOutputs.Count} output(s) ({string.Join(", ", netOutputs)}) where the export needs {outputColumns.Count} ({string.Join(", ", outputColumns)}).");
        var renames = new Dictionary<string, string>(StringComparer.Ordinal) { [featureColumn] = featureName };
        for (var i = 0; i < netOutputs.Count; i++) renames[netOutputs[i]] = outputColumns[i] + ".output";
        string Rename(string name) => renames.TryGetValue(name, out var to) ? to : Prefix + name;

        var joined = new List<Field>(prep.Count + net.Count);
        joined.AddRange(prep.Where(f => f.Number != GraphOutput)); // the Features output was only the join point
        var nodes = 0;
        foreach (var f in net)
        {
            switch (f.Number)
            {
                case GraphNode:
                    joined.Add(f with { Payload = RenameStrings(f.Payload!, [NodeInput, NodeOutput, NodeName], Rename) });
                    nodes++;
                    break;
                case GraphInitializer:
                    joined.Add(f with { Payload = RenameStrings(f.Payload!, [TensorName], Rename) });
                    break;
                case GraphOutput or GraphValueInfo:
                    joined.Add(f with { Payload = RenameStrings(f.Payload!, [ValueInfoName], Rename) });
                    break;
            }
        }
        changes.Add($"dense network appended: {nodes} node(s) reading '{featureName}' (ML.NET's standardised '{featureColumn}'), outputs {string.Join(", ", outputColumns.Select(c => c + ".output"))}");
        model[graphAt] = model[graphAt] with { Payload = Serialize(joined) };
        return Serialize(model);
    }

    private static List<Field> GraphOf(byte[] model, string what) =>
        Parse(Parse(model).FirstOrDefault(f => f.Number == ModelGraph && f.WireType == 2)?.Payload
            ?? throw new DenseExportException($"The ONNX model of {what} has no graph."));

    private static List<string> ValueInfoNames(List<Field> graph, int field) =>
        graph.Where(f => f.Number == field && f.WireType == 2).Select(f => NameOf(f.Payload!, ValueInfoName)).ToList();

    private static string NameOf(byte[] message, int field) =>
        Parse(message).FirstOrDefault(p => p.Number == field && p.WireType == 2)?.Payload is { } b ? Encoding.UTF8.GetString(b) : "";

    /// <summary>The message with every string field among <paramref name="fields"/> renamed (other fields copied as they are).</summary>
    private static byte[] RenameStrings(byte[] message, int[] fields, Func<string, string> rename) =>
        Serialize(Parse(message).Select(p => p.WireType == 2 && fields.Contains(p.Number) && p.Payload!.Length > 0
            ? p with { Payload = Encoding.UTF8.GetBytes(rename(Encoding.UTF8.GetString(p.Payload))) }
            : p).ToList());
}
