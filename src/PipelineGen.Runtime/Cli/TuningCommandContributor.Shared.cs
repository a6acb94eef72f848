using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>tune --storage</c> (a study shared through PostgreSQL by many workers) and <c>tune --status</c>.</summary>
internal sealed partial class TuningCommandContributor
{
    /// <summary>The options of shared studies, added to <c>tune</c>.</summary>
    internal sealed class SharedOptions
    {
        private readonly Option<string?> _storage = new("--storage")
        {
            Description = $"PostgreSQL connection string of a study shared by many tune processes (any machine; each joins the same study). Default: ${SharedTuning.EnvironmentVariable}, else the local SQLite journal. Keep the password out of it (PGPASSWORD or ~/.pgpass).",
        };
        private readonly Option<bool> _retryLost = new("--retry-lost") { Description = "Shared study: run the trial of a lost worker (no heartbeat within --heartbeat-timeout) again on another worker." };
        private readonly Option<string?> _heartbeatTimeout = new("--heartbeat-timeout") { Description = "Shared study: a running trial without a heartbeat for this long is marked failed, 'worker lost' (default 60s)." };
        private readonly Option<bool> _status = new("--status") { Description = "Print the latest study of this pipeline (workers, running, finished, failed, best so far) from the storage and exit; runs no trial." };

        public static SharedOptions AddTo(Command command)
        {
            var o = new SharedOptions();
            command.Options.Add(o._storage);
            command.Options.Add(o._retryLost);
            command.Options.Add(o._heartbeatTimeout);
            command.Options.Add(o._status);
            return o;
        }

        public bool Status(ParseResult parse) => parse.GetValue(_status);

        /// <summary>--storage, else the environment variable; empty means none.</summary>
        public string? Storage(ParseResult parse)
        {
            var text = parse.GetValue(_storage) ?? Environment.GetEnvironmentVariable(SharedTuning.EnvironmentVariable);
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        public TuneOptions Apply(ParseResult parse, TuneOptions options, CommandServices services)
        {
            var storage = Storage(parse);
            bool retry = parse.GetValue(_retryLost);
            var timeoutText = parse.GetValue(_heartbeatTimeout);
            if (storage is null && (retry || timeoutText is not null))
                throw new ArgumentException($"--retry-lost and --heartbeat-timeout apply to a shared study; give --storage \"<PostgreSQL connection string>\" (or set {SharedTuning.EnvironmentVariable}).");
            TimeSpan? timeout = null;
            if (timeoutText is not null)
            {
                try { timeout = ParseDuration(timeoutText); }
                catch (ArgumentException) { throw new ArgumentException($"--heartbeat-timeout '{timeoutText}' is not a duration; use e.g. 60s or 2m."); }
                if (timeout < TimeSpan.FromSeconds(1)) throw new ArgumentException($"--heartbeat-timeout {timeoutText} is too short; use 1s or more (60s is the default).");
            }
            if (storage is null) return options;
            return options with
            {
                Storage = storage,
                RetryLost = retry,
                HeartbeatTimeout = timeout,
                StorageEvent = message => services.Output.WriteLine($"  [storage] {message}"),
            };
        }
    }

