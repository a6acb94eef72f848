using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary><c>tune</c> through the command-line host on the small titanic data (real LightGBM fits, 1 thread).</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static TuningSettings Tuning(string strategy = "bayesian", int trials = 6) => new()
    {
        Strategy = strategy,
        Trials = trials,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    };

    private (int Exit, string Output, string Error) Cli(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Retuning after a lock file pinned values compares the winner with the pipeline as built, i.e. those pinned values
    /// (on CreditRisk a pinned fast_forest while the spec says lightgbm), so the comparison must not call them the spec's.
    /// </summary>
    [Fact]
    public void Retuning_names_the_pinned_values_it_is_compared_with()
    {
        var pinned = new TunableTitanicPipeline(_project, Tuning()) { PinnedHyperparameters = new Dictionary<string, string> { ["leaves"] = "8" } };
        var run = Cli(pinned, "tune", "--trials", "2", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains(", pinned by pipeline.lock.yaml):", run.Output);
        Assert.Matches(@"values pinned by pipeline\.lock\.yaml before this study \(trainer \w+\) on the same held-back rows: +auc 0\.\d{4}  \(tuned - pinned = ", run.Output);
        Assert.DoesNotContain("spec's own", run.Output);
    }

    [Fact]
    public void Tune_journals_trials_scores_the_winner_on_held_back_rows_and_writes_the_lock()
    {
        var run = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--trials", "4");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("trial 4/4", run.Output);
        var held = System.Text.RegularExpressions.Regex.Match(run.Output, @"held-back score \(the honest estimate: (\d+) rows the search never saw\): auc 0\.\d{4}");
        Assert.True(held.Success, run.Output);
        int heldRows = int.Parse(held.Groups[1].Value);
        // About a fifth of 300 rows; duplicates stay together, so not exactly 60.
        Assert.InRange(heldRows, 50, 70);
        Assert.Contains("spec's own hyperparameters on the same held-back rows", run.Output);
        Assert.Matches(@"search score \(best of 4 on the same 4 split\(s\), optimistic\): auc 0\.\d{4} ± 0\.\d{4}", run.Output);

        var lockText = File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml"));
        Assert.Contains("trainer: 'LightGbm'", lockText);
        Assert.Matches(@"\n  leaves: \d+\n", lockText);
        Assert.Matches(@"\n  learning_rate: 0\.\d+", lockText);
        Assert.Contains("holdback_score: 0.", lockText);

        // The search never saw the held-back rows: the two parts are disjoint and together are the training file.
        var dir = Path.Combine(_project, ".pipelinegen", "tune", "Titanic");
        var search = File.ReadAllLines(Path.Combine(dir, "search.csv")).Skip(1).ToArray();
        var hold = File.ReadAllLines(Path.Combine(dir, "holdback.csv")).Skip(1).ToArray();
        Assert.Equal(heldRows, hold.Length);
        Assert.Equal(300, search.Length + hold.Length);
        Assert.Equal(File.ReadAllLines(Path.Combine(_project, "titanic_train.csv")).Skip(1).OrderBy(l => l), search.Concat(hold).OrderBy(l => l));

        // The run store has the study with the honest score as the model's metric.
        var runs = Cli(new TunableTitanicPipeline(_project, Tuning()), "runs");
        Assert.Contains("tune", runs.Output);
        Assert.Contains("tuned", runs.Output);
    }

    [Fact]
    public void Resume_continues_the_same_study_and_a_changed_data_file_is_refused()
    {
        var first = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--trials", "2", "--no-lock");
        Assert.True(first.Exit == 0, first.Error);
        var resumed = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--trials", "3", "--resume", "--no-lock");
        Assert.True(resumed.Exit == 0, resumed.Error);
        Assert.Contains("3 trial(s) (1 in this session", resumed.Output);
        Assert.DoesNotContain("trial 1/3", resumed.Output);
        Assert.Contains("trial 3/3", resumed.Output);

        File.AppendAllText(Path.Combine(_project, "titanic_train.csv"), "1,1,female,30,0,0,80,S\n");
        var refused = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--trials", "4", "--resume");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("cannot be resumed: the data changed", refused.Error);
    }

    [Fact]
    public void Failed_trials_are_recorded_and_all_failing_is_exit_1_with_the_first_error()
    {
        var some = Cli(new TunableTitanicPipeline(_project, Tuning("random")) { FailAboveLeaves = 8 }, "tune", "--trials", "5", "--no-lock", "--seed", "3");
        Assert.True(some.Exit == 0, some.Error);
        Assert.Contains("failed: InvalidOperationException: leaves", some.Output);
        Assert.Matches(@"Winner: trial \d+: leaves=[2-8],", some.Output);

        var all = Cli(new TunableTitanicPipeline(_project, Tuning("random")) { FailAboveLeaves = 1 }, "tune", "--trials", "3", "--no-lock");
        Assert.Equal(1, all.Exit);
        Assert.Contains("error: tune found no working configuration: all 3 trial(s) failed; first error (trial 1,", all.Error);
        Assert.Contains("is more than this trainer accepts (1)", all.Error);
        Assert.False(File.Exists(Path.Combine(_project, "pipeline.lock.yaml")));
    }

    [Fact]
    public void A_protocol_that_cannot_split_the_search_rows_is_named_and_the_ranges_are_not_blamed()
    {
        // A holdout of 0.1 % leaves no validation row in the search part (0.4 %: one row, where AUC is undefined): every
        // trial failed alike, and the message said "Check the ranges under tune.space" (and "Split repeat 1, fold 1" for
        // a protocol that has neither).
        foreach (var (fraction, cause) in new[] { (0.001, "The holdout split has 240 training and 0 validation rows (holdout fraction 0.001 of 240 rows)"), (0.004, "auc is undefined (one class only)") })
        {
            var pipeline = new TunableTitanicPipeline(_project, Tuning("random"))
            {
                Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = fraction, Seed = 7 },
            };
            var all = Cli(pipeline, "tune", "--trials", "3", "--no-lock");
            Assert.Equal(1, all.Exit);
            Assert.True(all.Error.Contains("all 3 trial(s) failed with the same error, whatever their configuration: ", StringComparison.Ordinal), all.Error);
            Assert.Contains(cause, all.Error);
            Assert.Contains("comes from the data or the spec's 'evaluate' protocol on the rows the search sees", all.Error);
            Assert.DoesNotContain("Check the ranges", all.Error);
            Assert.DoesNotContain("repeat 1, fold 1", all.Error);
        }

        // tune's own held-back part is named by its option.
        var holdback = Cli(new TunableTitanicPipeline(_project, Tuning("random")), "tune", "--trials", "3", "--no-lock", "--holdback", "0.001");
        Assert.Equal(2, holdback.Exit);
        Assert.Contains("--holdback 0.001 leaves a part of the data empty: The holdout split has", holdback.Error);
        Assert.Contains("Use a larger --holdback (default 0.2)", holdback.Error);
    }

    [Fact]
    public void A_near_perfect_held_back_score_is_called_a_likely_leak()
    {
        // 'fare' replaced by a post-outcome figure (100 for survivors): tune printed "held-back auc 1.0000 (the honest
        // estimate)" with exit 0 and no word of a leak; evaluate warned, tune did not.
        var path = Path.Combine(_project, "titanic_train.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select((line, i) =>
        {
            if (i == 0 || line.Length == 0) return line;
            var f = line.Split(',');
            f[6] = f[0] == "1" ? "100" : "0";
            return string.Join(',', f);
        }));
        var leaked = Cli(new TunableTitanicPipeline(_project, Tuning("random")), "tune", "--trials", "2", "--no-lock", "--no-ensemble");
        Assert.True(leaked.Exit == 0, leaked.Error);
        Assert.Contains("warning: the held-back auc 1.0000 is near perfect (>= 0.99): on real data that is more often a leak than a solved problem.", leaked.Error);
    }

    [Fact]
    public void Run_includes_tuning_and_trains_the_winner()
    {
        var pipeline = new TunableTitanicPipeline(_project, Tuning("random", trials: 3));
        var run = Cli(pipeline, "run", "--ignore-explore-findings");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("3+/5 tune", run.Output);
        Assert.Contains("trial 3/3", run.Output);
        Assert.Contains("The final model is trained with the winner", run.Output);
        Assert.Contains("step 2 measured the spec's own hyperparameters, so train measures the winner itself on the spec's protocol for the card", run.Output);
        var winnerLeaves = int.Parse(System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml")), @"\n  leaves: (\d+)").Groups[1].Value);
        Assert.NotEqual(8, winnerLeaves); // else this test could not tell the winner from the spec's value
        // The saved model was fitted with the winner's leaves, not the spec's 8, and the card (from the trial's settings) says so.
        var card = ModelCard.TryRead(ModelStore.DefaultModelPath(pipeline.Settings));
        Assert.NotNull(card);
        Assert.Equal(winnerLeaves.ToString(System.Globalization.CultureInfo.InvariantCulture), card!.Trainer.Hyperparameters["leaves"]);
        Assert.Contains(pipeline.BuiltLeaves, leaves => leaves == winnerLeaves);
        // Step 2 measured the spec's hyperparameters, so train measured the winner itself for the card: the card's auc is
        // the winner's own evaluation on the spec's protocol (recomputed here), not step 2's.
        Assert.NotNull(card.Metrics);
        Assert.Null(card.NotEvaluatedReason);
        Assert.Contains("Measured by train itself on the spec's protocol with this very configuration", card.EvaluationNote);
        // The study is named in the card (this run pinned it), and the card says the estimate after tuning leans optimistic.
        Assert.NotNull(card.Tuning);
        Assert.Contains($"After tuning this estimate leans optimistic (study {card.Tuning!.StudyId}", card.EvaluationNote);
        var lockText = File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml"));
        var learningRate = double.Parse(System.Text.RegularExpressions.Regex.Match(lockText, @"\n  learning_rate: ([0-9.eE-]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var winner = Evaluator.Evaluate(pipeline.WithHyperparameters(new Dictionary<string, double> { ["leaves"] = winnerLeaves, ["learning_rate"] = learningRate }));
        Assert.Equal(winner.Model!.Single(m => m.Name == "auc").Mean!.Value, card.Metrics!["auc"].Mean, 9);
        Assert.Contains("the evaluation above measured another configuration; evaluating this one on the spec's protocol", run.Output);
        // The test look goes beside that estimate (the winner's), never beside step 2's estimate of the spec's own values.
        Assert.Contains("First look at the test set", run.Output);
        Assert.Contains("Beside the card's estimate (measured by train for this very model; the evaluate step above measured another configuration): auc: test ", run.Output);
        Assert.DoesNotContain("the test set disagrees with the estimate", run.Output);
        Assert.DoesNotContain("Report (with the test look)", run.Output);
    }

    [Fact]
    public void Run_whose_winner_is_the_configuration_step_2_measured_says_so_and_names_the_lock()
    {
        // The grid's other point fails, so the winner is the lock's leaves 8: what evaluate measured, and the card takes that evaluation.
        var tuning = new TuningSettings { Strategy = "grid", Trials = 2, Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 8, 64)] };
        var pipeline = new TunableTitanicPipeline(_project, tuning) { FailAboveLeaves = 8, PinnedHyperparameters = new Dictionary<string, string> { ["leaves"] = "8" } };
        var run = Cli(pipeline, "run", "--ignore-explore-findings");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("the configuration step 2 measured (values pinned by pipeline.lock.yaml before this study", run.Output);
        Assert.Contains("that evaluation goes in the card", run.Output);
        Assert.DoesNotContain("spec's own hyperparameters", run.Output);
        Assert.Contains("(same spec hash, training data and hyperparameters) are in the card", run.Output);
    }

    [Fact]
    public void Bad_input_is_exit_2_with_the_reason()
    {
        var noTune = Cli(new TitanicTestPipeline(_project), "tune");
        Assert.Equal(2, noTune.Exit);
        Assert.Contains("has no 'tune' section", noTune.Error);
        Assert.Contains("Add 'tune: {}' to search the default space over the built-in trainers", noTune.Error);

        var onePoint = new TuningSettings { Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 8)] };
        var one = Cli(new TunableTitanicPipeline(_project, onePoint), "tune");
        Assert.Equal(2, one.Exit);
        Assert.Contains("the search space has one point", one.Error);

        var zero = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--trials", "0");
        Assert.Equal(2, zero.Exit);
        Assert.Contains("trial budget is 0", zero.Error);

        var time = Cli(new TunableTitanicPipeline(_project, Tuning()), "tune", "--time", "soon");
        Assert.Equal(2, time.Exit);
        Assert.Contains("--time 'soon' is not a duration", time.Error);

        var unknown = new TuningSettings { Space = [SearchParameter.Range("depth", HyperparameterType.Int, 2, 8)] };
        var bad = Cli(new TunableTitanicPipeline(_project, unknown), "tune");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("tune.space names depth", bad.Error);
    }

    [Fact]
    public void A_budget_that_ends_before_any_trial_finishes_is_not_called_a_broken_configuration()
    {
        var study = new StudyInfo("s", "Titanic", "h", "d", "f", "random", 1, "auc", true, DateTimeOffset.UtcNow);
        var space = new SearchSpace([SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true)]);
        TrialRecord T(int n, string state, string? error = null) => new(n, new Configuration { ["leaves"] = 8 }, state, null, null, 0, error, TimeSpan.FromSeconds(1));
        // --time shorter than trial 1 with --workers: the trial is stopped. It used to print "tune found no working
        // configuration … Check the ranges under tune.space" and record the run as all-trials-failed.
        var (stopped, outcome) = TuningCommandContributor.NoWinner(new StudyResult(study, [T(0, "stopped", "stopped by the time budget after 1 s")], 1, StopReason.TimeBudget), space);
        Assert.Equal("tune finished no trial at the full budget: 1 stopped by the time budget (not failures of their configurations; 'tune --resume' runs them again). Give more --time or --trials; nothing is wrong with the ranges.", stopped);
        Assert.Equal("no-trial-finished", outcome);
        Assert.Equal("no-trial-finished", TuningCommandContributor.NoWinner(new StudyResult(study, [], 0, StopReason.TimeBudget), space).Outcome);
        // Failures still point at the ranges, counted among the other verdicts.
        var (mixed, mixedOutcome) = TuningCommandContributor.NoWinner(new StudyResult(study, [T(0, "failed", "boom"), T(1, "stopped")], 2, StopReason.TimeBudget), space);
        Assert.StartsWith("tune found no working configuration: 1 of 2 trial(s) failed (0 pruned, 1 stopped by the time budget); first error (trial 1, leaves=8): boom Check the ranges", mixed);
        Assert.Equal("all-trials-failed", mixedOutcome);
    }

    /// <summary>
    /// 'tune --time 3s' with no trial count in the spec or on the command line: the time is the only bound. It used to
    /// stop at a hidden default of 20 trials ("up to 20 trial(s) or 3 s"), so '--time 10m' on a cheap search ended after
    /// a minute.
    /// </summary>
    [Fact]
    public void A_time_budget_given_alone_is_the_only_bound_of_the_study()
    {
        var noCount = Tuning("random") with { Trials = null };
        Assert.Equal(TuningSettings.NoTrialCap, noCount.TrialBudget(null, TimeSpan.FromMinutes(10)));
        Assert.Equal(TuningSettings.DefaultTrials, noCount.TrialBudget(null, null));
        Assert.Equal(7, noCount.TrialBudget(7, TimeSpan.FromMinutes(10)));
        // A count the spec writes still bounds a timed study.
        Assert.Equal(6, Tuning("random").TrialBudget(null, TimeSpan.FromMinutes(10)));

        var run = Cli(new TunableTitanicPipeline(_project, noCount), "tune", "--time", "3s", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("strategy random, trials until the time budget ends or 3 s", run.Output);
        Assert.Contains("stopped: time budget used up", run.Output);
        Assert.DoesNotContain("trial 1/", run.Output);
        Assert.Matches(@"trial 1 .*\| 1 done, [\d.]+ s elapsed, [\d.]+ s left", run.Output);
    }

    /// <summary>
    /// A study of 21 trials (one more than <see cref="Rescoring.MinCompleted"/>) re-scores its leaders on fresh splits
    /// before choosing: the console lists them with their search, fresh and combined scores, the winner is the chosen
    /// one, and the lock pins exactly its values, so a resume of the study is not refused for pinning a leader that was
    /// not the best search score. With --rescore 0 nothing is re-scored.
    /// </summary>
    [Fact]
    public void The_leaders_are_rescored_on_fresh_splits_and_the_lock_pins_the_one_chosen()
    {
        var tuning = Tuning("random", trials: 21) with { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true)] };
        var run = Cli(new TunableTitanicPipeline(_project, tuning), "tune", "--rescore", "2", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        var described = System.Text.RegularExpressions.Regex.Match(run.Output, @"Re-scored: the 2 best trials were scored again under the spec's protocol on 2 fresh sets of splits \(seeds \d+, \d+\) and the winner is the best auc mean over all their splits, (trial (\d+) instead of the search's best|the search's best, trial (\d+), again)");
        Assert.True(described.Success, run.Output);
        string chosen = described.Groups[2].Success ? described.Groups[2].Value : described.Groups[3].Value;
        Assert.Matches($@"trial {chosen}: search 0\.\d{{4}}, fresh 0\.\d{{4}}, over all \d+ splits 0\.\d{{4}}  ← chosen", run.Output);
        Assert.Contains($"Winner: trial {chosen}: leaves=", run.Output);
        var leaves = System.Text.RegularExpressions.Regex.Match(run.Output, $@"Winner: trial {chosen}: leaves=(\d+)").Groups[1].Value;
        Assert.Contains($"leaves: {leaves}", File.ReadAllText(Path.Combine(_project, "pipeline.lock.yaml")));

        var off = Cli(new TunableTitanicPipeline(_project, tuning), "tune", "--rescore", "0", "--no-ensemble", "--no-lock");
        Assert.True(off.Exit == 0, off.Output + off.Error);
        Assert.DoesNotContain("Re-scored", off.Output);
        Assert.Contains("search score (best of 21 on the same", off.Output);
        Assert.Equal(2, Cli(new TunableTitanicPipeline(_project, tuning), "tune", "--rescore", "-1").Exit);
    }

    /// <summary>The progress line of a study bounded by time only: trials done and the time left, no "of 2147483647", no overflowed estimate.</summary>
    [Fact]
    public void The_progress_of_a_time_only_study_counts_trials_and_the_time_left()
    {
        var study = new StudyInfo("s", "Titanic", "h", "d", "f", "random", 1, "auc", true, DateTimeOffset.UtcNow);
        var trials = Enumerable.Range(0, 3).Select(n => new TrialRecord(n, new Configuration { ["leaves"] = 8 }, "complete", 0.8, 0.01, 0, null, TimeSpan.FromSeconds(200))).ToArray();
        var state = new StudyResult(study, trials, 3, StopReason.TrialBudget);
        var text = TuningCommandContributor.TimeLeft(state, TuningSettings.NoTrialCap, TimeSpan.FromMinutes(10), new TuneOptions { Time = TimeSpan.FromMinutes(25) });
        Assert.Equal("  | 3 done, 10 min elapsed, 15 min left", text);
    }

    /// <summary>
    /// A finite space under a time budget alone: random search and the bayesian sampler (TPE) score each of its 3 points
    /// once and stop, instead of refitting the same configurations until the minutes run out (which a time-only study
    /// would otherwise do).
    /// </summary>
    [Theory]
    [InlineData("random")]
    [InlineData("bayesian")]
    public void Search_in_a_finite_space_scores_each_point_once_and_stops(string strategy)
    {
        var tuning = new TuningSettings { Strategy = strategy, Space = [SearchParameter.Choice("leaves", HyperparameterType.Int, 8, 16, 32)] };
        var run = Cli(new TunableTitanicPipeline(_project, tuning), "tune", "--time", "5m", "--no-ensemble");
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("stopped: every point of the space tried", run.Output);
        var proposed = System.Text.RegularExpressions.Regex.Matches(run.Output, @"\| leaves=(\d+)  \(").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["16", "32", "8"], proposed.Order().ToArray());
    }
}
