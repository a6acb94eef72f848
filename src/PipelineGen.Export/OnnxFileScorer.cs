using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Predictor;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export;

/// <summary>
/// What a parity check that held recorded beside <c>model.onnx</c> (<c>model.onnx.parity.json</c>): the hashes of the ONNX
/// file and of the model.zip it was made from, so <c>predict</c> uses the ONNX model only for the very model it was
/// checked against (a later <c>train</c> writes a new version folder; an edited or replaced file no longer matches).
/// </summary>
public sealed record ParityRecord(string OnnxSha256, string ModelSha256, int Rows, double MaxAbsoluteDifference, double AbsoluteTolerance, double RelativeTolerance)
{
    public const string FileName = OnnxExporter.OnnxFileName + ".parity.json";

    /// <summary>Binary: the Score above which the model predicts positive (<see cref="ExportResult.ScoreThreshold"/>); 0 in records written before it was kept.</summary>
    public float ScoreThreshold { get; init; }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    internal static void Write(string versionDirectory, string onnxPath, string modelFile, ExportResult result, ExportOptions options)
    {
        var record = new ParityRecord(Sha256(onnxPath), Sha256(modelFile), result.RowsCompared, result.MaxAbsoluteDifference, options.AbsoluteTolerance, options.RelativeTolerance)
        {
            ScoreThreshold = result.ScoreThreshold,
        };
        // Infinity cannot be written as JSON; a parity that held has a finite maximum.
        File.WriteAllText(Path.Combine(versionDirectory, FileName), JsonSerializer.Serialize(record));
    }

    internal static void Delete(string versionDirectory)
    {
        var path = Path.Combine(versionDirectory, FileName);
        if (File.Exists(path)) File.Delete(path);
    }

