using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// A real <c>tune</c> process (the FaultHost's tunable Titanic stand-in behind <c>PipelineApp.Run</c>) stopped from
/// outside in the middle of its study — SIGKILL (no chance to clean up) or SIGTERM (a container stop) — and resumed with
/// <c>--resume</c> in a new process: the journal then holds exactly the trials of the same study run without a stop
/// (same numbers, configurations and scores), nothing finished lost or run twice. The in-process tests
/// (<see cref="StudyTests"/>) simulate the kill by cancellation; these end the process the way a user's machine does.
/// </summary>
public sealed class TuneSignalProcessTests : IDisposable
{
    private static readonly string HostDll = typeof(TuneSignalProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHost").Value!;

    private const int Trials = 8;

    /// <summary>The study's options: the same in the uninterrupted run, the stopped run and its resumption.</summary>
    private static readonly string[] StudyArgs = ["tune", "--trials", $"{Trials}", "--seed", "5", "--no-lock", "--rescore", "0"];

    private readonly List<string> _projects = [];
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes) { try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { } p.Dispose(); }
        foreach (var dir in _projects) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_tune_process_killed_with_SIGKILL_mid_study_resumes_to_exactly_the_uninterrupted_study()
    {
        var uninterrupted = RunToEnd(NewProject(), StudyArgs);
        var project = NewProject();
        var process = Start(project, StudyArgs);
        int before = WaitForJournaledTrials(project, process, 2);
        process.Kill(); // SIGKILL on Linux: no handler runs
        Assert.True(process.WaitForExit(60_000));
        int journaled = JournaledTrials(project).Count;
        Assert.InRange(journaled, before, Trials - 1);

        var resumed = RunToEnd(project, [.. StudyArgs, "--resume"]);
        Assert.Contains("resuming the latest study", resumed.Output);
        Assert.Equal(Describe(JournaledTrials(uninterrupted.Project)), Describe(JournaledTrials(project)));
    }

    [Fact]
    public void A_tune_process_stopped_with_SIGTERM_says_what_is_journaled_and_its_resume_command_completes_the_same_study()
    {
        var uninterrupted = RunToEnd(NewProject(), StudyArgs);
        var project = NewProject();
        var process = Start(project, StudyArgs);
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        WaitForJournaledTrials(project, process, 2);
        Assert.Equal(0, Kill(process.Id, Sigterm));
        Assert.True(process.WaitForExit(60_000), "tune did not stop on SIGTERM");
        process.WaitForExit(); // the output readers have drained
        Assert.Equal(128 + Sigterm, process.ExitCode); // terminated by the signal, as its handler lets it be

        string message;
        lock (stderr) message = stderr.ToString();
        var journaled = JournaledTrials(project).Count;
        var said = System.Text.RegularExpressions.Regex.Match(message, @"stopped \(SIGTERM\): tune stops now\. The (\d+) trial\(s\) finished in this session are journaled in (\S+) ");
        Assert.True(said.Success, message);
        Assert.Equal(Path.Combine(project, ".pipelinegen", "tune.db"), said.Groups[2].Value);
        // The count is read when the signal arrives; a trial finishing while the message is written is journaled too.
        Assert.InRange(journaled, int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1);
        Assert.InRange(journaled, 2, Trials - 1);
        // The printed command is this process's own arguments (the FaultHost's first is the project folder) plus --resume;
        // it is run exactly as printed.
        var printed = System.Text.RegularExpressions.Regex.Match(message, @"Continue the study \(same proposals, nothing finished is run again\) with: (.+)");
        Assert.True(printed.Success, message);
        var resumeArgs = printed.Groups[1].Value.Trim().Split(' ');
        Assert.Equal([project, .. StudyArgs, "--resume"], resumeArgs);

        RunToEnd(resumeArgs[0], resumeArgs[1..]);
        Assert.Equal(Describe(JournaledTrials(uninterrupted.Project)), Describe(JournaledTrials(project)));
    }

    [Fact]
    public void Worker_processes_end_with_a_tune_process_stopped_by_SIGTERM()
    {
        var project = NewProject();
        string[] args = [.. StudyArgs, "--workers", "2"];
        var process = Start(project, args);
        WaitForJournaledTrials(project, process, 2);
        var workers = ProcessesNaming(project).Where(pid => pid != process.Id).ToArray();
        Assert.NotEmpty(workers); // the study runs its trials in worker processes
        Assert.Equal(0, Kill(process.Id, Sigterm));
        Assert.True(process.WaitForExit(60_000), "tune did not stop on SIGTERM");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ProcessesNaming(project).Length > 0 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.Empty(ProcessesNaming(project)); // no worker outlives its study (it would hold a core and the journal's folder)

        RunToEnd(project, [.. args, "--resume"]);
        var trials = JournaledTrials(project);
        Assert.Equal(Enumerable.Range(0, Trials), trials.Select(t => t.Number).Order());
        Assert.All(trials, t => Assert.Equal("complete", t.State));
    }

    /// <summary>Live processes whose command line names <paramref name="project"/> (the tune process and its workers).</summary>
    private static int[] ProcessesNaming(string project) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(project) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal); }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            }).ToArray();

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private string NewProject()
    {
        var dir = TitanicTestPipeline.NewProjectDirectory();
        _projects.Add(dir);
        return dir;
    }

    private Process Start(string project, string[] args)
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostDll, project }.Concat(args)) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { }; // drained, so a full pipe never blocks the study
        process.BeginOutputReadLine();
        return process;
    }

    private (string Project, string Output) RunToEnd(string project, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostDll, project }.Concat(args)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(240_000), "tune did not finish in 4 minutes");
        process.WaitForExit();
        string output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output}");
        return (project, output);
    }

    /// <summary>Polls the journal until it holds <paramref name="count"/> trials; fails if the process ends first.</summary>
    private static int WaitForJournaledTrials(string project, Process process, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "tune ended before it could be stopped mid-study");
            if (File.Exists(JournalPath(project)) && JournaledTrials(project) is { Count: var n } && n >= count) return n;
            Thread.Sleep(50);
        }
        Assert.Fail($"the journal did not reach {count} trials in 3 minutes");
        return 0;
    }

    private static string JournalPath(string project) => Path.Combine(project, ".pipelinegen", "tune.db");

    private static IReadOnlyList<TrialRecord> JournaledTrials(string project)
    {
        using var journal = new TuningJournal(JournalPath(project));
        return journal.LatestStudy("Titanic") is { } study ? journal.Trials(study.Id) : [];
    }

    private static string[] Describe(IReadOnlyList<TrialRecord> trials) =>
        trials.OrderBy(t => t.Number).Select(t => $"{t.Number} {t.State} {string.Join(",", t.Configuration.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value:R}"))} {t.Value:R}").ToArray();
}