    /// <summary><c>tune --status</c>: the latest study of this pipeline as the storage holds it, in at most 80 columns.</summary>
    private static int ShowStatus(CommandServices services, ParseResult parse, SharedOptions shared)
    {
        var name = services.Pipeline.Settings.Name;
        try
        {
            var connection = shared.Storage(parse);
            string journalPath = TuningJournal.DefaultPath(services.Pipeline.Settings);
            if (connection is null && !File.Exists(journalPath))
            {
                services.Error.WriteLine($"error: no tuning storage: {journalPath} does not exist and no --storage (or {SharedTuning.EnvironmentVariable}) was given. Run tune first.");
                return ExitCodes.BadInput;
            }
            using IStudyStorage storage = connection is null ? new TuningJournal(journalPath) : new PostgresStudyStorage(connection);
            var study = storage.LatestStudy(name);
            if (study is null)
            {
                services.Error.WriteLine($"error: {storage.Location} holds no study of pipeline '{name}'. Run tune first.");
                return ExitCodes.BadInput;
            }
            foreach (var line in StatusLines(storage.Status(study.Id), storage.Location)) services.Output.WriteLine(line);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is ArgumentException or Evaluation.EvaluationException or System.Data.Common.DbException)
        {
            services.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The lines of <c>tune --status</c>, each at most 80 characters (long names are cut with '~').</summary>
    public static IReadOnlyList<string> StatusLines(StudyStatus status, string location)
    {
        const int Width = 80;
        static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
        static string Ago(TimeSpan span) => span.TotalSeconds < 0 ? "0 s ago" : span.TotalSeconds < 120 ? $"{span.TotalSeconds:0} s ago" : span.TotalMinutes < 120 ? $"{span.TotalMinutes:0} min ago" : $"{span.TotalHours:0} h ago";
        var inv = CultureInfo.InvariantCulture;
        var study = status.Study;
        var lines = new List<string>
        {
            Cut($"Study {study.Id}: {study.Pipeline}, {study.Strategy}, {study.Metric} ({(study.HigherIsBetter ? "higher" : "lower")} is better)", Width),
            Cut($"Storage: {location}", Width),
        };
        var finished = status.Finished;
        int complete = finished.Count(t => t.State == "complete"), failed = finished.Count(t => t.Failed), lost = finished.Count(t => t.Lost);
        int retried = finished.Count(t => t.RetryOf is not null) + status.Running.Count(r => r.RetryOf is not null);
        string budget = study.TrialBudget is { } b ? (b == TuningSettings.NoTrialCap ? "no trial cap" : $"{b} trials") : "not shared";
        if (study.TimeBudget is { } tb)
        {
            var left = study.CreatedUtc + tb - status.NowUtc;
            budget += $", {tb.TotalMinutes.ToString("0.#", inv)} min ({(left > TimeSpan.Zero ? $"{left.TotalMinutes.ToString("0.#", inv)} min left" : "over")})";
        }
        lines.Add(Cut($"Budget: {budget}", Width));
        lines.Add(Cut($"Trials: {complete} complete, {failed} failed ({lost} lost), {retried} retried, {status.Running.Count} running, "
            + $"{finished.Count(t => t.State is "pruned" or "stopped")} pruned/stopped", Width));
        var best = finished.Where(t => t.State == "complete").OrderBy(t => study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Number).FirstOrDefault();
        lines.Add(best is null ? "Best so far: none yet"
            : Cut($"Best so far: trial {best.Number + 1}, {study.Metric} {PipelineTuner.F(best.Value!.Value)}{(best.StdDev is { } s ? " ± " + PipelineTuner.F(s) : "")}", Width));
        if (best is not null) lines.Add(Cut("  " + string.Join(", ", best.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value.ToString("G6", inv)}")), Width));
        lines.Add($"Workers ({status.Workers.Count}):");
        if (status.Workers.Count > 0)
        {
            // Spectre lays the columns out; ids and hosts are cut so one worker stays on one line.
            var rows = status.Workers.Select(w =>
            {
                var mine = status.Running.Where(r => r.WorkerId == w.Id).Select(r => (r.Number + 1).ToString(inv)).ToArray();
                string runningText = mine.Length == 0 ? "-" : "trial " + string.Join(",", mine);
                return new[] { Cut(w.Id, 30), Cut(w.Host, 16), Ago(status.NowUtc - w.HeartbeatUtc), runningText };
            });
            lines.AddRange(PlainTable.Lines(["worker", "host", "heartbeat", "running"], rows, Width - 1).Select(l => Cut(" " + l, Width)));
        }
        if (status.Running.Count > 0)
        {
            lines.Add("Running:");
            foreach (var r in status.Running)
                lines.Add(Cut($"  trial {r.Number + 1,-4} {Cut(r.WorkerId, 30),-30} heartbeat {Ago(status.NowUtc - r.HeartbeatUtc)}{(r.RetryOf is { } of ? $", retry of {of + 1}" : "")}", Width));
        }
        foreach (var t in status.Lost)
            lines.Add(Cut($"Lost: trial {t.Number + 1}: {t.Error}", Width));
        return lines;
    }
}
