using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime;

/// <summary>
/// What every generated <c>&lt;Name&gt;Pipeline</c> has that does not depend on its spec: loading (the TextLoader is built
/// from <see cref="PipelineSettings.Columns"/>), the flat estimator chain, fit, holdout, save, load and predict. The
/// generated subclass supplies only what the spec decides: its settings, its preparation steps and its trainer steps.
/// </summary>
public abstract class GeneratedPipeline<TInput, TPrediction, TMetrics> : IPipelineDefinition
    where TInput : class
    where TPrediction : class, new()
    where TMetrics : class
{
    protected GeneratedPipeline(PipelineSettings settings) => Settings = settings ?? throw new ArgumentNullException(nameof(settings));

    public PipelineSettings Settings { get; }

    /// <summary>An MLContext seeded from the spec, so runs are reproducible.</summary>
    public MLContext CreateContext() => new(seed: Settings.Seed);

    /// <summary>Reads a delimited file with this pipeline's columns. Streams; nothing is loaded into memory up front.</summary>
    public IDataView LoadData(MLContext mlContext, string path) => DelimitedData.Load(mlContext, path, Settings);

    /// <summary>The training data named in the spec.</summary>
    public IDataView LoadTrainingData(MLContext mlContext) => LoadData(mlContext, Settings.ResolvePath(Settings.TrainDataPath));

    /// <summary>The held-out test data named in the spec, or null when the spec names none.</summary>
    public IDataView? LoadTestData(MLContext mlContext) =>
        Settings.TestDataPath is string test ? LoadData(mlContext, Settings.ResolvePath(test)) : null;

    /// <summary>Label and feature preparation, fitted on training rows only wherever it learns something.</summary>
    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => PipelineSteps.Chain(PreprocessingSteps(mlContext));

    /// <summary>The trainer with the spec's hyperparameters (and the post-processing of its output).</summary>
    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => PipelineSteps.Chain(TrainerSteps(mlContext, null));

    /// <summary>The whole estimator: preparation, then the trainer, as one flat chain.</summary>
    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => BuildPipelineAt(mlContext, null);

    public ITransformer Fit(MLContext mlContext, IDataView trainingData) => BuildPipeline(mlContext).Fit(trainingData);

    /// <summary>Scores <paramref name="data"/> with <paramref name="model"/> and computes the task's metrics.</summary>
    public TMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Metrics(mlContext, model.Transform(data));
    }

    /// <summary>A quick single holdout: fit on one part, evaluate on the rest (the 'evaluate' command runs the spec's protocol).</summary>
    public (ITransformer Model, TMetrics Metrics) TrainAndEvaluateHoldout(MLContext mlContext, IDataView data, double? validationFraction = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var split = mlContext.Data.TrainTestSplit(data, validationFraction ?? Settings.Evaluation.HoldoutFraction, seed: Settings.Seed);
        var model = Fit(mlContext, split.TrainSet);
        return (model, Evaluate(mlContext, model, split.TestSet));
    }

    /// <summary>Saves the model atomically (a crash never leaves a half-written file).</summary>
    public void SaveModel(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path) =>
        ModelStore.Save(mlContext, model, inputSchema, path);

    public ITransformer LoadModel(MLContext mlContext, string path) => ModelStore.Load(mlContext, path, out _);

    /// <summary>A prediction engine (not thread-safe: use one per thread, or a pool).</summary>
    public PredictionEngine<TInput, TPrediction> CreatePredictionEngine(MLContext mlContext, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Model.CreatePredictionEngine<TInput, TPrediction>(model);
    }

    /// <summary>Scores one row. Fast and thread-safe: engines are pooled per model (building one per call costs milliseconds).</summary>
    public TPrediction Predict(MLContext mlContext, ITransformer model, TInput input) =>
        Prediction.PooledPredictionEngines.Predict<TInput, TPrediction>(mlContext, model, input);

    /// <summary>The spec's label and feature preparation, step by step.</summary>
    protected abstract IEnumerable<IEstimator<ITransformer>> PreprocessingSteps(MLContext mlContext);

    /// <summary>The spec's trainer, step by step; <paramref name="capacity"/> overrides its capacity option when set.</summary>
    protected abstract IEnumerable<IEstimator<ITransformer>> TrainerSteps(MLContext mlContext, int? capacity);

    /// <summary>The task's metrics of scored data.</summary>
    protected abstract TMetrics Metrics(MLContext mlContext, IDataView scored);

    /// <summary>Wraps the whole pipeline in what happens only while fitting (the spec's training-only augmentation).</summary>
    protected virtual IEstimator<ITransformer> WhileFitting(IEstimator<ITransformer> pipeline) => pipeline;

    /// <summary>The trainer at <paramref name="capacity"/>: what a pipeline with a capacity option exposes for learning curves.</summary>
    protected IEstimator<ITransformer> BuildTrainerAt(MLContext mlContext, int capacity) =>
        PipelineSteps.Chain(TrainerSteps(mlContext, capacity));

    /// <summary>The whole estimator with the trainer at <paramref name="capacity"/> (null: the spec's), augmentation included.</summary>
    protected IEstimator<ITransformer> BuildPipelineAt(MLContext mlContext, int? capacity) =>
        WhileFitting(PipelineSteps.Chain(PreprocessingSteps(mlContext).Concat(TrainerSteps(mlContext, capacity))));
}
