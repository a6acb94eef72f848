using PipelineGen.IntegrationTests;

namespace PipelineGen.Templates.Tests;

/// <summary>
/// 'dotnet new pipelinegen-api' as a newcomer uses it: create the web API and its test project from the installed package
/// (restore post-action), build against the packed PipelineGen and PipelineGen.Serving, train the model with the app's own
/// 'train' command, then run the template's own tests, which start the API on a loopback port and call /predict and
/// /health over HTTP.
/// </summary>
[Collection(TemplateCollection.Name)]
public sealed class ApiTemplateTests(TemplatePackagesFixture template)
{
    private static void AssertSucceeded(CommandResult result) =>
        Assert.True(result.ExitCode == 0, "expected exit code 0:\n" + result.Tail(120));

    [Fact]
    public void The_api_template_creates_a_web_api_whose_own_tests_call_it_over_http()
    {
        AssertSucceeded(template.InstallResult);
        // A name that is not an identifier: the spec's name (and so the generated class names) is derived from it.
        const string name = "my-titanic.api";
        const string pipelineName = "mytitanicapi";
        var root = Path.Combine(template.ProjectsRoot, name);

        var created = template.DotnetNew(template.ProjectsRoot, "pipelinegen-api", "-n", name, "-o", root);
        AssertSucceeded(created);
        Assert.Contains("Restore succeeded", created.Output);
        var app = Path.Combine(root, name);
        var csproj = File.ReadAllText(Path.Combine(app, name + ".csproj"));
        Assert.Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", csproj);
        // Both packages default to the template package's own version.
        Assert.Contains($"Include=\"PipelineGen\" Version=\"{template.Version}\"", csproj);
        Assert.Contains($"Include=\"PipelineGen.Serving\" Version=\"{template.Version}\"", csproj);
        Assert.Contains($"name: {pipelineName}\n", File.ReadAllText(Path.Combine(app, "pipeline.yaml")));
        Assert.Contains($"app.Map{pipelineName}Endpoints()", File.ReadAllText(Path.Combine(app, "Program.cs")));
        Assert.True(File.Exists(Path.Combine(root, name + ".Tests", name + ".Tests.csproj")));
        Assert.True(File.Exists(Path.Combine(root, name + ".slnx")));
        Assert.Contains(".pipelinegen/", File.ReadAllLines(Path.Combine(root, ".gitignore")));
        Assert.Contains("dotnet new uninstall PipelineGen.Templates", File.ReadAllText(Path.Combine(root, "README.md")));
        Assert.True(File.ReadLines(Path.Combine(app, "data", "titanic.csv")).Count() <= 301, "the sample data should stay small");

        AssertSucceeded(DotnetCli.Run(root, TimeSpan.FromMinutes(8), "build", "-m:1", "-nodeReuse:false"));
        // The build wrote the editor schema the spec's first line names.
        Assert.True(File.Exists(Path.Combine(app, "pipeline.schema.json")));

        // Without a model the template's tests fail, saying to train first: they test the real service, not a stand-in.
        var untrained = DotnetCli.Run(root, TimeSpan.FromMinutes(5), "test", "--no-build", "-nodeReuse:false");
        Assert.NotEqual(0, untrained.ExitCode);
        Assert.Contains("train it first", untrained.Output);

        // Trained with the README's command (from the solution folder: the app finds its project folder by itself).
        var train = DotnetCli.Run(root, TimeSpan.FromMinutes(5), "run", "--no-build", "--project", name, "--", "train");
        AssertSucceeded(train);
        var unit = Path.Combine(app, ".pipelinegen", "models", pipelineName);
        Assert.True(File.Exists(Path.Combine(unit, File.ReadAllText(Path.Combine(unit, "current")).Trim(), "model.zip")));

        var test = DotnetCli.Run(root, TimeSpan.FromMinutes(5), "test", "--no-build", "-nodeReuse:false");
        AssertSucceeded(test);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+3,", test.Output);
    }
}
