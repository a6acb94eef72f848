using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>Runs alone: it replaces the process's console, where the service's logger writes.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

/// <summary>
/// A failed start of <c>serve</c> says what is wrong in one line on stderr (exit 2). The service's console logger also
/// printed the host's "Hosting failed to start" with the exception's whole stack trace to standard output (found with a
/// corrupt model file and a port in use), against the rule that no stack trace reaches the user.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public sealed class ServingStartupOutputTests
{
    [Fact]
    public void A_failed_start_prints_the_reason_once_and_no_stack_trace()
    {
        var pipeline = new TitanicServingPipeline(TitanicServingPipeline.NewProjectDirectory());
        ServingHost.Train(pipeline);
        File.WriteAllText(ModelStore.Resolve(ModelStore.DefaultModelPath(pipeline.Settings)), "this is not a zip");

        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        int exit;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            exit = PipelineApp.Run(["serve", "--port", "0"], pipeline, stdout, stderr,
                [new ServeCommandContributor<TitanicRow, TitanicScore>()], runStorePath: Path.Combine(pipeline.Settings.ProjectDirectory, "runs.db"));
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("cannot be loaded", stderr.ToString());
        var everything = console + stdout.ToString() + stderr;
        Assert.DoesNotContain("Hosting failed to start", everything);
        Assert.DoesNotContain("   at ", everything);
    }
}
