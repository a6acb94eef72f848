using System.Globalization;
using System.Text.Json;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>predict calls a row positive at the threshold the spec (task.threshold) or the user (--threshold) chose.</summary>
public sealed class DecisionThresholdTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private sealed class SpecThreshold : TitanicTestPipeline
    {
        public SpecThreshold(string project, double threshold) : base(project) => Settings = Settings with { DecisionThreshold = threshold };
    }

    private (int Positives, List<(bool Predicted, float Probability)> Rows) Predict(IPipelineDefinition pipeline, double? threshold, TextWriter? output = null)
    {
        var file = Path.Combine(_project, $"predictions-{Guid.NewGuid():N}.csv");
        Assert.Equal(0, PredictStep.RunCsv(pipeline, Path.Combine(_project, "titanic_test.csv"), file, null, output ?? TextWriter.Null, TextWriter.Null, threshold));
        var rows = File.ReadAllLines(file).Skip(1).Select(l => l.Split(','))
            .Select(c => (bool.Parse(c[8]), float.Parse(c[10], CultureInfo.InvariantCulture))).ToList();
        return (rows.Count(r => r.Item1), rows);
    }

    [Fact]
    public void Predict_uses_the_spec_threshold_and_the_option_overrides_it()
    {
        var plain = new TitanicTestPipeline(_project);
        Assert.Equal(0, TrainStep.Run(plain, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));

        var (atDefault, defaultRows) = Predict(plain, null);
        Assert.All(defaultRows, r => Assert.Equal(r.Probability >= 0.5f, r.Predicted));

        // The spec's task.threshold: fewer rows called positive at 0.8, each exactly when its probability reaches it.
        var output = new StringWriter();
        var (atSpec, specRows) = Predict(new SpecThreshold(_project, 0.8), null, output);
        Assert.All(specRows, r => Assert.Equal(r.Probability >= 0.8f, r.Predicted));
        Assert.True(atSpec < atDefault, $"{atSpec} positives at 0.8, {atDefault} at 0.5");
        Assert.Contains("Probability >= 0.8 are predicted positive (task.threshold in the spec)", output.ToString());

        // --threshold wins over the spec's.
        var (atOption, optionRows) = Predict(new SpecThreshold(_project, 0.8), 0.2);
        Assert.All(optionRows, r => Assert.Equal(r.Probability >= 0.2f, r.Predicted));
        Assert.True(atOption > atDefault);

        // One JSON row: a threshold just above its probability flips it to negative.
        string row = """{"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0, "fare": 80.5, "embarked": "C"}""";
        var json = new StringWriter();
        Assert.Equal(0, PredictStep.RunJson(plain, row, null, json, TextWriter.Null));
        using var plainAnswer = JsonDocument.Parse(json.ToString());
        double p = plainAnswer.RootElement.GetProperty("Probability").GetDouble();
        Assert.True(plainAnswer.RootElement.GetProperty("PredictedLabel").GetBoolean());
        json = new StringWriter();
        Assert.Equal(0, PredictStep.RunJson(plain, row, null, json, TextWriter.Null, Math.Min(0.999, p + 0.0005)));
        using var strictAnswer = JsonDocument.Parse(json.ToString());
        Assert.False(strictAnswer.RootElement.GetProperty("PredictedLabel").GetBoolean());
    }

    /// <summary>
    /// With task.threshold 0.3 on titanic, test printed accuracy/f1/precision/recall at ML.NET's own decision (0.5):
    /// 0.8492 / 0.7805 / 0.8136 / 0.7500 while predict on the same file called rows positive at 0.3 and scored
    /// 0.8268 / 0.7737 / 0.7260 / 0.8281. The gates on f1 and accuracy judged the 0.5 decisions too.
    /// </summary>
    [Fact]
    public void Test_metrics_count_the_decisions_predict_makes_at_the_spec_threshold()
    {
        var pipeline = new SpecThreshold(_project, 0.3);
        Assert.Equal(0, TrainStep.Run(pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));
        var (_, rows) = Predict(pipeline, null);
        var labels = File.ReadAllLines(Path.Combine(_project, "titanic_test.csv")).Skip(1).Select(l => l.Split(',')[0] == "1").ToArray();
        Assert.Equal(labels.Length, rows.Count);
        int tp = 0, fp = 0, fn = 0, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool predicted = rows[i].Predicted;
            if (predicted == labels[i]) correct++;
            if (predicted && labels[i]) tp++; else if (predicted) fp++; else if (labels[i]) fn++;
        }
        // The threshold must change some decisions here, or the test could not tell the two rules apart.
        Assert.Contains(rows, r => r.Probability >= 0.3f && r.Probability < 0.5f);

        var output = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null));
        double Printed(string metric) => double.Parse(output.ToString().Split('\n')
            .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .First(c => c.Length >= 2 && c[0] == metric)[1], CultureInfo.InvariantCulture);
        double precision = tp / (double)(tp + fp), recall = tp / (double)(tp + fn);
        Assert.Equal(correct / (double)labels.Length, Printed("accuracy"), 4);
        Assert.Equal(precision, Printed("precision"), 4);
        Assert.Equal(recall, Printed("recall"), 4);
        Assert.Equal(2 * precision * recall / (precision + recall), Printed("f1"), 4);
        Assert.Contains("count a row as positive when Probability >= 0.3 (task.threshold), as predict does", output.ToString());

        // The card says what its figures were counted at, for the evaluation and for the look.
        var card = ModelCard.TryRead(ModelStore.DefaultModelPath(pipeline.Settings))!;
        Assert.Equal(0.3, card.DecisionThreshold);
        Assert.Equal(0.3, card.TestLooks[^1].DecisionThreshold);
        Assert.Contains("(decisions at Probability >= 0.3, task.threshold)", card.ToMarkdown());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    public void A_threshold_that_is_not_a_probability_is_bad_input_with_the_fix(double threshold)
    {
        var plain = new TitanicTestPipeline(_project);
        var error = new StringWriter();
        Assert.Equal(2, PredictStep.RunCsv(plain, Path.Combine(_project, "titanic_test.csv"), Path.Combine(_project, "p.csv"), null, TextWriter.Null, error, threshold));
        Assert.Contains("not a probability strictly between 0 and 1", error.ToString());
    }

    [Theory]
    [InlineData(MlTaskKind.MulticlassClassification, "this multiclass model predicts the most probable class")]
    [InlineData(MlTaskKind.Regression, "this regression model predicts a number")]
    public void A_threshold_for_a_task_that_is_not_binary_is_refused_with_what_that_model_predicts(MlTaskKind task, string says)
    {
        var error = Assert.Throws<ArgumentException>(() => DecisionThreshold.Check(0.5, task));
        Assert.Contains("only applies to binary classification", error.Message);
        Assert.Contains(says, error.Message);
        if (task == MlTaskKind.Regression) Assert.DoesNotContain("class.", error.Message); // no "most probable class" for a number
    }
}
