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

    /// <summary>
    /// The rows of a data file as the data scan and the loader read them (a quoted value may span lines), the header
    /// (when <paramref name="settings"/> has one) already read into <paramref name="header"/>: every reader of rows at
    /// run time starts here.
    /// </summary>
    internal static DelimitedRecords RowsAfterHeader(TextReader reader, PipelineSettings settings, out string? header)
    {
        var records = new DelimitedRecords(reader.ReadLine, settings.Separator)
        {
            // Without a header a record spanning lines must have the pipeline's width; with one, the header's count.
            ExpectedFields = settings.Columns.Count == 0 ? 0 : settings.Columns.Max(c => c.Index) + 1,
        };
        header = settings.HasHeader ? records.ReadHeader() : null;
        return records;
    }
}
