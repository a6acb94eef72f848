using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Scores data with a saved model through ML.NET's untyped path: the pipeline's own loader reads the rows, the loaded
/// model transforms them, and the prediction columns are read by name.
/// </summary>
/// <remarks>
/// Input columns are matched to the pipeline's columns <b>by header name</b>, not by position. The file is rewritten,
/// streaming, to a temporary file in the training layout (the spec's column order, the label and other unused columns
/// left empty when absent), which the pipeline's own <see cref="IPipelineDefinition.LoadData"/> then reads. Why a temp
/// file rather than a TextLoader built here with remapped column indices: the generated loader is the one
/// implementation of "how this pipeline reads a file" (types, quoting, missing values, and whatever options the
/// generator adds later); a second loader built here would have to copy those options and would drift silently when
/// they change. The rewrite is one line in, one line out (never materialised), and the same pass checks every value's
/// type and compares it with the training profile.
/// </remarks>
internal static partial class PredictStep
{
    /// <summary>A value beyond the training range by more than this share of the range counts as far outside it.</summary>
    public const double FarOutsideFraction = 0.1;

    /// <summary>How many bad rows are listed in the error.</summary>
    private const int MaxProblemsListed = 10;

    /// <summary>Scores <paramref name="inputPath"/> and writes a comma-separated file: the input's pipeline columns, then the prediction columns.</summary>
    /// <remarks><c>threshold</c> (binary): P(positive) at or above which a row is predicted positive; null takes the spec's <c>task.threshold</c> (or the model's own decision).</remarks>
    public static PredictionReport PredictCsv(MLContext ml, IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath = null, double? threshold = null)
        => PredictCsv(ml, pipeline, inputPath, outputPath, modelPath, threshold, ScoringEngine.MlNet);

    /// <summary>As above; <paramref name="engine"/> lets an optional package's scorer (ONNX Runtime) compute the prediction columns (FileScoring.cs).</summary>
    public static PredictionReport PredictCsv(MLContext ml, IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath, double? threshold, ScoringEngine engine)
    {
        var settings = pipeline.Settings;
        DecisionThreshold.Check(threshold, settings.Task);
        CheckPath(inputPath, "--input");
        CheckPath(outputPath, "--output");
        modelPath ??= ModelStore.ModelPathForReading(settings);
        CheckPath(modelPath, "--model");
        var fullInput = Path.GetFullPath(inputPath);
        var fullOutput = Path.GetFullPath(outputPath);
        if (Directory.Exists(fullInput))
            throw new PredictInputException($"--input '{fullInput}' is a directory; pass a CSV file.");
        if (!File.Exists(fullInput) && PipelineGen.Shared.DataFileCheck.KindOf(fullInput) == PipelineGen.Shared.DataFileKind.Missing)
            throw new FileNotFoundException($"Input file '{fullInput}' does not exist.", fullInput);
        // A device or a named pipe would be read forever (or block): refused before the loader opens it.
        Data.DataFileGuard.CheckReadable(fullInput, "input file");
        if (string.Equals(fullInput, fullOutput, StringComparison.Ordinal))
            throw new PredictInputException($"--output '{fullOutput}' is the input file; writing the predictions there would replace the data being read. Choose another --output.");
        if (Directory.Exists(fullOutput))
            throw new PredictInputException($"--output '{fullOutput}' is a directory; pass a file path such as {Path.Combine(fullOutput, "predictions.csv")}.");

        var model = LoadModel(ml, modelPath);
        var profile = TrainingProfile.TryReadFor(modelPath, out var noProfile);
        var notes = new List<string>();
        if (profile is null)
            notes.Add($"{noProfile}: values are not compared with the training data's ranges and categories.");

        var temp = Path.Combine(Path.GetTempPath(), $"pipelinegen-predict-{Guid.NewGuid():N}.csv");
        try
        {
            CsvLayout layout;
            try
            {
                layout = RewriteInTrainingLayout(settings, fullInput, temp, profile, notes);
            }
            catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException && e is not FileNotFoundException))
            {
                throw new PredictInputException($"cannot read '{fullInput}' or write the temporary copy '{temp}': {e.Message}", e);
            }
            var data = pipeline.LoadData(ml, temp);
            var scored = TransformOrExplain(model, data, modelPath, settings, threshold, mlScored => FileScorers.Choose(engine, pipeline, modelPath, data, mlScored, notes));
            var predictionColumns = PredictionColumns(settings.Task, scored.Schema);

