using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Preparation;

public sealed class ImputationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-prep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Row
    {
        public float X { get; set; }
        public float A { get; set; }
        public float B { get; set; }
        public float Score { get; set; }
    }

    private static float[] Column(IDataView data, string name) =>
        data.GetColumn<float>(data.Schema[name]).ToArray();

    [Fact]
    public void MedianReplacesOnlyMissingValuesWithTheFitTimeMedian()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { 5f, float.NaN, 1f, 9f, float.NaN, 2f }.Select(x => new Row { X = x }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);

        var model = ml.Transforms.ReplaceMissingWithMedian("X").Fit(data);

        // Present values 1,2,5,9: median 3.5 (even count averages the middle two).
        Assert.Equal([5f, 3.5f, 1f, 9f, 3.5f, 2f], Column(model.Transform(data), "X"));
        Assert.Contains(PreparationLog.DescribeAll(model), n => n.Contains("median 3.5", StringComparison.Ordinal));

        // Serving data is imputed with the training median, not its own.
        var serving = ml.Data.LoadFromEnumerable(new[] { new Row { X = float.NaN }, new Row { X = 100f } });
        Assert.Equal([3.5f, 100f], Column(model.Transform(serving), "X"));
    }

    [Fact]
    public void MedianImputerRoundTripsThroughSaveAndLoadWithTheSameOutput()
    {
        var ml = new MLContext(seed: 1);
        // A tiny median checks that the constant survives as an expression literal (no precision loss, exponent form).
        var rows = new[] { 1.25e-7f, float.NaN, 3e-7f, 1e-7f }.Select(x => new Row { X = x }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.ReplaceMissingWithMedian("XFilled", "X").Fit(data);
        var path = Path.Combine(_dir, "median.zip");

        ModelStore.Save(ml, model, data.Schema, path);
        var loaded = ModelStore.Load(new MLContext(seed: 2), path, out var schema);

        Assert.Equal(data.Schema["X"].Type, schema["X"].Type);
        var expected = Column(model.Transform(data), "XFilled");
        Assert.Equal(1.25e-7f, expected[1]);
        Assert.Equal(expected, Column(loaded.Transform(data), "XFilled"));
    }

    [Fact]
    public void MedianImputerRejectsANonNumericColumnWithItsName()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Name = "a" } }.Select(r => new TextRow { Name = r.Name }));
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.ReplaceMissingWithMedian("Name").Fit(data));
        Assert.Contains("'Name'", error.Message);
    }

    private sealed class TextRow { public string Name { get; set; } = ""; }

    /// <summary>X = 3A - 2B + small noise; a third of X missing; B itself sometimes missing.</summary>
    private static (Row[] Rows, float[] Truth) Predictable(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Row[count];
        var truth = new float[count];
        for (var i = 0; i < count; i++)
        {
            var a = (float)(random.NextDouble() * 10);
            var b = (float)(random.NextDouble() * 10);
            truth[i] = 3 * a - 2 * b + (float)(random.NextDouble() - 0.5);
            rows[i] = new Row
            {
                A = a,
                B = i % 17 == 0 ? float.NaN : b,
                X = i % 3 == 0 ? float.NaN : truth[i],
                Score = i, // a user column named like ML.NET's scorer output must survive
            };
        }
        return (rows, truth);
    }

    private static double RmseOnMissing(float[] imputed, float[] truth) =>
        Math.Sqrt(Enumerable.Range(0, truth.Length).Where(i => i % 3 == 0).Average(i => Math.Pow(imputed[i] - truth[i], 2)));

    [Fact]
    public void ModelImputerBeatsMeanImputationWhenTheColumnIsPredictable()
    {
        var ml = new MLContext(seed: 1);
        var (rows, truth) = Predictable(300, seed: 7);
        var data = ml.Data.LoadFromEnumerable(rows);

        var byModel = ml.Transforms.ReplaceMissingWithModel("X", ["A", "B"]).Fit(data).Transform(data);
        var byMean = ml.Transforms.ReplaceMissingValues("X").Fit(data).Transform(data);

        var modelRmse = RmseOnMissing(Column(byModel, "X"), truth);
        var meanRmse = RmseOnMissing(Column(byMean, "X"), truth);
        Assert.True(modelRmse < meanRmse / 3, $"model imputation RMSE {modelRmse:F3} should be far below mean imputation's {meanRmse:F3}");

        // Present values are untouched, scratch columns are gone and the user's Score column is intact.
        var imputed = Column(byModel, "X");
        Assert.Equal(rows[1].X, imputed[1]);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (float)i), Column(byModel, "Score"));
        Assert.DoesNotContain(byModel.Schema, c => !c.IsHidden && c.Name.StartsWith("__pg_", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelImputerRoundTripsThroughSaveAndLoadWithTheSameOutput()
    {
        var ml = new MLContext(seed: 1);
        var (rows, _) = Predictable(120, seed: 3);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.ReplaceMissingWithModel("XFilled", ["A", "B"], "X", seed: 5).Fit(data);
        var path = Path.Combine(_dir, "model-imputer.zip");

        ModelStore.Save(ml, model, data.Schema, path);
        var loaded = ModelStore.Load(new MLContext(seed: 9), path, out _);

        var expected = Column(model.Transform(data), "XFilled");
        Assert.DoesNotContain(expected, float.IsNaN);
        Assert.Equal(expected, Column(loaded.Transform(data), "XFilled"));
    }

    [Fact]
    public void ModelImputerFallsBackToTheMeanWhenTooFewValuesArePresent()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 40).Select(i => new Row { A = i, B = 1, X = i < 3 ? i * 2 : float.NaN }).ToArray(); // 0, 2, 4 present
        var data = ml.Data.LoadFromEnumerable(rows);

        var model = ml.Transforms.ReplaceMissingWithModel("X", ["A", "B"]).Fit(data);

        Assert.Equal([0f, 2f, 4f, 2f], Column(model.Transform(data), "X").Take(4));
        Assert.Contains(PreparationLog.DescribeAll(model), n => n.Contains("too few", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelImputerRefusesToPredictAColumnFromItself()
    {
        var ml = new MLContext(seed: 1);
        Assert.Throws<ArgumentException>(() => ml.Transforms.ReplaceMissingWithModel("X", ["A", "X"]));
    }
}
