using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Predictor;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning.Ensembles;

namespace PipelineGen.Export;

/// <summary>
/// Exports a trained pipeline to ONNX and checks parity. The graph's inputs are the feature columns only and its outputs
/// the prediction columns only (<c>Score</c>, plus <c>Probability</c> for binary models): the label's preparation is left
/// out (it is needed only to train) and ML.NET's exporter is given a view of the feature columns, or the graph would ask
/// for every column it saw. Then both runtimes score the same rows, one row per ONNX Runtime run (text models must be
/// scored that way), and any value that differs beyond the tolerance is listed with its row and column.
/// </summary>
public static class OnnxExporter
{
    /// <summary>File name of the exported model inside the model's version folder.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>The way out when the spec does not ask for ONNX: the build then allows steps that have no ONNX form.</summary>
    private const string WithoutDeployOnnx = " The spec does not set 'deploy.onnx: true', so the model was trained with steps that have no ONNX form allowed (e.g. filling missing categories, docs/export.md): set 'deploy.onnx: true', build (its diagnostics name what to change), train, and export again.";

    private const string KeptForPredict = " 'predict' and 'serve' use this model as it is.";

    /// <summary>True when the model (or a chain inside it) has an ML.NET expression transform.</summary>
    private static bool HasExpression(ITransformer model) => model switch
    {
        _ when model.GetType().Name == "ExpressionTransformer" => true,
        IEnumerable<ITransformer> chain => chain.Any(HasExpression),
        _ => false,
    };

    /// <summary>
    /// ML.NET's converter, its failures said as one: a transform with no ONNX form does not always raise
    /// InvalidOperationException — the expression that fills missing categories ends in a KeyNotFoundException ('Score'),
    /// which escaped as an unhandled stack trace. A spec without 'deploy.onnx: true' was trained with such transforms
    /// allowed, so the way out is named.
    /// </summary>
    private static void Convert(Action convert, PipelineSettings settings, string modelFile)
    {
        try { convert(); }
        catch (Exception e) when (e is KeyNotFoundException or NotSupportedException or ArgumentException or NullReferenceException)
        {
            throw new OnnxModelException($"ML.NET's ONNX converter could not convert the model '{modelFile}' ({e.GetType().Name}: {e.Message}); no model.onnx was written."
                + (settings.DeployOnnx is null ? WithoutDeployOnnx : " This transform has no ONNX form; docs/export.md lists what exports.") + KeptForPredict, e);
        }
    }