            long rows = 0;
            try
            {
                AtomicFile.Write(fullOutput, stream =>
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                    // Two cursors in lock-step: the raw columns as read (a preparation step may overwrite a column of the same
                    // name in the scored view) and the predictions. Row-to-row transforms keep the order.
                    using var rawCursor = data.GetRowCursor(data.Schema);
                    using var scoredCursor = scored.GetRowCursor(predictionColumns);
                    var readers = layout.OutputColumns.Select(c => CellReader.Create(rawCursor, data.Schema[c.Name]))
                        .Concat(predictionColumns.Select(c => CellReader.Create(scoredCursor, c))).ToArray();
                    writer.WriteLine(string.Join(",", readers.SelectMany(r => r.Headers).Select(Quote)));
                    while (rawCursor.MoveNext())
                    {
                        if (!scoredCursor.MoveNext())
                            throw new InvalidDataException("The model returned fewer rows than it was given; predictions cannot be matched to input rows, so none are written.");
                        writer.WriteLine(string.Join(",", readers.SelectMany(r => r.Read()).Select(v => Quote(FormatCell(v)))));
                        rows++;
                    }
                    // Checked before the file is committed: a half-matching output would be worse than none.
                    if (rows != layout.Rows)
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{layout.Rows} rows of {fullInput} were passed to the pipeline's loader but it returned {rows}; the predictions would not line up with the input rows, so none are written. A line of the file is read differently by the loader; please report it with the file."));
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PredictInputException($"cannot write the predictions to '{fullOutput}': {e.Message} Choose another --output (a writable folder with free space).", e);
            }
            return new PredictionReport(rows, notes, layout.Warnings);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Scores one row given as a JSON object keyed by column name; returns the prediction columns by name.</summary>
    public static IReadOnlyDictionary<string, object?> PredictJson(MLContext ml, IPipelineDefinition pipeline, string json, string? modelPath = null) =>
        PredictJson(ml, pipeline, json, modelPath, out _);

    /// <summary>
    /// Scores one JSON row; <paramref name="warnings"/> says which values the model never saw in training (a category, a
    /// number far outside the training range, a missing value where training had none). A value of the wrong type throws.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> PredictJson(MLContext ml, IPipelineDefinition pipeline, string json, string? modelPath, out IReadOnlyList<string> warnings, double? threshold = null)
    {
        var settings = pipeline.Settings;
        DecisionThreshold.Check(threshold, settings.Task);
        modelPath ??= ModelStore.ModelPathForReading(settings);
        CheckPath(modelPath, "--model");
        if (FindLoneSurrogate(json) is int at)
            throw new PredictInputException($"--json contains a lone UTF-16 surrogate (U+{(int)json[at]:X4}) at character {at + 1}: the text is not valid Unicode. Pass the row as valid UTF-8 text.");
        using var document = ParseObject(json);
        var byName = new Dictionary<string, ColumnInfo>(StringComparer.Ordinal);
        foreach (var column in settings.Columns) byName.TryAdd(column.Name, column);
        var values = new Dictionary<ColumnInfo, string>();
        var profile = TrainingProfile.TryReadFor(modelPath, out _);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var name = Utf16(() => property.Name, "a property name");
            var column = byName.GetValueOrDefault(name)
                ?? settings.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"JSON property '{name}' is not a column of '{settings.Name}' (columns: {string.Join(", ", settings.Columns.OrderBy(c => c.Index).Select(c => c.Name))}).");
            if (values.ContainsKey(column))
                throw new PredictInputException($"JSON property '{name}' is given twice (column '{column.Name}'); give each column once.");
            values[column] = JsonCell(property, name, column, settings, profile?.Columns.GetValueOrDefault(column.Name));
        }

