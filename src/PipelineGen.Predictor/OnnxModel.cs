using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PipelineGen.Predictor;

/// <summary>One input or output of an exported model: its name in the graph and its element type.</summary>
/// <param name="Name">Column name (outputs without ML.NET's <c>.output</c> suffix).</param>
/// <param name="GraphName">Name in the ONNX graph.</param>
/// <param name="ElementType">float, string, bool, double, long ...</param>
public sealed record OnnxColumn(string Name, string GraphName, Type ElementType);

/// <summary>A model file that cannot be used: corrupt, not ONNX, or not the model the caller expects.</summary>
public sealed class OnnxModelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An exported PipelineGen model opened with ONNX Runtime only (no ML.NET): what the device predictor, the parity check
/// and the benchmarks share. Inputs are the pipeline's feature columns (one tensor of shape [rows, 1] each); outputs are
/// the prediction columns (<c>Score</c>, and <c>Probability</c> for binary models).
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxModel(string path, InferenceSession session)
    {
        Path = path;
        _session = session;
        Inputs = session.InputMetadata.Select(m => new OnnxColumn(m.Key, m.Key, m.Value.ElementType)).ToArray();
        Outputs = session.OutputMetadata.Select(m => new OnnxColumn(StripSuffix(m.Key), m.Key, m.Value.ElementType)).ToArray();
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>The model's inputs (one per feature column), as the file declares them.</summary>
    public IReadOnlyList<OnnxColumn> Inputs { get; }
    /// <summary>The model's outputs (<c>Score</c>, <c>Probability</c>, ...), as the file declares them.</summary>
    public IReadOnlyList<OnnxColumn> Outputs { get; }

    /// <summary>Opens a model file; a missing, empty or corrupt file is an <see cref="OnnxModelException"/> that names it.</summary>
    public static OnnxModel Open(string path, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new OnnxModelException($"No ONNX model at '{full}'. Run 'export onnx' (or build with deploy.onnx: true and -p:PipelineGenTrain=true) to write one.");
        if (new FileInfo(full).Length == 0)
            throw new OnnxModelException($"The ONNX model '{full}' is empty (0 bytes). Export it again.");
        // Threads explicit: predictable latency on small devices and shared machines.
        var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1 };
        try
        {
            return new OnnxModel(full, new InferenceSession(full, options));
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("string_normalizer", StringComparison.Ordinal) && e.Message.Contains("locale", StringComparison.OrdinalIgnoreCase))
        {
            // Text models normalise case with ONNX Runtime's StringNormalizer, which constructs the en_US.UTF-8 C++ locale.
            throw new OnnxModelException($"The ONNX model '{full}' featurises text, and ONNX Runtime's string normaliser needs the 'en_US.UTF-8' locale, which this machine does not have. " +
                "Fix: as root run 'localedef -i en_US -f UTF-8 en_US.UTF-8' (or 'locale-gen en_US.UTF-8'); without root run 'localedef -i en_US -f UTF-8 DIR/en_US.UTF-8' and start the program with LOCPATH=DIR.", e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"'{full}' is not a valid ONNX model (ONNX Runtime: {FirstLine(e.Message)}). Export it again; a copy cut short or edited by hand reads like this.", e);
        }
    }

    /// <summary>
    /// Refuses a model whose inputs are not exactly <paramref name="expectedInputs"/> (columns renamed, added or
    /// removed since export), naming every difference.
    /// </summary>
    public void RequireInputs(IEnumerable<string> expectedInputs)
    {
        var expected = expectedInputs.ToHashSet(StringComparer.Ordinal);
        var actual = Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => !actual.Contains(e)).Order(StringComparer.Ordinal).ToArray();
        var extra = actual.Where(a => !expected.Contains(a)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length == 0 && extra.Length == 0) return;
        var parts = new List<string>();
        if (missing.Length > 0) parts.Add($"expected but not in the model: {string.Join(", ", missing.Select(Quote))}");
        if (extra.Length > 0) parts.Add($"in the model but not expected: {string.Join(", ", extra.Select(Quote))}");
        throw new OnnxModelException($"The ONNX model '{Path}' does not match this predictor's columns ({string.Join("; ", parts)}). " +
            "The spec's columns changed since the model was exported: export it again, or regenerate the predictor classes from this model.");
    }

    /// <summary>
    /// Scores rows: <paramref name="columns"/> maps each input name to one value per row (float, string or bool as the
    /// model's input type says). Returns each output column's values, row-major (a vector output has several per row).
    /// </summary>
    public IReadOnlyDictionary<string, float[]> Run(IReadOnlyDictionary<string, Array> columns, int rows)
    {
        var inputs = new List<NamedOnnxValue>(Inputs.Count);
        foreach (var input in Inputs)
        {
            if (!columns.TryGetValue(input.Name, out var values))
                throw new ArgumentException($"No value for the model's input '{input.Name}'.", nameof(columns));
            if (values.Length != rows)
                throw new ArgumentException($"Input '{input.Name}' has {values.Length} values for {rows} rows.", nameof(columns));
            inputs.Add(Tensor(input, values, rows));
        }
        var names = Outputs.Select(o => o.GraphName).ToArray();
        using var results = _session.Run(inputs, names);
        var scores = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var name = StripSuffix(result.Name);
            scores[name] = result.Value switch
            {
                Tensor<float> t => t.ToArray(),
                Tensor<double> t => t.ToArray().Select(v => (float)v).ToArray(),
                Tensor<bool> t => t.ToArray().Select(v => v ? 1f : 0f).ToArray(),
                Tensor<long> t => t.ToArray().Select(v => (float)v).ToArray(),
                _ => throw new OnnxModelException($"Output '{result.Name}' of '{Path}' has a type this predictor does not read."),
            };
        }
        return scores;
    }

    private static NamedOnnxValue Tensor(OnnxColumn input, Array values, int rows)
    {
        var shape = new[] { rows, 1 };
        string What(object? v) => v is null ? "null" : $"{v} ({v.GetType().Name})";
        try
        {
            if (input.ElementType == typeof(float))
                return NamedOnnxValue.CreateFromTensor(input.GraphName, new DenseTensor<float>(values.Cast<object?>().Select(v => v is null ? float.NaN : Convert.ToSingle(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), shape));
            if (input.ElementType == typeof(string))
                return NamedOnnxValue.CreateFromTensor(input.GraphName, new DenseTensor<string>(values.Cast<object?>().Select(v => v?.ToString() ?? "").ToArray(), shape));
            if (input.ElementType == typeof(bool))
                return NamedOnnxValue.CreateFromTensor(input.GraphName, new DenseTensor<bool>(values.Cast<object?>().Select(v => v is bool b ? b : Convert.ToBoolean(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), shape));
            if (input.ElementType == typeof(double))
                return NamedOnnxValue.CreateFromTensor(input.GraphName, new DenseTensor<double>(values.Cast<object?>().Select(v => v is null ? double.NaN : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), shape));
        }
        catch (Exception e) when (e is FormatException or InvalidCastException)
        {
            throw new ArgumentException($"Input '{input.Name}' needs {input.ElementType.Name} values; got {What(values.Cast<object?>().FirstOrDefault(v => v is not null))}.", e);
        }
        throw new OnnxModelException($"Input '{input.Name}' has element type {input.ElementType.Name}, which the predictor does not feed.");
    }

    // ML.NET's exporter names an output column C "C.output" in the graph.
    private static string StripSuffix(string name) => name.EndsWith(".output", StringComparison.Ordinal) ? name[..^".output".Length] : name;

    private static string Quote(string s) => "'" + s + "'";

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>Releases the ONNX Runtime session (native memory).</summary>
    public void Dispose() => _session.Dispose();
}
