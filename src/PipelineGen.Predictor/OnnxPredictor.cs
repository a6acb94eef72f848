using System.Reflection;

namespace PipelineGen.Predictor;

/// <summary>Names the model input (a feature column, as written in the data header) a property feeds.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OnnxInputAttribute(string name) : Attribute
{
    /// <summary>The model input's name.</summary>
    public string Name { get; } = name;
}

/// <summary>Names the model output (<c>Score</c>, <c>Probability</c>) a property receives.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OnnxOutputAttribute(string name) : Attribute
{
    /// <summary>The model output's name.</summary>
    public string Name { get; } = name;
}

/// <summary>
/// Typed scoring of an exported model with ONNX Runtime only. <typeparamref name="TInput"/>'s properties carry
/// <see cref="OnnxInputAttribute"/> (one per feature column); <typeparamref name="TOutput"/>'s carry
/// <see cref="OnnxOutputAttribute"/> (<c>float</c> for a scalar output, <c>float[]</c> for a vector such as a multiclass
/// score); they are written by hand for now (generating them from the spec is open, docs/export.md). Opening a model whose
/// inputs are not the classes' columns fails with the names that differ, before any scoring.
/// </summary>
public sealed class OnnxPredictor<TInput, TOutput> : IDisposable where TOutput : new()
{
    private static readonly (PropertyInfo Property, string Name)[] InputProperties = Mapped<TInput, OnnxInputAttribute>(a => a.Name);
    private static readonly (PropertyInfo Property, string Name)[] OutputProperties = Mapped<TOutput, OnnxOutputAttribute>(a => a.Name);
    private readonly OnnxModel _model;

    /// <summary>Opens <paramref name="modelPath"/> and checks its inputs and outputs against the typed classes.</summary>
    /// <exception cref="OnnxModelException">Corrupt or missing file, or its columns differ from the classes' (named).</exception>
    public OnnxPredictor(string modelPath, int threads = 1)
    {
        _model = OnnxModel.Open(modelPath, threads);
        try
        {
            _model.RequireInputs(InputProperties.Select(p => p.Name));
            var missing = OutputProperties.Select(p => p.Name).Where(n => _model.Outputs.All(o => o.Name != n)).ToArray();
            if (missing.Length > 0)
                throw new OnnxModelException($"The ONNX model '{_model.Path}' has no output {string.Join(", ", missing.Select(m => "'" + m + "'"))} (it has {string.Join(", ", _model.Outputs.Select(o => "'" + o.Name + "'"))}). Export it again for this predictor.");
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>The underlying model (its inputs and outputs).</summary>
    public OnnxModel Model => _model;

    /// <summary>Scores one row.</summary>
    public TOutput Predict(TInput row) => Predict([row])[0];

    /// <summary>
    /// Scores rows in one ONNX Runtime call. Models with text features must be scored one row per call (ONNX Runtime's
    /// tokenizer pads a batch); <see cref="Predict(TInput)"/> does that.
    /// </summary>
    public TOutput[] Predict(IReadOnlyList<TInput> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var (property, name) in InputProperties)
        {
            var values = new object?[rows.Count];
            for (int i = 0; i < rows.Count; i++) values[i] = property.GetValue(rows[i]);
            columns[name] = values;
        }
        var scores = _model.Run(columns, rows.Count);
        var result = new TOutput[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var output = new TOutput();
            foreach (var (property, name) in OutputProperties)
            {
                var all = scores[name];
                int width = all.Length / rows.Count;
                if (property.PropertyType == typeof(float)) property.SetValue(output, all[i * width]);
                else property.SetValue(output, all.AsSpan(i * width, width).ToArray());
            }
            result[i] = output;
        }
        return result;
    }

    private static (PropertyInfo, string)[] Mapped<T, TAttribute>(Func<TAttribute, string> name) where TAttribute : Attribute =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<TAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => (p.Property, name(p.Attribute!)))
            .ToArray();

    /// <summary>Releases the model (its ONNX Runtime session).</summary>
    public void Dispose() => _model.Dispose();
}