    public static ParityRecord? TryRead(string versionDirectory)
    {
        var path = Path.Combine(versionDirectory, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ParityRecord>(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
    }
}

/// <summary>
/// <c>predict --input</c> through ONNX Runtime (found by the runtime as an <see cref="IFileScorer"/>, FileScoring.cs):
/// only when the model version has a <c>model.onnx</c> whose parity check held for that very model (<see cref="ParityRecord"/>),
/// and the model has no text features (ONNX Runtime's tokenizer must get one row per run, which is not faster).
/// The prediction columns keep ML.NET's names, types and slot names (the schema is ML.NET's scored view's, whose transform
/// is lazy and never runs); values come from ONNX Runtime in batches of <see cref="BatchRows"/> rows.
/// </summary>
internal sealed class OnnxFileScorer : IFileScorer
{
    public const int BatchRows = 1024;

    public IDataView? TryScore(IPipelineDefinition pipeline, string modelPath, IDataView data, IDataView mlScored, out string why)
    {
        var settings = pipeline.Settings;
        var features = settings.Features.ToArray();
        if (features.Any(f => f.Kind == ColumnKind.Text))
        {
            why = "the model has text features, which ONNX Runtime scores one row per run: no faster than ML.NET";
            return null;
        }
        string modelFile;
        try { modelFile = ModelStore.Resolve(modelPath); }
        catch (InvalidDataException e) { why = e.Message; return null; }
        var directory = Path.GetDirectoryName(modelFile)!;
        var onnxPath = Path.Combine(directory, OnnxExporter.OnnxFileName);
        var record = ParityRecord.TryRead(directory);
        if (!File.Exists(onnxPath) || record is null)
        {
            why = $"no parity-checked {OnnxExporter.OnnxFileName} beside {modelFile}; 'export onnx' writes one";
            return null;
        }
        if (!string.Equals(record.OnnxSha256, ParityRecord.Sha256(onnxPath), StringComparison.OrdinalIgnoreCase)
            || !string.Equals(record.ModelSha256, ParityRecord.Sha256(modelFile), StringComparison.OrdinalIgnoreCase))
        {
            why = $"{onnxPath} is not the file whose parity was checked against {modelFile} (changed since); run 'export onnx' again";
            return null;
        }
        string[]? classNames = null;
        if (settings.Task == MlTaskKind.MulticlassClassification)
        {
            var predicted = mlScored.Schema.GetColumnOrNull("PredictedLabel");
            if (predicted is { } p && p.HasKeyValues())
            {
                VBuffer<ReadOnlyMemory<char>> keys = default;
                p.GetKeyValues(ref keys);
                classNames = keys.DenseValues().Select(k => k.ToString()).ToArray();
            }
            else
            {
                why = "the model's predicted label has no class names to map ONNX Runtime's scores to";
                return null;
            }
        }
        OnnxModel onnx;
        try
        {
            onnx = OnnxModel.Open(onnxPath);
            onnx.RequireInputs(features.Select(f => f.Name));
        }
        catch (OnnxModelException e)
        {
            why = e.Message;
            return null;
        }
        why = string.Create(CultureInfo.InvariantCulture,
            $"scored with ONNX Runtime ({onnxPath}; its parity check on {record.Rows} rows held, max |ML.NET - ONNX Runtime| = {record.MaxAbsoluteDifference:G3}). --engine mlnet scores with ML.NET.");
        return new OnnxScoredView(mlScored, data, onnx, features.Select(f => f.Name).ToArray(), settings.Task, classNames, record.ScoreThreshold);
    }
}

/// <summary>ML.NET's scored schema; the prediction columns' values from ONNX Runtime (see <see cref="OnnxFileScorer"/>).</summary>
internal sealed class OnnxScoredView(IDataView mlScored, IDataView data, OnnxModel onnx, string[] features, MlTaskKind task, string[]? classNames, float scoreThreshold) : IDataView
{
    private static readonly HashSet<string> Served = new(StringComparer.Ordinal) { "Score", "Probability", "PredictedLabel", "PredictedLabelValue" };

    private IDataView Data { get; } = data;
    private OnnxModel Onnx { get; } = onnx;
    private string[] Features { get; } = features;
    private MlTaskKind Task { get; } = task;
    private string[]? ClassNames { get; } = classNames;
    private float ScoreThreshold { get; } = scoreThreshold;

    public bool CanShuffle => false;
    public DataViewSchema Schema => mlScored.Schema;
    public long? GetRowCount() => Data.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        // Anything but the prediction columns (e.g. featurised vectors) is ML.NET's to compute.
        if (needed.Any(c => !Served.Contains(c.Name) || Schema[c.Name].Index != c.Index)) return mlScored.GetRowCursor(needed, rand);
        return new Cursor(this, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly OnnxScoredView _view;
        private readonly HashSet<int> _active;
        private readonly DataViewRowCursor _raw;
        private readonly Func<object?>[] _readers;
        private readonly object?[][] _batch;
        private IReadOnlyDictionary<string, float[]> _scores = new Dictionary<string, float[]>();
        private int _count, _at = -1, _scoreWidth;
        private long _position = -1;

        public Cursor(OnnxScoredView view, List<DataViewSchema.Column> needed)
        {
            _view = view;
            _active = needed.Select(c => c.Index).ToHashSet();
            var columns = view.Features.Select(f => view.Data.Schema[f]).ToArray();
            _raw = view.Data.GetRowCursor(columns);
            _readers = columns.Select(c => Reader(_raw, c)).ToArray();
            _batch = view.Features.Select(_ => new object?[OnnxFileScorer.BatchRows]).ToArray();
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool MoveNext()
        {
            if (_at + 1 < _count) { _at++; _position++; return true; }
            _count = 0;
            while (_count < OnnxFileScorer.BatchRows && _raw.MoveNext())
            {
                for (int f = 0; f < _readers.Length; f++) _batch[f][_count] = _readers[f]();
                _count++;
            }
            if (_count == 0) return false;
            var inputs = new Dictionary<string, Array>(StringComparer.Ordinal);
            for (int f = 0; f < _batch.Length; f++)
                inputs[_view.Features[f]] = _count == _batch[f].Length ? _batch[f] : _batch[f][.._count];
            _scores = _view.Onnx.Run(inputs, _count);
            _scoreWidth = _scores["Score"].Length / _count;
            _at = 0;
            _position++;
            return true;
        }

        private float Score(int k = 0) => _scores["Score"][_at * _scoreWidth + k];

        private int ArgMax()
        {
            int best = 0;
            for (int k = 1; k < _scoreWidth; k++) if (Score(k) > Score(best)) best = k;
            return best;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Name switch
            {
                "Score" when column.Type is VectorDataViewType => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
                {
                    var editor = VBufferEditor.Create(ref v, _scoreWidth);
                    for (int k = 0; k < _scoreWidth; k++) editor.Values[k] = Score(k);
                    v = editor.Commit();
                }),
                "Score" => (ValueGetter<float>)((ref float v) => v = Score()),
                "Probability" => (ValueGetter<float>)((ref float v) => v = _scores["Probability"][_at]),
                // ML.NET's binary scorer: positive when Score > the model's threshold (ModelDecision; a threshold on
                // Probability is applied after, DecisionThreshold).
                "PredictedLabel" when _view.Task == MlTaskKind.BinaryClassification => (ValueGetter<bool>)((ref bool v) => v = Score() > _view.ScoreThreshold),
                // Keys are 1-based; the class order is the model's key order (the scored view's key values).
                "PredictedLabel" => (ValueGetter<uint>)((ref uint v) => v = (uint)ArgMax() + 1),
                "PredictedLabelValue" => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = _view.ClassNames![ArgMax()].AsMemory()),
                _ => throw new InvalidOperationException($"Column '{column.Name}' is not a prediction column ONNX Runtime computes."),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is read as {typeof(TValue).Name}, which is not its type {column.Type}.");
        }

        private static Func<object?> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var type = column.Type.RawType;
            if (type == typeof(float)) { var g = cursor.GetGetter<float>(column); return () => { float v = 0; g(ref v); return v; }; }
            if (type == typeof(bool)) { var g = cursor.GetGetter<bool>(column); return () => { bool v = false; g(ref v); return v; }; }
            if (type == typeof(double)) { var g = cursor.GetGetter<double>(column); return () => { double v = 0; g(ref v); return v; }; }
            if (type == typeof(ReadOnlyMemory<char>)) { var g = cursor.GetGetter<ReadOnlyMemory<char>>(column); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
            throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, which the ONNX model does not take.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _raw.Dispose();
            base.Dispose(disposing);
        }
    }
}
