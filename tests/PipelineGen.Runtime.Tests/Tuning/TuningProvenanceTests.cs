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
}