    public static ExportResult Export(IPipelineDefinition pipeline, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        var settings = pipeline.Settings;
        var ml = new MLContext(seed: settings.Seed);
        var modelPath = options.ModelPath ?? ModelStore.DefaultModelPath(settings);
        var modelFile = ModelStore.Resolve(modelPath);
        var model = ModelStore.Load(ml, modelPath, out var inputSchema);
        if (EnsembleModel.IsEnsemble(model, inputSchema)) throw new EnsembleExportException(modelFile);
        // A tuned pipeline can pick naive Bayes even though the spec's trainer exports (PG0522 checks only the spec's).
        if (PosteriorScores.IsIn(model))
            throw new InvalidOperationException($"the model '{modelFile}' is multiclass naive Bayes, whose class probabilities come from a softmax step (a PipelineGen custom mapping and an ML.NET expression) that has no ONNX form; no model.onnx was written. To deploy to ONNX, choose another trainer (or leave naive_bayes out of tune.trainers), train, and export again; 'predict' and 'serve' use this model as it is.");
        // ML.NET's expression transform has no ONNX form, and its converter does not say so: it wrote a graph ONNX Runtime
        // cannot open, or failed on a missing 'Score'. A model trained without deploy.onnx uses it to fill missing categories.
        if (HasExpression(model))
            throw new OnnxModelException($"the model '{modelFile}' has an ML.NET expression step (filling missing categories, or 'missing: model' imputation), which has no ONNX form; no model.onnx was written."
                + (settings.DeployOnnx is null ? WithoutDeployOnnx : " Train again with this build (it keeps every missing token a category of its own under deploy.onnx), then export.")
                + KeptForPredict);
        var versionDirectory = Path.GetDirectoryName(modelFile)!;
        var onnxPath = Path.Combine(versionDirectory, OnnxFileName);

        var dataPath = settings.ResolvePath(options.ParityDataPath ?? settings.TrainDataPath);
        var features = settings.Features.Select(c => c.Name).ToArray();
        var data = pipeline.LoadData(ml, dataPath);
        var rows = SampleRows(ml, data, options.ParityRows, settings.Seed);
        var featureView = ml.Transforms.SelectColumns(features).Fit(rows).Transform(rows);

        var outputs = OutputColumns(settings.Task);
        var scoring = WithoutLabelPreparation(model, featureView.Schema, outputs);
        // The exporter traces the data view back to its source and makes a graph input of every column it finds there,
        // so it is given an empty loader that has the feature columns only.
        var featureSource = FeatureOnlySource(ml, featureView.Schema);
        var graphChanges = new List<string>();
        // A dense network (an ONNX transform ML.NET cannot convert): ML.NET exports what comes before it, and the
        // network's own graph is appended (DenseNetworkExport).
        var densePreparation = DenseNetworkExport.Preparation(scoring);
        AtomicFile.Write(onnxPath, stream =>
        {
            // ML.NET's graph, then two corrections it needs (word n-grams of all lengths, prediction outputs only).
            using var converted = new MemoryStream();
            byte[] graph;
            if (densePreparation is null)
            {
                Convert(() => ml.Model.ConvertToOnnx(scoring, featureSource, converted, outputs), settings, modelFile);
                graph = converted.ToArray();
            }
            else
            {
                var network = DenseNetworkExport.ReadNetwork(modelFile);
                Convert(() => ml.Model.ConvertToOnnx(densePreparation, featureSource, converted, DenseNetworkExport.InputColumn(network)), settings, modelFile);
                graph = DenseNetworkExport.Join(converted.ToArray(), network, outputs, graphChanges);
            }
            stream.Write(OnnxGraphRewriter.Rewrite(graph, outputs, graphChanges));
        });

        using var onnx = OnnxModel.Open(onnxPath);
        onnx.RequireInputs(features);
        var missingOutputs = outputs.Where(o => onnx.Outputs.All(x => x.Name != o)).ToArray();
        if (missingOutputs.Length > 0)
            throw new InvalidOperationException($"The exported graph has no output {string.Join(", ", missingOutputs)} (it has {string.Join(", ", onnx.Outputs.Select(o => o.GraphName))}).");
        var (compared, maxDiff, differences) = CompareScores(scoring, featureView, onnx, settings, outputs, options);
        var scoreThreshold = settings.Task == MlTaskKind.BinaryClassification ? ModelDecision.ScoreThreshold(scoring) : 0f;
        // predict scores through ONNX Runtime only with a parity record for this very file and model (OnnxFileScorer.cs).
        if (differences.Count == 0 && compared > 0)
            ParityRecord.Write(versionDirectory, onnxPath, modelFile, new ExportResult(onnxPath, versionDirectory, [], [], compared, maxDiff, differences, dataPath) { ScoreThreshold = scoreThreshold }, options);
        else
            ParityRecord.Delete(versionDirectory);
        return new ExportResult(onnxPath, versionDirectory, onnx.Inputs.Select(i => i.Name).ToArray(), onnx.Outputs.Select(o => o.Name).ToArray(),
            compared, maxDiff, differences, dataPath) { GraphChanges = graphChanges, ScoreThreshold = scoreThreshold };
    }

    /// <summary>The prediction columns exported for a task: scores only (predicted labels follow from them).</summary>
    public static string[] OutputColumns(MlTaskKind task) =>
        task == MlTaskKind.BinaryClassification ? ["Score", "Probability"] : ["Score"];

    // The generated pipeline's first step prepares the label (MapValue / MapValueToKey / CopyColumns into "Label");
    // serving rows have no label, so scoring starts after it. Trailing steps that need the label's key values
    // (multiclass PredictedLabelValue) are kept only while they apply to the label-less schema.
    private static ITransformer WithoutLabelPreparation(ITransformer model, DataViewSchema featureSchema, string[] outputs)
    {
        if (model is not TransformerChain<ITransformer> chain) return model;
        var kept = new List<ITransformer>();
        var schema = featureSchema;
        foreach (var transformer in chain)
        {
            // Past the step that produced every prediction column, nothing more is needed to score.
            if (kept.Count > 0 && outputs.All(o => schema.GetColumnOrNull(o) is not null)) break;
            try
            {
                schema = transformer.GetOutputSchema(schema);
                kept.Add(transformer);
            }
            catch (ArgumentOutOfRangeException) when (kept.Count == 0)
            {
                // The label step: its input column is not among the features.
            }
            catch (ArgumentOutOfRangeException)
            {
                break;
            }
            catch (InvalidOperationException) when (kept.Count > 0)
            {
                break;
            }
        }
        return new TransformerChain<ITransformer>(kept.ToArray());
    }

