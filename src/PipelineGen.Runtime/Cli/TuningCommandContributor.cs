using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Tuning;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>tune</c>: the hyperparameter search of the spec's <c>tune</c> section (see docs/runtime-tuning.md).</summary>
internal sealed partial class TuningCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var trials = new Option<int?>("--trials") { Description = "Total trials of the study (default: tune.trials of the spec; a resumed study counts the trials already journaled)." };
        var time = new Option<string?>("--time") { Description = "Time budget of this session, e.g. 90s, 10m, 1h30m. No trial starts after it ran out. Without --trials or tune.trials it is the only bound (no 20-trial default)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the latest study of this pipeline from its journal (.pipelinegen/tune.db)." };
        var strategy = new Option<string?>("--strategy") { Description = "random, grid, bayesian, halving (successive halving over shares of the training rows or trees, see --halving-budget) or hyperband (default: tune.strategy of the spec)." };
        strategy.AcceptOnlyFromAmong("random", "grid", "bayesian", "halving", "hyperband");
        var nested = new Option<int?>("--nested") { Description = "Honest estimate by nested cross-validation: the whole search repeated inside K outer folds, each scored on its unseen rows (K searches, --time each); then the final search on all rows is pinned (skipped with --no-lock)." };
        var eta = new Option<int?>("--eta") { Description = "halving/hyperband: keep the best 1/eta of each rung (default 3)." };
        var halvingSampler = new Option<string?>("--sampler") { Description = "halving/hyperband: draw configurations by bayesian (TPE on the highest rung with enough results, as BOHB; the default) or random." };
        halvingSampler.AcceptOnlyFromAmong("bayesian", "random");
        var halvingBudget = new Option<string?>("--halving-budget") { Description = "halving/hyperband: what a low rung spends: rows (a share of each training fold), iterations (a share of the trees / boosting iterations, on all rows) or auto (iterations for a trainer with a count, rows otherwise). Default: tune.halving_budget of the spec (auto)." };
        halvingBudget.AcceptOnlyFromAmong(HalvingBudgetKinds.All.ToArray());
        var holdback = new Option<double?>("--holdback") { Description = "Share of the training rows held back from the search to score the winner honestly (default 0.2)." };
        var noLock = new Option<bool>("--no-lock") { Description = "Do not write the lock file." };
        var workers = new Option<int?>("--workers") { Description = "Run trials in up to N worker processes of this program at once; a trial still running when --time ends is stopped. Default: one at a time in this process." };
        var ensemble = new Option<bool>("--ensemble") { Description = "Build the greedy ensemble of the best trials (Caruana) even when the spec says tune.ensemble: false (the default is true); kept only when it beats the single winner on the out-of-fold rows (cross-fitted: chosen on one half, compared on the other); the held-back rows only score what was kept." };
        var budgetUnits = new Option<double?>("--budget-units") { Description = "Compute budget in full-trial equivalents (a trial fitted on all of each training fold = 1): random/grid/bayesian run that many trials; halving/hyperband are charged each rung's share of the budget (of the rows or of the trees). Overrides --trials; independent of machine load, so strategies compare at equal compute." };
        var noEnsemble = new Option<bool>("--no-ensemble") { Description = "Do not build an ensemble (tune.ensemble defaults to true): the single winner is pinned, no out-of-fold predictions are kept." };
        var honest = new Option<string?>("--honest") { Description = "The honest estimate: holdout (held-back rows) or nested (nested cross-validation over tune.outer_folds folds). Default: tune.honest of the spec; --nested K also chooses nested." };
        honest.AcceptOnlyFromAmong("holdout", "nested");
        var noSpecTrial = new Option<bool>("--no-spec-trial") { Description = "Do not start a new study with the configuration 'train' uses now (the spec's own, or the lock's): by default it is trial 1, scored like every trial, so the search cannot pin anything worse on its objective." };
        var rescore = new Option<int?>("--rescore") { Description = $"After a search of {Rescoring.MinCompleted} or more completed trials, score its N best again on {Rescoring.Repeats} fresh sets of splits and choose the winner on the mean over all their splits: the best of many looks at one set of splits is often a lucky one (default {Rescoring.Leaders}; 0: off). Under --time the search keeps back the time this takes." };
        var command = new Command("tune",
            "Search the hyperparameters of the spec's tune section under the spec's evaluation protocol, journal every trial, score the winner on held-back rows and pin it in <spec>.lock.yaml. Never reads the test set.");
        command.Options.Add(trials);
        command.Options.Add(time);
        command.Options.Add(resume);
        command.Options.Add(strategy);
        command.Options.Add(holdback);
        command.Options.Add(noLock);
        command.Options.Add(workers);
        command.Options.Add(ensemble);
        command.Options.Add(eta);
        command.Options.Add(nested);
        command.Options.Add(halvingSampler);
        command.Options.Add(halvingBudget);
        command.Options.Add(budgetUnits);
        command.Options.Add(noEnsemble);
        command.Options.Add(honest);
        command.Options.Add(noSpecTrial);
        command.Options.Add(rescore);
        command.Options.Add(services.Options.Seed);
        command.Options.Add(services.Options.Data);
        command.Options.Add(services.Options.BadRows);
        var shared = SharedOptions.AddTo(command);
        command.SetAction(parse => shared.Status(parse) ? ShowStatus(services, parse, shared) : services.RunStep("tune", record =>
        {
            if (services.Pipeline is not ITunablePipeline)
            {
                services.Error.WriteLine($"error: the spec of pipeline '{services.Pipeline.Settings.Name}' has no 'tune' section, so there is nothing to search. Add 'tune: {{}}' to search the default space over the built-in trainers (random strategy, 20 trials; 'tune --time 10m' searches for ten minutes instead), or declare 'tune.space' / 'tune.trainers' to search your own, and build again.");
                return ExitCodes.BadInput;
            }
            var options = new TuneOptions
            {
                Trials = parse.GetValue(trials),
                Time = ParseDuration(parse.GetValue(time)),
                Resume = parse.GetValue(resume),
                Strategy = parse.GetValue(strategy),
                HoldbackFraction = parse.GetValue(holdback) ?? 0.2,
                Seed = parse.GetValue(services.Options.Seed),
                DataPath = parse.GetValue(services.Options.Data),
                BadRows = parse.GetValue(services.Options.BadRows) switch { null => null, "skip" => BadRowPolicy.Skip, _ => BadRowPolicy.Fail },
                WriteLock = !parse.GetValue(noLock),
                Workers = parse.GetValue(workers) is { } n ? (n >= 1 ? n : throw new ArgumentException($"--workers {n}: use 1 or more.")) : null,
                // --ensemble / --no-ensemble override tune.ensemble of the spec.
                Ensemble = parse.GetValue(ensemble) || (!parse.GetValue(noEnsemble) && ((ITunablePipeline)services.Pipeline).Tuning.Ensemble),
                Eta = parse.GetValue(eta) is { } e ? (e >= 2 ? e : throw new ArgumentException($"--eta {e}: use 2 or more (3 is the usual).")) : 3,
                HalvingSampler = parse.GetValue(halvingSampler),
                HalvingBudget = parse.GetValue(halvingBudget),
                BudgetUnits = parse.GetValue(budgetUnits),
                SpecTrial = !parse.GetValue(noSpecTrial),
                Rescore = parse.GetValue(rescore) is { } leaders ? (leaders >= 0 ? leaders : throw new ArgumentException($"--rescore {leaders}: use 0 (off) or the number of leading trials to score again (e.g. 5).")) : Rescoring.Leaders,
            };
            options = shared.Apply(parse, options, services);
            if (parse.GetValue(ensemble) && parse.GetValue(noEnsemble)) throw new ArgumentException("--ensemble and --no-ensemble contradict each other; give one.");
            // --nested K, then --honest, then tune.honest of the spec decide the honest estimate.
            var tuning = ((ITunablePipeline)services.Pipeline).Tuning;
            if (parse.GetValue(nested) is { } outerFolds) return RunNested(services, options, outerFolds, record);
            if ((parse.GetValue(honest) ?? tuning.Honest) == "nested") return RunNested(services, options, tuning.OuterFolds, record);
            return Run(services, options, record, out _);
        }));
        root.Subcommands.Add(command);

        // The worker side of --workers: one trial, configuration in, result out (files). Not for users, so hidden.
        var request = new Option<string>("--request") { Required = true };
        var result = new Option<string>("--result") { Required = true };
        var trial = new Command("tune-trial", "Evaluate one tuning trial (used by 'tune --workers').") { Hidden = true };
        trial.Options.Add(request);
        trial.Options.Add(result);
        trial.SetAction(parse =>
        {
            if (services.Pipeline is not ITunablePipeline tunable)
            {
                services.Error.WriteLine("error: this pipeline has no 'tune' section.");
                return ExitCodes.BadInput;
            }
            ProcessTrialExecutor.Serve(tunable, parse.GetValue(request)!, parse.GetValue(result)!);
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(trial);

        // The worker side of --workers: a persistent process serving trial after trial (JSON lines on stdin/stdout, see
        // TrialWorker) until its stdin ends, i.e. the study is over or the tune process is gone. Not for users, so hidden.
        var worker = new Command("tune-worker", "Serve tuning trials from stdin (used by 'tune --workers').") { Hidden = true };
        worker.SetAction(parse =>
        {
            if (services.Pipeline is not ITunablePipeline tunable)
            {
                services.Error.WriteLine("error: this pipeline has no 'tune' section.");
                return ExitCodes.BadInput;
            }
            // The answers go to the real stdout; anything else the process prints is moved to stderr, off the protocol.
            var protocol = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
            Console.SetOut(Console.Error);
            using var input = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8);
            // Stdin ending in the middle of a trial: the tune process is gone, nobody will read the result; end now
            // (not Environment.Exit, which would wait behind the fitting thread).
            TrialWorker.Serve(tunable, input, protocol, () => System.Diagnostics.Process.GetCurrentProcess().Kill());
            protocol.Flush();
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(worker);
    }

    /// <summary>
    /// The body of <c>tune</c> inside <see cref="CommandServices.RunStep"/> (also used by <c>run</c>): tunes with a
    /// progress line per trial, prints the study's result, fills the run record. 0: a winner was found; 1: every trial failed.
    /// </summary>
    public static int Run(CommandServices services, TuneOptions options, StepRecord record, out TuneReport report)
    {
        var pipeline = (ITunablePipeline)services.Pipeline;
        var tuning = pipeline.Tuning;
        int budget = tuning.TrialBudget(options.Trials, options.Time);
        bool halvingStrategy = HalvingOptions.IsHalving(options.Strategy ?? tuning.Strategy);
        if (options.BudgetUnits is { } units && !halvingStrategy) budget = (int)Math.Floor(units);
        // Halving's trial budget counts the brackets' configurations; a new study's starting point is one trial more.
        int shown = halvingStrategy && options.SpecTrial && !options.Resume && budget != TuningSettings.NoTrialCap ? budget + 1 : budget;
        var output = services.Output;
        output.WriteLine($"Tuning {pipeline.Settings.Name} (trainer {pipeline.Settings.TrainerName}{(pipeline.PinnedHyperparameters.Count > 0 ? $", pinned by {Path.GetFileName(pipeline.LockFilePath)}" : "")}): strategy {options.Strategy ?? tuning.Strategy}, "
            + (options.BudgetUnits is { } u && halvingStrategy ? $"a compute budget of {u.ToString("0.##", CultureInfo.InvariantCulture)} full-trial equivalents (each rung charged its share of the budget)" : TuningSettings.DescribeTrialBudget(shown))
            + (options.Time is { } t ? $" or {FormatDuration(t)}" : "") + (options.Resume ? ", resuming the latest study" : "")
            + (options.Workers is { } nw ? $", {nw} worker process(es)" : ", one trial at a time in this process") + ".");
        output.WriteLine("Space: " + string.Join("; ", tuning.Space.Select(p => p.Describe())));
        // What the low rungs of halving spend, per trainer (rows, or a share of the trees / iterations on all rows).
        var halvingBudget = halvingStrategy ? HalvingBudget.For(pipeline, options.HalvingBudget ?? tuning.HalvingBudget) : null;
        if (halvingBudget is not null) output.WriteLine($"Halving budget ({halvingBudget.Requested}): low rungs spend a share of {halvingBudget.Summary()}.");
        if (options.SpecTrial && options.Storage is null && !options.Resume)
            output.WriteLine($"Trial 1: {Tuning.StartingPoint.Label(Tuning.StartingPoint.OriginOf(pipeline))} (what 'train' uses now), scored like every trial; "
                + (halvingStrategy
                    ? "evaluated once at the full budget (all rows, all its trees) before the first bracket, one evaluation beside the configurations --trials counts (one full-trial equivalent of --budget-units); it stays the winner unless a configuration beats it at the full budget."
                    : "it counts toward the budget and stays the winner unless a trial beats it."));
        output.WriteLine($"Each trial: the spec's evaluation protocol on the search rows, every transform and the trainer fitted inside each fold; {options.HoldbackFraction.ToString("0.##", CultureInfo.InvariantCulture)} of the rows held back, never seen by the search.");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Interactive: a live Spectre table (running / finished / failed, best so far, time left); redirected: one plain line per trial.
        // Halving on a unit budget has no count of trials to go: progress is the units spent, and no trial-count estimate is made.
        bool unitBudget = options.BudgetUnits is not null && halvingStrategy;
        var status = new TuningLiveStatus(unitBudget || shown == TuningSettings.NoTrialCap ? null : shown, options.Time, clock, options.Workers ?? 1);
        var live = services.Interactive ? new TuningLiveDisplay(services.Console, status, pipeline.Settings.Name) : null;
        int finishedInSession = 0;
        var tuneOptions = options with
        {
            TrialStarted = number => { options.TrialStarted?.Invoke(number); status.Started(number); live?.Refresh(); },
            RungProgress = rung => { options.RungProgress?.Invoke(rung); status.RungFinished(rung.Trial); live?.Refresh(); },
            Progress = (trial, state) =>
            {
                options.Progress?.Invoke(trial, state);
                Interlocked.Increment(ref finishedInSession);
                var best = state.Best;
                string bestText = best is null ? "best: none yet" : $"best {PipelineTuner.F(best.Value!.Value)} (trial {best.Number + 1})";
                string what = trial.State switch
                {
                    "failed" => $"failed: {trial.Error}",
                    "stopped" => trial.Error ?? "stopped by the time budget",
                    _ => $"{state.Study.Metric} {PipelineTuner.F(trial.Value!.Value)}{(trial.StdDev is { } s ? " ± " + PipelineTuner.F(s) : "")}"
                        + (trial.State == "pruned" ? $" on {halvingBudget!.Describe(trial.Configuration, trial.Budget)}, pruned" : trial.Budget is null && state.Rungs.Count > 0 ? " at the full budget" : ""),
                };
                status.Finished(trial, state);
                if (live is not null) { live.Refresh(); return; }
                string progress = unitBudget
                    ? $"  | {state.Rungs.Sum(r => r.Fraction).ToString("0.##", CultureInfo.InvariantCulture)} of {options.BudgetUnits!.Value.ToString("0.##", CultureInfo.InvariantCulture)} units spent, {FormatDuration(clock.Elapsed)} elapsed"
                    : TimeLeft(state, budget, clock.Elapsed, options);
                output.WriteLine($"  trial {trial.Number + 1}{(unitBudget || shown == TuningSettings.NoTrialCap ? "" : "/" + shown)}  {what}  | {bestText}  | {trial.Configuration.Describe(new SearchSpace(tuning.Space))}  ({trial.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s){progress}");
                output.WriteLine("    " + status.PlainLine());
            },
        };
        // Ctrl-C / SIGTERM: stop at once (every finished trial is journaled already) and say how to continue.
        using (TuningInterrupt.Register(services.Error, pipeline, options, () => Volatile.Read(ref finishedInSession)))
            report = live is null ? PipelineTuner.Run(pipeline, tuneOptions) : live.Run(() => PipelineTuner.Run(pipeline, tuneOptions));

        var result = report.Result;
        var study = result.Study;
        record.Parameters["study"] = study.Id;
        record.Parameters["strategy"] = study.Strategy;
        record.Parameters["seed"] = study.Seed.ToString(CultureInfo.InvariantCulture);
        record.Parameters["trials"] = result.Trials.Count.ToString(CultureInfo.InvariantCulture);
        record.Parameters["primary_metric"] = report.Metric;
        record.Parameters["holdback_rows"] = report.HoldbackRows.ToString(CultureInfo.InvariantCulture);

        int failed = result.Trials.Count(t => t.Failed);
        int pruned = result.Trials.Count(t => t.State == "pruned"), stoppedCount = result.Trials.Count(t => t.State == "stopped");
        string stop = result.StopReason switch
        {
            StopReason.TimeBudget => "time budget used up",
            StopReason.SpaceExhausted => "every point of the space tried",
            StopReason.UnitBudget => "compute budget (--budget-units) spent",
            _ => "trial budget reached",
        };
        output.WriteLine($"Study {study.Id}: {result.Trials.Count} trial(s) ({result.NewTrials} in this session, {failed} failed"
            + (result.Rungs.Count > 0 ? $", {pruned} pruned at a lower rung, {result.Rungs.Count} rung evaluation(s)" : "")
            + (stoppedCount > 0 ? $", {stoppedCount} stopped by the time budget" : "") + $"); stopped: {stop}.");
        foreach (var line in report.RungBudgets) output.WriteLine("  " + line);

        var winner = result.Best;
        if (winner is null)
        {
            var (message, outcome) = NoWinner(result, report.Space);
            services.Error.WriteLine($"error: {message}");
            record.Outcome = outcome;
            record.Message = message;
            return ExitCodes.CheckFailed;
        }

        output.WriteLine();
        output.WriteLine($"Winner: trial {winner.Number + 1}: {winner.Configuration.Describe(report.Space)}");
        if (winner.Configuration.IsStartingPoint)
        {
            string kept = report.LockPath is null ? "it stays as it is" : "the lock pins its values";
            // Nothing else finished (a budget of one trial, or --time spent by trial 1): it won by default, not by beating anything.
            int others = result.Trials.Count(t => !t.Configuration.IsStartingPoint);
            output.WriteLine(others == 0
                ? $"  No other trial ran ({stop} after trial 1), so nothing was compared with {Tuning.StartingPoint.Label(winner.Configuration.Origin!)}: {kept}. Give more --trials or --time to search."
                : result.Completed.Count() == 1
                ? $"  No other trial completed ({others} failed or stopped), so nothing was compared with {Tuning.StartingPoint.Label(winner.Configuration.Origin!)}: {kept}."
                : $"  No trial beat {Tuning.StartingPoint.Label(winner.Configuration.Origin!)} on the search objective: {kept}.");
        }
        // A lock that pinned an ensemble: trial 1 measured its single values only (an ensemble is no starting point), so a
        // new lock without an ensemble changes what 'train' fits, from the blend to one model. Say so instead of "pins its values".
        if (report.LockPath is not null && pipeline.PinnedEnsemble.Count > 0 && report.Ensemble is not { Kept: true })
            services.Error.WriteLine($"warning: {Path.GetFileName(report.LockPath)} pinned an ensemble of {pipeline.PinnedEnsemble.Count} models before this study; trial 1 measured only its single values "
                + "(an ensemble is not a starting point), and this study kept no ensemble, so the new lock pins one model: after the next build 'train' fits that model, not the blend. "
                + "To keep the blend, restore the lock from version control.");
        output.WriteLine($"  held-back score (the honest estimate: {report.HoldbackRows} rows the search never saw): {report.Metric} {Fmt(report.WinnerHoldbackScore)}");
        var (startingPoint, shortName) = StartingPoint((ITunablePipeline)services.Pipeline);
        output.WriteLine($"  {(startingPoint + " on the same held-back rows:").PadRight(72)} {report.Metric} {Fmt(report.DefaultHoldbackScore)}"
            + (winner.Configuration.IsStartingPoint ? "  (the winner itself: one fit)"
                : report.WinnerHoldbackScore is { } w && report.DefaultHoldbackScore is { } d ? $"  (tuned - {shortName} = {(w - d >= 0 ? "+" : "")}{PipelineTuner.F(w - d)}, one fit each: not a significance test)" : ""));
        output.WriteLine(result.Rescore is null
            ? $"  search score (best of {result.Completed.Count()} on the same {winner.Splits} split(s), optimistic): {report.Metric} {PipelineTuner.F(winner.Value!.Value)}{(winner.StdDev is { } ws ? " ± " + PipelineTuner.F(ws) : "")}"
            : $"  search score (one of the {result.Rescore.Leaders.Count} best of {result.Completed.Count()} on the same {winner.Splits} split(s), optimistic): {report.Metric} {PipelineTuner.F(winner.Value!.Value)}{(winner.StdDev is { } ws2 ? " ± " + PipelineTuner.F(ws2) : "")}");
        if (result.Rescore is { } rescore)
        {
            // The winner's curse: the best of many looks at one set of splits is often a lucky configuration.
            output.WriteLine($"  Re-scored: {Rescoring.Describe(rescore, report.Metric)}:");
            foreach (var line in Rescoring.Lines(rescore, report.Metric)) output.WriteLine("    " + line);
            record.Parameters["rescored"] = $"{rescore.Leaders.Count} leaders on seeds {string.Join(" ", rescore.Seeds)}; chosen trial {rescore.ChosenNumber + 1}, search's best trial {rescore.SearchBestNumber + 1}";
        }
        if (report.LockPath is not null)
            output.WriteLine($"Pinned in {report.LockPath}: build again and 'train' uses these values (commit the file to keep them).");
        if (options.Ensemble) TuningEnsembleOutput.Write(services, pipeline, report, options, record);
        foreach (var warning in report.Warnings) services.Error.WriteLine($"warning: {warning}");
        record.Parameters["winner"] = $"trial {winner.Number + 1}: {winner.Configuration.Describe(report.Space)}";
        WriteStudyReport(services, pipeline, report, record);

        if (report.WinnerHoldbackScore is { } winnerScore)
            record.Metrics.Add(new RunMetric(report.Metric, "model", winnerScore, null, null, null));
        if (report.DefaultHoldbackScore is { } defaultScore)
            record.Metrics.Add(new RunMetric(report.Metric, "spec-defaults", defaultScore, null, null, null));
        record.Metrics.Add(new RunMetric(report.Metric, "search-best", winner.Value, winner.StdDev, null, null));
        record.Outcome = "tuned";
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Why a study has no winner, and the run's outcome. Only failed trials say something about the ranges; a budget that
    /// ended before any trial finished (stopped by --time, or pruned) is a budget problem, not a broken configuration
    /// (it used to say "no working configuration … Check the ranges under tune.space" and record "all-trials-failed").
    /// </summary>
    internal static (string Message, string Outcome) NoWinner(StudyResult result, SearchSpace space)
    {
        if (result.Trials.Count == 0)
            return ("tune finished no trial: the time budget ran out before the first one started. Give more --time.", "no-trial-finished");
        int failed = result.Trials.Count(t => t.Failed);
        int pruned = result.Trials.Count(t => t.State == "pruned"), stopped = result.Trials.Count(t => t.State == "stopped");
        if (failed == 0)
            return ($"tune finished no trial at the full budget: {(stopped > 0 ? $"{stopped} stopped by the time budget (not failures of their configurations; 'tune --resume' runs them again)" : "")}"
                + $"{(stopped > 0 && pruned > 0 ? ", " : "")}{(pruned > 0 ? $"{pruned} pruned at a lower rung" : "")}. Give more --time or --trials; nothing is wrong with the ranges.", "no-trial-finished");
        var first = result.Trials.First(t => t.Failed);
        string others = pruned + stopped > 0 ? $" ({pruned} pruned, {stopped} stopped by the time budget)" : "";
        string count = failed == result.Trials.Count ? $"all {failed}" : $"{failed} of {result.Trials.Count}";
        // Every trial failed with the very same error (an empty split of the search rows, a metric undefined on a one-row
        // validation part): it does not depend on the configuration, so the data or the spec's protocol is at fault and
        // the ranges are not worth a look. A single failed trial cannot show that.
        var failures = result.Trials.Where(t => t.Failed).ToArray();
        if (failures.Length >= 2 && first.Error is { } error && failures.All(t => t.Error == error))
        {
            string prefix = nameof(Evaluation.EvaluationException) + ": ";
            string said = error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error;
            return ($"tune found no working configuration: {count} trial(s) failed{others} with the same error, whatever their configuration: {said.TrimEnd('.')}. "
                + "An error that does not depend on the configuration comes from the data or the spec's 'evaluate' protocol on the rows the search sees (the training rows less the held-back part, --holdback), "
                + "not from the ranges under tune.space: change 'evaluate' (holdout_fraction, folds) or give more data.", "all-trials-failed");
        }
        return ($"tune found no working configuration: {count} trial(s) failed{others}; first error (trial {first.Number + 1}, {first.Configuration.Describe(space)}): {first.Error} "
            + "Check the ranges under tune.space against the trainer.", "all-trials-failed");
    }

    /// <summary>
    /// The tuning step of <c>run</c>: nothing when the spec has no <c>tune</c> section (returns the pipeline as it is);
    /// otherwise a study like <c>tune</c> (recorded as its own run, lock file written) and the pipeline with the winner's
    /// hyperparameters, which <c>run</c> then trains.
    /// </summary>
    public static IPipelineDefinition RunInWorkflow(CommandServices services, int? seed, out int exitCode) => RunInWorkflow(services, seed, out exitCode, out _);

    /// <summary>
    /// As above; the spec's tune.ensemble and tune.honest decide what runs (as for 'tune'). <paramref name="ensemble"/>:
    /// the members 'run' fits (and measures its gates on) when the study kept an ensemble (as pinned), else null.
    /// </summary>
    public static IPipelineDefinition RunInWorkflow(CommandServices services, int? seed, out int exitCode, out IReadOnlyList<Tuning.Ensembles.EnsembleMember>? ensemble)
    {
        exitCode = ExitCodes.Ok;
        ensemble = null;
        if (services.Pipeline is not ITunablePipeline tunable) return services.Pipeline;
        services.Output.WriteLine($"{Environment.NewLine}== 3+/5 tune (the spec has a tune section) ==");
        TuneReport? report = null;
        // The final model is trained by run's train step, so the tune step does not also save the ensemble as a version.
        var options = new TuneOptions { Seed = seed, Ensemble = tunable.Tuning.Ensemble, SaveEnsembleModel = false };
        exitCode = services.RunStep("tune", record => tunable.Tuning.Honest == "nested"
            ? RunNested(services, options, tunable.Tuning.OuterFolds, record, out report)
            : Run(services, options, record, out report));
        if (exitCode != ExitCodes.Ok || report?.Result.Best is not { } best) return services.Pipeline;
        if (report.Ensemble is { Kept: true } kept)
        {
            ensemble = kept.Members;
            services.Output.WriteLine($"The final model is the study's ensemble ({kept.Members.Count} members, pinned in the lock file), each member refitted on all training rows; its honest estimate is the ensemble's held-back score in the tune run above.");
            return services.Pipeline;
        }
        var winner = tunable.WithHyperparameters(best.Configuration);
        services.Output.WriteLine(WinnerNote(tunable, winner, best.Configuration.Describe(report.Space)));
        return winner;
    }

    /// <summary>
    /// What 'run' trains after its study and what the card's evaluation will be: step 2 measured the pipeline's own values
    /// (the spec's, or the lock's: <see cref="StartingPoint"/>); when the winner has the same trainer and values, that
    /// evaluation is the card's (train matches it), otherwise train measures the winner itself on the spec's protocol.
    /// </summary>
    internal static string WinnerNote(ITunablePipeline pipeline, IPipelineDefinition winner, string winnerValues)
    {
        var (measured, won) = (Training.TrainerHyperparameters.Describe(pipeline), Training.TrainerHyperparameters.Describe(winner));
        bool same = measured.Name == won.Name && measured.Hyperparameters.Count == won.Hyperparameters.Count
            && measured.Hyperparameters.All(h => won.Hyperparameters.TryGetValue(h.Key, out var v) && v == h.Value);
        string stepTwo = StartingPoint(pipeline).Label;
        return same
            ? $"The final model is trained with the winner ({winnerValues}), the configuration step 2 measured ({stepTwo}): that evaluation goes in the card; after tuning it leans optimistic, and the honest estimate is the held-back score in the tune run above."
            : $"The final model is trained with the winner ({winnerValues}); step 2 measured the {stepTwo}, so train measures the winner itself on the spec's protocol for the card (leaning optimistic after tuning); its honest estimate is the held-back score in the tune run above.";
    }

    /// <summary>The study's HTML page (<see cref="StudyReport"/>) beside the explore report; a page that cannot be written is a warning, not a failed study.</summary>
    private static void WriteStudyReport(CommandServices services, ITunablePipeline pipeline, TuneReport report, StepRecord record)
    {
        var path = StudyReport.DefaultPath(pipeline.Settings);
        try
        {
            StudyReport.Write(report, pipeline.Settings.Name, path);
            services.Output.WriteLine($"Study report: {path}");
            record.Parameters["study_report"] = path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            services.Error.WriteLine($"warning: could not write the study report {path}: {e.Message}");
        }
    }

    /// <summary>
    /// "  | 3 of 20 done, 42 s elapsed, about 3.1 min left": the trials still to run at this session's mean trial time
    /// (divided among the workers), capped by what is left of --time. Plain text, so it reads the same when redirected.
    /// </summary>
    internal static string TimeLeft(StudyResult state, int budget, TimeSpan elapsed, TuneOptions options)
    {
        int done = state.Trials.Count;
        if (budget == TuningSettings.NoTrialCap)
        {
            // Only --time bounds the study: what is left of it is the estimate.
            string timed = $"  | {done} done, {FormatDuration(elapsed)} elapsed";
            return options.Time is { } bound ? timed + $", {FormatDuration(bound - elapsed > TimeSpan.Zero ? bound - elapsed : TimeSpan.Zero)} left" : timed;
        }
        int remaining = Math.Max(0, budget - done);
        string text = $"  | {done} of {budget} done, {FormatDuration(elapsed)} elapsed";
        if (remaining == 0 || state.NewTrials == 0) return text;
        var estimate = TimeSpan.FromTicks(elapsed.Ticks / state.NewTrials * remaining / Math.Max(1, options.Workers ?? 1));
        if (options.Time is { } limit && limit - elapsed < estimate) estimate = limit - elapsed > TimeSpan.Zero ? limit - elapsed : TimeSpan.Zero;
        return text + $", about {FormatDuration(estimate)} left";
    }

    private static string Fmt(double? value) => value is { } v ? PipelineTuner.F(v) : "undefined (see warnings)";

    /// <summary>90s, 10m, 1h30m, 2.5h, or a plain number of seconds. Null for null; <see cref="ArgumentException"/> for anything else.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        // A deadline is now + the duration: beyond about 1000 years it cannot be represented, and that failed only after
        // every trial had run ("un-representable DateTime"). A year is more than any study needs: said at once.
        TimeSpan Checked(double total) => total <= MaxDuration.TotalSeconds ? TimeSpan.FromSeconds(total)
            : throw new ArgumentException($"--time '{text}' is longer than a year ({MaxDuration.TotalDays:0} days), the longest budget tune takes; give a shorter one, or --trials alone for no time bound.");
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && double.IsFinite(seconds))
            return Checked(seconds);
        var match = DurationPattern().Match(trimmed);
        if (match.Success && trimmed.Length > 0)
        {
            double total = 0;
            foreach (Capture capture in match.Groups["part"].Captures)
            {
                var part = capture.Value;
                double n = double.Parse(part[..^1], CultureInfo.InvariantCulture);
                total += part[^1] switch { 'h' => n * 3600, 'm' => n * 60, _ => n };
            }
            if (total > 0) return Checked(total);
        }
        throw new ArgumentException($"--time '{text}' is not a duration; use e.g. 90s, 10m or 1h30m (more than zero).");
    }

    /// <summary>The longest --time accepted.</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?[hms])+$")]
    private static partial Regex DurationPattern();

    internal static string FormatDuration(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min" : $"{t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";

    /// <summary>
    /// What tuning is compared with: the generated pipeline's own values, which are the spec's unless a lock file pinned
    /// earlier values (then retuning compares with those, and saying "the spec's" would name the wrong model).
    /// </summary>
    internal static (string Label, string ShortName) StartingPoint(ITunablePipeline pipeline) =>
        pipeline.PinnedHyperparameters.Count > 0
            ? ($"values pinned by {Path.GetFileName(pipeline.LockFilePath)} before this study (trainer {pipeline.Settings.TrainerName})", "pinned")
            : ("spec's own hyperparameters", "spec");
}
