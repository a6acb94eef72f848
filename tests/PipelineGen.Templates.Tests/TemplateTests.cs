using System.Text.RegularExpressions;
using PipelineGen.IntegrationTests;

namespace PipelineGen.Templates.Tests;

/// <summary>
/// 'dotnet new pipelinegen' as a newcomer uses it: install the package, create a project for each task kind (its restore
/// post-action runs), build, run the whole workflow on the sample data, then compile and run the typed-API example
/// that Program.cs carries as a comment. Uninstalling is checked too.
/// </summary>
[Collection(TemplateCollection.Name)]
public sealed class TemplateTests(TemplatePackagesFixture template)
{
    private static void AssertSucceeded(CommandResult result) =>
        Assert.True(result.ExitCode == 0, "expected exit code 0:\n" + result.Tail(120));

    [Theory]
    [InlineData("binary", "Survived: ")]
    [InlineData("multiclass", "Species: ")]
    [InlineData("regression", "Quality: ")]
    public void Each_task_kind_creates_a_project_that_builds_and_runs_its_workflow(string task, string typedApiOutput)
    {
        AssertSucceeded(template.InstallResult);
        // A name that is not an identifier: the spec's name (and so the class names) is derived from it.
        var name = $"my-{task}.model";
        var directory = Path.Combine(template.ProjectsRoot, name);

        var created = template.DotnetNew(template.ProjectsRoot, "pipelinegen", "-n", name, "--task", task, "-o", directory);
        AssertSucceeded(created);
        Assert.Contains("Restore succeeded", created.Output);
        var pipelineName = $"my{task}model";
        Assert.True(File.Exists(Path.Combine(directory, name + ".csproj")));
        Assert.Contains($"name: {pipelineName}\n", File.ReadAllText(Path.Combine(directory, "pipeline.yaml")));
        Assert.StartsWith("# yaml-language-server: $schema=pipeline.schema.json", File.ReadAllText(Path.Combine(directory, "pipeline.yaml")));
        Assert.True(File.Exists(Path.Combine(directory, "pipeline.schema.json")));
        // The PipelineGen version defaults to the template package's own version.
        Assert.Contains($"Include=\"PipelineGen\" Version=\"{template.Version}\"", File.ReadAllText(Path.Combine(directory, name + ".csproj")));
        // Only this task's sample.
        var data = Assert.Single(Directory.GetFiles(Path.Combine(directory, "data")));
        Assert.True(File.ReadLines(data).Count() <= 301, "the sample data should stay small");
        Assert.False(Directory.Exists(Path.Combine(directory, "variants")));
        // The README names exactly the sample files the project has, and the uninstall command that works.
        var readme = File.ReadAllText(Path.Combine(directory, "README.md"));
        var named = Regex.Matches(readme, @"`([\w.-]+\.csv)`").Select(m => m.Groups[1].Value).Distinct().Order().ToArray();
        Assert.Equal([Path.GetFileName(data)], named);
        Assert.Contains("dotnet new uninstall PipelineGen.Templates", readme);
        // The README says .pipelinegen/ stays out of source control: the .gitignore that does it ships with the project.
        var ignored = File.ReadAllLines(Path.Combine(directory, ".gitignore"));
        foreach (var folder in new[] { ".pipelinegen/", "bin/", "obj/" })
            Assert.Contains(folder, ignored);

        AssertSucceeded(DotnetCli.Run(directory, TimeSpan.FromMinutes(5), "build", "-nodeReuse:false"));
        var run = DotnetCli.Run(directory, TimeSpan.FromMinutes(5), "run", "--no-build", "--", "run");
        AssertSucceeded(run);
        Assert.Contains("Verdict: the model beats the baseline", run.Output);
        Assert.Contains("== 4/5 train ==", run.Output);
        // The model unit: <Name>/<version>/model.zip made current by the pointer <Name>/current.
        var unit = Path.Combine(directory, ".pipelinegen", "models", pipelineName);
        Assert.True(File.Exists(Path.Combine(unit, File.ReadAllText(Path.Combine(unit, "current")).Trim(), "model.zip")));

        // The commented example in Program.cs is real code: uncomment it (dropping the command-line host) and run it.
        var program = Path.Combine(directory, "Program.cs");
        var lines = File.ReadAllLines(program);
        var typedApi = lines.Where(l => l.StartsWith("//   ", StringComparison.Ordinal)).Select(l => l[5..]);
        File.WriteAllLines(program, lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).Concat(typedApi));
        AssertSucceeded(DotnetCli.Run(directory, TimeSpan.FromMinutes(5), "build", "-nodeReuse:false"));
        var typed = DotnetCli.Run(directory, TimeSpan.FromMinutes(2), "run", "--no-build");
        AssertSucceeded(typed);
        Assert.Matches(new Regex(Regex.Escape(typedApiOutput) + @"\S+"), typed.Output);
    }

    [Fact]
    public void The_template_lists_its_parameters_and_uninstalls_cleanly()
    {
        AssertSucceeded(template.InstallResult);
        var help = template.DotnetNew(template.ProjectsRoot, "pipelinegen", "--help");
        AssertSucceeded(help);
        foreach (var option in new[] { "--task", "binary", "multiclass", "regression", "-f, --framework", "net10.0", "--pipelinegen-version", "--no-restore" })
            Assert.Contains(option, help.Output);

        // A second, throwaway hive: install, uninstall, and the short name is gone.
        var hive = Path.Combine(template.ProjectsRoot, "uninstall-hive");
        AssertSucceeded(DotnetCli.Run(template.ProjectsRoot, TimeSpan.FromMinutes(2), "new", "install", template.TemplatePackage, "--debug:custom-hive", hive));
        AssertSucceeded(DotnetCli.Run(template.ProjectsRoot, TimeSpan.FromMinutes(2), "new", "uninstall", "PipelineGen.Templates", "--debug:custom-hive", hive));
        var list = DotnetCli.Run(template.ProjectsRoot, TimeSpan.FromMinutes(2), "new", "list", "pipelinegen", "--debug:custom-hive", hive);
        Assert.DoesNotContain("PipelineGen console app", list.Output);
        Assert.DoesNotContain("PipelineGen web API", list.Output);
    }
}
