using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary><c>tune --nested K</c> on the small titanic data (real LightGBM fits).</summary>
public sealed class NestedEvaluationTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_project, recursive: true);
    }

    private static TuningSettings Tuning => new()
    {
        Strategy = "random",
        Trials = 3,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    };

    [Fact]
    public void Each_outer_fold_runs_its_own_search_and_is_scored_on_rows_that_search_never_saw()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning);
        var report = NestedEvaluation.Run(pipeline, new TuneOptions(), folds: 3);
        Assert.Equal(3, report.Outer.Count);
        var allRows = File.ReadLines(Path.Combine(_project, "titanic_train.csv")).Skip(1).Count(l => l.Length > 0);
        Assert.Equal(allRows, report.Outer.Sum(o => o.TestRows)); // the outer validation parts cover every row once
        foreach (var fold in report.Outer)
        {
            Assert.Equal(3, fold.Study.Trials.Count);
            // Each inner search starts from the spec's own configuration, as the final search does.
            Assert.Equal(StartingPoint.Spec, fold.Study.Trials[0].Configuration.Origin);
            Assert.Equal($"Titanic/outer-{fold.Fold + 1}-of-3", fold.Study.Study.Pipeline);
            // The search read only the outer training rows: its data hash is that of the outer training part.
            var train = Path.Combine(_project, ".pipelinegen", "tune", "Titanic", "nested", $"outer-{fold.Fold + 1}-train.csv");
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(train))).ToLowerInvariant(), fold.Study.Study.DataHash);
            Assert.Equal(fold.TrainingRows, File.ReadLines(train).Skip(1).Count(l => l.Length > 0));
            Assert.InRange(fold.WinnerScore!.Value, 0.5, 1.0);
            Assert.NotNull(fold.DefaultScore);
        }
        var tuned = report.Tuned!.Value;
        Assert.Equal(report.Outer.Average(o => o.WinnerScore!.Value), tuned.Mean, 12);
        Assert.Equal(3, tuned.Count);
        Assert.NotNull(tuned.Std);
    }

    [Fact]
    public void A_nested_run_stopped_after_its_first_folds_resumes_them_and_starts_the_folds_it_never_reached()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning);
        // An earlier nested run under another seed: once our fold 3's study is gone, its fold-3 study is the latest of that name.
        NestedEvaluation.Run(pipeline, new TuneOptions { Seed = 1 }, folds: 3);
        var straight = NestedEvaluation.Run(pipeline, new TuneOptions { Seed = 3 }, folds: 3);
        // The run stopped after fold 2 (a kill during fold 3's first trial): fold 3's study never reached the journal.
        DeleteStudy(straight.Outer[2].Study.Study.Id);

        var resumed = NestedEvaluation.Run(pipeline, new TuneOptions { Seed = 3, Resume = true }, folds: 3);
        Assert.Equal(3, resumed.Outer.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(straight.Outer[i].Study.Study.Id, resumed.Outer[i].Study.Study.Id); // continued, not restarted
            Assert.Equal(0, resumed.Outer[i].Study.NewTrials);
        }
        Assert.NotEqual(straight.Outer[2].Study.Study.Id, resumed.Outer[2].Study.Study.Id);
        Assert.Equal(3, resumed.Outer[2].Study.Study.Seed);
        // The same seed and rows: every fold's winner and score are those of the run that was not stopped.
        Assert.Equal(straight.Outer.Select(o => o.WinnerScore), resumed.Outer.Select(o => o.WinnerScore));
        Assert.Contains(resumed.Warnings, w => w.StartsWith("outer fold 3: its journaled study is another run's (", StringComparison.Ordinal) && w.Contains("the seed changed (study 1, now 3)", StringComparison.Ordinal));

        // With no study of that name at all, the fold starts too, and says so.
        DeleteStudy(resumed.Outer[2].Study.Study.Id);
        using (var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db")))
            DeleteStudy(journal.LatestStudy("Titanic/outer-3-of-3")!.Id);
        var again = NestedEvaluation.Run(pipeline, new TuneOptions { Seed = 3, Resume = true }, folds: 3);
        Assert.Equal(straight.Outer.Select(o => o.WinnerScore), again.Outer.Select(o => o.WinnerScore));
        Assert.Contains(again.Warnings, w => w.StartsWith("outer fold 3: no study of its own was journaled", StringComparison.Ordinal));

        // Fold 1 stays strict: a changed seed is refused there, not silently restarted in every fold.
        var refused = Assert.Throws<StudyNotResumableException>(() => NestedEvaluation.Run(pipeline, new TuneOptions { Seed = 4, Resume = true }, folds: 3));
        Assert.Contains("the seed changed (study 3, now 4)", refused.Message);
    }

    private void DeleteStudy(string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_project, ".pipelinegen", "tune.db")};Pooling=False");
        connection.Open();
        foreach (var table in new[] { "trials", "rung_results", "workers", "studies" })
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM {table} WHERE {(table == "studies" ? "id" : "study_id")} = $id";
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
        }
    }

    [Fact]
    public void Tune_nested_prints_the_nested_estimate_as_the_headline_and_one_fold_is_refused()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--nested", "2", "--trials", "2", "--no-lock"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("Honest estimate (headline; nested cross-validation, mean ± fold-to-fold std): auc ", output.ToString());
        Assert.Contains("outer fold 2/2", output.ToString());
        Assert.Contains("No final search (--no-lock)", output.ToString());
        Assert.False(File.Exists(pipeline.LockFilePath));

        exit = PipelineApp.Run(["tune", "--nested", "1"], pipeline, output, error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--nested 1: use 2 or more outer folds", error.ToString());
    }

    [Fact]
    public void With_ensemble_each_outer_fold_scores_the_blend_chosen_from_its_own_search_on_rows_that_search_never_saw()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning with { Trials = 4 });
        var report = NestedEvaluation.Run(pipeline, new TuneOptions { Ensemble = true }, folds: 2);
        Assert.Equal(2, report.Outer.Count);
        foreach (var fold in report.Outer)
        {
            Assert.NotNull(fold.EnsembleMembers);
            Assert.InRange(fold.EnsembleScore!.Value, 0.5, 1.0);
            // The fold uses tune's keep rule (decided on its inner out-of-fold rows): the blend's outer score when kept,
            // else the single winner's, scored the same way. A one-model selection is never kept.
            var built = fold.Ensemble!;
            Assert.Equal(built.Members.Count > 1 && built.Keep!.Kept, fold.EnsembleKept);
            if (fold.EnsembleMembers == 1) Assert.False(fold.EnsembleKept);
            Assert.Equal(fold.EnsembleKept == true ? built.HoldbackScore!.Value : fold.WinnerScore!.Value, fold.EnsembleScore.Value, 12);
            Assert.Equal(fold.WinnerScore, built.SingleHoldbackScore);
            // The out-of-fold predictions the selection used come from the outer training rows only (one per row).
            var oof = Directory.GetFiles(Path.Combine(_project, ".pipelinegen", "tune", "Titanic", "oof", fold.Study.Study.Id), "*.oof");
            Assert.NotEmpty(oof);
            var predictions = PipelineGen.Runtime.Tuning.Ensembles.OutOfFoldStore.TryRead(oof[0])!.Value;
            Assert.Equal(fold.TrainingRows, predictions.Labels.Length);
        }
        var ensembled = report.Ensembled!.Value;
        Assert.Equal(report.Outer.Average(o => o.EnsembleScore!.Value), ensembled.Mean, 12);
        Assert.Equal((report.Outer.Count(o => o.EnsembleKept == true), 2), report.EnsembleKeptFolds);

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--nested", "2", "--trials", "3", "--ensemble", "--no-lock"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        var text = output.ToString();
        var asTuneDecides = System.Text.RegularExpressions.Regex.Match(text, @"with the ensemble of the best trials \(kept in [0-2] of 2 outer folds, as tune decides\): auc (0\.\d{4})");
        Assert.True(asTuneDecides.Success, text);
        Assert.Contains(", ensemble of ", text);
        // Each fold's line says what its keep rule saw on the inner rows, the margin a kept or not rests on.
        var blended = text.Split('\n').Where(l => l.Contains("outer fold") && System.Text.RegularExpressions.Regex.IsMatch(l, @"ensemble of [2-9]\d* (kept|not kept)")).ToArray();
        Assert.NotEmpty(blended);
        foreach (var line in blended)
            Assert.Matches(@"\(inner: blend − single [+-]?\d(\.\d{5})? on average, sd \d\.\d{5}, \d+ of \d+ for the blend(; blend − winner [+-]?\d(\.\d{5})?, sd \d\.\d{5}, \d+ of \d+)?\)", line);
        // tune ships the blend where its rule keeps it: that procedure's estimate is the headline, the winner's beside it.
        var headline = System.Text.RegularExpressions.Regex.Match(text, @"Honest estimate \(headline; nested cross-validation, mean ± fold-to-fold std\): auc (0\.\d{4})");
        Assert.True(headline.Success, text);
        Assert.Equal(asTuneDecides.Groups[1].Value, headline.Groups[1].Value);
        Assert.Matches(@"the single winner alone \(no ensemble\): +auc 0\.\d{4}", text);
    }

    [Fact]
    public void Without_ensemble_there_is_no_ensemble_estimate()
    {
        var report = NestedEvaluation.Run(new TunableTitanicPipeline(_project, Tuning), new TuneOptions(), folds: 2);
        Assert.Null(report.Ensembled);
        Assert.All(report.Outer, o => Assert.Null(o.EnsembleScore));
    }
}
