using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

public sealed class CapacityCurveTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("pg-curve-").FullName;

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>Synthetic binary task: a noisy linear rule over three of five features (20% of labels flipped).</summary>
    private sealed class SyntheticPipeline(string project) : IPipelineDefinition, ICapacityAdjustable
    {
        public PipelineSettings Settings { get; } = new()
        {
            Name = "Synthetic",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "y",
            Metric = "log_loss",
            TrainerName = "LightGbm",
            TrainDataPath = "synthetic.csv",
            ProjectDirectory = project,
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.3, Seed = 3 },
            Columns = [.. Enumerable.Range(0, 5).Select(i => new ColumnInfo($"x{i}", i, $"X{i}", ColumnKind.Numeric, ColumnRole.Feature, false)),
                new ColumnInfo("y", 5, "Y", ColumnKind.Boolean, ColumnRole.Label, false)],
        };

        public IDataView LoadData(MLContext ml, string path) => ml.Data.CreateTextLoader(
            [.. Enumerable.Range(0, 5).Select(i => new TextLoader.Column($"x{i}", DataKind.Single, i)), new TextLoader.Column("y", DataKind.Boolean, 5)],
            separatorChar: ',', hasHeader: true).Load(path);

        public IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
            ml.Transforms.CopyColumns("Label", "y").Append(ml.Transforms.Concatenate("Features", "x0", "x1", "x2", "x3", "x4"));

        public string CapacityParameter => "NumberOfIterations";
        public int DefaultCapacity => 50;

        public IEstimator<ITransformer> BuildTrainer(MLContext ml, int capacity) => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = capacity, LearningRate = 0.3, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 3, NumberOfThreads = 1, Seed = 1,
        });

        public IEstimator<ITransformer> BuildTrainer(MLContext ml) => BuildTrainer(ml, DefaultCapacity);
        public IEstimator<ITransformer> BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));

        public static void WriteData(string path, int rows, int seed)
        {
            var random = new Random(seed);
            using var writer = new StreamWriter(path);
            writer.WriteLine("x0,x1,x2,x3,x4,y");
            for (var r = 0; r < rows; r++)
            {
                var x = Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var y = x[0] + x[1] - x[2] > 0;
                if (random.NextDouble() < 0.2) y = !y;
                writer.WriteLine(string.Join(",", x.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))) + (y ? ",true" : ",false"));
            }
        }
    }

    [Fact]
    public void LightGbmCurveFindsABestPointWhereValidationStopsImproving()
    {
        var pipeline = new SyntheticPipeline(_project);
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 500, seed: 5);

        var result = CapacityCurve.Compute(new MLContext(seed: 1), pipeline, [1, 3, 10, 30, 100, 300]);

        Assert.Equal("log_loss", result.Metric);
        Assert.True(result.LowerIsBetter);
        Assert.Equal(6, result.Points.Count);
        Assert.InRange(result.TrainRows + result.ValidationRows, 500, 500);
        // Training loss keeps falling as trees are added; validation loss has an interior minimum: boosting overfits noise.
        Assert.True(result.Points[^1].TrainMetric < result.Points[0].TrainMetric / 3);
        Assert.Equal(CapacityVerdict.Found, result.Verdict);
        Assert.InRange(result.BestIndex, 1, 4);
        Assert.True(result.Points[^1].ValidationMetric > result.Best.ValidationMetric, "validation gets worse past the best point");
        Assert.Contains("Best point", result.Message);
    }

    [Fact]
    public void CliEntryWritesTableAndSelfContainedPlotAndExplainsMissingCapacityKnob()
    {
        var pipeline = new SyntheticPipeline(_project);
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 200, seed: 9);
        var output = new StringWriter();

        Assert.Equal(0, CapacityCurve.Run(pipeline, new CurveOptions { Capacities = [2, 8, 32] }, output, TextWriter.Null));

        Assert.Contains("<- best", output.ToString());
        var plot = File.ReadAllText(CapacityCurve.DefaultPlotPath(pipeline.Settings));
        Assert.Contains("<svg", plot);
        Assert.Equal(2, plot.Split("<polyline").Length - 1);
        Assert.DoesNotContain("<script", plot);
        Assert.DoesNotContain("src=\"http", plot);

        var plain = new StringWriter();
        Assert.Equal(0, CapacityCurve.Run(new NotAdjustable(pipeline), new CurveOptions(), plain, TextWriter.Null));
        Assert.Contains("does not implement ICapacityAdjustable", plain.ToString());
        Assert.Throws<NotSupportedException>(() => CapacityCurve.Compute(new MLContext(), new NotAdjustable(pipeline)));
    }

    private sealed class NotAdjustable(IPipelineDefinition inner) : IPipelineDefinition
    {
        public PipelineSettings Settings => inner.Settings;
        public IDataView LoadData(MLContext ml, string path) => inner.LoadData(ml, path);
        public IEstimator<ITransformer> BuildPreprocessing(MLContext ml) => inner.BuildPreprocessing(ml);
        public IEstimator<ITransformer> BuildTrainer(MLContext ml) => inner.BuildTrainer(ml);
        public IEstimator<ITransformer> BuildPipeline(MLContext ml) => inner.BuildPipeline(ml);
    }

    [Theory]
    [InlineData(new[] { 0.70, 0.80, 0.85, 0.86 }, false, 3, CapacityVerdict.TooSmall)]
    [InlineData(new[] { 0.90, 0.85, 0.80, 0.70 }, false, 0, CapacityVerdict.OverfitsFromStart)]
    [InlineData(new[] { 0.70, 0.85, 0.851, 0.80 }, false, 1, CapacityVerdict.Found)] // 0.851 is within tolerance of 0.85: the smaller wins
    [InlineData(new[] { 0.60, 0.45, 0.40, 0.50 }, true, 2, CapacityVerdict.Found)]
    public void JudgePicksTheSmallestCapacityAtTheValidationOptimum(double[] validation, bool lowerIsBetter, int best, CapacityVerdict verdict)
    {
        var points = validation.Select((v, i) => new CapacityPoint(1 << i, 0, v)).ToArray();
        Assert.Equal((best, verdict), CapacityCurve.Judge(points, lowerIsBetter));
    }
}
