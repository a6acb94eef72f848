using System.Reflection;
using Microsoft.ML;
using PipelineGen.Runtime;

namespace PipelineGen.Generator.Tests.Harness;

/// <summary>Compiles generated code from a spec and reaches its types by reflection (the execution tests' shared steps).</summary>
internal static class GeneratedPipelines
{
    internal static Assembly Compile(string spec, PipelineGen.Spec.Data.InferredSchema schema)
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        return GeneratorHarness.Load(run);
    }

    /// <summary>A spec over the Titanic schema (pipeline name Titanic) compiled: its pipeline and the generated source.</summary>
    internal static IPipelineDefinition CreateTitanic(string spec, out string source)
    {
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, Fixtures.TitanicSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        source = string.Join("\n", run.Output.SyntaxTrees.Select(t => t.ToString()));
        return (IPipelineDefinition)Activator.CreateInstance(GeneratorHarness.Load(run).GetType("MyApp.TitanicPipeline")!)!;
    }

    internal static (IPipelineDefinition Pipeline, Type Type) Create(Assembly assembly, string name)
    {
        var type = assembly.GetType($"MyApp.{name}Pipeline")!;
        return ((IPipelineDefinition)Activator.CreateInstance(type)!, type);
    }

    /// <summary>The execution tests' start: the pipeline fitted on 70 % of a test data file (split seed 1), the rest held out.</summary>
    internal static Fitted Fit(Assembly assembly, string name, string dataFile)
    {
        var (pipeline, type) = Create(assembly, name);
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, dataFile));
        var split = ml.Data.TrainTestSplit(data, 0.3, seed: 1);
        return new Fitted(pipeline, type, ml, data, split, pipeline.BuildPipeline(ml).Fit(split.TrainSet));
    }

    internal sealed record Fitted(IPipelineDefinition Pipeline, Type Type, MLContext Ml, IDataView Data, DataOperationsCatalog.TrainTestData Split, ITransformer Model);

    /// <summary>A TaxiFare input: a cash trip of one passenger from 2019-03-01 10:00, <paramref name="minutes"/> long.</summary>
    internal static object TaxiTrip(Assembly assembly, int minutes, float distance) =>
        Input(assembly, "TaxiFare", ("Pickup", new DateTime(2019, 3, 1, 10, 0, 0)), ("Dropoff", new DateTime(2019, 3, 1, 10, minutes, 0)), ("Passengers", 1f), ("Distance", distance), ("Payment", "cash"));

    internal static object Input(Assembly assembly, string name, params (string Property, object Value)[] values)
    {
        var input = Activator.CreateInstance(assembly.GetType($"MyApp.{name}Input")!)!;
        foreach (var (property, value) in values) input.GetType().GetProperty(property)!.SetValue(input, value);
        return input;
    }

    internal static object Predict(Type pipelineType, object pipeline, MLContext ml, ITransformer model, object input) =>
        pipelineType.GetMethod("Predict")!.Invoke(pipeline, new[] { ml, model, input })!;

    internal static T Get<T>(object o, string property) => (T)o.GetType().GetProperty(property)!.GetValue(o)!;
}
