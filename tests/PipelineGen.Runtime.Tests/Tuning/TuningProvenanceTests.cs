using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>The card of a model trained with pinned values names the study of the lock file, only when the values match.</summary>
public sealed class TuningProvenanceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-prov-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Lock_study_and_held_back_score_are_read_when_the_compiled_values_match()
    {
        var path = Path.Combine(_dir, "pipeline.lock.yaml");
        LockFile.Write(path, new LockFile("Titanic", "LightGbm", "20261130-010203-abcdef", "h", "auc", 0.81, 0.8289,
            [new("leaves", "2"), new("learning_rate", "0.0457")])
        {
            Ensemble = [new LockFile.EnsembleEntry(4, 0.6, [new("leaves", "51")]), new LockFile.EnsembleEntry(7, 0.4, [new("leaves", "2")])],
            EnsembleHoldbackScore = 0.8373,
        });

        var provenance = TuningProvenance.FromLockFile(path, new Dictionary<string, string> { ["leaves"] = "2", ["learning_rate"] = "0.0457" });
        Assert.NotNull(provenance);
        Assert.Equal("20261130-010203-abcdef", provenance.StudyId);
        Assert.Equal("auc", provenance.Metric);
        Assert.Equal(0.8289, provenance.HoldbackScore);
        Assert.Contains("ensemble (held-back auc 0.8373)", provenance.Ensemble);
        Assert.Contains("Tuned by study `20261130-010203-abcdef`", provenance.Describe());
        Assert.Contains("auc 0.8289 on held-back rows", provenance.Describe());

        // A lock rewritten by a later tune (other values than the build compiled in) is not this model's study.
        Assert.Null(TuningProvenance.FromLockFile(path, new Dictionary<string, string> { ["leaves"] = "8", ["learning_rate"] = "0.0457" }));
        Assert.Null(TuningProvenance.FromLockFile(Path.Combine(_dir, "missing.lock.yaml")));
    }

    private const string Data = "3f1c9a0b5e7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468";
    private static readonly Dictionary<string, string> Compiled = new() { ["leaves"] = "8", ["learning_rate"] = "0.1" };

    private string WriteLock(string pipeline = "Titanic")
    {
        var path = Path.Combine(_dir, "pipeline.lock.yaml");
        LockFile.Write(path, new LockFile(pipeline, "LightGbm", "20261203-010203-abcdef", "h", "auc", 0.93, 0.9257,
            [new("leaves", "8"), new("learning_rate", "0.1")]) { DataSha256 = Data });
        return path;
    }

    [Fact]
    public void The_held_back_score_is_claimed_only_for_the_values_pipeline_and_data_the_study_measured()
    {
        // As tune wrote it, for this pipeline and these data: the score is the model's honest estimate.
        var path = WriteLock();
        var claimed = TuningProvenance.FromLockFile(path, Compiled, pipelineName: "Titanic", trainingDataSha256: Data)!;
        Assert.Null(claimed.NotThisModel);
        Assert.Equal(0.9257, claimed.HoldbackScore);
        Assert.Contains("data_sha256: '" + Data + "'", File.ReadAllText(path));

        // Training data changed since the study (labels rewritten, rows added): the score was measured on other data.
        var otherData = TuningProvenance.FromLockFile(path, Compiled, pipelineName: "Titanic", trainingDataSha256: new string('0', 64))!;
        Assert.Null(otherData.HoldbackScore);
        Assert.Contains("trained on other data than the study searched (study 3f1c9a0b5e7d, now 000000000000)", otherData.NotThisModel);
        Assert.Contains("does not describe this model and is not shown", otherData.Describe());
        Assert.DoesNotContain("0.9257", otherData.Describe());

        // Another pipeline's lock copied next to this spec.
        var foreign = TuningProvenance.FromLockFile(WriteLock(pipeline: "Multi"), Compiled, pipelineName: "Titanic", trainingDataSha256: Data)!;
        Assert.Null(foreign.HoldbackScore);
        Assert.Contains("names pipeline 'Multi', not 'Titanic'", foreign.NotThisModel);

        // A value edited by hand (and rebuilt, so the compiled values match the file): the study never measured it.
        path = WriteLock();
        File.WriteAllText(path, File.ReadAllText(path).Replace("  leaves: 8\n", "  leaves: 12\n"));
        var edited = TuningProvenance.FromLockFile(path, new Dictionary<string, string> { ["leaves"] = "12", ["learning_rate"] = "0.1" }, pipelineName: "Titanic", trainingDataSha256: Data)!;
        Assert.Null(edited.HoldbackScore);
        Assert.Contains("edited after tune wrote it", edited.NotThisModel);
        // So is an edited score.
        path = WriteLock();
        File.WriteAllText(path, File.ReadAllText(path).Replace("holdback_score: 0.9257", "holdback_score: 0.99"));
        Assert.Contains("edited after tune wrote it", TuningProvenance.FromLockFile(path, Compiled, pipelineName: "Titanic", trainingDataSha256: Data)!.NotThisModel);
        // Comments and blank lines are not content: a reviewer's note does not withdraw the claim.
        path = WriteLock();
        File.WriteAllText(path, "# reviewed 2026-12-03\n\n" + File.ReadAllText(path));
        Assert.Equal(0.9257, TuningProvenance.FromLockFile(path, Compiled, pipelineName: "Titanic", trainingDataSha256: Data)!.HoldbackScore);
    }

    [Fact]
    public void A_lock_written_before_locks_recorded_their_data_and_content_is_read_as_before()
    {
        var path = Path.Combine(_dir, "old.lock.yaml");
        File.WriteAllText(path, "version: 1\npipeline: 'Titanic'\ntrainer: 'LightGbm'\nparams:\n  leaves: 8\n  learning_rate: 0.1\nstudy:\n  id: 'x'\n  spec_hash: 'h'\n  metric: 'auc'\n  search_score: 0.9\n  holdback_score: 0.88\n");
        var provenance = TuningProvenance.FromLockFile(path, Compiled, pipelineName: "Titanic", trainingDataSha256: Data)!;
        Assert.Null(provenance.NotThisModel);
        Assert.Equal(0.88, provenance.HoldbackScore);
    }
}
