using Microsoft.CodeAnalysis;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// Generated code must not carry the build machine's folder: the same project built in two folders generates the same
/// text, and the settings record the spec relative to the project (the runtime finds the folder where the program runs).
/// </summary>
public class PortableOutputTests
{
    private static string Generate(string projectDir, string specRelative)
    {
        var specPath = projectDir.TrimEnd('/') + "/" + specRelative;
        var schemaPath = specPath + ".schema.json";
        var files = new AdditionalText[]
        {
            new InMemoryAdditionalText(specPath, Fixtures.TitanicSpec),
            new InMemoryAdditionalText(schemaPath, PipelineGen.Spec.Data.SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = specPath })),
        };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec", [schemaPath] = "Schema" };
        var run = GeneratorHarness.Run(GeneratorHarness.NewDriver(files, kinds, projectDir: projectDir),
            GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        return run.Source("Titanic.PipelineGen.g.cs");
    }

    [Fact]
    public void The_same_project_in_two_folders_generates_the_same_text_without_either_folder()
    {
        var first = Generate("/home/alice/src/churn/", "pipeline.yaml");
        var second = Generate("/build/agent-7/work/x y/", "pipeline.yaml");

        Assert.Equal(first, second);
        Assert.DoesNotContain("/home/alice", first);
        Assert.DoesNotContain("ProjectDirectory =", first);
        Assert.Contains("SpecPath = \"pipeline.yaml\",", first);
    }

    [Fact]
    public void A_spec_in_a_subfolder_is_recorded_relative_to_the_project_with_forward_slashes()
    {
        // (Windows paths are covered by the theory below: this machine's Path cannot split them.)
        var code = Generate("/repo/app/", "specs/pipeline.yaml");

        Assert.Contains("SpecPath = \"specs/pipeline.yaml\",", code);
        Assert.DoesNotContain("/repo/app", code);
    }

    [Theory]
    [InlineData("/repo/app/", "/repo/app", "pipeline.yaml", "pipeline.yaml")]
    [InlineData("/repo/app", "/repo/app/specs/deep", "p.pipeline.yaml", "specs/deep/p.pipeline.yaml")]
    [InlineData(@"C:\Repo\App\", @"c:\repo\app\specs", "pipeline.yaml", "specs/pipeline.yaml")]
    [InlineData("/repo/app/", "/elsewhere/shared", "pipeline.yaml", "pipeline.yaml")]
    [InlineData("/repo/app/", "/repo/application", "pipeline.yaml", "pipeline.yaml")]
    [InlineData("", "/repo/app", "pipeline.yaml", "pipeline.yaml")]
    public void The_spec_path_is_relative_to_the_project_or_just_its_name(string project, string specDir, string file, string expected) =>
        Assert.Equal(expected, ProjectPaths.SpecPathInProject(project, specDir, file));
}
