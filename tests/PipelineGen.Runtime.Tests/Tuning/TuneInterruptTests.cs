using System.Runtime.InteropServices;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// What Ctrl-C (SIGINT) or SIGTERM during <c>tune</c> prints (<see cref="TuningInterrupt"/>): what is kept and the command
/// that continues the study. Before, the process died printing nothing. (Sending the signal to a real tune process from
/// this test host did not reach the handler — the child ignored it, unlike the same command from a shell — so the
/// process side is checked by hand, docs/runtime-tuning.md "Interrupting a study".)
/// </summary>
public sealed class TuneInterruptTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void The_message_says_what_is_journaled_where_and_how_to_continue()
    {
        var pipeline = new TunableTitanicPipeline(_project, new TuningSettings { Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 2, 8)] });
        var text = TuningInterrupt.Message(PosixSignal.SIGINT, pipeline, new TuneOptions(), 4, ["tune", "--trials", "10"]);
        Assert.Equal($"interrupted (Ctrl-C): tune stops now. The 4 trial(s) finished in this session are journaled in {Path.Combine(_project, ".pipelinegen", "tune.db")} "
            + "(each in its own transaction), with the study's earlier ones; a trial that was running is not, and runs again when you resume. "
            + "Continue the study (same proposals, nothing finished is run again) with: tune --trials 10 --resume", text);
        Assert.StartsWith("stopped (SIGTERM): tune stops now.", TuningInterrupt.Message(PosixSignal.SIGTERM, pipeline, new TuneOptions { JournalPath = "/x/j.db" }, 0, ["tune"]));
        Assert.Contains("journaled in /x/j.db", TuningInterrupt.Message(PosixSignal.SIGTERM, pipeline, new TuneOptions { JournalPath = "/x/j.db" }, 0, ["tune"]));
    }

    [Fact]
    public void The_resume_command_is_the_same_arguments_with_resume()
    {
        Assert.Equal("tune --trials 8 --resume", TuningInterrupt.ResumeCommand(["tune", "--trials", "8"], resume: true));
        Assert.Equal("classes tune --resume", TuningInterrupt.ResumeCommand(["classes", "tune", "--resume"], resume: true));
        Assert.Equal("tune --data 'my data.csv' --resume", TuningInterrupt.ResumeCommand(["tune", "--data", "my data.csv"], resume: true));
        // 'run' was interrupted in its tune step: the study continues with tune.
        Assert.Equal("tune --resume", TuningInterrupt.ResumeCommand(["run"], resume: true));
        // A shared study is rejoined as it was started.
        Assert.Equal("tune --trials 8", TuningInterrupt.ResumeCommand(["tune", "--trials", "8"], resume: false));
        var pipeline = new TunableTitanicPipeline(_project, new TuningSettings { Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 2, 8)] });
        var shared = TuningInterrupt.Message(PosixSignal.SIGINT, pipeline, new TuneOptions { Storage = "Host=db" }, 3, ["tune"]);
        Assert.Contains("The 3 trial(s) this worker finished are recorded in the shared study", shared);
        Assert.EndsWith("Rejoin the study with the same options: tune", shared);
    }
}
