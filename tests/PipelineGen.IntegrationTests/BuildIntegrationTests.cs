using System.Text.RegularExpressions;
using Xunit;

namespace PipelineGen.IntegrationTests;

/// <summary>
/// The package as users get it: real 'dotnet build' of fresh projects. Slow (each build is seconds), so few tests that
/// each walk a whole scenario; the packing is shared through <see cref="PackageFixture"/>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BuildIntegrationTests(PackageFixture fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<PackageFixture>
{
    private const string InferSchemaTarget = "_PipelineGenInferSchemaCore";
    private const string TrainTarget = "_PipelineGenTrainModelCore";

    private static void AssertSucceeded(CommandResult result) =>
        Assert.True(result.ExitCode == 0, "expected success:\n" + result.Tail());

    private static void AssertRan(CommandResult result, string target) =>
        Assert.True(result.Output.Contains($"Building target \"{target}\" completely", StringComparison.Ordinal), $"expected {target} to run:\n" + result.Tail(200));

    private static void AssertSkipped(CommandResult result, string target) =>
        Assert.True(result.Output.Contains($"Skipping target \"{target}\" because all output files are up-to-date", StringComparison.Ordinal), $"expected {target} to be skipped:\n" + result.Tail(200));

    [Fact]
    public void Build_generates_a_working_pipeline_and_reruns_the_tool_only_when_an_input_changed()
    {
        var project = fixture.CreateProject("predict");

        var first = project.Build();
        AssertSucceeded(first);
        var run = project.RunProgram();
        AssertSucceeded(run);
        Assert.Contains("Predicted: virginica", run.Output);

        // Nothing changed: the tool does not run, the schema and the compiler's inputs keep their timestamps.
        var schemaTime = File.GetLastWriteTimeUtc(project.SchemaFile);
        var second = project.Build("-v:d");
        AssertSucceeded(second);
        AssertSkipped(second, InferSchemaTarget);
        AssertSkipped(second, "CoreCompile");
        Assert.Equal(schemaTime, File.GetLastWriteTimeUtc(project.SchemaFile));

        // The data file changed: the tool runs again (the schema's content, and so the compilation, stay the same).
        Thread.Sleep(20);
        TestProject.Touch(project.DataFile);
        var third = project.Build("-v:d");
        AssertSucceeded(third);
        AssertRan(third, InferSchemaTarget);
        Assert.Contains("schema unchanged", third.Output);
        AssertSkipped(third, "CoreCompile");

        // The spec changed: the tool runs and the code is compiled again.
        File.AppendAllText(project.SpecFile, "# a comment\n");
        var fourth = project.Build("-v:d");
        AssertSucceeded(fourth);
        AssertRan(fourth, InferSchemaTarget);
        AssertRan(fourth, "CoreCompile");

        // A design-time build never runs the tool, even with the inputs out of date.
        TestProject.Touch(project.DataFile);
        var designTime = project.Build("-v:d", "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true");
        Assert.DoesNotContain($"Building target \"{InferSchemaTarget}\"", designTime.Output);
    }

    [Fact]
    public void A_fresh_compiler_process_runs_the_ReadyToRun_generator_on_linux_x64_and_the_IL_one_when_opted_out()
    {
        // No compiler server: the compiler process starts, loads the generator and runs it once, as on CI.
        var project = fixture.CreateProject("readytorun");
        var onLinuxX64 = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier == "linux-x64";

        var images = project.Build("-v:d", "-p:UseSharedCompilation=false");
        AssertSucceeded(images);
        AssertRan(images, "CoreCompile");
        Assert.Equal(onLinuxX64 ? "readytorun/linux-x64" : "analyzers/dotnet/cs", GeneratorFolder(images.Output));
        Assert.Equal(onLinuxX64 ? "readytorun/linux-x64/tool" : "tools/net10.0", ToolFolder(project));
        var run = project.RunProgram();
        AssertSucceeded(run);
        Assert.Contains("Predicted: virginica", run.Output);

        var il = project.Build("-v:d", "-p:UseSharedCompilation=false", "-p:PipelineGenReadyToRun=false", "--no-incremental");
        AssertSucceeded(il);
        AssertRan(il, "CoreCompile");
        Assert.Equal("analyzers/dotnet/cs", GeneratorFolder(il.Output));
        Assert.Equal("tools/net10.0", ToolFolder(project, "-p:PipelineGenReadyToRun=false"));
        run = project.RunProgram();
        AssertSucceeded(run);
        Assert.Contains("Predicted: virginica", run.Output);
    }

    /// <summary>The package folder of the schema tool the build runs (the last two parts of its path).</summary>
    private static string ToolFolder(TestProject project, params string[] extraArgs)
    {
        var result = DotnetCli.Run(project.Directory, TimeSpan.FromMinutes(2), ["msbuild", "-nologo", "-getProperty:PipelineGenToolAssembly", .. extraArgs]);
        AssertSucceeded(result);
        var parts = result.Output.Trim().Replace('\\', '/').Split('/');
        return parts[^2] == "tool" ? string.Join("/", parts[^4..^1]) : string.Join("/", parts[^3..^1]);
    }

    /// <summary>The package folder the compiler's command line loads PipelineGen.Generator.dll from (exactly one).</summary>
    private static string GeneratorFolder(string detailedLog)
    {
        var folders = Regex.Matches(detailedLog, @"/analyzer:(\S*?)/PipelineGen\.Generator\.dll")
            .Select(m => m.Groups[1].Value.Replace('\\', '/')).Distinct().ToList();
        Assert.True(folders.Count == 1, "expected the generator once on the compiler's command line, found: " + string.Join(", ", folders));
        var folder = folders[0];
        return folder.EndsWith("/analyzers/dotnet/cs", StringComparison.Ordinal) ? "analyzers/dotnet/cs"
            : folder.EndsWith("/readytorun/linux-x64", StringComparison.Ordinal) ? "readytorun/linux-x64"
            : folder;
    }

    [Fact]
    public void Spec_and_data_mistakes_fail_the_build_with_file_line_and_column()
    {
        var project = fixture.CreateProject("broken");

        File.WriteAllText(project.SpecFile, File.ReadAllText(project.SpecFile).Replace("  trainer: lbfgs", "  trainr: lbfgs"));
        var badSpec = project.Build();
        Assert.NotEqual(0, badSpec.ExitCode);
        Assert.Matches(new Regex(Regex.Escape(project.SpecFile) + @"\(9,3\): error PG0002: Unknown key 'trainr' in 'model'\."), badSpec.Output);

        // Fix the spec, break the data: the tool finds the ragged row, the generator reports it at the data file's position.
        File.WriteAllText(project.SpecFile, File.ReadAllText(project.SpecFile).Replace("  trainr: lbfgs", "  trainer: lbfgs"));
        File.AppendAllText(project.DataFile, "5.0,3.4\n");
        var badData = project.Build();
        Assert.NotEqual(0, badData.ExitCode);
        Assert.Contains($"{project.DataFile}(102,8): error PG0303: Row has 2 fields but the header has 5.", badData.Output);

        // A data file that does not exist is reported at the spec's 'train:' value.
        File.WriteAllText(project.SpecFile, File.ReadAllText(project.SpecFile).Replace("train: iris.csv", "train: data/missing.csv"));
        var missing = project.Build();
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"{project.SpecFile}(7,10): error PG0301: Data file 'data/missing.csv' was not found", missing.Output);
    }

    [Fact]
    public void Training_in_the_build_copies_the_model_and_retrains_only_when_an_input_changed()
    {
        var project = fixture.CreateProject("train", train: true);
        var model = Path.Combine(project.OutputDirectory, "Iris.zip");

        var first = project.Build();
        AssertSucceeded(first);
        Assert.True(File.Exists(model), "no model next to the output:\n" + first.Tail());
        Assert.True(File.Exists(Path.Combine(project.OutputDirectory, "Iris.card.json")));
        Assert.True(File.Exists(Path.Combine(project.OutputDirectory, "Iris.card.md")));
        Assert.True(File.Exists(Path.Combine(project.OutputDirectory, "Iris.profile.json"))); // predict's training ranges and categories

        var modelTime = File.GetLastWriteTimeUtc(model);
        var second = project.Build("-v:d");
        AssertSucceeded(second);
        AssertSkipped(second, TrainTarget);
        Assert.Equal(modelTime, File.GetLastWriteTimeUtc(model));

        Thread.Sleep(20);
        TestProject.Touch(project.DataFile);
        var third = project.Build("-v:d");
        AssertSucceeded(third);
        AssertRan(third, TrainTarget);
        Assert.True(File.GetLastWriteTimeUtc(model) > modelTime, "the model was not retrained after the data changed");
    }

    [Fact]
    public void A_failed_quality_gate_in_a_training_build_is_a_build_error_at_the_gates_line_in_the_yaml()
    {
        var project = fixture.CreateProject("gated", train: true);
        // Line 14: a gate iris passes; line 16: one no model reaches (log loss at most 0.0001); line 18: the same as line 14
        // with 'require: interval', which the spec's holdout protocol (one split, no interval) cannot satisfy.
        File.WriteAllText(project.SpecFile, File.ReadAllText(project.SpecFile).TrimEnd() + "\n" + """
            gates:
              - metric: micro_accuracy
                min: 0.5
              - metric: log_loss
                max: 0.0001
              - metric: micro_accuracy
                min: 0.5
                require: interval

            """);
        var build = project.Build();
        Assert.True(build.ExitCode != 0, "expected the build to fail on the gate:\n" + build.Tail());
        Assert.Matches(@"pipeline\.yaml\(16,5\): error PG0410: log_loss \d+\.\d+ .*is above the gate 0\.0001\. The model is kept as candidate version", build.Output);
        Assert.Matches(@"pipeline\.yaml\(18,5\): error PG0410: micro_accuracy [\d.]+ \(one split: no interval\) fails \(require: interval\): .*'require: mean'\. The model is kept", build.Output);
        Assert.DoesNotContain("pipeline.yaml(14,5): error PG0410", build.Output);
        Assert.DoesNotContain("error PG9003", build.Output); // the located error says it all
        // The candidate exists, but nothing is current and no model was copied to the output.
        var versions = Path.Combine(project.Directory, ".pipelinegen", "models", "Iris");
        Assert.Single(Directory.GetDirectories(versions), d => !Path.GetFileName(d).StartsWith('.'));
        Assert.False(File.Exists(Path.Combine(versions, "current")));
        Assert.False(File.Exists(Path.Combine(project.OutputDirectory, "Iris.zip")));
    }

    [Fact]
    public void A_published_app_predicts_from_its_publish_folder_after_the_project_folder_is_gone_and_the_editor_schema_is_written()
    {
        // Issue #10: the generated settings held the build machine's folder, so a published app looked for its model there.
        var project = fixture.CreateProject("publish", train: true);
        // A project made without the template: the editor-schema line alone gets the package's schema written beside the spec.
        File.WriteAllText(project.SpecFile, "# yaml-language-server: $schema=pipeline.schema.json\n" + File.ReadAllText(project.SpecFile));
        AssertSucceeded(project.Build());
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "schemas", "pipeline.schema.json")),
            File.ReadAllText(Path.Combine(project.Directory, "pipeline.schema.json")));
        var publishDir = Path.Combine(fixture.Root, "publish-out");
        var publish = DotnetCli.Run(project.Directory, TimeSpan.FromMinutes(5), ["publish", "-nodeReuse:false", "-o", publishDir]);
        AssertSucceeded(publish);
        Assert.True(File.Exists(Path.Combine(publishDir, "Iris.zip")), "no model in the publish folder:\n" + publish.Tail());
        Assert.True(File.Exists(Path.Combine(publishDir, "Iris.profile.json")));

        // Nothing of the project is left where it was built; the app runs from an unrelated working directory.
        System.IO.Directory.Move(project.Directory, project.Directory + "-moved");
        var elsewhere = System.IO.Directory.CreateDirectory(Path.Combine(fixture.Root, "run-elsewhere")).FullName;
        var predict = DotnetCli.Run(elsewhere, TimeSpan.FromMinutes(2), [Path.Combine(publishDir, "App.dll"), "predict", "--json",
            "{\"sepal_length\": 6.9, \"sepal_width\": 3.1, \"petal_length\": 5.4, \"petal_width\": 2.1}"]);
        Assert.True(predict.ExitCode == 0, predict.Tail());
        Assert.Contains("virginica", predict.Output);
        Assert.DoesNotContain("-moved", predict.Output);
    }

    [Fact]
    public void Training_in_a_folder_named_with_backticks_runs_no_shell_and_a_kill_9_of_the_build_ends_the_training_child()
    {
        // Issue #9: with <Exec>, the shell ran `touch INJECTED` from the folder name; and a build killed with SIGKILL left
        // the `train` child running on its own.
        var project = fixture.CreateProject("inj `touch INJECTED` x", train: true);
        // The program lingers after training when asked, so the test can kill the build while its child is alive.
        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"), """
            using App;
            var code = IrisPipeline.RunCommandLine(args);
            if (args.Length > 0 && args[0] == "train" && Environment.GetEnvironmentVariable("PG_IT_LINGER_PIDFILE") is { Length: > 0 } pidFile)
            {
                File.WriteAllText(pidFile, Environment.ProcessId.ToString());
                Thread.Sleep(TimeSpan.FromMinutes(10));
            }
            return code;
            """);
        var pidFile = Path.Combine(fixture.Root, "train-child-" + Guid.NewGuid().ToString("N") + ".pid");
        var output = new System.Text.StringBuilder();
        using var build = DotnetCli.Start(project.Directory, output, new Dictionary<string, string> { ["PG_IT_LINGER_PIDFILE"] = pidFile },
            "build", "-nodeReuse:false");
        int child = 0;
        try
        {
            var until = DateTime.UtcNow.AddMinutes(6);
            while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
            {
                Assert.False(build.HasExited, "the build ended before training started:\n" + output);
                Assert.True(DateTime.UtcNow < until, "training did not start within 6 minutes:\n" + output);
                Thread.Sleep(250);
            }
            child = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
            // A model is one version folder made current by the pointer models/Iris/current.
            Assert.True(File.Exists(Path.Combine(project.Directory, ".pipelinegen", "models", "Iris", "current")), "the training step did not save a model:\n" + output);
            Assert.Empty(Directory.GetFiles(fixture.Root, "INJECTED*", SearchOption.AllDirectories));

            build.Kill(); // SIGKILL: the build cannot clean up
            build.WaitForExit();
            var killed = System.Diagnostics.Stopwatch.StartNew();

            var gone = DateTime.UtcNow.AddSeconds(20);
            while (IsAlive(child))
            {
                Assert.True(DateTime.UtcNow < gone, $"the training child {child} still runs 20 s after the build was killed");
                Thread.Sleep(100);
            }
            log.WriteLine($"training child {child} ended {killed.ElapsedMilliseconds} ms after the build process was killed");
        }
        finally
        {
            if (!build.HasExited) build.Kill(entireProcessTree: true);
            if (child > 0 && IsAlive(child)) System.Diagnostics.Process.GetProcessById(child).Kill();
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