        var model = LoadModel(ml, modelPath);
        var checks = new ValueChecks(settings, profile);
        var absent = settings.Features.Where(c => !values.ContainsKey(c)).ToList();
        var required = absent.Where(c => !checks.MayBeMissing(c)).ToList();
        if (required.Count > 0)
            throw new PredictInputException(
                $"the JSON row has no {Plural(required.Count, "value")} for {NameList(required)}; the model needs {(required.Count == 1 ? "it" : "them")} " +
                $"(the training data had no missing values there). Add {(required.Count == 1 ? "it" : "them")} to the object, e.g. {{\"{required[0].Name}\": ...}}.");
        foreach (var column in absent)
            checks.Check(column, MissingToken(settings), "");
        foreach (var (column, value) in values)
            if (column.Role == ColumnRole.Feature) checks.Check(column, value, "");
        warnings = checks.Messages();

        // The row goes through the pipeline's own loader, so parsing and missing-value tokens match training exactly.
        var temp = Path.Combine(Path.GetTempPath(), $"pipelinegen-predict-{Guid.NewGuid():N}.csv");
        try
        {
            var ordered = settings.Columns.OrderBy(c => c.Index).ToArray();
            var width = ordered.Length == 0 ? 0 : ordered[^1].Index + 1;
            var cells = new string[width];
            Array.Fill(cells, "");
            foreach (var column in ordered)
                cells[column.Index] = values.TryGetValue(column, out var v) ? v : MissingToken(settings);
            try
            {
                using var writer = new StreamWriter(temp, false, new UTF8Encoding(false));
                if (settings.HasHeader)
                    writer.WriteLine(HeaderLine(settings, ordered, width));
                writer.WriteLine(JoinRow(cells, settings.Separator));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PredictInputException($"cannot write the temporary one-row file '{temp}': {e.Message} Free space in the temporary folder, or set TMPDIR to a writable one.", e);
            }

            var scored = TransformOrExplain(model, pipeline.LoadData(ml, temp), modelPath, settings, threshold);
            var columns = PredictionColumns(settings.Task, scored.Schema);
            using var cursor = scored.GetRowCursor(columns);
            var readers = columns.Select(c => CellReader.Create(cursor, c)).ToArray();
            if (!cursor.MoveNext())
                throw new InvalidDataException("The JSON row did not produce a data row (was it skipped as a bad row?).");
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var reader in readers)
            {
                var cells2 = reader.Read();
                if (reader.Headers.Count == 1 && !reader.IsVector)
                    result[reader.Name] = cells2[0];
                else
                    result[reader.Name] = reader.SlotLabels.Zip(cells2).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            }
            return result;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary><c>predict</c>'s output when <c>--output</c> is not given: beside the input, extension replaced
    /// (<c>data/new.csv</c> → <c>data/new.predictions.csv</c>). The help text is built from this, so it cannot drift.</summary>
    public static string DefaultOutputPath(string inputPath) => Path.ChangeExtension(inputPath, ".predictions.csv");

    /// <summary>CLI entry for a CSV file: 0 written, 2 bad input. Notes go to <paramref name="output"/>, warnings to <paramref name="error"/>.</summary>
    public static int RunCsv(IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath, TextWriter output, TextWriter error, double? threshold = null)
        => RunCsv(pipeline, inputPath, outputPath, modelPath, output, error, threshold, ScoringEngine.MlNet);

