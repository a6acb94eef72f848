using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>Saves models atomically and loads them with this runtime's custom mappings registered.</summary>
public static class ModelStore
{
    /// <summary>Default model path: <c>&lt;project dir&gt;/.pipelinegen/models/&lt;name&gt;.zip</c>.</summary>
    public static string DefaultModelPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "models", settings.Name + ".zip");

    /// <summary>Writes the model to a temporary file beside <paramref name="path"/> and then moves it over the target.</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(path, stream => ml.Model.Save(model, inputSchema, stream));
    }

    /// <summary>Loads a model saved by <see cref="Save"/>; registers this assembly so its custom mappings resolve.</summary>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No model at '{Path.GetFullPath(path)}'. Run the 'train' step first (or pass the model path).", path);
        ml.ComponentCatalog.RegisterAssembly(typeof(ModelStore).Assembly);
        using var stream = File.OpenRead(path);
        return ml.Model.Load(stream, out inputSchema);
    }
}
