using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary><c>tune --ensemble</c> on the small titanic data (real LightGBM fits, 1 thread, 4-fold).</summary>
public sealed class TuneEnsembleTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static TuningSettings Tuning() => new()
    {
        Strategy = "random",
        Trials = 6,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    };

    [Fact]
    public void Ensemble_is_selected_from_out_of_fold_predictions_and_reported_beside_the_single_best()
    {
        var report = PipelineTuner.Run(new TunableTitanicPipeline(_project, Tuning()), new TuneOptions { Trials = 6, Ensemble = true, WriteLock = false });
        var ensemble = report.Ensemble;
        Assert.True(ensemble is not null, report.EnsembleNotBuilt);
        Assert.Equal(6, ensemble.Candidates); // trial 1, the spec's own configuration, is a candidate like the others
        Assert.Contains(ensemble.CandidateTrials, t => t.Number == 0 && t.Configuration.Origin == StartingPoint.Spec);
        // 4-fold: every search row has an out-of-fold prediction.
        Assert.Equal(report.SearchRows, ensemble.SelectionRows);
        Assert.True(ensemble.OutOfFoldScore >= ensemble.BestSingleOutOfFoldScore);
        Assert.Equal(1.0, ensemble.Members.Sum(m => m.Weight), 9);
        Assert.Equal(report.WinnerHoldbackScore, ensemble.SingleHoldbackScore);
        if (ensemble.Members.Count > 1) Assert.NotNull(ensemble.HoldbackScore);
        // Kept is the cross-fitted rule's decision on the out-of-fold rows, not a comparison on the held-back rows.
        Assert.Equal(ensemble.Members.Count > 1 && ensemble.Keep!.Kept, ensemble.Kept);

        // The out-of-fold file of a trial holds one probability per search row, with the labels.
        var oof = OutOfFoldStore.TryRead(OutOfFoldStore.PathOf(OutOfFoldStore.Directory(report.WorkDirectory!, report.Result.Study.Id), ensemble.Members[0].Trial));
        Assert.NotNull(oof);
        Assert.Equal("probability", oof.Value.Kind);
        Assert.Equal(report.SearchRows, oof.Value.Predictions.Length);
        Assert.All(oof.Value.Predictions, p => Assert.InRange(p, 0, 1));
        Assert.Equal(OutOfFoldMetrics.Auc(oof.Value.Predictions, oof.Value.Labels),
            OutOfFoldMetrics.Auc(oof.Value.Predictions, oof.Value.Labels)); // defined (both classes present)
        Assert.False(double.IsNaN(OutOfFoldMetrics.Auc(oof.Value.Predictions, oof.Value.Labels)));
    }

    [Fact]
    public void The_held_back_rows_cannot_change_whether_the_ensemble_is_kept()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning());
        var report = PipelineTuner.Run(pipeline, new TuneOptions { Trials = 6, Ensemble = true, WriteLock = false });
        Assert.True(report.Ensemble is { Members.Count: > 1 }, report.EnsembleNotBuilt ?? "the selection chose one model: nothing to decide");
        var oofDirectory = OutOfFoldStore.Directory(report.WorkDirectory!, report.Result.Study.Id);
        string search = Path.Combine(report.WorkDirectory!, "search.csv"), holdback = Path.Combine(report.WorkDirectory!, "holdback.csv");
        // Another held-back file: the first half of the search rows (so its labels and scores differ from the real one's).
        var searchLines = File.ReadAllLines(search);
        string other = Path.Combine(_project, "other-holdback.csv");
        File.WriteAllLines(other, searchLines.Take(1 + (searchLines.Length - 1) / 2));

        // The single winner's held-back score as the bar: 0 (any blend beats it) and 1 (none does). A decision made on
        // the held-back rows would flip between the two; the rule reads only the out-of-fold rows.
        var warnings = new List<string>();
        var low = EnsembleBuilder.Build(pipeline, report.Result, oofDirectory, search, holdback, pipeline.Settings.Seed, 0.0, warnings, out _)!;
        var high = EnsembleBuilder.Build(pipeline, report.Result, oofDirectory, search, other, pipeline.Settings.Seed, 1.0, warnings, out _)!;

        Assert.NotEqual(low.HoldbackScore, high.HoldbackScore); // the held-back rows did differ
        Assert.Equal(report.Ensemble.Kept, low.Kept);
        Assert.Equal(report.Ensemble.Kept, high.Kept);
        Assert.Equal(report.Ensemble.Keep, low.Keep);
        Assert.Equal(report.Ensemble.Keep, high.Keep);
        Assert.Equal(report.Ensemble.Verdict, high.Verdict);
    }

    [Fact]
    public void A_selection_of_one_trial_that_is_not_the_winner_does_not_lend_it_the_winner_s_score()
    {
        // 3 positives in 240 rows: the selection kept trial 3 alone, the winner was trial 2, and the output printed
        // "1.00 x trial 3 … single best 0.3191; the selection chose that trial alone" — 0.3191 was trial 2's score.
        var line = PipelineGen.Runtime.Cli.TuningEnsembleOutput.AloneLine("auc", 48, chosen: 2, winner: 1, winnerHoldback: 0.3191);
        Assert.Equal("  held-back auc (same 48 rows): the winner, trial 2, 0.3191; the selection chose trial 3 alone (the best single on the pooled out-of-fold predictions, "
            + "where the winner was chosen on its search score), so there is no blend, and the winner is kept", line);
        Assert.Contains("single best 0.3191; the selection chose that trial alone", PipelineGen.Runtime.Cli.TuningEnsembleOutput.AloneLine("auc", 48, chosen: 1, winner: 1, winnerHoldback: 0.3191));
    }

    [Fact]
    public void A_selection_of_one_trial_says_there_is_no_blend_instead_of_an_undefined_score()
    {
        // Two configurations (grid: both run) that fit the same model: LightGBM with 1 or 2 threads (measured: identical
        // out-of-fold predictions on this data). Adding a copy cannot improve the blend, so the selection is one trial
        // alone; there is no blend to fit or score, and the output used to print "ensemble undefined" for it.
        // Three trials: the spec's own configuration (threads 1: the same model again, a candidate too), then both grid points.
        var tuning = new TuningSettings { Strategy = "grid", Trials = 3, Space = [SearchParameter.Choice("threads", HyperparameterType.Int, 1, 2)] };
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--ensemble", "--no-lock"], new TunableTitanicPipeline(_project, tuning), output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"  held-back auc \(same \d+ rows\): single best 0\.\d{4}; the selection chose that trial alone, so there is no blend to score"), text);
        Assert.DoesNotContain("undefined", text);
        Assert.Contains("the single model is kept", text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cli_prints_single_and_ensemble_side_by_side_and_a_kept_ensemble_is_pinned_and_saved_with_its_study(bool deployOnnx)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--trials", "8", "--ensemble"], new TunableTitanicPipeline(_project, Tuning()) { DeployOnnx = deployOnnx }, output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        // export onnx refuses a blend (no ONNX form): a spec that asks for ONNX is told when the blend is kept.
        Assert.Equal(deployOnnx, error.ToString().Contains("warning: the spec sets 'deploy.onnx: true', but ML.NET cannot export an ensemble to ONNX"));
        Assert.Matches(@"held-back auc \(same \d+ rows; they played no part in the keep decision, they only score what was kept\): ensemble 0\.\d{4}, single best 0\.\d{4}", text);
        Assert.Matches(@"cross-fitted on the out-of-fold rows \(selection on one half, compared on the other, 5 seeded splits\): blend − single [+-]0\.\d{5} auc on average \(sd \d\.\d{5}, standard error \d\.\d{5}\), \d+ of \d+ comparisons favoured the blend", text);
        Assert.Matches(@"Headline \(honest estimate\): the (ensemble|single winner)'s held-back auc 0\.\d{4}\.", text);
        Assert.Matches(@"out-of-fold auc: ensemble 0\.\d{4}, best single 0\.\d{4}", text);
        var lockText = File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml"));
        // Seeded and single-threaded, so deterministic: the cross-fitted rule keeps the 7-member blend on the out-of-fold
        // rows (measured: +0.02407 auc on average, 9 of 10 comparisons), so it is pinned and saved; its held-back auc is
        // the headline (measured 0.8373, single winner 0.8289: printed, not used to decide).
        Assert.True(text.Contains("the ensemble is kept: "), text);
        Assert.Contains("ensemble:\n  holdback_score: 0.", lockText);
        Assert.Matches(@"  members:\n    - trial: \d+\n      weight: 0\.\d+\n      params:\n        leaves: \d+\n", lockText);
        var card = ModelCard.TryRead(ModelStore.DefaultModelPath(new TunableTitanicPipeline(_project, Tuning()).Settings))!;
        Assert.NotNull(card.Tuning);
        Assert.Contains("This model is an ensemble", card.Tuning.Ensemble);
        Assert.Contains("## Tuning", card.ToMarkdown());
        Assert.Contains(card.Tuning.StudyId, text);

        // predict loads the saved ensemble like any model.
        var predictions = Path.Combine(_project, "predictions.csv");
        int predictExit = PipelineApp.Run(["predict", "--input", Path.Combine(_project, "titanic_test.csv"), "--output", predictions], new TunableTitanicPipeline(_project, Tuning()), new StringWriter(), error);
        Assert.True(predictExit == 0, error.ToString());
        Assert.True(File.ReadAllLines(predictions).Length > 10);

        // runs lists the tune run by its headline, the kept ensemble's held-back score (it listed the single winner's),
        // and a test look by the model's primary metric (it listed "-").
        var headline = System.Text.RegularExpressions.Regex.Match(text, @"Headline \(honest estimate\): the ensemble's held-back auc (0\.\d{4})\.").Groups[1].Value;
        int testExit = PipelineApp.Run(["test"], new TunableTitanicPipeline(_project, Tuning()), new StringWriter(), error);
        Assert.True(testExit == 0, error.ToString());
        var runs = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["runs"], new TunableTitanicPipeline(_project, Tuning()), runs, error));
        Assert.Matches($@"tune\s+auc {headline} \(ensemble\)", runs.ToString());
        Assert.Matches(@"test\s+auc 0\.\d{4} \(test\)", runs.ToString());
    }
}