    /// <summary>As above, scoring with <paramref name="engine"/> (<c>predict --engine</c>).</summary>
    public static int RunCsv(IPipelineDefinition pipeline, string inputPath, string outputPath, string? modelPath, TextWriter output, TextWriter error, double? threshold, ScoringEngine engine)
    {
        try
        {
            var report = PredictCsv(new MLContext(seed: pipeline.Settings.Seed), pipeline, inputPath, outputPath, modelPath, threshold, engine);
            if (DecisionThreshold.Resolve(pipeline.Settings, threshold) is double t)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Threshold: rows with Probability >= {t} are predicted positive ({(threshold is null ? "task.threshold in the spec" : "--threshold")})."));
            foreach (var note in report.Notes) output.WriteLine($"Note: {note}");
            foreach (var warning in report.Warnings) error.WriteLine($"warning: {warning}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scored {report.Rows} rows of {inputPath} -> {Path.GetFullPath(outputPath)}"));
            return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e) || e is PredictInputException)
        {
            error.WriteLine($"predict: {e.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// CLI entry for one JSON row: prints the predictions as a JSON object (with a <c>Warnings</c> array when a value was
    /// never seen in training; the warnings also go to <paramref name="error"/>); 0 ok, 2 bad input.
    /// </summary>
    public static int RunJson(IPipelineDefinition pipeline, string json, string? modelPath, TextWriter output, TextWriter error, double? threshold = null)
    {
        try
        {
            var prediction = PredictJson(new MLContext(seed: pipeline.Settings.Seed), pipeline, json, modelPath, out var warnings, threshold);
            var shown = new Dictionary<string, object?>(prediction, StringComparer.Ordinal);
            if (warnings.Count > 0) shown["Warnings"] = warnings;
            output.WriteLine(JsonSerializer.Serialize(shown, new JsonSerializerOptions
            {
                NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                // Console output, not HTML: quotes in warnings and class names stay readable instead of \u0027.
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
            foreach (var warning in warnings) error.WriteLine($"warning: {warning}");
            // stdout stays pure JSON; that the values could not be checked is said on stderr.
            if (TrainingProfile.TryReadFor(modelPath ?? ModelStore.ModelPathForReading(pipeline.Settings), out var why) is null)
                error.WriteLine($"note: {why}: values are not compared with the training data's ranges and categories.");
            return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        }
        catch (Exception e) when (TrainStep.IsBadInput(e) || e is JsonException or PredictInputException)
        {
            error.WriteLine($"predict: {e.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
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

    /// <summary>
    /// Rejects a path the file system cannot take (a NUL or other control character, a lone surrogate, a malformed
    /// path), naming the option, the path (control characters shown escaped) and the reason.
    /// </summary>
    public static void CheckPath(string path, string option)
    {
        // Empty, NUL and control characters: the same check as every data path (src/Shared/SafeText.cs).
        if (PipelineGen.Shared.SafeText.PathProblem(path) is { } problem)
            throw new PredictInputException($"{option} '{Printable(path)}' is not a valid path: it {problem}. Pass the path without it.");
        if (FindLoneSurrogate(path) is int at)
            throw new PredictInputException($"{option} '{Printable(path)}' is not a valid path: it contains a lone UTF-16 surrogate (U+{(int)path[at]:X4}) at position {at + 1}, which no file name can hold.");
        if (path.IndexOfAny(Path.GetInvalidPathChars()) is var bad and >= 0)
            throw new PredictInputException($"{option} '{Printable(path)}' is not a valid path: character {bad + 1} ('{Printable(path[bad].ToString())}') is not allowed in a path.");
        try
        {
            Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new PredictInputException($"{option} '{Printable(path)}' is not a valid path: {e.Message}", e);
        }
    }

    /// <summary>
    /// When the line splits into the pipeline's column names on another common separator, says so: a semicolon- or
    /// tab-separated file otherwise reads as one field per line.
    /// </summary>
    private static string SeparatorHint(string line, char separator, ColumnInfo[] columns)
    {
        foreach (char other in new[] { ',', ';', '\t', '|' })
        {
            if (other == separator || line.IndexOf(other) < 0) continue;
            var names = line.Split(other).Select(f => f.Trim().Trim('"')).ToArray();
            if (names.Count(n => Resolve(columns, n) is not null) >= Math.Max(1, names.Length / 2))
                return $" (The first line splits into the pipeline's column names on {Describe(other)}, but the pipeline reads fields separated by {Describe(separator)}: save the file with {Describe(separator)} between fields.)";
        }
        return "";

        static string Describe(char c) => c == '\t' ? "tabs" : $"'{c}'";
    }

    /// <summary>Loads the model, naming its path when the file is not a model this runtime can read.</summary>
    private static ITransformer LoadModel(MLContext ml, string modelPath)
    {
        try
        {
            return ModelStore.Load(ml, modelPath, out _);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or UnauthorizedAccessException
            || (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException))
        {
            throw new PredictInputException($"cannot load the model '{Path.GetFullPath(modelPath)}': {e.Message} Pass a model saved by 'train' (--model), or run 'train' again.", e);
        }
    }

    /// <summary>A header field → the pipeline column it names: the exact name, else the one column whose name differs only in case.</summary>
    private static ColumnInfo? Resolve(ColumnInfo[] columns, string name)
    {
        if (columns.FirstOrDefault(c => c.Name == name) is { } exact) return exact;
        var loose = columns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToArray();
        return loose.Length == 1 ? loose[0] : null;
    }

    /// <summary>Schema binding happens here: a model from another version of the spec fails with ML.NET's reason, which is named.</summary>
    private static IDataView TransformOrExplain(ITransformer model, IDataView data, string modelPath, PipelineSettings settings, double? threshold, Func<IDataView, IDataView>? choose = null)
    {
        try
        {
            var scored = model.Transform(data);
            // Another engine may compute the same prediction columns; the threshold applies to whichever scored.
            if (choose is not null) scored = choose(scored);
            return DecisionThreshold.Resolve(settings, threshold) is double t ? DecisionThreshold.Apply(scored, t) : scored;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new PredictInputException(
                $"the model {Path.GetFullPath(modelPath)} does not fit the columns of pipeline '{settings.Name}': {e.Message} Retrain it ('train') after changing the spec, or pass the matching --model.", e);
        }
    }

    private static JsonDocument ParseObject(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ArgumentException($"--json is not valid JSON: {e.Message}", e); }
        catch (ArgumentException e) { throw new PredictInputException($"--json cannot be read: {e.Message}", e); }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ArgumentException("--json must be one JSON object mapping column names to values, e.g. {\"age\": 42, \"city\": \"Oslo\"}.");
        }
        return document;
    }

    /// <summary>
    /// One JSON value as the cell text the loader reads, checked against the column's kind: a numeric column takes a number
    /// (or a string that is one), a boolean column true/false (or 1/0, "yes"/"no"), a date column a string; null is missing.
    /// </summary>
    private static string JsonCell(JsonProperty property, string name, ColumnInfo column, PipelineSettings settings, ColumnProfile? profile)
    {
        var value = property.Value;
        string expected = column.Kind switch
        {
            ColumnKind.Numeric => "a number",
            ColumnKind.Boolean => "true or false",
            ColumnKind.DateTime => column.DateFormat is { } format ? $"a date/time string in the format '{format}'" : "a date/time string",
            _ => "a string",
        };
        var missingTokens = settings.MissingTokensOf(column.Name); // the global tokens and the column's own
        var missing = column.Kind == ColumnKind.Numeric ? ValueChecks.MissingNumberHint(missingTokens) : "null when missing";
        PredictInputException Wrong(string got) => new(
            $"JSON property '{name}' must be {expected} (column '{column.Name}' is {column.Kind.ToString().ToLowerInvariant()}), not {got}. Send {missing}.");
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return MissingToken(settings);
            case JsonValueKind.String:
                var text = Utf16(() => value.GetString()!, $"the value of '{name}'");
                // A number column takes a string only when it is exactly a missing token ("NA"): the service reads it so
                // too (RowBinder); a number sent as a string ("42") is refused by both, so one request scores alike in each.
                if (column.Kind == ColumnKind.Numeric && column.Role is not (ColumnRole.Ignore or ColumnRole.Label))
                    return missingTokens.Contains(text) ? MissingToken(settings) : throw Wrong($"the string {JsonSerializer.Serialize(text)}");
                var trimmed = text.Trim();
                if (column.Role != ColumnRole.Ignore && !missingTokens.Contains(trimmed) && TypeProblem(column, trimmed) is not null)
                    throw Wrong($"the string {JsonSerializer.Serialize(text)}");
                return text;
            case JsonValueKind.Number:
                var number = value.GetRawText(); // JSON numbers are already invariant
                if (column.Kind == ColumnKind.DateTime || (column.Kind == ColumnKind.Boolean && TypeProblem(column, number) is not null))
                    throw Wrong($"the number {number}");
                // 1e39 is a JSON number but infinite as the 32-bit float the model reads: refused, as the service refuses it.
                if (column.Kind == ColumnKind.Numeric && column.Role is not ColumnRole.Ignore && PipelineGen.Shared.DataValues.IsInfiniteNumber(number))
                    throw new PredictInputException($"--json: '{name}' = {number} is outside the range of a 32-bit float (about ±3.4e38), in which the model reads numbers; write a finite number within it.");
                // A category given as a number: the training category of that value (3.0 names "3"), as the service and the browser page read it.
                if (column.Kind == ColumnKind.Categorical && value.TryGetDouble(out var n) && profile?.CategoryOfNumber(number, n) is { } category)
                    return category;
                return number;
            case JsonValueKind.True:
            case JsonValueKind.False:
                if (column.Kind is ColumnKind.Numeric or ColumnKind.DateTime)
                    throw Wrong(value.ValueKind == JsonValueKind.True ? "true" : "false");
                return value.ValueKind == JsonValueKind.True ? "true" : "false";
            default:
                throw Wrong($"an {value.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>System.Text.Json throws InvalidOperationException for an escaped lone surrogate (e.g. "\ud800"); name it instead.</summary>
    private static string Utf16(Func<string> read, string what)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e)
        {
            throw new PredictInputException($"--json: {what} is not valid Unicode (an escaped lone surrogate such as \\ud800 without its pair): {e.Message}", e);
        }
    }

    /// <summary>Why a non-missing cell cannot be read as the column's kind, or null when it can.</summary>
    internal static string? TypeProblem(ColumnInfo column, string trimmed) => column.Kind switch
    {
        ColumnKind.Numeric when !IsNumber(trimmed) => "is not a number",
        ColumnKind.Numeric when PipelineGen.Shared.DataValues.IsInfiniteNumber(trimmed) => $"{PipelineGen.Shared.DataValues.DescribeInfinite(trimmed)} (write a finite number)",
        ColumnKind.Boolean when !IsBoolean(trimmed) => "is not a boolean (true/false, yes/no, 1/0)",
        ColumnKind.DateTime when column.DateFormat is { } format && !PipelineGen.Shared.DataValues.IsDateTime(trimmed, format) => $"does not match the date format '{format}' (data.columns.{column.Name}.format)",
        ColumnKind.DateTime when column.DateFormat is null && !PipelineGen.Shared.DataValues.IsDateTime(trimmed) => PipelineGen.Shared.DateOrder.IsDayFirstOnly(trimmed)
            ? $"is not a date and time: {PipelineGen.Shared.DateOrder.DayFirstHint(column.Name, trimmed)}" : "is not a date and time",
        _ => null,
    };

    private static bool IsNumber(string value) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    // The spellings ML.NET's boolean conversion accepts (as the data scan checks them).
    private static bool IsBoolean(string value) => PipelineGen.Shared.DataValues.IsBoolean(value);

    /// <summary>The text written for a missing value: the empty cell when it is a missing token (the default), else the first token.</summary>
    private static string MissingToken(PipelineSettings settings) =>
        settings.MissingValueTokens.Contains("") || settings.MissingValueTokens.Count == 0 ? "" : settings.MissingValueTokens[0];

    private static string HeaderLine(PipelineSettings settings, ColumnInfo[] ordered, int width) =>
        JoinRow(Enumerable.Range(0, width).Select(i => ordered.FirstOrDefault(c => c.Index == i)?.Name ?? $"column{i}"), settings.Separator);

    /// <summary>
    /// One line for the loader. A first cell starting with <c>//</c> is quoted and an all-empty line becomes <c>""</c>:
    /// the loader skips comment and empty lines, which would drop a row and misalign the predictions.
    /// </summary>
    private static string JoinRow(IEnumerable<string> cells, char separator)
    {
        var line = string.Join(separator.ToString(), cells.Select((c, i) => i == 0 && c.StartsWith("//", StringComparison.Ordinal) ? "\"" + c.Replace("\"", "\"\"") + "\"" : Quote(c, separator)));
        return line.Length == 0 ? "\"\"" : line;
    }

    private static string LineRef(long line) => string.Create(CultureInfo.InvariantCulture, $"line {line}");

    private static string NameList(IEnumerable<ColumnInfo> columns) => string.Join(", ", columns.Select(c => $"'{c.Name}'"));

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    /// <summary>The index of the first UTF-16 surrogate without its partner, or null.</summary>
    internal static int? FindLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(text[i])) return i;
        }
        return null;
    }

    /// <summary>The text with control characters and lone surrogates escaped, so an error message can show it.</summary>
    internal static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\0') sb.Append("\\0");
            else if (char.IsControl(c) || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]))))
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* a leftover temp file is harmless and clearly named */ }
        catch (UnauthorizedAccessException) { }
    }

    internal static string FormatCell(object? value) => value switch
    {
        null => "",
        float f => float.IsNaN(f) ? "" : f.ToString("R", CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t == default ? "" : t.ToString("o", CultureInfo.InvariantCulture), // default: the loader's missing date, not year 1
        DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string Quote(string cell) => Quote(cell, ',');

    private static string Quote(string cell, char separator) =>
        cell.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
