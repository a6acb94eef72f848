namespace PipelineGen.Runtime.Tuning.Storage;

/// <summary>The <c>tune --storage</c> path of <see cref="PipelineTuner.Run"/>: open the storage, join the study, run this process's share of it.</summary>
internal static class SharedTuning
{
    /// <summary>The environment variable read when --storage is not given (a secret mounted as an env var keeps the password off the command line).</summary>
    public const string EnvironmentVariable = "PIPELINEGEN_TUNE_STORAGE";

    public static IStudyStorage Open(string connectionString, TuneOptions options, bool halving)
    {
        if (halving)
            throw new ArgumentException("successive halving and hyperband do not share their rungs across workers yet: with a shared storage use --strategy random, grid or bayesian (or run halving without --storage).");
        if (options.Ensemble)
            throw new ArgumentException("--ensemble needs every trial's out-of-fold predictions on one machine; a shared study keeps only results. Run the ensemble without --storage.");
        if (options.NestedInner)
            throw new ArgumentException("--nested runs one search per outer fold on this machine; a shared storage is not used for it. Run --nested without --storage.");
        if (options.Resume)
            throw new ArgumentException("--resume is not needed with a shared storage: starting tune again with the same spec, data and storage joins the same study.");
        return new PostgresStudyStorage(connectionString);
    }

    public static StudyInfo Join(IStudyStorage storage, TuneOptions options, string pipeline, string specHash, string dataHash, SearchSpace space,
        string strategy, int seed, string metric, bool higher, int trials)
    {
        var fingerprint = space.Fingerprint();
        var id = SharedStudyRunner.StudyId(options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric, null);
        var proposed = new StudyInfo(id, options.StudyName ?? pipeline, specHash, dataHash, fingerprint, strategy, seed, metric, higher, DateTimeOffset.UtcNow)
        {
            TrialBudget = trials,
            TimeBudget = options.Time,
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
}
