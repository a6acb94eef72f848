using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Scores data with a saved model through ML.NET's untyped path: the pipeline's own loader reads the rows, the loaded
/// model transforms them, and the prediction columns are read by name.
/// </summary>
public static class PredictStep
{
    /// <summary>Scores <paramref name="inputPath"/> and writes a comma-separated file: the input columns, then the prediction columns.</summary>
    public static long PredictCsv(MLContext ml, IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath = null)
    {
        Data.DataFileGuard.CheckPathText(inputPath, "input file");
        if (!File.Exists(inputPath) && PipelineGen.Shared.DataFileCheck.KindOf(Path.GetFullPath(inputPath)) == PipelineGen.Shared.DataFileKind.Missing)
            throw new FileNotFoundException($"Input file '{Path.GetFullPath(inputPath)}' does not exist.", inputPath);
        // A device or a named pipe would be read forever (or block): refused before the loader opens it.
        inputPath = Data.DataFileGuard.CheckReadable(inputPath, "input file");
        var model = ModelStore.Load(ml, modelPath ?? ModelStore.DefaultModelPath(pipeline.Settings), out _);
        var data = pipeline.LoadData(ml, Path.GetFullPath(inputPath));
        var scored = model.Transform(data);
        var predictionColumns = PredictionColumns(pipeline.Settings.Task, scored.Schema);

        long rows = 0;
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            // Two cursors in lock-step: the raw columns as read (a preparation step may overwrite a column of the same
            // name in the scored view) and the predictions. Row-to-row transforms keep the order.
            using var rawCursor = data.GetRowCursor(data.Schema);
            using var scoredCursor = scored.GetRowCursor(predictionColumns);
            var readers = data.Schema.Where(c => !c.IsHidden).Select(c => CellReader.Create(rawCursor, c))
                .Concat(predictionColumns.Select(c => CellReader.Create(scoredCursor, c))).ToArray();
            writer.WriteLine(string.Join(",", readers.SelectMany(r => r.Headers).Select(Quote)));
            while (rawCursor.MoveNext())
            {
                if (!scoredCursor.MoveNext())
                    throw new InvalidOperationException("The model returned fewer rows than it was given; predictions cannot be matched to input rows.");
                writer.WriteLine(string.Join(",", readers.SelectMany(r => r.Read()).Select(v => Quote(FormatCell(v)))));
                rows++;
            }
        });
        return rows;
    }

    /// <summary>Scores one row given as a JSON object keyed by column name; returns the prediction columns by name.</summary>
    public static IReadOnlyDictionary<string, object?> PredictJson(MLContext ml, IPipelineDefinition pipeline, string json, string? modelPath = null)
    {
        var settings = pipeline.Settings;
        using var document = ParseObject(json);
        var byName = settings.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var values = new Dictionary<int, string>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var column = byName.GetValueOrDefault(property.Name)
                ?? settings.Columns.FirstOrDefault(c => string.Equals(c.Name, property.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"JSON property '{property.Name}' is not a column of '{settings.Name}' (columns: {string.Join(", ", settings.Columns.OrderBy(c => c.Index).Select(c => c.Name))}).");
            values[column.Index] = JsonCell(property);
        }

        // The row goes through the pipeline's own loader, so parsing and missing-value tokens match training exactly.
        var temp = Path.Combine(Path.GetTempPath(), $"pipelinegen-predict-{Guid.NewGuid():N}.csv");
        try
        {
            var separator = settings.Separator.ToString();
            var ordered = settings.Columns.OrderBy(c => c.Index).ToArray();
            var width = ordered.Length == 0 ? 0 : ordered.Max(c => c.Index) + 1;
            var lines = new List<string>();
            if (settings.HasHeader)
                lines.Add(string.Join(separator, Enumerable.Range(0, width).Select(i => Quote(ordered.FirstOrDefault(c => c.Index == i)?.Name ?? $"column{i}", settings.Separator))));
            lines.Add(string.Join(separator, Enumerable.Range(0, width).Select(i => Quote(values.GetValueOrDefault(i, ""), settings.Separator))));
            File.WriteAllLines(temp, lines, new UTF8Encoding(false));

            var model = ModelStore.Load(ml, modelPath ?? ModelStore.DefaultModelPath(settings), out _);
            var scored = model.Transform(pipeline.LoadData(ml, temp));
            var columns = PredictionColumns(settings.Task, scored.Schema);
            using var cursor = scored.GetRowCursor(columns);
            var readers = columns.Select(c => CellReader.Create(cursor, c)).ToArray();
            if (!cursor.MoveNext())
                throw new InvalidDataException("The JSON row did not produce a data row (was it skipped as a bad row?).");
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var reader in readers)
            {
                var cells = reader.Read();
                if (reader.Headers.Count == 1 && !reader.IsVector)
                    result[reader.Name] = cells[0];
                else
                    result[reader.Name] = reader.SlotLabels.Zip(cells).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            }
            return result;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>CLI entry for a CSV file: 0 written, 2 bad input.</summary>
    public static int RunCsv(IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath, TextWriter output, TextWriter error)
    {
        try
        {
            var rows = PredictCsv(new MLContext(seed: pipeline.Settings.Seed), pipeline, inputPath, outputPath, modelPath);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scored {rows} rows of {inputPath} -> {Path.GetFullPath(outputPath)}"));
            return 0;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e))
        {
            error.WriteLine($"predict: {e.Message}");
            return 2;
        }
    }

    /// <summary>CLI entry for one JSON row: prints the predictions as a JSON object; 0 ok, 2 bad input.</summary>
    public static int RunJson(IPipelineDefinition pipeline, string json, string? modelPath, TextWriter output, TextWriter error)
    {
        try
        {
            var prediction = PredictJson(new MLContext(seed: pipeline.Settings.Seed), pipeline, json, modelPath);
            output.WriteLine(JsonSerializer.Serialize(prediction, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return 0;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e) || e is JsonException)
        {
            error.WriteLine($"predict: {e.Message}");
            return 2;
        }
    }

    /// <summary>The prediction columns of the task, in a fixed order, as far as the model produces them.</summary>
    public static DataViewSchema.Column[] PredictionColumns(MlTaskKind task, DataViewSchema scored)
    {
        string[] names = task switch
        {
            MlTaskKind.BinaryClassification => ["PredictedLabel", "Score", "Probability"],
            MlTaskKind.MulticlassClassification => scored.GetColumnOrNull("PredictedLabelValue") is not null
                ? ["PredictedLabelValue", "Score"]
                : ["PredictedLabel", "Score"],
            _ => ["Score"],
        };
        return names.Select(n => scored.GetColumnOrNull(n)).Where(c => c is not null).Select(c => c!.Value).ToArray();
    }

    private static JsonDocument ParseObject(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ArgumentException($"--json is not valid JSON: {e.Message}", e); }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ArgumentException("--json must be one JSON object mapping column names to values, e.g. {\"age\": 42, \"city\": \"Oslo\"}.");
        }
        return document;
    }

    private static string JsonCell(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString()!,
        JsonValueKind.Number => property.Value.GetRawText(), // JSON numbers are already invariant
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => throw new ArgumentException($"JSON property '{property.Name}' must be a string, number, boolean or null, not {property.Value.ValueKind}."),
    };

    internal static string FormatCell(object? value) => value switch
    {
        null => "",
        float f => float.IsNaN(f) ? "" : f.ToString("R", CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string Quote(string cell) => Quote(cell, ',');

    private static string Quote(string cell, char separator) =>
        cell.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}

/// <summary>Reads one column of the current row as plain .NET values (vectors expand to one cell per slot).</summary>
internal sealed class CellReader
{
    private readonly Func<object?[]> _read;

    private CellReader(string name, IReadOnlyList<string> headers, IReadOnlyList<string> slotLabels, bool isVector, Func<object?[]> read)
    {
        Name = name;
        Headers = headers;
        SlotLabels = slotLabels;
        IsVector = isVector;
        _read = read;
    }

    public string Name { get; }
    public IReadOnlyList<string> Headers { get; }
    public IReadOnlyList<string> SlotLabels { get; }
    public bool IsVector { get; }
    public object?[] Read() => _read();

    public static CellReader Create(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType vector)
        {
            if (!vector.IsKnownSize)
                throw new NotSupportedException($"Column '{column.Name}' is a variable-length vector and cannot be written as cells.");
            var labels = ReadSlotLabels(column, vector.Size);
            var headers = labels.Select(l => $"{column.Name}.{l}").ToArray();
            Func<object?[]> read = vector.ItemType switch
            {
                var t when t == NumberDataViewType.Single => VectorReader<float>(cursor, column),
                var t when t == NumberDataViewType.Double => VectorReader<double>(cursor, column),
                _ => throw new NotSupportedException($"Column '{column.Name}' is a vector of {vector.ItemType}; only numeric vectors are written."),
            };
            return new CellReader(column.Name, headers, labels, true, read);
        }
        return new CellReader(column.Name, [column.Name], [column.Name], false, ScalarReader(cursor, column));
    }

    private static string[] ReadSlotLabels(DataViewSchema.Column column, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { Size: var n } } && n == size)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.Annotations.GetValue("SlotNames", ref names);
            var dense = names.DenseValues().Select(v => v.ToString()).ToArray();
            if (dense.All(s => s.Length > 0) && dense.Distinct().Count() == dense.Length)
                return dense;
        }
        return Enumerable.Range(0, size).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    private static Func<object?[]> VectorReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues().Select(v => (object?)v).ToArray();
        };
    }

    private static Func<object?[]> Scalar<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, object?> convert)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return [convert(value)];
        };
    }

    private static Func<object?[]> ScalarReader(DataViewRowCursor cursor, DataViewSchema.Column column) => column.Type switch
    {
        TextDataViewType => Scalar<ReadOnlyMemory<char>>(cursor, column, v => v.ToString()),
        BooleanDataViewType => Scalar<bool>(cursor, column, v => v),
        DateTimeDataViewType => Scalar<DateTime>(cursor, column, v => v),
        DateTimeOffsetDataViewType => Scalar<DateTimeOffset>(cursor, column, v => v),
        TimeSpanDataViewType => Scalar<TimeSpan>(cursor, column, v => v),
        KeyDataViewType key => KeyReader(cursor, column, key),
        var t when t == NumberDataViewType.Single => Scalar<float>(cursor, column, v => v),
        var t when t == NumberDataViewType.Double => Scalar<double>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int32 => Scalar<int>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int64 => Scalar<long>(cursor, column, v => v),
        var t when t == NumberDataViewType.UInt32 => Scalar<uint>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int16 => Scalar<short>(cursor, column, v => v),
        var t when t == NumberDataViewType.Byte => Scalar<byte>(cursor, column, v => v),
        _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which predict cannot write."),
    };

    /// <summary>A key column is written as its value (key 1 → first value); key 0 is missing.</summary>
    private static Func<object?[]> KeyReader(DataViewRowCursor cursor, DataViewSchema.Column column, KeyDataViewType key)
    {
        string[]? values = null;
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.Annotations.GetValue("KeyValues", ref buffer);
            values = buffer.DenseValues().Select(v => v.ToString()).ToArray();
        }
        if (key.RawType != typeof(uint))
            throw new NotSupportedException($"Column '{column.Name}' is a key of {key.RawType.Name}; only UInt32 keys are written.");
        return Scalar<uint>(cursor, column, k => k == 0 ? null : values is not null && k <= values.Length ? values[k - 1] : (object)(k - 1));
    }
}
