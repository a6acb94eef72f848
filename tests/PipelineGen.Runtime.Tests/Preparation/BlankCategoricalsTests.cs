using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Preparation;

public sealed class BlankCategoricalsTests
{
    private sealed class Row
    {
        public string Color { get; set; } = "";
        public string Size { get; set; } = "";
        public float Value { get; set; }
    }

    /// <summary>Counts what the wrapped estimator is fitted on; fits to a pass-through transformer.</summary>
    private sealed class ProbeEstimator(MLContext ml) : IEstimator<ITransformer>
    {
        public long Rows;
        public long BlankColor;
        public long BlankSize;
        public List<float> Values = [];

        public ITransformer Fit(IDataView input)
        {
            using var cursor = input.GetRowCursor(input.Schema);
            var color = cursor.GetGetter<ReadOnlyMemory<char>>(input.Schema["Color"]);
            var size = cursor.GetGetter<ReadOnlyMemory<char>>(input.Schema["Size"]);
            var value = cursor.GetGetter<float>(input.Schema["Value"]);
            ReadOnlyMemory<char> text = default;
            float v = 0;
            while (cursor.MoveNext())
            {
                Rows++;
                color(ref text); if (text.IsEmpty) BlankColor++;
                size(ref text); if (text.IsEmpty) BlankSize++;
                value(ref v); Values.Add(v);
            }
            return ml.Transforms.CopyColumns("ValueCopy", "Value").Fit(input);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => ml.Transforms.CopyColumns("ValueCopy", "Value").GetOutputSchema(inputSchema);
    }

    private static IDataView Data(MLContext ml, int count) => ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, count).Select(i => new Row { Color = i % 2 == 0 ? "red" : "blue", Size = "L", Value = i }).ToArray());

    [Fact]
    public void TrainingSeesTheOriginalRowsThenSeededBlankedCopies()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 1000);
        var probe = new ProbeEstimator(ml);

        TrainingAugmentation.BlankCategoricals(probe, ["Color"], fraction: 0.2, seed: 11).Fit(data);

        var copies = probe.Rows - 1000;
        Assert.InRange(copies, 150, 250); // ~20% of 1000
        Assert.Equal(copies, probe.BlankColor); // every copy, and only the copies, have Color blanked
        Assert.Equal(0, probe.BlankSize);       // columns not named are left alone
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (float)i), probe.Values.Take(1000));
        Assert.True(probe.Values.Skip(1000).SequenceEqual(probe.Values.Skip(1000).Distinct()), "each selected row is copied once");

        // Same seed, same copies; another seed picks other rows.
        var again = new ProbeEstimator(ml);
        TrainingAugmentation.BlankCategoricals(again, ["Color"], 0.2, 11).Fit(data);
        Assert.Equal(probe.Values, again.Values);
        var other = new ProbeEstimator(ml);
        TrainingAugmentation.BlankCategoricals(other, ["Color"], 0.2, 12).Fit(data);
        Assert.NotEqual(probe.Values, other.Values);
    }

    [Fact]
    public void TransformOfValidationOrServingDataIsNeverAugmented()
    {
        var ml = new MLContext(seed: 1);
        var train = Data(ml, 200);
        var validation = Data(ml, 50);
        var model = TrainingAugmentation.BlankCategoricals(new ProbeEstimator(ml), ["Color", "Size"], 0.5, 3).Fit(train);

        var output = model.Transform(validation);

        Assert.Equal(50, output.GetColumn<float>(output.Schema["ValueCopy"]).Count());
        Assert.DoesNotContain(output.GetColumn<string>(output.Schema["Color"]), string.IsNullOrEmpty);
        Assert.DoesNotContain(output.GetColumn<string>(output.Schema["Size"]), string.IsNullOrEmpty);
    }

    [Fact]
    public void AugmentedRowsTeachARealPipelineWhatABlankCategoryMeans()
    {
        // Value is 10 for red and 20 for blue. ML.NET one-hot encodes "" as the all-zero vector; with blanked copies in
        // training, a tree model learns that an unknown colour means "somewhere in between" (about 15). (SDCA diverges on
        // exactly collinear one-hot data like this, augmented or not, so it is not used here.)
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 400).Select(i => new Row { Color = i % 2 == 0 ? "red" : "blue", Size = "L", Value = i % 2 == 0 ? 10 : 20 }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Categorical.OneHotEncoding("ColorKey", "Color")
            .Append(ml.Regression.Trainers.FastTree("Value", "ColorKey", numberOfLeaves: 3, numberOfTrees: 20, minimumExampleCountPerLeaf: 2));

        var model = TrainingAugmentation.BlankCategoricals(pipeline, ["Color"], 0.3, 5).Fit(data);

        var serving = ml.Data.LoadFromEnumerable(new[] { new Row { Color = "", Size = "L" }, new Row { Color = "red", Size = "L" } });
        var scores = model.Transform(serving).GetColumn<float>("Score").ToArray();
        Assert.InRange(scores[0], 13f, 17f);
        Assert.InRange(scores[1], 9f, 11f);
    }

    [Fact]
    public void WrapsAGeneratedStyleLightGbmPipelineWhoseModelSavesAndLoads()
    {
        var project = Tests.Training.TitanicTestPipeline.NewProjectDirectory();
        try
        {
            var pipeline = new Tests.Training.TitanicTestPipeline(project);
            var ml = new MLContext(seed: 1);
            var data = pipeline.LoadData(ml, Path.Combine(project, "titanic_train.csv"));

            var model = TrainingAugmentation.BlankCategoricals(pipeline.BuildPipeline(ml), ["sex", "embarked"], 0.25, 3).Fit(data);
            var path = Path.Combine(project, "augmented.zip");
            PipelineGen.Runtime.Training.ModelStore.Save(ml, model, data.Schema, path);
            var loaded = PipelineGen.Runtime.Training.ModelStore.Load(new MLContext(seed: 2), path, out _);

            var test = pipeline.LoadData(ml, Path.Combine(project, "titanic_test.csv"));
            var expected = model.Transform(test).GetColumn<float>("Probability").ToArray();
            Assert.Equal(100, expected.Length);
            Assert.Equal(expected, loaded.Transform(test).GetColumn<float>("Probability").ToArray());
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public void RejectsNonTextColumnsAndBadFractions()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingAugmentation.BlankCategoricals(new ProbeEstimator(ml), ["Color"], 1.5, 1));
        var error = Assert.Throws<ArgumentException>(() => TrainingAugmentation.BlankCategoricals(new ProbeEstimator(ml), ["Value"], 0.1, 1).Fit(data));
        Assert.Contains("'Value'", error.Message);
    }
}
