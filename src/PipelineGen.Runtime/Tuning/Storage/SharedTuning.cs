namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>The <c>tune --storage</c> path of <see cref="PipelineTuner.Run"/>: open the storage, join the study, run this process's share of it.</summary>
internal static class SharedTuning
{
    /// <summary>The environment variable read when --storage is not given (a secret mounted as an env var keeps the password off the command line).</summary>
    public const string EnvironmentVariable = "PIPELINEGEN_TUNE_STORAGE";

    public static IStudyStorage Open(string connectionString, TuneOptions options, bool halving)
    {
        // Halving's brackets and rungs are shared (SharedHalving.cs); its budget is the study's configurations, which every worker agrees on.
        if (halving && options.BudgetUnits is not null)
            throw new ArgumentException("--budget-units is not shared between workers: with --storage give successive halving / hyperband a budget of configurations (--trials) and/or --time.");
        // --ensemble: each trial's out-of-fold predictions go to the storage (SaveOutOfFold) and every worker fetches them all
        // at the end, so each builds the same ensemble. --nested: each outer fold's search is a shared sub-study of its own
        // (NestedEvaluation names it <pipeline>/outer-i-of-K and its data is that fold's rows), joined by every worker in turn.
        if (options.Resume)
            throw new ArgumentException("--resume is not needed with a shared storage: starting tune again with the same spec, data and storage joins the same study.");
        return new PostgresStudyStorage(connectionString);
    }

    /// <summary>
    /// Joins (or creates) the study these workers share. <paramref name="fingerprint"/> is the space's with the sampler's
    /// first proposals (<see cref="FirstProposalsSampler.Fingerprint"/>): workers with another space start another study.
    /// </summary>
    public static StudyInfo Join(IStudyStorage storage, TuneOptions options, string pipeline, string specHash, string dataHash, string fingerprint,
        string strategy, int seed, string metric, bool higher, int trials, string? strategyOptions = null, string? startingPoint = null)
    {
        // Halving's options (eta, levels, sampler, budget kind) are part of the study's identity: workers with other options start another study.
        // So is the starting point: workers built with another lock file (or with --no-spec-trial) do not share trial 1.
        var id = SharedStudyRunner.StudyId(options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric,
            startingPoint is null ? strategyOptions : strategyOptions + "\nstart=" + startingPoint);
        var proposed = new StudyInfo(id, options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric, higher, DateTimeOffset.UtcNow)
        {
            TrialBudget = trials,
            TimeBudget = options.Time,
            Options = strategyOptions,
            // Trial 1 of the shared study: claimed by exactly one worker (the first claim, under the study's lock).
            StartingPoint = startingPoint,
        };
        var study = storage.JoinStudy(proposed);
        if (study.TrialBudget != trials || study.TimeBudget != options.Time)
            options.StorageEvent?.Invoke($"joined study {study.Id}, whose budget was set by its first worker: {(study.TrialBudget == TuningSettings.NoTrialCap ? "no trial cap" : $"{study.TrialBudget} trial(s)")}"
                + (study.TimeBudget is { } t ? $", {t.TotalSeconds:0} s from {study.CreatedUtc:u}" : ", no time limit") + "; this worker's --trials/--time are not used.");
        else
            options.StorageEvent?.Invoke($"study {study.Id} in {storage.Location} ({storage.Trials(study.Id).Count} trial(s) finished so far)");
        return study;
    }

