using System.Runtime.InteropServices;
using PipelineGen.Runtime.Tuning;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM while <c>tune</c> runs: the study stops at once, as after a kill (ML.NET cannot cancel a
/// running fit), and says what is kept and how to continue. Nothing has to be written at that moment: every finished
/// trial (or rung evaluation) is already journaled in its own transaction, a running one is not and runs again on
/// resume, and worker processes end with their parent. Before, the process just died, printing nothing.
/// </summary>
internal sealed class TuningInterrupt : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    private TuningInterrupt(PosixSignalRegistration[] registrations) => _registrations = registrations;

    /// <param name="error">Where the message goes (stderr).</param>
    /// <param name="pipeline">The pipeline tuned (its journal's default path).</param>
    /// <param name="options">The study's options (journal path, shared storage).</param>
    /// <param name="finished">Trials finished in this session so far (read when the signal arrives).</param>
    public static TuningInterrupt Register(TextWriter error, ITunablePipeline pipeline, TuneOptions options, Func<int> finished)
    {
        void Handle(PosixSignalContext context)
        {
            try
            {
                error.WriteLine(Message(context.Signal, pipeline, options, finished(), Environment.GetCommandLineArgs().Skip(1).ToArray()));
                error.Flush();
            }
            catch (IOException) { } // a closed stderr must not keep the process alive
            context.Cancel = false; // terminate as the signal asks
        }
        return new TuningInterrupt([PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]);
    }

    /// <summary>What is kept and the command that continues the study (<paramref name="args"/>: this process's arguments).</summary>
    internal static string Message(PosixSignal signal, ITunablePipeline pipeline, TuneOptions options, int finished, IReadOnlyList<string> args)
    {
        string name = signal == PosixSignal.SIGINT ? "interrupted (Ctrl-C)" : "stopped (SIGTERM)";
        string again = ResumeCommand(args, options.Storage is null);
        if (options.Storage is not null)
            return $"{name}: tune stops now. The {finished} trial(s) this worker finished are recorded in the shared study; a trial it was running is marked lost after --heartbeat-timeout "
                + $"(run again by a worker with --retry-lost). Rejoin the study with the same options: {again}";
        string journal = options.JournalPath ?? TuningJournal.DefaultPath(pipeline.Settings);
        return $"{name}: tune stops now. The {finished} trial(s) finished in this session are journaled in {journal} (each in its own transaction), with the study's earlier ones; "
            + "a trial that was running is not, and runs again when you resume. "
            + $"Continue the study (same proposals, nothing finished is run again) with: {again}";
    }

    /// <summary>The same arguments with --resume (a shared study is rejoined without it); 'tune --resume' when this was 'run'.</summary>
    internal static string ResumeCommand(IReadOnlyList<string> args, bool resume)
    {
        int tune = args.ToList().IndexOf("tune");
        if (tune < 0) return resume ? "tune --resume" : "tune";
        var kept = args.ToList();
        if (resume && !kept.Contains("--resume")) kept.Add("--resume");
        return string.Join(" ", kept.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'"));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
