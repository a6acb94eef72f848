using System.Text.Json;
using Microsoft.ML;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

public sealed class TrainTestPredictTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");

    private static int Train(IPipelineDefinition pipeline) =>
        TrainStep.Run(pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null);

    [Fact]
    public void TrainSavesTheModelAndACardThatSaysHowItWasMade()
    {
        var pipeline = new TitanicTestPipeline(_project);
        var evaluation = new EvaluationSummary
        {
            Protocol = "holdout 0.25, seed 7",
            Metric = "auc",
            Metrics = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.85, 0.02, 0.81, 0.89) },
            BaselineStrategy = "prior",
            Baseline = new Dictionary<string, MetricEstimate> { ["auc"] = new(0.5) },
        };

        var result = TrainStep.Train(new MLContext(seed: 1), pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash, Evaluation = evaluation });

        // The unit lives in a version folder that the pointer makes current; the logical path resolves to it.
        Assert.Equal(ModelStore.Resolve(ModelPath), result.ModelPath);
        Assert.StartsWith(Path.Combine(_project, ".pipelinegen", "models", "Titanic") + Path.DirectorySeparatorChar, result.ModelPath);
        Assert.True(File.Exists(result.ModelPath));
        var card = ModelCard.TryRead(ModelPath)!;
        Assert.Equal(TitanicTestPipeline.SpecHash, card.SpecHash);
        Assert.Equal(300, card.TrainData.Rows);
        Assert.Equal(FileHash.Sha256(Path.Combine(_project, "titanic_train.csv")), card.TrainData.Sha256);
        Assert.Equal(FileHash.Sha256(result.ModelPath), card.ModelSha256);
        Assert.Equal("5.0.1", card.Packages["Microsoft.ML"]);
        Assert.Contains("PipelineGen.Runtime", card.Packages.Keys);
        Assert.Equal(0.85, card.Metrics!["auc"].Mean);
        Assert.Equal("prior", card.BaselineStrategy);
        // Described from the settings by spec name (no ML.NET type read back by reflection).
        Assert.Null(card.Trainer.Type);
        Assert.Equal("40", card.Trainer.Hyperparameters["iterations"]);
        Assert.Equal("1", card.Trainer.Hyperparameters["threads"]);
        // pclass, sex (2), age, sibsp, parch, fare, embarked (S, C, Q).
        Assert.Equal(10, card.Preparation.FeatureSlots);
        Assert.Equal(2, card.Preparation.CategoryCounts["sex"]);
        Assert.Equal(3, card.Preparation.CategoryCounts["embarked"]);
        Assert.Contains(card.Preparation.Learned, n => n.StartsWith("age: missing age replaced by the median 28", StringComparison.Ordinal));
        Assert.True((DateTimeOffset.UtcNow - card.CreatedUtc).Duration() < TimeSpan.FromMinutes(5));

        var markdown = File.ReadAllText(ModelCard.MarkdownPath(result.ModelPath));
        Assert.Contains("# Model card: Titanic", markdown);
        Assert.Contains("| iterations | 40 |", markdown);
        Assert.Contains("`embarked`: 3 categories", markdown);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Path.GetDirectoryName(ModelPath)!, "*", SearchOption.AllDirectories), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void TestIsEvaluatedOnceThenRefusedUnlessForcedAndTheLockSurvivesRetraining()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));

        var firstOut = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), firstOut, TextWriter.Null));
        Assert.Contains("auc", firstOut.ToString());
        var afterFirst = ModelCard.TryRead(ModelPath)!;
        var look = Assert.Single(afterFirst.TestLooks);
        Assert.Equal(FileHash.Sha256(Path.Combine(_project, "titanic_test.csv")), look.DataSha256);
        Assert.Equal(100, look.Rows);
        Assert.False(look.Forced);
        Assert.InRange(look.Metrics["auc"], 0.6, 1.0); // a real model on real data, not a stub

        var refusal = new StringWriter();
        Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, refusal));
        Assert.Contains("already evaluated", refusal.ToString());
        Assert.Contains("--force", refusal.ToString());
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);

        // Retraining does not unlock the test set.
        Assert.Equal(0, Train(pipeline));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
        Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), TextWriter.Null, TextWriter.Null));

        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions { Force = true }, TextWriter.Null, TextWriter.Null));
        var looks = ModelCard.TryRead(ModelPath)!.TestLooks;
        Assert.Equal(2, looks.Count);
        Assert.True(looks[1].Forced);
        Assert.True(looks[1].AtUtc >= looks[0].AtUtc);
        Assert.Contains("forced", File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelPath))));
    }

    [Fact]
    public void TestWithoutATestFileOrModelIsBadInput()
    {
        var missingFile = new TitanicTestPipeline(_project, testDataPath: "nope.csv");
        var error = new StringWriter();
        Assert.Equal(2, TestStep.Run(missingFile, new TestOptions(), TextWriter.Null, error));
        Assert.Contains("nope.csv", error.ToString());

        var noModel = new StringWriter();
        Assert.Equal(2, TestStep.Run(new TitanicTestPipeline(_project), new TestOptions(), TextWriter.Null, noModel));
        Assert.Contains("Run 'train' first", noModel.ToString());

        Assert.Equal(2, TestStep.Run(new TitanicTestPipeline(_project, testDataPath: null), new TestOptions(), TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void PredictWritesInputColumnsThenPredictionsForACsvAndAnswersOneJsonRow()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, Train(pipeline));
        var output = Path.Combine(_project, "predictions.csv");

        Assert.Equal(0, PredictStep.RunCsv(pipeline, Path.Combine(_project, "titanic_test.csv"), output, null, TextWriter.Null, TextWriter.Null));

        var lines = File.ReadAllLines(output);
        Assert.Equal("survived,pclass,sex,age,sibsp,parch,fare,embarked,PredictedLabel,Score,Probability", lines[0]);
        Assert.Equal(101, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(File.ReadAllLines(Path.Combine(_project, "titanic_test.csv"))[1].Split(',')[2], first[2]); // sex passes through
        var probability = float.Parse(first[10], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(probability, 0f, 1f);
        Assert.Equal(probability >= 0.5f ? "true" : "false", first[8]);

        var json = new StringWriter();
        Assert.Equal(0, PredictStep.RunJson(pipeline, """{"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 80.5, "embarked": "C"}""", null, json, TextWriter.Null));
        using var answer = JsonDocument.Parse(json.ToString());
        Assert.True(answer.RootElement.GetProperty("PredictedLabel").GetBoolean()); // a first-class woman
        Assert.InRange(answer.RootElement.GetProperty("Probability").GetDouble(), 0.5, 1.0);

        var bad = new StringWriter();
        Assert.Equal(2, PredictStep.RunJson(pipeline, """{"cabin": "C85"}""", null, TextWriter.Null, bad));
        Assert.Contains("'cabin'", bad.ToString());
    }

    [Fact]
    public void PredictNamesTheScoresOfANumericMulticlassLabelByClassNotBySlotIndex()
    {
        // Wine quality (3-8) as classes without 'type: categorical': ML.NET's Score has no slot names for a numeric label.
        // The first rows' qualities are 5, 5, 5, 6, 5, 5, 5, 7, 7, 5, ... so slot 0 is 5 and slot 1 is 6: indexes would mislead.
        var wine = Evaluation.RegressionPipeline.Wine().Settings;
        var pipeline = new Evaluation.MulticlassPipeline(wine with
        {
            Name = "WineClasses", Task = MlTaskKind.MulticlassClassification, TrainerName = "sdca_maximum_entropy", ProjectDirectory = _project,
        });
        Assert.Equal(0, Train(pipeline));
        var output = Path.Combine(_project, "wine_predictions.csv");

        Assert.Equal(0, PredictStep.RunCsv(pipeline, wine.TrainDataPath, output, null, TextWriter.Null, TextWriter.Null));

        var lines = File.ReadAllLines(output);
        var header = lines[0].Split(',');
        var scoreColumns = header.Select((h, i) => (h, i)).Where(c => c.h.StartsWith("Score.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["5", "6", "7", "4", "8", "3"], scoreColumns.Select(c => c.h["Score.".Length..]).ToArray());
        int predicted = Array.IndexOf(header, "PredictedLabel");
        int quality = Array.IndexOf(header, "quality");
        int agree = 0, right = 0;
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var best = scoreColumns.MaxBy(c => float.Parse(cells[c.i], System.Globalization.CultureInfo.InvariantCulture));
            if (best.h == "Score." + cells[predicted]) agree++;
            if (cells[predicted] == cells[quality]) right++;
        }
        // Each row's highest score is in the column of the class it predicts, and the model is better than the majority (46 %).
        Assert.Equal(lines.Length - 1, agree);
        Assert.InRange(right / (double)(lines.Length - 1), 0.5, 1.0);

        var json = new StringWriter();
        Assert.Equal(0, PredictStep.RunJson(pipeline, """{"fixed_acidity": 7.4, "volatile_acidity": 0.7, "citric_acid": 0, "residual_sugar": 1.9, "chlorides": 0.076, "free_sulfur_dioxide": 11, "total_sulfur_dioxide": 34, "density": 0.9978, "pH": 3.51, "sulphates": 0.56, "alcohol": 9.4}""", null, json, TextWriter.Null));
        using var answer = JsonDocument.Parse(json.ToString());
        var scores = answer.RootElement.GetProperty("Score").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(scoreColumns.Select(c => c.h["Score.".Length..]), scores.Keys);
        Assert.Equal(answer.RootElement.GetProperty("PredictedLabel").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture), scores.MaxBy(p => p.Value).Key);
    }
}