    public static StudyResult Run(IStudyStorage storage, ITunablePipeline pipeline, TuneOptions options, StudyInfo study, SearchSpace space, ISampler sampler,
        string workDir, string searchFile, string metric)
    {
        var run = new SharedRunOptions(SharedRunOptions.CurrentWorker())
        {
            Slots = options.Workers ?? 1,
            HeartbeatTimeout = options.HeartbeatTimeout ?? TimeSpan.FromSeconds(60),
            RetryLost = options.RetryLost,
            KillRunningAtDeadline = options.Workers is not null,
            OnEvent = options.StorageEvent,
        };
        StudyRunner.TrialExecutor execute;
        string? oofDir = options.Ensemble ? Ensembles.OutOfFoldStore.Directory(workDir, study.Id) : null;
        // Persistent worker processes (N slots of this machine), ended when this process's share of the study is over.
        using var executor = options.Workers is not null
            ? new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), searchFile, options.Seed, metric) { OutOfFoldDirectory = oofDir }
            : null;
        if (executor is not null)
        {
            execute = executor.Execute;
        }
        else
        {
            // In-process, on a pool thread: the loop keeps sending heartbeats while the fit runs.
            execute = (number, config, _) => Task.Run(() => PipelineTuner.Evaluate(pipeline, config, searchFile, options.Seed, metric, oofDir is null ? null : Ensembles.OutOfFoldStore.PathOf(oofDir, number)));
        }
        if (oofDir is not null)
        {
            // The predictions are stored before the result is recorded: a trial finished in the storage always has them there.
            var evaluate = execute;
            execute = async (number, config, cancellation) =>
            {
                var outcome = await evaluate(number, config, cancellation).ConfigureAwait(false);
                var file = Ensembles.OutOfFoldStore.PathOf(oofDir, number);
                if (File.Exists(file))
                {
                    var bytes = await File.ReadAllBytesAsync(file, cancellation).ConfigureAwait(false);
                    SharedStudyRunner.Retrying(() => { storage.SaveOutOfFold(study.Id, number, bytes); return 0; }, $"store trial {number + 1}'s out-of-fold predictions", run);
                }
                return outcome;
            };
        }
        return SharedStudyRunner.RunAsync(storage, study, space, sampler, run, execute, options.Progress, options.Cancellation).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Copies every trial's out-of-fold predictions from the storage into this machine's study folder (the files
    /// <see cref="Ensembles.EnsembleBuilder"/> reads), so each worker builds its ensemble from every worker's trials.
    /// </summary>
    public static void FetchOutOfFold(IStudyStorage storage, string studyId, string oofDir)
    {
        Directory.CreateDirectory(oofDir);
        foreach (var (trial, bytes) in storage.OutOfFold(studyId))
        {
            var path = Ensembles.OutOfFoldStore.PathOf(oofDir, trial);
            var temp = $"{path}.{Environment.ProcessId}.tmp"; // workers on one machine may share the folder
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>This process's share of a shared successive-halving / Hyperband study (rung evaluations claimed from the storage).</summary>
    public static StudyResult RunHalving(IStudyStorage storage, ITunablePipeline pipeline, TuneOptions options, StudyInfo study, SearchSpace space, HalvingOptions halving,
        HalvingBudget budget, ISampler sampler, string workDir, string searchFile, string metric)
    {
        var run = new SharedRunOptions(SharedRunOptions.CurrentWorker())
        {
            Slots = options.Workers ?? 1,
            HeartbeatTimeout = options.HeartbeatTimeout ?? TimeSpan.FromSeconds(60),
            RetryLost = options.RetryLost,
            KillRunningAtDeadline = options.Workers is not null,
            OnEvent = options.StorageEvent,
        };
        HalvingRunner.BudgetedTrialExecutor execute;
        using var executor = options.Workers is not null
            ? new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), searchFile, options.Seed, metric)
            : null;
        if (executor is not null)
        {
            execute = (n, c, f, ct) => { options.TrialStarted?.Invoke(n); var fit = budget.At(c, f); return executor.Execute(n, fit.Configuration, fit.RowFraction, ct, fullBudget: f >= 1); };
        }
        else
        {
            // In-process, on a pool thread: the loop keeps sending heartbeats while the fit runs.
            execute = (n, c, f, _) => { options.TrialStarted?.Invoke(n); var fit = budget.At(c, f); return Task.Run(() => PipelineTuner.Evaluate(pipeline, fit.Configuration, searchFile, options.Seed, metric, fraction: fit.RowFraction)); };
        }
        return SharedHalvingRunner.RunAsync(storage, study, space, halving, sampler, run, execute, options.Progress, options.RungProgress, options.Cancellation).GetAwaiter().GetResult();
    }
}
