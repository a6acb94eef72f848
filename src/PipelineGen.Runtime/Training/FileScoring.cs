using System.Reflection;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>Which runtime <c>predict --input</c> scores with (<c>--engine</c>).</summary>
internal enum ScoringEngine
{
    /// <summary>ONNX Runtime when an extension can score this model that way (a parity-checked model.onnx of the same model version), else ML.NET.</summary>
    Auto,
    /// <summary>ML.NET always.</summary>
    MlNet,
    /// <summary>ONNX Runtime, or an error saying why it cannot.</summary>
    Onnx,
}

/// <summary>
/// Another way to compute a file's prediction columns than ML.NET's transform, supplied by an optional package
/// (PipelineGen.Export: ONNX Runtime over the exported, parity-checked model.onnx). The runtime does not reference those
/// packages: implementations are found in the application's dependencies by assembly name, as commands are
/// (Cli/ExtensionContributors.cs), so an app without them scores with ML.NET exactly as before.
/// </summary>
internal interface IFileScorer
{
    /// <summary>
    /// A view with <paramref name="mlScored"/>'s schema whose prediction columns this scorer computes from the feature
    /// columns of <paramref name="data"/>; null when it cannot score this model (<paramref name="why"/> says why).
    /// On success <paramref name="why"/> describes what scored (printed as a note).
    /// </summary>
    IDataView? TryScore(IPipelineDefinition pipeline, string modelPath, IDataView data, IDataView mlScored, out string why);
}

/// <summary>The <see cref="IFileScorer"/>s of the application's optional packages.</summary>
internal static class FileScorers
{
    private static readonly string[] ExtensionAssemblies = ["PipelineGen.Export"];

    private static readonly Lazy<IReadOnlyList<IFileScorer>> Found = new(() =>
    {
        var scorers = new List<IFileScorer>();
        foreach (var name in ExtensionAssemblies)
        {
            Assembly assembly;
            try { assembly = Assembly.Load(new AssemblyName(name)); }
            catch (FileNotFoundException) { continue; } // not referenced: ML.NET only
            // GetTypes, not GetExportedTypes: a scorer is internal (it implements this internal interface, which the package sees through InternalsVisibleTo).
            foreach (var type in assembly.GetTypes().Where(t => typeof(IFileScorer).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
                if (type.GetConstructor(Type.EmptyTypes) is not null)
                    scorers.Add((IFileScorer)Activator.CreateInstance(type)!);
        }
        return scorers;
    });

    public static IReadOnlyList<IFileScorer> All => Found.Value;

    /// <summary>
    /// <paramref name="mlScored"/>, or the first extension's view when <paramref name="engine"/> allows it and one applies.
    /// <paramref name="notes"/> gets which engine scored and, when ONNX Runtime was possible but not used, why.
    /// </summary>
    public static IDataView Choose(ScoringEngine engine, IPipelineDefinition pipeline, string modelPath, IDataView data, IDataView mlScored, List<string> notes)
    {
        if (engine == ScoringEngine.MlNet) return mlScored;
        var reasons = new List<string>();
        foreach (var scorer in All)
        {
            if (scorer.TryScore(pipeline, modelPath, data, mlScored, out var why) is { } view)
            {
                notes.Add(why);
                return view;
            }
            reasons.Add(why);
        }
        if (engine == ScoringEngine.Onnx)
            throw new PredictInputException(All.Count == 0
                ? "--engine onnx needs the PipelineGen.Export package (ONNX Runtime), which this application does not reference. Add it, or leave --engine out."
                : $"--engine onnx: {string.Join("; ", reasons)}");
        if (reasons.Count > 0) notes.Add($"scored with ML.NET ({string.Join("; ", reasons)}).");
        return mlScored;
    }
}
