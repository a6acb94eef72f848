using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Tests.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

public class RunStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private static RunRecord Run(string id, string step, int minute, string seed, double auc, string outcome) => new(
        id, "Titanic", step, new DateTimeOffset(2026, 1, 2, 3, minute, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1.5),
        new Dictionary<string, string> { ["seed"] = seed, ["protocol"] = "KFold" },
        [new RunMetric("auc", "model", auc, 0.02, auc - 0.03, auc + 0.03, 5, 160.4), new RunMetric("auc", "baseline", 0.5, 0, 0.5, 0.5),
         new RunMetric("log_loss", "model", null, null, null, null)],
        outcome, "why");

    [Fact]
    public void Runs_round_trip_newest_first_in_a_WAL_database()
    {
        string path = Path.Combine(_dir.Path, ".pipelinegen", "runs.db");
        using (var store = new RunStore(path))
        {
            store.Record(Run("20260102-030100-aaaaaa", "evaluate", 1, "42", 0.81, "beats-baseline"));
            store.Record(Run("20260102-030500-bbbbbb", "baseline", 5, "7", 0.5, "ok"));
        }
        Assert.True(File.Exists(path));

        using var reopened = new RunStore(path);
        var runs = reopened.List();
        Assert.Equal(["20260102-030500-bbbbbb", "20260102-030100-aaaaaa"], runs.Select(r => r.Id));
        var first = reopened.Get("20260102-0301")!; // unique prefix
        Assert.Equal("evaluate", first.Step);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 1, 0, TimeSpan.Zero), first.StartedUtc);
        Assert.Equal(1.5, first.Duration.TotalSeconds, 6);
        Assert.Equal("42", first.Parameters["seed"]);
        Assert.Equal("beats-baseline", first.Outcome);
        Assert.Equal(new RunMetric("auc", "model", 0.81, 0.02, 0.81 - 0.03, 0.81 + 0.03, 5, 160.4), first.Metrics[0]);
        Assert.Null(first.Metrics.Single(m => m.Role == "baseline").Splits); // not given: stays unrecorded
        Assert.Null(first.Metrics.Single(m => m.Name == "log_loss").Mean);
        Assert.Null(reopened.Get("nope"));
        Assert.Throws<ArgumentException>(() => reopened.Get("20260102"));

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Compare_lines_up_parameters_and_metrics()
    {
        var a = Run("a", "evaluate", 1, "42", 0.80, "beats-baseline");
        var b = Run("b", "evaluate", 2, "7", 0.85, "beats-baseline");
        var comparison = RunComparison.Of(a, b);

        var seed = comparison.Parameters.Single(p => p.Name == "seed");
        Assert.True(seed.Differs);
        Assert.False(comparison.Parameters.Single(p => p.Name == "protocol").Differs);
        Assert.Equal(0.05, comparison.Metrics.Single(m => m.Role == "model" && m.Name == "auc").Delta!.Value, 10);
        Assert.Null(comparison.Metrics.Single(m => m.Name == "log_loss").Delta);
    }
}
