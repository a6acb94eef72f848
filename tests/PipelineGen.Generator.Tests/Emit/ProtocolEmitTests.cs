using System.Runtime.Loader;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>evaluate.duplicates and model.capacity reach the runtime settings; a pipeline with training-only augmentation fits at a chosen capacity with its augmentation.</summary>
public class ProtocolEmitTests
{
    private static IPipelineDefinition Generate(string spec, out string source)
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, Fixtures.TitanicSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        source = string.Join("\n", run.Output.SyntaxTrees.Select(t => t.ToString()));
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(null, isCollectible: false).LoadFromStream(stream);
        return (IPipelineDefinition)Activator.CreateInstance(assembly.GetType("MyApp.TitanicPipeline")!)!;
    }

    [Fact]
    public void Defaults_are_not_written_so_existing_specs_generate_the_same_code()
    {
        var pipeline = Generate(Fixtures.TitanicSpec, out var source);
        Assert.Equal(DuplicatePolicy.Group, pipeline.Settings.Evaluation.Duplicates);
        Assert.Equal(CapacityMode.Auto, pipeline.Settings.Capacity);
        Assert.DoesNotContain("Duplicates =", source);
        Assert.DoesNotContain("CapacityMode", source);
        Assert.DoesNotContain("int capacity)\n        {", source); // no BuildPipeline(mlContext, capacity) without augmentation
    }

    [Fact]
    public void Drop_pinned_and_augmentation_are_emitted_and_fit_at_a_chosen_capacity()
    {
        var spec = Fixtures.TitanicSpec
            .Replace("  folds: 3", "  folds: 3\n  duplicates: drop")
            .Replace("  trainer: lightgbm", "  trainer: lightgbm\n  capacity: pinned")
            .Replace("  missing_indicators: true", "  missing_indicators: true\n  augment: { blank_columns: [embarked], fraction: 0.3 }");

        var pipeline = Generate(spec, out var source);

        Assert.Equal(DuplicatePolicy.Drop, pipeline.Settings.Evaluation.Duplicates);
        Assert.Equal(CapacityMode.Pinned, pipeline.Settings.Capacity);
        Assert.Contains("BuildPipeline(ML::MLContext mlContext, int capacity)", source);
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "titanic.csv"));
        var model = ((ICapacityAdjustable)pipeline).BuildPipeline(ml, 7).Fit(data);
        Assert.Equal(300, model.Transform(data).GetColumn<float>("Score").Count());
        Assert.Equal("7", ModelInspector.DescribeTrainer("lightgbm", ((ICapacityAdjustable)pipeline).BuildTrainer(ml, 7)).Hyperparameters["NumberOfIterations"]);
    }
}
