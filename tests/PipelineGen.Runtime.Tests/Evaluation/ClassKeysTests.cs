using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// <see cref="ClassKeys"/>: a key column's classes read in the label's own type, and a class index turned back into a
/// key with exactly those key values (same type, same order), whose value maps back to the label's own type.
/// </summary>
public sealed class ClassKeysTests
{
    private sealed class Row<T> { public T Label { get; set; } = default!; public float Index { get; set; } }

    // The values in their order of first occurrence (the key order MapValueToKey gives), deliberately not sorted.
    private static void RoundTrips<T>(T[] values, string[] names)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(values.Select((v, i) => new Row<T> { Label = v, Index = i }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Key", "Label").Fit(data).Transform(data);
        var classes = ClassKeys.Read(keyed.Schema["Key"], "the test label");
        Assert.Equal(names, classes.Names);
        Assert.Equal(data.Schema["Label"].Type, classes.ItemType);

        var back = classes.IndexToKey(ml, "Index", "__value", "Predicted")
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "Predicted"))
            .Fit(keyed).Transform(keyed);
        var predicted = back.Schema["Predicted"];
        Assert.Equal(keyed.Schema["Key"].Type, predicted.Type);
        Assert.True(ClassKeys.Read(predicted, "the rebuilt key").SameAs(classes));
        Assert.Equal(data.Schema["Label"].Type, back.Schema["PredictedValue"].Type);
        Assert.Equal(values, back.GetColumn<T>(back.Schema["PredictedValue"]).ToArray());
        // Index i is key i + 1: the same key the label's own mapping gave that row.
        Assert.Equal(keyed.GetColumn<uint>(keyed.Schema["Key"]).ToArray(), back.GetColumn<uint>(predicted).ToArray());
    }

    [Fact]
    public void Text_labels() => RoundTrips(["b", "a", "c"], ["b", "a", "c"]);

    [Fact]
    public void Single_labels() => RoundTrips([5f, 3f, 8.5f], ["5", "3", "8.5"]);

    [Fact]
    public void Double_labels() => RoundTrips([0.5, 0.25, 2.0], ["0.5", "0.25", "2"]);

    [Fact]
    public void Int32_labels() => RoundTrips([7, 2, 11], ["7", "2", "11"]);

    [Fact]
    public void Boolean_labels() => RoundTrips([true, false], ["true", "false"]);

    [Fact]
    public void Classes_of_another_type_are_not_the_same_classes()
    {
        var ml = new MLContext(1);
        ClassKeys Of<T>(T[] values)
        {
            var data = ml.Data.LoadFromEnumerable(values.Select(v => new Row<T> { Label = v }));
            return ClassKeys.Read(ml.Transforms.Conversion.MapValueToKey("Key", "Label").Fit(data).Transform(data).Schema["Key"], "the test label");
        }
        Assert.False(Of(["1", "2"]).SameAs(Of([1f, 2f])));
        Assert.False(Of([1f, 2f]).SameAs(Of([2f, 1f])));
        Assert.True(Of([1f, 2f]).SameAs(Of([1f, 2f])));
    }

    [Fact]
    public void A_column_that_is_not_a_key_is_refused_by_name()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row<float> { Label = 1 } });
        var error = Assert.Throws<InvalidOperationException>(() => ClassKeys.Read(data.Schema["Label"], "the test label"));
        Assert.Contains("'Label'", error.Message);
        Assert.Contains("not a key", error.Message);
    }
}
