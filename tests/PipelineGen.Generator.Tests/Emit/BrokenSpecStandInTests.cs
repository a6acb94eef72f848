using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// Issue 10: one spec error used to show up as C# errors in every user file that named the pipeline
/// (<c>Program.cs(1,8): error CS0103: The name 'Penguins' does not exist</c>). A broken spec now still gets its public
/// types, whose members throw; the build's only errors are the PG ones.
/// </summary>
public class BrokenSpecStandInTests
{
    private const string SpecPath = "/specs/binary/pipeline.yaml";

    /// <summary>User code touching every public member a program typically uses.</summary>
    private const string UserCode = """
        using MyApp;
        public static class Program
        {
            public static int Main(string[] args)
            {
                var pipeline = new TitanicPipeline();
                var ml = pipeline.CreateContext();
                var model = pipeline.LoadModel(ml, "model.zip");
                var row = new TitanicInput { Age = 40, Sex = "male", Pclass = "3", Fare = 7.5f };
                TitanicPrediction prediction = pipeline.Predict(ml, model, row);
                System.Console.WriteLine(prediction.Probability + prediction.Score + (prediction.PredictedLabel ? 1 : 0));
                var (fitted, metrics) = pipeline.TrainAndEvaluateHoldout(ml, pipeline.LoadTrainingData(ml));
                System.Console.WriteLine(metrics.AreaUnderRocCurve);
                // The stand-in implements the runtime's contract like the real pipeline does.
                PipelineGen.Runtime.IPipelineDefinition definition = pipeline;
                System.Console.WriteLine(definition.Settings.Name);
                return TitanicPipeline.RunCommandLine(args);
            }
        }
        """;

    [Fact]
    public void A_spec_error_gives_only_PG_errors_for_user_code_that_names_the_pipeline()
    {
        // A binding error (unknown trainer): the spec parses, the pipeline does not bind.
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec.Replace("trainer: lightgbm", "trainer: lightgmb"), Fixtures.TitanicSchema, UserCode);
        Assert.Equal(["PG0201"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.True(!run.CompileErrors.Any(), string.Join("\n", run.CompileErrors));
    }

    [Fact]
    public void A_spec_that_does_not_even_parse_still_gets_its_types_from_the_name_it_gives()
    {
        // A YAML syntax error: no spec model at all, the name is read from the tree that could be built.
        var yaml = Fixtures.TitanicSpec.Replace("trainer: lightgbm", "trainer: [lightgbm");
        var run = GeneratorHarness.Run(SpecPath, yaml, Fixtures.TitanicSchema, UserCode);
        Assert.NotEmpty(run.GeneratorDiagnostics);
        Assert.All(run.GeneratorDiagnostics, d => Assert.StartsWith("PG", d.Id));
        Assert.True(!run.CompileErrors.Any(), string.Join("\n", run.CompileErrors));
    }

    [Fact]
    public void Stand_in_input_has_the_same_properties_as_the_real_one()
    {
        static string[] InputProperties(string source)
        {
            var input = source[source.IndexOf("class TitanicInput", StringComparison.Ordinal)..source.IndexOf("class TitanicPrediction", StringComparison.Ordinal)];
            return Regex.Matches(input, @"public (\S+) (\w+) \{ get; set; \}").Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ToArray();
        }
        var real = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec, Fixtures.TitanicSchema);
        var broken = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec.Replace("trainer: lightgbm", "trainer: lightgmb"), Fixtures.TitanicSchema);
        var realProperties = InputProperties(real.Source("Titanic.PipelineGen.g.cs"));
        Assert.NotEmpty(realProperties);
        Assert.Equal(realProperties, InputProperties(broken.Source("Titanic.PipelineGen.g.cs")));
    }

    [Fact]
    public void Multiclass_stand_in_keeps_the_class_name_helpers()
    {
        const string user = """
            using MyApp;
            public static class Program
            {
                public static void Use(IrisPipeline p, Microsoft.ML.MLContext ml, Microsoft.ML.ITransformer m, IrisPrediction r)
                {
                    string label = r.PredictedLabel;
                    float[] scores = r.Score;
                    System.Console.WriteLine(p.ClassNames(ml, m).Count + p.ScoresByClass(ml, m, r).Count + label + scores.Length);
                }
            }
            """;
        var run = GeneratorHarness.Run("/specs/iris/pipeline.yaml", Fixtures.IrisSpec.Replace("trainer: sdca", "trainer: nope"), Fixtures.IrisSchema, user);
        Assert.All(run.GeneratorDiagnostics, d => Assert.StartsWith("PG", d.Id));
        Assert.True(!run.CompileErrors.Any(), string.Join("\n", run.CompileErrors));
    }

    [Fact]
    public void Calling_a_stand_in_member_throws_naming_the_spec_error()
    {
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec.Replace("trainer: lightgbm", "trainer: lightgmb"), Fixtures.TitanicSchema, UserCode);
        using var stream = new MemoryStream();
        var emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = new AssemblyLoadContext(null).LoadFromStream(new MemoryStream(stream.ToArray()));
        var pipeline = assembly.GetType("MyApp.TitanicPipeline")!;
        Assert.Contains(pipeline.GetInterfaces(), i => i.FullName == "PipelineGen.Runtime.IPipelineDefinition");
        var thrown = Assert.Throws<TargetInvocationException>(() => pipeline.GetMethod("RunCommandLine")!.Invoke(null, [new[] { "train" }]));
        var error = Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Contains("PG0201", error.Message);
        Assert.Contains("pipeline.yaml(", error.Message);
        Assert.Contains("lightgmb", error.Message);
    }
}
