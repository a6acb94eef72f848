using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Preparation;

public sealed class DateTimeFeaturesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-dt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Row
    {
        public DateTime When { get; set; }
        public float Other { get; set; }
    }

    private sealed class TextRow
    {
        public string When { get; set; } = "";
    }

    private static float[][] Vectors(IDataView data, string name) =>
        data.GetColumn<float[]>(data.Schema[name]).ToArray();

    [Fact]
    public void ProducesCalendarFeaturesInTheDocumentedOrder()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new Row { When = new DateTime(2024, 2, 29, 13, 45, 10) }, // a Thursday, day 60 of a leap year
            new Row { When = default },                                  // the loader's "missing"
        });

        var output = ml.Transforms.DateTimeFeatures("WhenFeatures", "When").Fit(data).Transform(data);

        var vectors = Vectors(output, "WhenFeatures");
        Assert.Equal([2024f, 2f, 29f, 4f, 60f, 13f, 45f], vectors[0]);
        Assert.All(vectors[1], v => Assert.True(float.IsNaN(v)));
        Assert.Equal(7, ((VectorDataViewType)output.Schema["WhenFeatures"].Type).Size);
        Assert.DoesNotContain(output.Schema, c => !c.IsHidden && c.Name.StartsWith("__pg_", StringComparison.Ordinal));
    }

    [Fact]
    public void RoundTripsThroughModelStoreInAFreshContext()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new Row { When = new DateTime(1999, 12, 31, 23, 59, 0), Other = 1 },
            new Row { When = new DateTime(2001, 1, 1, 0, 0, 0), Other = 2 },
        });
        var model = ml.Transforms.DateTimeFeatures("F", "When")
            .Append(ml.Transforms.Concatenate("Features", "F", "Other"))
            .Fit(data);
        var path = Path.Combine(_dir, "dt.zip");

        ModelStore.Save(ml, model, data.Schema, path);
        var loaded = ModelStore.Load(new MLContext(seed: 3), path, out _);

        Assert.Equal(Vectors(model.Transform(data), "Features"), Vectors(loaded.Transform(data), "Features"));
        Assert.Equal([1999f, 12f, 31f, 5f, 365f, 23f, 59f, 1f], Vectors(loaded.Transform(data), "Features")[0]);
    }

    [Fact]
    public void AcceptsIsoTextAndTreatsUnparsableTextAsMissing()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { When = "2023-07-04T08:30:00" }, new TextRow { When = "not a date" } });

        var model = ml.Transforms.DateTimeFeatures("F", "When").Fit(data);
        var path = Path.Combine(_dir, "dt-text.zip");
        ModelStore.Save(ml, model, data.Schema, path);
        var vectors = Vectors(ModelStore.Load(new MLContext(seed: 3), path, out _).Transform(data), "F");

        Assert.Equal([2023f, 7f, 4f, 2f, 185f, 8f, 30f], vectors[0]);
        Assert.All(vectors[1], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void WorksOnTheTextLoadersDateTimeColumnsAsGeneratedCodeLoadsThem()
    {
        var csv = Path.Combine(_dir, "dates.csv");
        File.WriteAllLines(csv, ["when,x", "2024-03-05 14:30:00,1", ",2", "2019-12-31,3"]);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile(csv, new TextLoader.Options
        {
            Separators = [','],
            HasHeader = true,
            MissingRealsAsNaNs = true,
            Columns = [new("when", DataKind.DateTime, 0), new("x", DataKind.Single, 1)],
        });

        var vectors = Vectors(ml.Transforms.DateTimeFeatures("F", "when").Fit(data).Transform(data), "F");

        Assert.Equal([2024f, 3f, 5f, 2f, 65f, 14f, 30f], vectors[0]);
        Assert.All(vectors[1], v => Assert.True(float.IsNaN(v))); // an empty cell is missing, not year 1
        Assert.Equal([2019f, 12f, 31f, 2f, 365f, 0f, 0f], vectors[2]);
    }
}