    private static IDataView FeatureOnlySource(MLContext ml, DataViewSchema schema)
    {
        var columns = schema.Select((c, i) => new TextLoader.Column(c.Name, c.Type.RawType switch
        {
            var t when t == typeof(float) => DataKind.Single,
            var t when t == typeof(bool) => DataKind.Boolean,
            var t when t == typeof(double) => DataKind.Double,
            var t when t == typeof(ReadOnlyMemory<char>) => DataKind.String,
            _ => throw new InvalidOperationException($"Feature '{c.Name}' has type {c.Type}, which ONNX export does not take (see PG0520)."),
        }, i)).ToArray();
        return ml.Data.CreateTextLoader(columns, hasHeader: false).Load(new MultiFileSource(null));
    }

    private static IDataView SampleRows(MLContext ml, IDataView data, int count, int seed)
    {
        // Deterministic: the same rows every export of the same data, so a failure can be reproduced.
        var shuffled = ml.Data.ShuffleRows(data, seed: seed);
        return ml.Data.TakeRows(shuffled, count);
    }

    private static (int Compared, double MaxDiff, List<ParityDifference> Differences) CompareScores(
        ITransformer scoring, IDataView featureView, OnnxModel onnx, PipelineSettings settings, string[] outputs, ExportOptions options)
    {
        var scored = scoring.Transform(featureView);
        var features = settings.Features.ToArray();
        var differences = new List<ParityDifference>();
        double maxDiff = 0;
        int row = 0;
        using var cursor = scored.GetRowCursor(scored.Schema);
        var readers = features.ToDictionary(f => f.Name, f => ValueReader(cursor, scored.Schema[f.Name]));
        var scoreReaders = outputs.ToDictionary(o => o, o => FloatsReader(cursor, scored.Schema[o]));
        while (cursor.MoveNext())
        {
            row++;
            var inputs = readers.ToDictionary(r => r.Key, r => (Array)new[] { r.Value() }, StringComparer.Ordinal);
            var onnxScores = onnx.Run(inputs, 1);
            foreach (var output in outputs)
            {
                var mlValues = scoreReaders[output]();
                var onnxValues = onnxScores[output];
                if (onnxValues.Length != mlValues.Length)
                {
                    differences.Add(new ParityDifference(row, $"{output} (width {mlValues.Length} vs {onnxValues.Length})", float.NaN, float.NaN));
                    continue;
                }
                for (int k = 0; k < mlValues.Length; k++)
                {
                    float a = mlValues[k], b = onnxValues[k];
                    if (float.IsNaN(a) && float.IsNaN(b)) continue;
                    double diff = Math.Abs((double)a - b);
                    if (double.IsNaN(diff)) diff = double.PositiveInfinity;
                    maxDiff = Math.Max(maxDiff, diff);
                    if (diff > options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(a))
                        differences.Add(new ParityDifference(row, mlValues.Length == 1 ? output : $"{output}[{k}]", a, b));
                }
            }
        }
        return (row, maxDiff, differences);
    }

    // A feature's raw value as ONNX Runtime takes it: float, string or bool.
    private static Func<object?> ValueReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type.RawType;
        if (type == typeof(float)) { var g = cursor.GetGetter<float>(column); return () => { float v = 0; g(ref v); return v; }; }
        if (type == typeof(bool)) { var g = cursor.GetGetter<bool>(column); return () => { bool v = false; g(ref v); return v; }; }
        if (type == typeof(double)) { var g = cursor.GetGetter<double>(column); return () => { double v = 0; g(ref v); return v; }; }
        if (type == typeof(ReadOnlyMemory<char>)) { var g = cursor.GetGetter<ReadOnlyMemory<char>>(column); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
        throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, which ONNX export does not feed (see the PG0520 diagnostics).");
    }

    private static Func<float[]> FloatsReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var g = cursor.GetGetter<VBuffer<float>>(column);
            return () => { VBuffer<float> v = default; g(ref v); return v.DenseValues().ToArray(); };
        }
        var s = cursor.GetGetter<float>(column);
        return () => { float v = 0; s(ref v); return [v]; };
    }

    /// <summary>A number for messages, invariant culture.</summary>
    internal static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
