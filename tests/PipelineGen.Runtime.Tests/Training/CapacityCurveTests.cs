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
    internal sealed class SyntheticPipeline(string project, int defaultCapacity = 50, Func<PipelineSettings, PipelineSettings>? change = null) : IPipelineDefinition, ICapacityAdjustable
    {
        public PipelineSettings Settings { get; } = (change ?? (s => s))(new()
        {
            Name = "Synthetic",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "y",
            Metric = "log_loss",
            TrainerName = "LightGbm",
            TrainDataPath = "synthetic.csv",
            Hyperparameters = new Dictionary<string, string>
            {
                ["leaves"] = "16", ["iterations"] = defaultCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["min_examples_per_leaf"] = "3", ["learning_rate"] = "0.3", ["threads"] = "1",
            },
            CapacityHyperparameter = "iterations",
            ProjectDirectory = project,
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.3, Seed = 3 },
            Columns = [.. Enumerable.Range(0, 5).Select(i => new ColumnInfo($"x{i}", i, $"X{i}", ColumnKind.Numeric, ColumnRole.Feature, false)),
                new ColumnInfo("y", 5, "Y", ColumnKind.Boolean, ColumnRole.Label, false)],
        });

        public IDataView LoadData(MLContext ml, string path) => ml.Data.CreateTextLoader(
            [.. Enumerable.Range(0, 5).Select(i => new TextLoader.Column($"x{i}", DataKind.Single, i)), new TextLoader.Column("y", DataKind.Boolean, 5)],
            separatorChar: ',', hasHeader: true).Load(path);

        public IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
            ml.Transforms.CopyColumns("Label", "y").Append(ml.Transforms.Concatenate("Features", "x0", "x1", "x2", "x3", "x4"));

        public string CapacityParameter => "NumberOfIterations";
        public int DefaultCapacity => defaultCapacity;

        public IEstimator<ITransformer> BuildTrainer(MLContext ml, int capacity) => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = capacity, LearningRate = 0.3, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 3, NumberOfThreads = 1, Seed = 1,
        });

        public IEstimator<ITransformer> BuildTrainer(MLContext ml) => BuildTrainer(ml, DefaultCapacity);
        public IEstimator<ITransformer> BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));

        public static void WriteData(string path, int rows, int seed, double flip = 0.2)
        {
            var random = new Random(seed);
            using var writer = new StreamWriter(path);
            writer.WriteLine("x0,x1,x2,x3,x4,y");
            for (var r = 0; r < rows; r++)
            {
                var x = Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var y = x[0] + x[1] - x[2] > 0;
                if (random.NextDouble() < flip) y = !y;
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
        Assert.Equal(7, result.Points.Count); // the pipeline's own 50 is always measured
        Assert.InRange(result.TrainRows + result.ValidationRows, 500, 500);
        // Training loss keeps falling as trees are added; validation loss has an interior minimum: boosting overfits noise.
        Assert.True(result.Points[^1].TrainMetric < result.Points[0].TrainMetric / 3);
        Assert.Equal(CapacityVerdict.Found, result.Verdict);
        Assert.InRange(result.BestIndex, 1, 5);
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

        Assert.Contains("<- chosen", output.ToString());
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

    [Fact]
    public void Curve_command_takes_the_evaluate_protocol_options_and_records_its_verdict()
    {
        var pipeline = new SyntheticPipeline(_project, defaultCapacity: 4, s => s with
        {
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 5, Seed = 3 },
        });
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 200, seed: 9);
        var output = new StringWriter();

        int exit = PipelineGen.Runtime.Cli.PipelineApp.Run(["curve", "--protocol", "holdout", "--holdout-fraction", "0.3", "--capacities", "2,8"], pipeline, output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("Protocol: holdout (0.3 validation), stratified, seed 3; 1 split(s)", output.ToString());
        Assert.Contains("validation as mean ± std over validation chunks", output.ToString());
        using var store = PipelineGen.Runtime.Runs.RunStore.OpenDefault(pipeline.Settings);
        var run = Assert.Single(store.List(), r => r.Step == "curve");
        Assert.Contains(run.Outcome, new[] { "found", "too-small", "overfits-from-start", "no-clear-direction" });
        Assert.True(run.Parameters.ContainsKey("chosen_capacity"));
    }

    private static CapacityPoint Point(int capacity, params double[] perSplit) =>
        new(capacity, 0, perSplit.Average()) { ValidationPerSplit = perSplit };

    [Fact]
    public void Judge_calls_a_direction_only_when_it_beats_the_split_to_split_noise()
    {
        // Still improving at the end, by far more than the splits disagree: grow it.
        var growing = new[] { Point(1, 0.70, 0.71, 0.69, 0.70, 0.72), Point(2, 0.80, 0.81, 0.79, 0.80, 0.82), Point(4, 0.85, 0.86, 0.84, 0.85, 0.87), Point(8, 0.88, 0.89, 0.87, 0.88, 0.90) };
        var grown = CapacityCurve.Judge(growing, lowerIsBetter: false, specIndex: 1, validationToTrainingRatio: 0.25);
        Assert.Equal((3, CapacityVerdict.TooSmall), (grown.Chosen, grown.Verdict));

        // Worse from the first step on: overfits from the start.
        var shrinking = growing.Select((p, i) => p with { ValidationPerSplit = growing[3 - i].ValidationPerSplit, ValidationMetric = growing[3 - i].ValidationMetric }).ToArray();
        var shrunk = CapacityCurve.Judge(shrinking, lowerIsBetter: false, specIndex: 2, validationToTrainingRatio: 0.25);
        Assert.Equal((0, CapacityVerdict.OverfitsFromStart), (shrunk.Chosen, shrunk.Verdict));

        // The case: a mean gain of ~0.013 at the largest capacity while the splits disagree by ~0.05: no direction,
        // and the pipeline's own capacity stays.
        var noisy = new[] { Point(6, 0.74, 0.70, 0.80, 0.66, 0.75), Point(12, 0.76, 0.68, 0.79, 0.70, 0.77), Point(25, 0.71, 0.74, 0.78, 0.69, 0.76), Point(50, 0.78, 0.66, 0.83, 0.70, 0.76) };
        var unclear = CapacityCurve.Judge(noisy, lowerIsBetter: false, specIndex: 3, validationToTrainingRatio: 0.25);
        Assert.Equal((3, 3, CapacityVerdict.NoClearDirection), (unclear.Chosen, unclear.Top, unclear.Verdict));

        // A peak inside the range: the pipeline's own capacity is kept while it is not worse than the best beyond the noise,
        // otherwise the smallest capacity that is not.
        var peaked = new[] { Point(10, 0.60, 0.61, 0.59, 0.60, 0.62), Point(20, 0.50, 0.51, 0.49, 0.50, 0.52), Point(40, 0.501, 0.511, 0.49, 0.499, 0.52), Point(80, 0.58, 0.59, 0.57, 0.58, 0.60) };
        var kept = CapacityCurve.Judge(peaked, lowerIsBetter: true, specIndex: 2, validationToTrainingRatio: 0.25);
        Assert.Equal((2, 1, CapacityVerdict.Found), (kept.Chosen, kept.Top, kept.Verdict));
        var moved = CapacityCurve.Judge(peaked, lowerIsBetter: true, specIndex: 3, validationToTrainingRatio: 0.25);
        Assert.Equal((1, CapacityVerdict.Found), (moved.Chosen, moved.Verdict));
    }

    [Fact]
    public void Kfold_curve_draws_a_band_and_sees_no_clear_direction_on_small_noisy_data()
    {
        // 143 rows, the label mostly noise: capacities differ by less than the folds disagree.
        var pipeline = new SyntheticPipeline(_project, defaultCapacity: 12, s => s with
        {
            Metric = "auc",
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 5, Seed = 3 },
        });
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 143, seed: 21, flip: 0.4);

        var result = CapacityCurve.Compute(new MLContext(seed: 1), pipeline, [6, 12, 25, 50, 100]);

        Assert.Equal(5, result.SplitCount);
        Assert.Contains("5-fold, stratified", result.SplitDescription);
        Assert.All(result.Points, p => Assert.Equal(5, p.ValidationPerSplit.Count));
        Assert.All(result.Points, p => Assert.True(p.ValidationStd > 0));
        Assert.Equal(CapacityVerdict.NoClearDirection, result.Verdict);
        Assert.Equal(12, result.ChosenCapacity); // the spec's own value: no evidence to change it
        Assert.StartsWith("No clear direction", result.Message);
        Assert.DoesNotContain("grow it", result.Message);
        var table = CapacityCurve.RenderTable(result);
        Assert.Contains(" ± ", table);
        Assert.Contains("<- chosen, spec", table);
        Assert.Contains("<polygon", CapacityCurve.RenderSvg(result)); // the band
    }

    [Fact]
    public void Training_metric_is_recorded_per_split_and_its_mean_and_band_come_from_those_values()
    {
        var pipeline = new SyntheticPipeline(_project, defaultCapacity: 12, s => s with
        {
            Metric = "log_loss",
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 5, Seed = 3 },
        });
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 143, seed: 21, flip: 0.4);

        var result = CapacityCurve.Compute(new MLContext(seed: 1), pipeline, [3, 12, 48]);

        foreach (var p in result.Points)
        {
            Assert.Equal(5, p.TrainPerSplit.Count);
            Assert.Equal(p.TrainPerSplit.Average(), p.TrainMetric, 12);
            Assert.Equal(MathNet.Numerics.Statistics.Statistics.StandardDeviation(p.TrainPerSplit), p.TrainStd!.Value, 12);
            Assert.True(p.TrainStd > 0, $"folds fit different rows, so their training log-loss differs (capacity {p.Capacity})");
        }
        // More trees fit the training rows better on every fold: the per-split values are real fits, not copies.
        for (int s = 0; s < 5; s++)
            Assert.True(result.Points[^1].TrainPerSplit[s] < result.Points[0].TrainPerSplit[s]);

        var svg = CapacityCurve.RenderSvg(result);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(svg, "<polygon"));
        Assert.Contains($"fill=\"{PipelineGen.Runtime.Reporting.SvgCharts.Blue}\" fill-opacity", svg); // the training band
        Assert.Contains($"fill=\"{PipelineGen.Runtime.Reporting.SvgCharts.Orange}\" fill-opacity", svg); // the validation band
        Assert.Contains("train (band:", svg);
        Assert.Contains("train std over splits", CapacityCurve.RenderHtml(result));
    }

    [Fact]
    public void Holdout_curve_measures_the_training_band_on_chunks_of_the_training_part()
    {
        var pipeline = new SyntheticPipeline(_project, defaultCapacity: 12);
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 300, seed: 5);

        var result = CapacityCurve.Compute(new MLContext(seed: 1), pipeline, [6, 12, 24]);

        foreach (var p in result.Points)
        {
            Assert.Equal(PipelineGen.Runtime.Evaluation.Evaluator.HoldoutChunks, p.TrainPerSplit.Count);
            Assert.NotNull(p.TrainStd);
            // The line is the whole training part's metric; the chunks only measure the spread around it.
            Assert.InRange(p.TrainMetric, p.TrainPerSplit.Min(), p.TrainPerSplit.Max());
        }
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(CapacityCurve.RenderSvg(result), "<polygon"));
    }

    [Fact]
    public void Capacity_plot_keeps_the_axis_within_the_metric_range_and_marks_the_chosen_point()
    {
        // AUC near 1 with a wide band: the band and the axis stop at 1 (they used to run to 1.03).
        var points = new[] { 10, 20, 40, 80 }.Select((c, i) => new CapacityPoint(c, 0.99 + i * 0.003, 0.96 + i * 0.01) { ValidationStd = 0.05 }).ToArray();
        var result = new CapacityCurveResult("P", "lightgbm", "NumberOfIterations", "auc", false, 100, 25, points, 2, CapacityVerdict.Found, "chosen 40");
        var svg = CapacityCurve.RenderSvg(result);
        var ticks = System.Text.RegularExpressions.Regex.Matches(svg, "class=\"ax\" text-anchor=\"end\">([0-9.]+)<").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.NotEmpty(ticks);
        Assert.All(ticks, v => Assert.InRange(v, 0, 1));
        Assert.Contains("<polygon", svg);
        Assert.Contains("chosen: NumberOfIterations=40", svg);
        Assert.Contains("(log scale)", svg);
        var html = CapacityCurve.RenderHtml(result);
        Assert.Contains(PipelineGen.Runtime.Reporting.HtmlReport.Css, html); // the reports' shared style
    }

    [Fact]
    public void Capacity_choice_follows_the_curve_unless_the_spec_pins_it()
    {
        var pipeline = new SyntheticPipeline(_project, defaultCapacity: 1, s => s with
        {
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 5, Seed = 3 },
        });
        SyntheticPipeline.WriteData(Path.Combine(_project, "synthetic.csv"), rows: 400, seed: 5, flip: 0.05);
        var curve = CapacityCurve.Compute(new MLContext(seed: 1), pipeline, [1, 4, 16]);
        Assert.NotEqual(1, curve.ChosenCapacity); // one boosting round is far from enough on this data

        var auto = CapacityChoice.Decide(pipeline, curve)!;
        Assert.Equal(("curve", 1, curve.ChosenCapacity), (auto.Source, auto.SpecValue, auto.Used));
        Assert.Contains("instead of the spec's 1", auto.Reason);
        Assert.Contains("model.capacity: pinned", auto.Reason);

        var pinnedPipeline = new SyntheticPipeline(_project, defaultCapacity: 1, s => s with { Capacity = CapacityMode.Pinned });
        var pinned = CapacityChoice.Decide(pinnedPipeline, curve)!;
        Assert.Equal(("pinned", 1), (pinned.Source, pinned.Used));
        Assert.Contains($"the curve (", pinned.Reason);

        var none = CapacityChoice.Decide(pipeline, curve: null)!;
        Assert.Equal(("spec", 1), (none.Source, none.Used));
    }
}
