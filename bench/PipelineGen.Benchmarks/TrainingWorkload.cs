using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime;

namespace PipelineGen.Benchmarks;

/// <summary>
/// One training benchmark iteration, identical for both sides: a fresh MLContext(seed 42), load the CSV, 80/20 split
/// (seed 42), fit the whole pipeline on the 80 %, score and evaluate the 20 %. Only where the loader and the estimator
/// chain come from differs: the generated pipeline or <see cref="HandWrittenPipelines"/>.
/// </summary>
internal sealed class TrainingWorkload
{
    public const int Seed = 42;
    private readonly Func<MLContext, string, IDataView> load;
    private readonly Func<MLContext, IEstimator<ITransformer>> build;
    private readonly bool regression;

    public string CaseName { get; }
    public string DataPath { get; }

    private TrainingWorkload(string caseName, string dataPath, Func<MLContext, string, IDataView> load, Func<MLContext, IEstimator<ITransformer>> build)
    {
        CaseName = caseName;
        DataPath = dataPath;
        this.load = load;
        this.build = build;
        regression = caseName.StartsWith("Taxis", StringComparison.Ordinal);
    }

    public static TrainingWorkload Generated(BenchCase c)
    {
        var (pipeline, _) = BenchCases.LoadGenerated(c);
        if (pipeline.Settings.Seed != Seed) throw new InvalidOperationException($"generated seed {pipeline.Settings.Seed} != {Seed}");
        return new(c.Name, BenchCases.DataPath(c.DataSet), pipeline.LoadData, pipeline.BuildPipeline);
    }

    /// <summary>For tracing a difference: any loader and chain, e.g. half generated, half hand-written.</summary>
    public static TrainingWorkload Mixed(BenchCase c, Func<MLContext, string, IDataView> load, Func<MLContext, IEstimator<ITransformer>> build) =>
        new(c.Name, BenchCases.DataPath(c.DataSet), load, build);

    public static TrainingWorkload HandWritten(BenchCase c)
    {
        BenchCases.Prepare(c);
        return new(c.Name, BenchCases.DataPath(c.DataSet), (ml, path) => HandWrittenPipelines.Load(c.Name, ml, path), ml => HandWrittenPipelines.Build(c.Name, ml));
    }

    /// <summary>Fits and evaluates; returns the metrics as text (full precision) so two sides can be compared exactly.</summary>
    public string Run()
    {
        var ml = new MLContext(seed: Seed);
        var data = load(ml, DataPath);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: Seed);
        var model = build(ml).Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        if (regression)
        {
            var m = ml.Regression.Evaluate(scored);
            return Format(("rmse", m.RootMeanSquaredError), ("mae", m.MeanAbsoluteError), ("r2", m.RSquared));
        }
        var b = ml.BinaryClassification.Evaluate(scored);
        return Format(("auc", b.AreaUnderRocCurve), ("accuracy", b.Accuracy), ("f1", b.F1Score), ("log_loss", b.LogLoss));
    }

    private static string Format(params (string Name, double Value)[] metrics) =>
        string.Join(" ", metrics.Select(m => m.Name + "=" + m.Value.ToString("R", CultureInfo.InvariantCulture)));
}
