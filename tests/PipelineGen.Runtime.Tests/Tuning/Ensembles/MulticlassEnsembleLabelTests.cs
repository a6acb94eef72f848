using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;
using Xunit.Abstractions;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// Multiclass ensembles beyond 16 classes (the class-slot mapping applied chunk by chunk) and over labels that are not
/// text: the composed model's Score is the weighted mean of the members', PredictedLabel is its argmax as a key with the
/// label's own key values, PredictedLabelValue has the label's own type, and all of it survives a save and a load.
/// </summary>
public sealed class MulticlassEnsembleLabelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-mc-label-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// <paramref name="classes"/> classes × <paramref name="perClass"/> rows, seeded: class k sits at angle 2πk/K on a
    /// circle of radius 3 (features a, b) with a level k mod 4 (feature c), Gaussian noise 0.25/0.3. The label is the
    /// number 100 + k, or when <paramref name="text"/> the text "k100"…, except that classes 0 and 1 are named "a" and
    /// "Label", like an input column and a member's output column; rows cycle through the classes, so the label's keys
    /// are in class order.
    /// </summary>
    private string ManyClasses(int classes, int perClass, bool text)
    {
        var random = new Random(24);
        double Noise(double sd) => sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var lines = new List<string> { "a,b,c,code" };
        for (int r = 0; r < classes * perClass; r++)
        {
            int k = r % classes;
            double angle = 2 * Math.PI * k / classes;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{3 * Math.Cos(angle) + Noise(0.25):F3},{3 * Math.Sin(angle) + Noise(0.25):F3},{k % 4 + Noise(0.3):F3},{ClassName(k, text)}"));
        }
        var path = Path.Combine(_dir, $"classes{classes}{(text ? "text" : "")}.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string ClassName(long k, bool text) =>
        !text ? (100 + k).ToString(CultureInfo.InvariantCulture) : k switch { 0 => "a", 1 => "Label", _ => "k" + (100 + k).ToString(CultureInfo.InvariantCulture) };

    private static PipelineSettings Settings(string path, bool text) => new()
    {
        Name = "Classes",
        Task = MlTaskKind.MulticlassClassification,
        LabelColumn = "code",
        TrainerName = "sdca_maximum_entropy",
        TrainDataPath = path,
        Columns =
        [
            TestPipeline.Column("a", 0, ColumnKind.Numeric),
            TestPipeline.Column("b", 1, ColumnKind.Numeric),
            TestPipeline.Column("c", 2, ColumnKind.Numeric),
            TestPipeline.Column("code", 3, text ? ColumnKind.Categorical : ColumnKind.Numeric, ColumnRole.Label),
        ],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Thirty_classes_blend_their_probabilities_and_keep_the_labels_own_values(bool text)
    {
        const int classes = 30;
        var settings = Settings(ManyClasses(classes, perClass: 12, text), text);
        var ml = new MLContext(1);
        var pipelines = new TestPipeline[]
        {
            new MulticlassPipeline(settings), new MulticlassLightGbmPipeline(settings, 4, 0.1),
            new MulticlassLightGbmPipeline(settings, 8, 0.3), new MulticlassLightGbmPipeline(settings, 16, 0.05),
        };
        double[] weights = [0.4, 0.3, 0.2, 0.1];
        var data = pipelines[0].LoadData(ml, settings.TrainDataPath);
        var members = pipelines.Select((p, i) => (Model: (ITransformer)p.BuildPipeline(ml).Fit(data), Weight: weights[i])).ToArray();

        var clock = Stopwatch.StartNew();
        var ensemble = EnsembleModel.Compose(ml, MlTaskKind.MulticlassClassification, data.Schema, members, data);
        var composed = clock.Elapsed;
        clock.Restart();
        var scored = ensemble.Transform(data);
        var blended = Scores(scored);
        var scoring = clock.Elapsed;
        output.WriteLine($"{classes} classes, {members.Length} members, {blended.Length} rows: composed in {composed.TotalMilliseconds:F0} ms, scored in {scoring.TotalMilliseconds:F0} ms");

        Assert.Equal(classes, ((VectorDataViewType)scored.Schema["Score"].Type).Size); // a known size, as the evaluator needs
        var memberScores = members.Select(m => Scores(m.Model.Transform(data))).ToArray();
        Assert.Contains(Enumerable.Range(0, blended.Length), r => Math.Abs(memberScores[0][r][20] - memberScores[1][r][20]) > 0.05);
        var predictedKeys = scored.GetColumn<uint>(scored.Schema["PredictedLabel"]).ToArray();
        for (int r = 0; r < blended.Length; r++)
        {
            for (int c = 0; c < classes; c++)
            {
                double expected = members.Select((m, i) => m.Weight * memberScores[i][r][c]).Sum();
                Assert.InRange(blended[r][c], expected - 1e-5, expected + 1e-5); // float sums: a tolerance, not rounding
            }
            Assert.Equal((uint)Array.IndexOf(blended[r], blended[r].Max()) + 1, predictedKeys[r]);
        }

        // The label's own classes and type: the same key values as the members' PredictedLabel, and values of the label's type.
        var memberLabel = members[0].Model.Transform(data).Schema["PredictedLabel"];
        Assert.Equal(KeyValueNames(memberLabel), KeyValueNames(scored.Schema["PredictedLabel"]));
        Assert.Equal(memberLabel.Annotations.Schema["KeyValues"].Type, scored.Schema["PredictedLabel"].Annotations.Schema["KeyValues"].Type);
        Assert.Equal(members[0].Model.Transform(data).Schema["PredictedLabelValue"].Type, scored.Schema["PredictedLabelValue"].Type);
        var predicted = Values(scored);
        string[] expectedValues = predictedKeys.Select(k => ClassName(k - 1, text)).ToArray();
        Assert.Equal(expectedValues, predicted);

        // Score's slots are named by the classes (ML.NET names a text label's; a numeric label's get their values), and
        // the columns those names clashed with are still the input's and the members' own.
        Assert.Equal(Enumerable.Range(0, classes).Select(k => ClassName(k, text)), SlotNames(scored));
        if (text) Assert.Equal(SlotNames(members[0].Model.Transform(data)), SlotNames(scored));
        Assert.Equal(data.GetColumn<float>("a"), scored.GetColumn<float>("a"));
        Assert.Equal(members[0].Model.Transform(data).GetColumn<uint>("Label"), scored.GetColumn<uint>("Label"));
        var metrics = ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        Assert.InRange(metrics.MicroAccuracy, 0.8, 1.0);

        var path = Path.Combine(_dir, "ensemble.zip");
        ModelStore.Save(ml, ensemble, data.Schema, path);
        var fresh = new MLContext(2);
        var loaded = ModelStore.Load(fresh, path, out _);
        var reloaded = loaded.Transform(pipelines[0].LoadData(fresh, settings.TrainDataPath));
        Assert.Equal(blended.Select(v => string.Join(",", v)), Scores(reloaded).Select(v => string.Join(",", v)));
        Assert.Equal(predicted, Values(reloaded));
        Assert.Equal(SlotNames(scored), SlotNames(reloaded));
    }

    private static string[] SlotNames(IDataView data)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        data.Schema["Score"].GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    [Fact]
    public void Members_that_number_the_classes_differently_are_refused()
    {
        // Keys follow first occurrence: without the first row, class 100 is met last, so every slot means another class.
        var settings = Settings(ManyClasses(20, perClass: 6, text: false), text: false);
        var ml = new MLContext(1);
        var pipeline = new MulticlassPipeline(settings);
        var data = pipeline.LoadData(ml, settings.TrainDataPath);
        (ITransformer, double)[] members = [(pipeline.BuildPipeline(ml).Fit(data), 0.5), (pipeline.BuildPipeline(ml).Fit(ml.Data.SkipRows(data, 1)), 0.5)];
        var error = Assert.Throws<InvalidOperationException>(() => EnsembleModel.Compose(ml, MlTaskKind.MulticlassClassification, data.Schema, members, data));
        Assert.Contains("number the classes differently", error.Message);
    }

    private static float[][] Scores(IDataView data) =>
        data.GetColumn<VBuffer<float>>(data.Schema["Score"]).Select(v => v.DenseValues().ToArray()).ToArray();

    /// <summary>PredictedLabelValue as invariant text, whether the label is text or a number.</summary>
    private static string[] Values(IDataView data)
    {
        var column = data.Schema["PredictedLabelValue"];
        return column.Type is TextDataViewType
            ? data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString()).ToArray()
            : data.GetColumn<float>(column).Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    private static string[] KeyValueNames(DataViewSchema.Column key) => PipelineGen.Runtime.Evaluation.ClassKeys.Read(key, "test").Names;
}
