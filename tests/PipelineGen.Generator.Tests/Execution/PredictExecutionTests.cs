using System.Reflection;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// predict on generated pipelines for real: a file without the label column, and one with its columns reordered, must
/// score every row exactly as the file in the training layout does (the label mapping of each task kind has to cope
/// with an absent label; quoted fields with commas, dates and hashed categoricals have to survive the rewrite).
/// </summary>
public sealed class PredictExecutionTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pg-gen-predict-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static IPipelineDefinition Create(string spec, PipelineGen.Spec.Data.InferredSchema schema, string name)
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        var assembly = GeneratorHarness.Load(run);
        // The data lives beside the spec; in a real project the runtime finds that folder, here the test names it.
        var type = assembly.GetType($"MyApp.{name}Pipeline")!;
        var defaults = (PipelineSettings)type.GetProperty("DefaultSettings")!.GetValue(null)!;
        return (IPipelineDefinition)Activator.CreateInstance(type, defaults with { ProjectDirectory = Fixtures.TestData })!;
    }

    /// <summary>Trains into the temp folder, scores each variant of the data file, returns the prediction cells per row.</summary>
    private List<string[]> ScoreVariants(IPipelineDefinition pipeline, string dataFile, int predictionCells, params Func<string, string>[] variants)
    {
        var model = Path.Combine(_work, pipeline.Settings.Name + ".zip");
        TrainStep.Train(new MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        var lines = File.ReadAllLines(Path.Combine(Fixtures.TestData, dataFile));
        var results = new List<string[]>();
        for (int v = 0; v < variants.Length; v++)
        {
            var input = Path.Combine(_work, $"variant{v}.csv");
            File.WriteAllLines(input, lines.Select(variants[v]));
            var output = Path.Combine(_work, $"variant{v}.scored.csv");
            var error = new StringWriter();
            Assert.True(PredictStep.RunCsv(pipeline, input, output, model, TextWriter.Null, error) == 0, error.ToString());
            var scored = File.ReadAllLines(output);
            Assert.Equal(lines.Length, scored.Length);
            // Prediction cells never contain commas (numbers, booleans, class names of these data sets).
            results.Add(scored.Skip(1).Select(l => string.Join(",", l.Split(',').TakeLast(predictionCells))).ToArray());
        }
        return results;
    }

    private static string Identity(string line) => line;

    /// <summary>The line without its first field (the label; unquoted in these files).</summary>
    private static string DropFirst(string line) => line[(line.IndexOf(',') + 1)..];

    [Fact]
    public void Binary_label_less_and_reordered_files_score_like_the_training_layout()
    {
        var pipeline = Create(Fixtures.TitanicSpec, Fixtures.TitanicSchema, "Titanic");

        var results = ScoreVariants(pipeline, "titanic.csv", 3,
            Identity,
            DropFirst,
            line => DropFirst(line) + "," + line[..line.IndexOf(',')]); // label moved to the end

        Assert.True(results[0].Distinct().Count() > 20, "different passengers get different scores");
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    [Fact]
    public void Multiclass_label_less_file_scores_like_the_training_layout()
    {
        var pipeline = Create(Fixtures.IrisSpec, Fixtures.IrisSchema, "Iris");

        var results = ScoreVariants(pipeline, "iris.csv", 4, // PredictedLabelValue + 3 class scores
            Identity,
            line => line[..line.LastIndexOf(',')],
            line => line[(line.LastIndexOf(',') + 1)..] + "," + line[..line.LastIndexOf(',')]); // species first

        Assert.Equal(3, results[0].Select(r => r.Split(',')[0]).Distinct().Count());
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
    }

    [Fact]
    public void Regression_with_dates_and_hashed_categoricals_scores_a_label_less_file_like_the_training_layout()
    {
        var pipeline = Create(Fixtures.TaxisSpec, Fixtures.TaxisSchema, "TaxiFare");
        static string DropFare(string line)
        {
            var cells = line.Split(','); // no quoted fields in taxis.csv
            return string.Join(",", cells.Where((_, i) => i != 4));
        }

        var results = ScoreVariants(pipeline, "taxis.csv", 1, Identity, DropFare);

        Assert.True(results[0].Distinct().Count() > 20);
        Assert.Equal(results[0], results[1]);
    }
}
