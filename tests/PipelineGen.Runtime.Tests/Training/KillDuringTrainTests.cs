using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;
using PipelineGen.Runtime.Training;
using Xunit.Abstractions;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// Real crashes: a child process (tests/PipelineGen.FaultHost, the Titanic stand-in behind <c>PipelineApp.Run</c>) runs
/// <c>train</c> and is killed with SIGKILL (<see cref="Process.Kill()"/>) at a named stage (it waits there when
/// <see cref="ModelStore.FaultPauseVariable"/> asks), in the middle of the fit, or after a random delay (fixed seed).
/// After each kill the previous model must still be current and loadable (or, past the pointer replacement, the new
/// one), no version folder may be half-written, the test-set look must survive, and the next <c>train</c> process must
/// remove the leftovers and succeed. Also: two <c>test</c> processes at once record exactly one first look.
/// </summary>
public sealed class KillDuringTrainTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string HostDll = typeof(KillDuringTrainTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHost").Value!;
    private static readonly TimeSpan StageTimeout = TimeSpan.FromSeconds(60);

    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();
    private readonly List<Process> _children = [];
    private int _runs;

    public void Dispose()
    {
        // A failed assertion can leave a child sleeping at its pause stage: end the ones this test started.
        foreach (var child in _children)
        {
            try { if (!child.HasExited) { child.Kill(); child.WaitForExit(); } }
            catch (InvalidOperationException) { }
            child.Dispose();
        }
        Directory.Delete(_project, recursive: true);
    }

    private string ModelPath => Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");
    private string Versions => ModelStore.VersionsDirectory(ModelPath);
    private string CurrentVersion => File.ReadAllText(ModelStore.PointerPath(ModelPath)).Trim();

    /// <summary>A child running the FaultHost with <paramref name="args"/>; its stages go to the returned marker file.</summary>
    private (Process Process, string Marker, StringWriter Output) Start(string command, string? pause = null, int? iterations = null, double? gateAuc = null, string[]? extra = null)
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        var marker = Path.Combine(_project, $"stages-{++_runs}.txt");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { HostDll, _project, command }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[ModelStore.FaultMarkerVariable] = marker;
        if (pause is not null) start.Environment[ModelStore.FaultPauseVariable] = pause;
        if (iterations is not null) start.Environment["PIPELINEGEN_FAULTHOST_ITERATIONS"] = iterations.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (gateAuc is not null) start.Environment["PIPELINEGEN_FAULTHOST_GATE_AUC"] = gateAuc.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var argument in extra ?? []) start.ArgumentList.Add(argument);
        // The child ends itself if this test host dies (kill -9 of the runner must not leave sleeping children).
        start.Environment["PIPELINEGEN_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = new StringWriter();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
        process.Start();
        _children.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, marker, output);
    }

    private (int Exit, string Output) RunToEnd(string command)
    {
        var (process, _, output) = Start(command);
        using (process)
        {
            if (!process.WaitForExit(StageTimeout))
            {
                process.Kill();
                Assert.Fail($"'{command}' did not finish in {StageTimeout.TotalSeconds} s");
            }
            process.WaitForExit(); // drains the output
            lock (output) return (process.ExitCode, output.ToString());
        }
    }

    private static string[] Stages(string marker) => File.Exists(marker) ? File.ReadAllLines(marker) : [];

    private static void WaitForStage(Process process, string marker, string stage)
    {
        var deadline = DateTime.UtcNow + StageTimeout;
        while (!Stages(marker).Contains(stage))
        {
            Assert.False(process.HasExited, $"the child ended (exit {(process.HasExited ? process.ExitCode : 0)}) before reaching '{stage}'");
            Assert.True(DateTime.UtcNow < deadline, $"the child did not reach '{stage}' in {StageTimeout.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }

    private static void KillHard(Process process)
    {
        process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no cleanup
        Assert.True(process.WaitForExit(StageTimeout), "the killed child did not end");
    }

    /// <summary>Every version folder is complete (model + cards + profile, model hash = card's ModelSha256) and the current one loads.</summary>
    private void AssertStoreIsWhole()
    {
        var current = CurrentVersion;
        Assert.False(current.StartsWith('.'), $"the pointer names a staging folder: {current}");
        foreach (var version in Directory.EnumerateDirectories(Versions).Where(d => !Path.GetFileName(d).StartsWith('.')))
        {
            var model = Path.Combine(version, ModelStore.ModelFileName);
            foreach (var file in new[] { model, ModelCard.JsonPath(model), ModelCard.MarkdownPath(model), TrainingProfile.PathFor(model) })
                Assert.True(File.Exists(file), $"version folder {Path.GetFileName(version)} lacks {Path.GetFileName(file)}");
            Assert.Equal(FileHash.Sha256(model), ModelCard.TryRead(model)!.ModelSha256);
        }
        Assert.Equal(Path.Combine(Versions, current, ModelStore.ModelFileName), ModelStore.Resolve(ModelPath));
        ModelStore.Load(new MLContext(seed: 1), ModelPath, out _);
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks); // the look taken before the kills is never lost
    }

    /// <summary>Any temporary file or staging folder anywhere under the models folder.</summary>
    private string[] Leftovers() =>
        Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(ModelPath)!, "*", SearchOption.AllDirectories)
            .Where(e => Path.GetFileName(e).EndsWith(".tmp", StringComparison.Ordinal)).ToArray();

    /// <summary>Leftovers as the cleaner counts them: a staging folder is one entry, whatever it holds.</summary>
    private int TopLevelLeftovers() => Leftovers().Count(e => !Path.GetDirectoryName(e)!.EndsWith(".tmp", StringComparison.Ordinal));

    /// <summary>The starting state, in-process (it is not what is tested, and a child process costs seconds): a model and one test-set look.</summary>
    private void TrainAndLookOnce()
    {
        var pipeline = new TitanicTestPipeline(_project);
        Assert.Equal(0, TrainStep.Run(pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));
        var output = new StringWriter();
        Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null));
        Assert.Contains("First look", output.ToString());
    }

    /// <summary>After a kill: the store is whole, then the next train removes what the kill left and makes a new version current.</summary>
    private (int Left, string LastStage) CheckAndRecover(string marker, string previous, bool newVersionMayBeCurrent)
    {
        var stages = Stages(marker);
        var last = stages.LastOrDefault() ?? "(none: killed during start-up)";
        if (!newVersionMayBeCurrent) Assert.Equal(previous, CurrentVersion);
        AssertStoreIsWhole();
        var left = TopLevelLeftovers();

        var (exit, output) = RunToEnd("train");
        Assert.True(exit == 0, output);
        if (left > 0) Assert.Contains($"removed {left} temporary", output);
        Assert.Empty(Leftovers());
        Assert.NotEqual(previous, CurrentVersion);
        AssertStoreIsWhole();
        return (left, last);
    }

    [Theory]
    [InlineData("fit-started")]
    [InlineData("model-fitted")]
    [InlineData("model-saved")]
    [InlineData("card-json-written")]
    [InlineData("version-written")]
    [InlineData("version-renamed")]
    [InlineData("pointer-temp-written")]
    [InlineData("pointer-replaced")]
    public void AKill9AtAStageLeavesAWholeStoreAndTheNextTrainCleansUp(string stage)
    {
        TrainAndLookOnce();
        var previous = CurrentVersion;

        var (process, marker, _) = Start("train", pause: stage);
        using (process)
        {
            WaitForStage(process, marker, stage);
            KillHard(process);
        }
        Assert.Equal(stage, Stages(marker).Last());
        if (stage == "pointer-replaced") Assert.NotEqual(previous, CurrentVersion); // past the commit point: the new, complete version
        var (left, _) = CheckAndRecover(marker, previous, newVersionMayBeCurrent: stage == "pointer-replaced");
        log.WriteLine($"kill at {stage}: {left} leftover(s) removed by the next train; data lost: 0");
    }

    /// <summary>
    /// Killed while pruning the oldest version (renamed away, not yet deleted): the new version is current and whole, no
    /// half-deleted version is left, and the next train removes the renamed folder.
    /// </summary>
    [Fact]
    public void AKill9WhilePruningAnOldVersionLeavesNoHalfVersion()
    {
        TrainAndLookOnce();
        for (int i = 1; i < ModelStore.VersionsKept; i++)
            Assert.Equal(0, TrainStep.Run(new TitanicTestPipeline(_project), new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));
        var previous = CurrentVersion;

        var (process, marker, _) = Start("train", pause: "version-pruning");
        using (process)
        {
            WaitForStage(process, marker, "version-pruning");
            KillHard(process);
        }
        Assert.NotEqual(previous, CurrentVersion); // the pointer was replaced before pruning started
        var (left, _) = CheckAndRecover(marker, previous, newVersionMayBeCurrent: true);
        Assert.Equal(1, left);
    }

    /// <summary>
    /// A gated train whose model fails its gate (auc ≥ 0.999) writes a candidate version and never touches the pointer:
    /// killed while writing or renaming that version, or left to finish (exit 1), the previous model stays current and whole.
    /// </summary>
    [Theory]
    [InlineData("version-written")]
    [InlineData("version-renamed")]
    [InlineData(null)]
    public void AGatedTrainThatFailsItsGateNeverMovesThePointerKilledOrNot(string? stage)
    {
        TrainAndLookOnce();
        var previous = CurrentVersion;
        var (process, marker, output) = Start("train", pause: stage, gateAuc: 0.999);
        using (process)
        {
            if (stage is null)
            {
                Assert.True(process.WaitForExit(StageTimeout), "the gated train did not finish");
                process.WaitForExit();
                Assert.Equal(1, process.ExitCode);
                lock (output) Assert.Contains("error PG0410: auc", output.ToString());
            }
            else
            {
                WaitForStage(process, marker, stage);
                KillHard(process);
            }
        }
        Assert.DoesNotContain("pointer-temp-written", Stages(marker));
        Assert.Equal(previous, CurrentVersion);
        AssertStoreIsWhole();
        CheckAndRecover(marker, previous, newVersionMayBeCurrent: false);
    }

    /// <summary>
    /// 'models rollback' replaces the pointer the same atomic way: killed after writing the temporary pointer or after the
    /// rename, the pointer names the old or the rolled-back version, complete and loadable.
    /// </summary>
    [Theory]
    [InlineData("pointer-temp-written")]
    [InlineData("pointer-replaced")]
    public void AKill9DuringRollbackLeavesAWholePointer(string stage)
    {
        TrainAndLookOnce();
        var first = CurrentVersion;
        Assert.Equal(0, TrainStep.Run(new TitanicTestPipeline(_project), new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));
        var second = CurrentVersion;
        Assert.NotEqual(first, second);

        var (process, marker, _) = Start("models", pause: stage, extra: ["rollback", "--reason", "kill test"]);
        using (process)
        {
            WaitForStage(process, marker, stage);
            KillHard(process);
        }
        Assert.Equal(stage == "pointer-replaced" ? first : second, CurrentVersion);
        AssertStoreIsWhole();
        Assert.DoesNotContain(Leftovers(), l => !Path.GetFileName(l).StartsWith(".current", StringComparison.Ordinal));
    }

    [Fact]
    public void AKill9InTheMiddleOfTheFitLeavesThePreviousModel()
    {
        TrainAndLookOnce();
        var previous = CurrentVersion;

        // 20,000 LightGBM iterations take seconds; the kill lands 300 ms into them.
        var (process, marker, _) = Start("train", iterations: 20_000);
        using (process)
        {
            WaitForStage(process, marker, "fit-started");
            Thread.Sleep(300);
            KillHard(process);
        }
        Assert.Equal("fit-started", Stages(marker).Last());
        var (left, _) = CheckAndRecover(marker, previous, newVersionMayBeCurrent: false);
        log.WriteLine($"kill during the fit: {left} leftover(s); data lost: 0");
    }

    [Fact]
    public void Kill9AtRandomMomentsNeverLosesTheModel()
    {
        TrainAndLookOnce();
        // How long a full run spends from the start of the fit to its end; the kills land at random moments in that
        // span plus a fifth (start-up is left out: nothing is written before the fit).
        var (full, fullMarker, _) = Start("train");
        TimeSpan span;
        using (full)
        {
            WaitForStage(full, fullMarker, "fit-started");
            var watch = Stopwatch.StartNew();
            Assert.True(full.WaitForExit(StageTimeout));
            span = watch.Elapsed * 1.2;
            Assert.Equal(0, full.ExitCode);
        }

        var random = new Random(20261130);
        var landed = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var previous = CurrentVersion;
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * span.TotalMilliseconds);
            var (process, marker, _) = Start("train");
            using (process)
            {
                WaitForStage(process, marker, "fit-started");
                Thread.Sleep(delay);
                if (!process.HasExited) KillHard(process);
                else process.WaitForExit();
            }
            // A kill after the pointer was replaced (or a run that finished first) leaves the new, complete version current.
            var (left, last) = CheckAndRecover(marker, previous, newVersionMayBeCurrent: Stages(marker).Contains("pointer-temp-written"));
            landed.Add($"{delay.TotalMilliseconds:0} ms -> {last} ({left} leftover(s))");
        }
        log.WriteLine($"fit start to exit {span.TotalMilliseconds / 1.2:0} ms; kills after fit-started: " + string.Join("; ", landed));
    }

    [Fact]
    public void TwoTestProcessesAtOnceGiveExactlyOneFirstLook()
    {
        Assert.Equal(0, RunToEnd("train").Exit);
        var children = new[] { Start("test"), Start("test") };
        var results = children.Select(c =>
        {
            using var process = c.Process;
            Assert.True(process.WaitForExit(StageTimeout), "a test process did not finish");
            process.WaitForExit();
            lock (c.Output) return (Exit: process.ExitCode, Output: c.Output.ToString());
        }).ToArray();

        Assert.Single(results, r => r.Exit == 0);
        Assert.Single(results, r => r.Exit == 1);
        Assert.Single(results, r => r.Output.Contains("First look", StringComparison.Ordinal));
        Assert.Single(ModelCard.TryRead(ModelPath)!.TestLooks);
    }
}
