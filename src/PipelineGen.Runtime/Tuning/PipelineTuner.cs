using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Shared;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Tunes a generated pipeline: holds back part of the training rows (stratified, groups and duplicates kept on one
/// side), runs the study on the rest with the spec's evaluation protocol through <see cref="Evaluator"/> (the same code
/// as <c>evaluate</c>, fold-local fitting), journals each trial, then scores the winner and the spec's defaults on the
/// held-back rows the search never saw and writes the winner to the lock file. The test set is never read.
/// </summary>
internal static class PipelineTuner
{
    public static TuneReport Run(ITunablePipeline pipeline, TuneOptions options)
    {
        var settings = pipeline.Settings;
        var space = new SearchSpace(pipeline.Tuning.Space);
        int trials = CheckBudget(pipeline, options, space);
        string strategy = options.Strategy ?? pipeline.Tuning.Strategy;
        int seed = options.Seed ?? settings.Evaluation.Seed;
        var sampler = HalvingOptions.IsHalving(strategy) ? null : Samplers.Create(strategy, seed);
        var data = ReadData(settings, options);
        var metric = ChooseMetric(pipeline, data.Scan);
        var plan = PlanSplit(pipeline, options, data, strategy, seed);
        sampler ??= plan.Halving!.CreateSampler(seed);
        // The default space's portfolio is proposed first (StartingConfigurations.cs), then the sampler's own, unchanged.
        sampler = FirstProposalsSampler.Wrap(sampler, pipeline.Tuning, space);
        var files = WriteWorkFiles(settings, options, data.Path, plan.Split);

        var specHash = pipeline.Settings.SpecHash ?? "unknown";
        var dataHash = HashFile(data.Path);
        // A shared study lives in PostgreSQL instead of the SQLite journal (Storage/SharedTuning.cs).
        using var shared = options.Storage is { } storageText ? SharedTuning.Open(storageText, options, plan.Halving is not null) : null;
        using var journal = shared is null ? new TuningJournal(options.JournalPath ?? TuningJournal.DefaultPath(settings)) : null;
        var key = new StudyKey(specHash, dataHash, data.Path, FirstProposalsSampler.Fingerprint(space, sampler), strategy, seed, metric.Name, metric.Higher, plan.Halving, StartingPoint.Describe(pipeline));
        var study = OpenStudy(shared, journal, options, pipeline, space, trials, key);
        // Trial 1 is the starting point (StartingPoint.cs); the sampler's proposals follow it, unchanged.
        if (study.StartingPoint is { } start) sampler = new StartingPointSampler(sampler, StartingPoint.OriginOf(start));

        string? oofDir = options.Ensemble ? Ensembles.OutOfFoldStore.Directory(files.WorkDir, study.Id) : null;
        var started = DateTimeOffset.UtcNow;
        var studyResult = RunStudy(pipeline, options, shared, journal, study, space, sampler, plan, trials, files, metric.Name, oofDir);
        // The leaders scored again on fresh splits, inside what is left of the time budget (a shared study's trials ran
        // on many machines, and no one of them owns the choice: it keeps the search's best).
        if (shared is null) studyResult = Rescore(pipeline, options, studyResult, files.SearchFile, metric.Name, seed, started + options.Time);
        // A shared study's ensemble candidates were evaluated on many machines: fetch their predictions from the storage.
        if (shared is not null && oofDir is not null) SharedTuning.FetchOutOfFold(shared, study.Id, oofDir);
        var counts = data.Scan.LabelCounts.Select(c => (double)c.Value).ToArray();
        var outcome = ScoreAndLock(pipeline, options, studyResult, space, study, specHash, metric, files, oofDir, data.Warnings,
            counts.Length > 0 && counts.Sum() > 0 ? counts.Max() / counts.Sum() : null);
        return Report(options, studyResult, space, metric, data, plan, outcome, files.WorkDir);
    }

    /// <summary>What the data step passes on: the training file, its scan, and the warnings collected so far.</summary>
    private sealed record TuneData(string Path, DataScan Scan, List<string> Warnings);

    /// <summary>The metric the study optimises, why it was chosen, and its direction.</summary>
    private sealed record MetricChoice(string Name, string Reason, bool Higher);

    /// <summary>The held-back split of the rows and, for halving / Hyperband, its levels and what each trial's rungs spend.</summary>
    private sealed record HoldbackPlan(DataSplit Split, HalvingOptions? Halving, HalvingBudget? Budget, string How);

    /// <summary>The tune folder and the search / held-back parts written into it.</summary>
    private sealed record WorkFiles(string WorkDir, string SearchFile, string HoldbackFile);

    /// <summary>What a study is of: a resumed study must match all of it (its starting point too, when it has one).</summary>
    private sealed record StudyKey(string SpecHash, string DataHash, string DataPath, string SpaceFingerprint, string Strategy, int Seed, string Metric, bool Higher, HalvingOptions? Halving, string StartingPoint);

    /// <summary>The winner's and the defaults' held-back scores, the lock file written and the ensemble built (or why not).</summary>
    private sealed record TuneOutcome(double? WinnerScore, double? DefaultScore, string? LockPath, Ensembles.EnsembleReport? Ensemble, string? EnsembleNotBuilt);

    /// <summary>Checks the space, the trial / unit / time budgets and the options; returns the trial budget.</summary>
    private static int CheckBudget(ITunablePipeline pipeline, TuneOptions options, SearchSpace space)
    {
        var settings = pipeline.Settings;
        var tuning = pipeline.Tuning;
        if (space.PointCount == 1)
            throw new ArgumentException($"the search space has one point ({space.Fingerprint()}): there is nothing to choose. Widen a range or add values under tune.space.");
        int trials = tuning.TrialBudget(options.Trials, options.Time);
        if (options.BudgetUnits is { } units)
        {
            if (!(units >= 1) || double.IsInfinity(units)) throw new ArgumentException($"the compute budget is {units.ToString(CultureInfo.InvariantCulture)} full-trial equivalents; give --budget-units 1 or more.");
            // Halving is stopped by the units it spent, not by a count of configurations.
            trials = HalvingOptions.IsHalving(options.Strategy ?? tuning.Strategy) ? int.MaxValue : (int)Math.Floor(units);
        }
        if (trials < 1) throw new ArgumentException($"the trial budget is {trials}; give --trials 1 or more.");
        if (options.Time is { } t && t <= TimeSpan.Zero) throw new ArgumentException("the time budget is zero; give e.g. --time 10m.");
        if (!(options.HoldbackFraction > 0 && options.HoldbackFraction < 0.9))
            throw new ArgumentException($"--holdback {options.HoldbackFraction.ToString(CultureInfo.InvariantCulture)} is out of range; use a share between 0 and 0.9 (e.g. 0.2).");
        var unknown = space.Parameters.Select(p => p.Name).Except(pipeline.HyperparameterNames).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"tune.space names {string.Join(", ", unknown)}, which trainer '{settings.TrainerName}' does not have (it has {string.Join(", ", pipeline.HyperparameterNames)}).");
        return trials;
    }

    /// <summary>Scans the training rows (or the given file) and stops on bad rows as the spec or --bad-rows says.</summary>
    private static TuneData ReadData(PipelineSettings settings, TuneOptions options)
    {
        string path = options.DataPath is { } given ? Path.GetFullPath(given) : settings.ResolvePath(settings.TrainDataPath);
        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(options.BadRows ?? settings.BadRows);
        return new TuneData(path, scan, new List<string>(scan.Warnings));
    }

    private static MetricChoice ChooseMetric(ITunablePipeline pipeline, DataScan scan)
    {
        var settings = pipeline.Settings;
        var tuning = pipeline.Tuning;
        var (primary, reason) = MetricCatalog.ChoosePrimary(settings, scan.LabelCounts);
        string metric = tuning.Metric ?? primary;
        if (tuning.Metric is not null) reason = "tune.metric in the spec";
        if (!MetricCatalog.For(settings.Task).Contains(metric))
            throw new ArgumentException($"tune.metric '{metric}' does not apply to a {settings.Task} task; use one of {string.Join(", ", MetricCatalog.For(settings.Task))}.");
        return new MetricChoice(metric, reason, MetricCatalog.HigherIsBetter(metric));
    }

    private static HoldbackPlan PlanSplit(ITunablePipeline pipeline, TuneOptions options, TuneData data, string strategy, int seed)
    {
        var settings = pipeline.Settings;
        // The held-back part: one seeded, stratified holdout split of the rows (groups and duplicates never straddle it).
        SplitPlan holdPlan;
        try
        {
            holdPlan = SplitPlanner.Plan(data.Scan.Keys, new EvaluationSettings
            {
                Protocol = EvaluationProtocol.Holdout,
                HoldoutFraction = options.HoldbackFraction,
                Stratify = settings.Evaluation.Stratify,
                Seed = seed,
            }, settings.Task);
        }
        catch (EvaluationException e)
        {
            // The held-back part is tune's own split (--holdback), not the spec's protocol: name the option.
            throw new ArgumentException($"--holdback {options.HoldbackFraction.ToString(CultureInfo.InvariantCulture)} leaves a part of the data empty: {e.Message} Use a larger --holdback (default 0.2), or --honest nested.", e);
        }
        var split = holdPlan.Splits[0];
        if (!options.NestedInner && ThinHoldback(split, holdPlan.ClassNames) is { } thin) data.Warnings.Add(thin);
        // Successive halving's levels depend on how many rows a training fold holds and on the smallest tree / iteration
        // count in the space (the lowest rung keeps enough of what it spends).
        var budget = HalvingOptions.IsHalving(strategy) ? HalvingBudget.For(pipeline, options.HalvingBudget ?? pipeline.Tuning.HalvingBudget) : null;
        var halving = budget is not null
            ? HalvingOptions.For(strategy, TrainingRowsPerFold(settings.Evaluation, options.NestedInner ? data.Scan.RowCount : split.TrainingRowCount), options.Eta, options.HalvingSampler ?? "bayesian", budget)
            : null;
        // How the rows were split, as the report says it: stratified only where the planner did (never for regression).
        string how = $"seeded{(holdPlan.Stratified ? ", stratified by class" : ", not stratified")}{(data.Scan.Keys.GroupOf is not null ? ", each group on one side" : "")}, exact duplicates on one side";
        return new HoldbackPlan(split, halving, budget, how);
    }

    /// <summary>Fewer rows of a class than this in the held-back part and its score rests on a handful of rows.</summary>
    internal const int ThinHoldbackClassRows = 10;

    /// <summary>
    /// A warning when the held-back part has fewer than <see cref="ThinHoldbackClassRows"/> rows of some class (5 positives
    /// in 300 rows leave about one in a fifth held back): the headline "honest estimate" is then decided by those rows,
    /// one row more or less moves it a lot, and nothing else says so. Null for regression or enough rows of every class.
    /// </summary>
    internal static string? ThinHoldback(DataSplit split, IReadOnlyList<string> classNames)
    {
        if (split.ValidationClassCounts is not { } counts || counts.Count != classNames.Count || counts.Count == 0) return null;
        var (fewest, index) = counts.Select((n, i) => (n, i)).MinBy(x => x.n);
        if (fewest >= ThinHoldbackClassRows) return null;
        return $"the held-back part has {fewest} '{classNames[index]}' row(s) of {split.ValidationRowCount.ToString(CultureInfo.InvariantCulture)}: "
            + "the honest estimate rests on them, so a row more or less would move it a lot, and a metric of that class may be undefined there. "
            + "With this few, 'tune --nested 5' is steadier (every row is scored once, by a search that never saw it); more data is better still.";
    }

    private static WorkFiles WriteWorkFiles(PipelineSettings settings, TuneOptions options, string path, DataSplit split)
    {
        var workDir = Path.Combine(settings.ResolvePath("."), ".pipelinegen", "tune", settings.Name);
        Directory.CreateDirectory(workDir);
        string searchFile = Path.Combine(workDir, "search" + Path.GetExtension(path));
        string holdbackFile = Path.Combine(workDir, "holdback" + Path.GetExtension(path));
        if (options.NestedInner) searchFile = path; // the outer fold's training rows, all searched
        else WriteParts(path, settings, split, searchFile, holdbackFile);
        return new WorkFiles(workDir, searchFile, holdbackFile);
    }

    /// <summary>Joins the shared study, resumes the journal's latest one (refusing a mismatch), or creates a new one.</summary>
    private static StudyInfo OpenStudy(IStudyStorage? shared, TuningJournal? journal, TuneOptions options, ITunablePipeline pipeline, SearchSpace space, int trials, StudyKey key)
    {
        var settings = pipeline.Settings;
        if (shared is not null)
            return SharedTuning.Join(shared, options, settings.Name, key.SpecHash, key.DataHash, key.SpaceFingerprint, key.Strategy, key.Seed, key.Metric, key.Higher, trials, key.Halving?.Describe(),
                options.SpecTrial ? key.StartingPoint : null);
        if (options.Resume)
            return ResumeStudy(journal!, options, pipeline, space, key);
        var study = new StudyInfo(Runs.RunRecord.NewId(DateTimeOffset.UtcNow), options.StudyName ?? settings.Name, key.SpecHash, key.DataHash, key.SpaceFingerprint, key.Strategy, key.Seed, key.Metric, key.Higher, DateTimeOffset.UtcNow)
        {
            Options = key.Halving?.Describe(),
            // Halving / Hyperband evaluate it once at the full budget, before the first bracket (HalvingRunner).
            StartingPoint = options.SpecTrial ? key.StartingPoint : null,
        };
        journal!.CreateStudy(study);
        return study;
    }

    private static StudyInfo ResumeStudy(TuningJournal journal, TuneOptions options, ITunablePipeline pipeline, SearchSpace space, StudyKey key)
    {
        var settings = pipeline.Settings;
        var (specHash, dataHash, path, strategy, seed, metric, halving) = (key.SpecHash, key.DataHash, key.DataPath, key.Strategy, key.Seed, key.Metric, key.Halving);
        var study = journal.LatestStudy(options.StudyName ?? settings.Name)
            ?? throw new StudyNotResumableException($"there is no study of pipeline '{settings.Name}' to resume in {journal.DatabasePath}; run tune without --resume.", noStudy: true);
        var mismatch = new List<string>();
        if (study.SpecHash != specHash) mismatch.Add($"the spec changed (study {Short(study.SpecHash)}, now {Short(specHash)})");
        if (study.DataHash != dataHash) mismatch.Add($"the data changed ({path}: study {Short(study.DataHash)}, now {Short(dataHash)})");
        var fingerprint = key.SpaceFingerprint;
        if (study.SpaceFingerprint != fingerprint) mismatch.Add($"the search space changed (study: {study.SpaceFingerprint}; now: {fingerprint})");
        if (study.Strategy != strategy) mismatch.Add($"the strategy changed (study {study.Strategy}, now {strategy})");
        if (study.Seed != seed) mismatch.Add($"the seed changed (study {study.Seed}, now {seed})");
        if (study.Metric != metric) mismatch.Add($"the metric changed (study {study.Metric}, now {metric})");
        if (halving is not null && HalvingOptions.BudgetOf(study.Options) != halving.Budget)
            mismatch.Add($"the halving budget changed (study spent {HalvingOptions.BudgetOf(study.Options)}, now {halving.Budget}: a rung's score means something else)");
        else if (study.Options != halving?.Describe()) mismatch.Add($"the strategy's options changed (study {study.Options ?? "none"}, now {halving?.Describe() ?? "none"})");
        // The lock this very study wrote (its own winner, pinned) is no other starting point: trial 1 is journaled and never
        // runs again, the proposals do not depend on the lock, so extending the study's budget continues the same study.
        if (study.StartingPoint is { } start && start != key.StartingPoint && !StartingPoint.PinnedByStudy(pipeline, study, journal.Trials(study.Id), space))
            mismatch.Add($"its trial 1 measured {Started(start)}, but the pipeline now starts from {Started(key.StartingPoint)} (a lock file was written or removed since)");
        if (mismatch.Count > 0)
            throw new StudyNotResumableException($"study {study.Id} in {journal.DatabasePath} cannot be resumed: {string.Join("; ", mismatch)}. Its trials measured something else; run tune without --resume to start a new study.", noStudy: false)
            { Mismatch = string.Join("; ", mismatch) };
        return study;
    }

    /// <summary>
    /// The leaders' re-scoring (<see cref="Rescoring"/>) in worker processes when the study used them, else in this
    /// process, none started after <paramref name="deadline"/> (the end of the time budget).
    /// </summary>
    private static StudyResult Rescore(ITunablePipeline pipeline, TuneOptions options, StudyResult result, string searchFile, string metric, int seed, DateTimeOffset? deadline)
    {
        if (options.Rescore <= 0 || result.Completed.Count() < Rescoring.MinCompleted) return result;
        if (options.Workers is { } workers)
        {
            using var executor = new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), searchFile, options.Seed, metric);
            return Rescoring.RunAsync(result, options.Rescore, seed, workers, deadline, executor.Rescore, options.Cancellation).GetAwaiter().GetResult();
        }
        return Rescoring.RunAsync(result, options.Rescore, seed, 1, deadline,
            (config, freshSeed, _) => Task.FromResult(Evaluate(pipeline, config, searchFile, freshSeed, metric)), options.Cancellation).GetAwaiter().GetResult();
    }

    /// <summary>What the search keeps back of a time budget for the leaders' re-scoring (nothing when it is off).</summary>
    private static Func<IEnumerable<TrialRecord>, TimeSpan>? ReserveFor(TuneOptions options, IStudyStorage? shared) =>
        options.Rescore <= 0 || options.Time is null || shared is not null ? null : trials => Rescoring.Reserve(trials, options.Rescore, options.Workers ?? 1);

    /// <summary>Runs the study by the chosen executor: shared halving, shared, halving, worker processes, or in-process.</summary>
    private static StudyResult RunStudy(ITunablePipeline pipeline, TuneOptions options, IStudyStorage? shared, TuningJournal? journal, StudyInfo study, SearchSpace space,
        ISampler sampler, HoldbackPlan plan, int trials, WorkFiles files, string metric, string? oofDir)
    {
        string workDir = files.WorkDir, searchFile = files.SearchFile;
        var halving = plan.Halving;
        if (shared is not null && halving is not null)
            return SharedTuning.RunHalving(shared, pipeline, options, study, space, halving, plan.Budget!, sampler, workDir, searchFile, metric);
        if (shared is not null)
            return SharedTuning.Run(shared, pipeline, options, study, space, sampler, workDir, searchFile, metric);
        if (halving is not null)
            return RunHalving(pipeline, options, halving, plan.Budget!, sampler, study, space, journal!, trials, workDir, searchFile, metric, oofDir);
        if (options.Workers is { } workers)
        {
            using var executor = new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), searchFile, options.Seed, metric) { OutOfFoldDirectory = oofDir };
            return StudyRunner.RunAsync(study, space, sampler, journal!, trials, options.Time, workers,
                (number, config, ct) => { options.TrialStarted?.Invoke(number); return executor.Execute(number, config, ct); }, options.Progress, options.Cancellation,
                killRunningAtDeadline: true, ReserveFor(options, shared)).GetAwaiter().GetResult();
        }
        // In-process, one at a time (the executor is given the trial number, which names its out-of-fold file).
        return StudyRunner.RunAsync(study, space, sampler, journal!, trials, options.Time, workers: 1,
            (number, config, _) => { options.TrialStarted?.Invoke(number); return Task.FromResult(Evaluate(pipeline, config, searchFile, options.Seed, metric, oofDir is null ? null : Ensembles.OutOfFoldStore.PathOf(oofDir, number))); },
            options.Progress, options.Cancellation, killRunningAtDeadline: false, ReserveFor(options, shared)).GetAwaiter().GetResult();
    }

    /// <summary>Scores the winner and the defaults on the held-back rows, builds the ensemble and writes the lock file.</summary>
    private static TuneOutcome ScoreAndLock(ITunablePipeline pipeline, TuneOptions options, StudyResult studyResult, SearchSpace space, StudyInfo study, string specHash,
        MetricChoice metricChoice, WorkFiles files, string? oofDir, List<string> warnings, double? majorityShare)
    {
        var settings = pipeline.Settings;
        string metric = metricChoice.Name, searchFile = files.SearchFile, holdbackFile = files.HoldbackFile;
        var best = studyResult.Best;
        if (best is null || options.NestedInner) return new TuneOutcome(null, null, null, null, null);
        string? lockPath = null;
        Ensembles.EnsembleReport? ensemble = null;
        string? ensembleNotBuilt = null;
        int mlSeed = options.Seed ?? settings.Seed;
        double? winnerScore = ScoreOnHoldback(pipeline.WithHyperparameters(best.Configuration), searchFile, holdbackFile, metric, mlSeed, warnings);
        // When no trial beat the starting point, the winner is that very pipeline: one fit, not two of the same thing.
        double? defaultScore = best.Configuration.IsStartingPoint ? winnerScore : ScoreOnHoldback(pipeline, searchFile, holdbackFile, metric, mlSeed, warnings);
        AddNoiseWarnings(studyResult, metric, metricChoice.Higher, warnings);
        // Not for a metric a majority-class guess already makes near perfect (accuracy with 1 % positives): only a score
        // above what that guess gets is any sign of a leak.
        if (Evaluator.NearPerfect(metric, winnerScore, "held-back") is { } tooGood && !(majorityShare >= Evaluator.NearPerfectScore && metric is "accuracy" or "micro_accuracy")) warnings.Add(tooGood);
        if (oofDir is not null)
            ensemble = Ensembles.EnsembleBuilder.Build(pipeline, studyResult, oofDir, searchFile, holdbackFile, mlSeed, winnerScore, warnings, out ensembleNotBuilt);
        if (options.WriteLock)
        {
            lockPath = pipeline.LockFilePath;
            // A searched trainer and preparation choices are pinned too: the lock names the winner's trainer.
            // The starting point won: the lock pins the values it was built with (the spec's, or the earlier lock's).
            var (lockTrainer, lockParams, lockPrepare) = best.Configuration.IsStartingPoint
                ? StartingPoint.ForLock(pipeline)
                : TrialConfiguration.ForLock(space.Parameters, best.Configuration, settings.TrainerName);
            LockFile.Write(lockPath, new LockFile(settings.Name, lockTrainer, study.Id, specHash, metric, best.Value!.Value, winnerScore, lockParams)
            {
                Prepare = lockPrepare,
                StartingPointWon = best.Configuration.Origin,
                DataSha256 = study.DataHash,
                Ensemble = ensemble is { Kept: true } ? ensemble.Members.Select(m => LockFile.EnsembleEntry.Of(m, space)).ToArray() : null,
                EnsembleHoldbackScore = ensemble is { Kept: true } ? ensemble.HoldbackScore : null,
            });
        }
        return new TuneOutcome(winnerScore, defaultScore, lockPath, ensemble, ensembleNotBuilt);
    }

    private static TuneReport Report(TuneOptions options, StudyResult studyResult, SearchSpace space, MetricChoice metric, TuneData data, HoldbackPlan plan,
        TuneOutcome outcome, string workDir) => new()
    {
        RungBudgets = plan.Halving is { } halving ? plan.Budget!.RungLines(halving, studyResult.Rungs) : [],
        Result = studyResult,
        Space = space,
        Metric = metric.Name,
        MetricReason = metric.Reason,
        SearchRows = options.NestedInner ? data.Scan.RowCount : plan.Split.TrainingRowCount,
        HoldbackRows = options.NestedInner ? 0 : plan.Split.ValidationRowCount,
        HoldbackSplit = plan.How,
        WinnerHoldbackScore = outcome.WinnerScore,
        DefaultHoldbackScore = outcome.DefaultScore,
        Warnings = data.Warnings.Distinct().ToArray(),
        LockPath = outcome.LockPath,
        Resumed = options.Resume,
        Ensemble = outcome.Ensemble,
        EnsembleNotBuilt = outcome.EnsembleNotBuilt,
        WorkDirectory = workDir,
    };

    /// <summary>
    /// One trial: the spec's protocol on the search rows through <see cref="Evaluator"/>, with these hyperparameters,
    /// fitted on <c>fraction</c> of each training fold (successive halving's budget; null: all of it).
    /// </summary>
    /// <remarks>With <c>outOfFoldPath</c> the trial's out-of-fold predictions are written there (ensemble candidates).</remarks>
    public static TrialOutcome Evaluate(ITunablePipeline pipeline, Configuration config, string searchFile, int? seed, string metric, string? outOfFoldPath = null, double? fraction = null)
    {
        var collector = outOfFoldPath is null ? null : new OutOfFoldCollector();
        var result = Evaluator.Evaluate(pipeline.WithHyperparameters(config), new EvaluationOptions { DataPath = searchFile, Seed = seed, OutOfFold = collector, TrainingFraction = fraction });
        if (collector is { Kind: "classes" })
        {
            var (classes, predictions, labels) = collector.ClassResult();
            Ensembles.OutOfFoldStore.WriteClasses(outOfFoldPath!, classes, predictions, labels);
        }
        else if (collector is { Kind: { } kind })
        {
            var (predictions, labels) = collector.Result();
            Ensembles.OutOfFoldStore.Write(outOfFoldPath!, kind, predictions, labels);
        }
        return Objective(result.ModelMetric(metric)!, result.Splits.Count);
    }

    /// <summary>
    /// A trial's objective from its metric over the splits: the mean, or NaN with why when it has none — undefined on
    /// every split, or, for a metric whose existence depends on the model's own decisions (precision: no predicted
    /// positive), on any split, since a mean over only the splits where it called a positive would favour a
    /// configuration that rarely calls one. Such a trial is recorded as failed with that reason and never ranked.
    /// </summary>
    internal static TrialOutcome Objective(MetricSummary summary, int splits)
    {
        string metric = summary.Name;
        if (summary.Mean is null)
            return new TrialOutcome(double.NaN, null, splits,
                $"{metric} is {MetricComputer.UndefinedText(metric)} on every split for this configuration, so it has no objective and is not ranked");
        if (summary.UndefinedCount > 0 && MetricComputer.DependsOnDecisions(metric))
            return new TrialOutcome(double.NaN, null, splits,
                $"{metric} is {MetricComputer.UndefinedText(metric)} on {summary.UndefinedCount} of {splits} splits for this configuration; "
                + "a mean over the others would favour a model that rarely calls a positive, so it has no objective and is not ranked");
        return new TrialOutcome(summary.Mean.Value, summary.StdDev, splits);
    }

    /// <summary>Successive halving / Hyperband: rungs fitted on shares of each training fold or of the trees, in worker processes when asked.</summary>
    private static StudyResult RunHalving(ITunablePipeline pipeline, TuneOptions options, HalvingOptions halving, HalvingBudget budget, ISampler sampler, StudyInfo study, SearchSpace space,
        TuningJournal journal, int trials, string workDir, string searchFile, string metric, string? oofDir = null)
    {
        // Ensemble candidates of halving / Hyperband: only evaluations at the full budget (the last rung of a bracket)
        // write out-of-fold predictions; a low rung's model saw a share of the rows or trees and is not a comparable member.
        HalvingRunner.BudgetedTrialExecutor execute;
        // Persistent worker processes, ended when the study is over (see ProcessTrialExecutor).
        using var executor = options.Workers is not null
            ? new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), searchFile, options.Seed, metric) { OutOfFoldDirectory = oofDir }
            : null;
        if (executor is not null)
        {
            execute = (n, c, f, ct) => { options.TrialStarted?.Invoke(n); var fit = budget.At(c, f); return executor.Execute(n, fit.Configuration, fit.RowFraction, ct, fullBudget: f >= 1); };
        }
        else
        {
            execute = (n, c, f, _) =>
            {
                options.TrialStarted?.Invoke(n);
                string? oof = oofDir is not null && f >= 1 ? Ensembles.OutOfFoldStore.PathOf(oofDir, n) : null;
                var fit = budget.At(c, f);
                return Task.FromResult(Evaluate(pipeline, fit.Configuration, searchFile, options.Seed, metric, oof, fraction: fit.RowFraction));
            };
        }
        return HalvingRunner.RunAsync(study, space, halving, sampler, journal, trials, options.Time, options.Workers ?? 1, execute,
            options.Progress, options.RungProgress, options.Cancellation, killRunningAtDeadline: options.Workers is not null, budgetUnits: options.BudgetUnits,
            reserve: ReserveFor(options, null)).GetAwaiter().GetResult();
    }

    /// <summary>About how many rows one training part of the protocol holds, out of the search rows.</summary>
    internal static long TrainingRowsPerFold(EvaluationSettings evaluation, long searchRows) => evaluation.Protocol switch
    {
        EvaluationProtocol.Holdout => (long)(searchRows * (1 - evaluation.HoldoutFraction)),
        _ => searchRows * (evaluation.Folds - 1) / Math.Max(1, evaluation.Folds),
    };

    internal static double? ScoreOnHoldback(IPipelineDefinition pipeline, string searchFile, string holdbackFile, string metric, int seed, List<string> warnings)
    {
        var ml = new MLContext(seed);
        var model = pipeline.BuildPipeline(ml).Fit(pipeline.LoadData(ml, searchFile));
        var scored = model.Transform(pipeline.LoadData(ml, holdbackFile));
        return MetricComputer.Compute(ml, pipeline.Settings.Task, scored, "held-back rows", warnings, pipeline.Settings.DecisionThreshold)[metric];
    }

    /// <summary>
    /// The best of many looks at the same folds is optimistic. When the best trial is not ahead of the typical (median)
    /// trial by more than the fold-to-fold spread of its own score, the search found nothing that stands out from noise.
    /// </summary>
    public static void AddNoiseWarnings(StudyResult result, string metric, bool higher, List<string> warnings)
    {
        var completed = result.Completed.ToArray();
        var best = result.Best!;
        if (completed.Length < 3) return;
        double median = MathNet.Numerics.Statistics.Statistics.Median(completed.Select(t => t.Value!.Value));
        double gap = Math.Abs(best.Value!.Value - median);
        if (best.StdDev is not { } std || best.Splits < 2)
            warnings.Add($"the protocol has one split, so there is no fold-to-fold noise to judge the best trial's lead ({F(gap)} over the median trial) against; use protocol kfold or repeated_kfold for tuning.");
        else if (gap <= std)
            warnings.Add($"the best trial leads the median trial by {F(gap)} {metric}, within the fold-to-fold spread of its own score (std {F(std)}): the search found nothing clearly better than a typical configuration. More folds (repeated_kfold) or more data would tell them apart.");
        if (completed.Length >= 10)
            warnings.Add($"the best search score is the best of {completed.Length} configurations compared on the same folds, so it is biased upward; the held-back score is the honest estimate.");
    }

    internal static void WriteParts(string path, PipelineSettings settings, DataSplit split, string searchFile, string holdbackFile)
    {
        var encoding = new UTF8Encoding(false);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        // Temp names unique to this process: several workers of a shared study may split the same data in one folder at once.
        string tmp = $".{Environment.ProcessId}.tmp";
        using var search = new StreamWriter(searchFile + tmp, false, encoding);
        using var hold = new StreamWriter(holdbackFile + tmp, false, encoding);
        // Row numbers are the data scan's: a record whose quoted value spans lines is one row, written whole.
        var rows = DelimitedData.RowsAfterHeader(reader, settings, out var header);
        if (header is not null) { search.WriteLine(header); hold.WriteLine(header); }
        long row = -1;
        while (rows.TryRead(out var line, out _))
        {
            row++;
            if (split.IsValidation(row)) hold.WriteLine(line);
            else if (split.IsTraining(row)) search.WriteLine(line);
        }
        search.Close();
        hold.Close();
        File.Move(searchFile + tmp, searchFile, overwrite: true);
        File.Move(holdbackFile + tmp, holdbackFile, overwrite: true);
    }

    internal static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private static string Started(string described) => described == StartingPoint.Spec ? "the spec's own configuration" : $"the values pinned then ({described[(StartingPoint.Pinned.Length + 1)..]})";

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    internal static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}

/// <summary>
/// <c>--resume</c> found no study to continue, or only one that measured something else (<see cref="Mismatch"/>). Thrown
/// before any trial runs, so a caller that resumes several studies (<see cref="NestedEvaluation"/>) can start this one anew.
/// </summary>
internal sealed class StudyNotResumableException(string message, bool noStudy) : ArgumentException(message)
{
    public bool NoStudy { get; } = noStudy;
    public string? Mismatch { get; init; }
}
