using System.Reflection;
using System.Runtime.Loader;
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
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext(null, isCollectible: false).LoadFromStream(stream);
    }

    internal static (IPipelineDefinition Pipeline, Type Type) Create(Assembly assembly, string name)
    {
        var type = assembly.GetType($"MyApp.{name}Pipeline")!;
        return ((IPipelineDefinition)Activator.CreateInstance(type)!, type);
    }

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
