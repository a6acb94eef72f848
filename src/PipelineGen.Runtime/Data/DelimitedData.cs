using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>What generated <c>LoadData</c> calls: ML.NET's <c>TextLoader</c> over the file as the shared reading reads it.</summary>
public static class DelimitedData
{
    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="options"/>, feeding the loader each line rewritten in the
    /// one reading of values (<see cref="NormalizedTextSource"/>), so the model sees what the build inferred and the
    /// run's checks counted. Streams: one line at a time.
    /// </summary>
    public static IDataView Load(MLContext mlContext, TextLoader.Options options, string path, PipelineSettings settings)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        return mlContext.Data.CreateTextLoader(options).Load(new NormalizedTextSource(path, settings));
    }

    /// <summary>Loads <paramref name="path"/> with the columns of <paramref name="settings"/> (what generated <c>LoadData</c> calls).</summary>
    public static IDataView Load(MLContext mlContext, string path, PipelineSettings settings) =>
        Load(mlContext, PipelineGen.Runtime.PipelineSteps.LoaderOptions(settings), path, settings);
}
