using System.Diagnostics;
using System.Reflection;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// A real "disk full" while journaling: a <c>tune</c> process (tests/PipelineGen.FaultHost) runs with its file size
/// limited (<c>ulimit -f</c>, RLIMIT_FSIZE, with SIGXFSZ ignored so a write past the limit fails with EFBIG, as a write to
/// a full disk fails with ENOSPC). The journal's write-ahead log grows with every trial until a commit cannot be
/// written: the study must stop with exit 2 and the reason, every trial journaled before must still be there, and a
/// resume (without the limit) must continue the same study without losing or repeating one.
/// </summary>
public sealed class JournalDiskFullTests : IDisposable
{
    private static readonly string HostDll = typeof(JournalDiskFullTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHost").Value!;

    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_project, recursive: true);
    }

    private (int Exit, string Output) Tune(int? fileSizeLimitKb, params string[] args)
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        var command = string.Join(' ', new[] { "dotnet", HostDll, _project, "tune" }.Concat(args).Select(a => "'" + a + "'"));
        var script = fileSizeLimitKb is { } kb ? $"trap '' XFSZ; ulimit -f {kb}; exec {command}" : $"exec {command}";
        var start = new ProcessStartInfo("/bin/bash") { ArgumentList = { "-c", script }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Without W^X the runtime needs no double-mapped file for its code, which the size limit would also hit.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "tune did not finish in 3 minutes");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Theory]
    [InlineData("random", 8)]
    [InlineData("halving", 9)]
    public void A_full_disk_stops_the_study_cleanly_and_a_resume_loses_and_repeats_nothing(string strategy, int trials)
    {
        var (exit, output) = Tune(100, // KB; journal schema 4 (shared halving tables) costs six more pages
            "--strategy", strategy, "--trials", trials.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sampler", "random");
        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("could not journal trial", output);
        Assert.Contains("journaled before are kept", output);
        Assert.Contains("run 'tune --resume'", output);

        var db = Path.Combine(_project, ".pipelinegen", "tune.db");
        IReadOnlyList<TrialRecord> before;
        IReadOnlyList<RungResult> rungsBefore;
        string studyId;
        using (var journal = new TuningJournal(db))
        {
            studyId = journal.LatestStudy("Titanic")!.Id;
            before = journal.Trials(studyId);
            rungsBefore = journal.Rungs(studyId);
        }
        Assert.True(before.Count + rungsBefore.Count > 0, "nothing was journaled before the disk was full: raise the limit");
        Assert.True(before.Count < trials, $"the disk never filled ({before.Count} trials journaled)");

        (exit, output) = Tune(null, "--resume", "--strategy", strategy, "--trials", trials.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sampler", "random");
        Assert.True(exit == 0, $"exit {exit}: {output}");
        using (var journal = new TuningJournal(db))
        {
            Assert.Equal(studyId, journal.LatestStudy("Titanic")!.Id);
            var after = journal.Trials(studyId);
            // Halving's --trials counts the brackets' configurations; trial 1, the starting point, is one more (once).
            Assert.Equal(Enumerable.Range(0, strategy == "halving" ? trials + 1 : trials), after.Select(t => t.Number));
            Assert.Single(after, t => t.Configuration.IsStartingPoint);
            static string Key(TrialRecord t) => $"{t.State} {t.Value:R} " + string.Join(",", t.Configuration.Select(kv => $"{kv.Key}={kv.Value:R}"));
            foreach (var t in before)
                Assert.Equal(Key(t), Key(after.Single(a => a.Number == t.Number)));
            var rungsAfter = journal.Rungs(studyId);
            foreach (var r in rungsBefore)
                Assert.Equal(r.Value, rungsAfter.Single(a => a.Trial == r.Trial && a.Rung == r.Rung).Value);
            Assert.Equal(rungsAfter.Count, rungsAfter.Select(r => (r.Trial, r.Rung)).Distinct().Count());
        }
    }
}
