namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>The <c>tune --storage</c> path of <see cref="PipelineTuner.Run"/>: open the storage, join the study, run this process's share of it.</summary>
public static class SharedTuning
{
    /// <summary>The environment variable read when --storage is not given (a secret mounted as an env var keeps the password off the command line).</summary>
    public const string EnvironmentVariable = "PIPELINEGEN_TUNE_STORAGE";

    public static IStudyStorage Open(string connectionString, TuneOptions options, bool halving)
    {
        // Halving's brackets and rungs are shared (SharedHalving.cs); its budget is the study's configurations, which every worker agrees on.
        if (halving && options.BudgetUnits is not null)
            throw new ArgumentException("--budget-units is not shared between workers: with --storage give successive halving / hyperband a budget of configurations (--trials) and/or --time.");
        if (options.Ensemble)
            throw new ArgumentException("--ensemble needs every trial's out-of-fold predictions on one machine; a shared study keeps only results. Run the ensemble without --storage.");
        if (options.NestedInner)
            throw new ArgumentException("--nested runs one search per outer fold on this machine; a shared storage is not used for it. Run --nested without --storage.");
        if (options.Resume)
            throw new ArgumentException("--resume is not needed with a shared storage: starting tune again with the same spec, data and storage joins the same study.");
        return new PostgresStudyStorage(connectionString);
    }

    public static StudyInfo Join(IStudyStorage storage, TuneOptions options, string pipeline, string specHash, string dataHash, SearchSpace space,
        string strategy, int seed, string metric, bool higher, int trials, string? strategyOptions = null)
    {
        var fingerprint = space.Fingerprint();
        // Halving's options (eta, levels, sampler) are part of the study's identity: workers with other options start another study.
        var id = SharedStudyRunner.StudyId(options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric, strategyOptions);
        var proposed = new StudyInfo(id, options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric, higher, DateTimeOffset.UtcNow)
        {
            TrialBudget = trials,
            TimeBudget = options.Time,
            Options = strategyOptions,
        };
        var study = storage.JoinStudy(proposed);
        if (study.TrialBudget != trials || study.TimeBudget != options.Time)
            options.StorageEvent?.Invoke($"joined study {study.Id}, whose budget was set by its first worker: {study.TrialBudget} trial(s)"
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
        if (options.Workers is not null)
        {
            var executor = new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), Path.Combine(workDir, "workers"), searchFile, options.Seed, metric);
            execute = executor.Execute;
        }
        else
        {
            // In-process, on a pool thread: the loop keeps sending heartbeats while the fit runs.
            execute = (_, config, _) => Task.Run(() => PipelineTuner.Evaluate(pipeline, config, searchFile, options.Seed, metric));
        }
        return SharedStudyRunner.RunAsync(storage, study, space, sampler, run, execute, options.Progress, options.Cancellation).GetAwaiter().GetResult();
    }

    /// <summary>This process's share of a shared successive-halving / Hyperband study (rung evaluations claimed from the storage).</summary>
    public static StudyResult RunHalving(IStudyStorage storage, ITunablePipeline pipeline, TuneOptions options, StudyInfo study, SearchSpace space, HalvingOptions halving,
        ISampler sampler, string workDir, string searchFile, string metric)
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
        if (options.Workers is not null)
        {
            var executor = new ProcessTrialExecutor(options.WorkerCommand ?? WorkerCommand.Current("tune"), Path.Combine(workDir, "workers"), searchFile, options.Seed, metric);
            execute = (n, c, f, ct) => { options.TrialStarted?.Invoke(n); return executor.Execute(n, c, f, ct); };
        }
        else
        {
            // In-process, on a pool thread: the loop keeps sending heartbeats while the fit runs.
            execute = (n, c, f, _) => { options.TrialStarted?.Invoke(n); return Task.Run(() => PipelineTuner.Evaluate(pipeline, c, searchFile, options.Seed, metric, fraction: f)); };
        }
        return SharedHalvingRunner.RunAsync(storage, study, space, halving, sampler, run, execute, options.Progress, options.RungProgress, options.Cancellation).GetAwaiter().GetResult();
    }
}
