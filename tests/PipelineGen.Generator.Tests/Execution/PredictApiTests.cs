using System.Reflection;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Prediction;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// The typed API's fast path: <c>Pipeline.Predict</c> reuses pooled engines instead of building one per call, stays
/// correct from many threads, and a multiclass pipeline gives the class names with the scores.
/// </summary>
public class PredictApiTests
{
    private static (Assembly Assembly, IPipelineDefinition Pipeline, Type Type) Iris()
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), Fixtures.IrisSpec, Fixtures.IrisSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = Assembly.Load(stream.ToArray());
        var type = assembly.GetType("MyApp.IrisPipeline")!;
        return (assembly, (IPipelineDefinition)Activator.CreateInstance(type)!, type);
    }

    private static object Input(Assembly assembly, float sepalLength, float sepalWidth, float petalLength, float petalWidth)
    {
        var input = Activator.CreateInstance(assembly.GetType("MyApp.IrisInput")!)!;
        foreach (var (name, value) in new[] { ("SepalLength", sepalLength), ("SepalWidth", sepalWidth), ("PetalLength", petalLength), ("PetalWidth", petalWidth) })
            input.GetType().GetProperty(name)!.SetValue(input, value);
        return input;
    }

    [Fact]
    public void A_thousand_predictions_build_one_engine_and_concurrent_callers_each_get_their_own()
    {
        var (assembly, pipeline, type) = Iris();
        var ml = new MLContext(seed: 1);
        var model = pipeline.BuildPipeline(ml).Fit(pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "iris.csv")));
        var predict = type.GetMethod("Predict")!;
        var setosa = Input(assembly, 5.1f, 3.5f, 1.4f, 0.2f);
        var virginica = Input(assembly, 6.9f, 3.1f, 5.4f, 2.1f);
        string Label(object input) => (string)predict.ReturnType.GetProperty("PredictedLabel")!.GetValue(predict.Invoke(pipeline, [ml, model, input]))!;

        for (var i = 0; i < 1000; i++)
            Assert.Equal(i % 2 == 0 ? "setosa" : "virginica", Label(i % 2 == 0 ? setosa : virginica));
        Assert.Equal(1, PooledPredictionEngines.EnginesCreated(model));

        // Not thread-safe per engine: concurrent callers must not share one (a shared engine mixes up rows).
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            Assert.Equal(i % 2 == 0 ? "setosa" : "virginica", Label(i % 2 == 0 ? setosa : virginica)));
        Assert.InRange(PooledPredictionEngines.EnginesCreated(model), 1, 5);

        // Another model gets its own engines (a cached engine of the first model would answer for it).
        var other = pipeline.BuildPipeline(ml).Fit(pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "iris.csv")));
        Label(setosa);
        predict.Invoke(pipeline, [ml, other, setosa]);
        Assert.Equal(1, PooledPredictionEngines.EnginesCreated(other));
    }

    [Fact]
    public void Multiclass_scores_come_with_the_class_names_in_the_models_order()
    {
        var (assembly, pipeline, type) = Iris();
        var ml = new MLContext(seed: 1);
        var model = pipeline.BuildPipeline(ml).Fit(pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "iris.csv")));
        var prediction = type.GetMethod("Predict")!.Invoke(pipeline, [ml, model, Input(assembly, 6.9f, 3.1f, 5.4f, 2.1f)])!;

        var names = (IReadOnlyList<string>)type.GetMethod("ClassNames")!.Invoke(pipeline, [ml, model])!;
        Assert.Equal(["setosa", "versicolor", "virginica"], names.Order());
        var scores = (IReadOnlyDictionary<string, float>)type.GetMethod("ScoresByClass")!.Invoke(pipeline, [ml, model, prediction])!;
        var predicted = (string)prediction.GetType().GetProperty("PredictedLabel")!.GetValue(prediction)!;
        Assert.Equal("virginica", predicted);
        // The best score belongs to the predicted class: the names are in the Score vector's order.
        Assert.Equal(predicted, scores.MaxBy(p => p.Value).Key);
        var raw = (float[])prediction.GetType().GetProperty("Score")!.GetValue(prediction)!;
        Assert.Equal(raw, names.Select(n => scores[n]));
    }
}
