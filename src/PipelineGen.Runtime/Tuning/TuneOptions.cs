using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Shared;
using PipelineGen.Runtime.Tuning.Storage;

namespace PipelineGen.Runtime.Tuning;

/// <summary>Overrides for one <c>tune</c> (what the CLI's options map to). Null keeps the spec's value.</summary>
internal sealed record TuneOptions
{
    /// <summary>Total trials of the study (a resumed study counts the trials already journaled).</summary>
    public int? Trials { get; init; }
    /// <summary>Wall-clock budget of this session; a trial is not started after it ran out.</summary>
    public TimeSpan? Time { get; init; }
    public bool Resume { get; init; }
    /// <summary>Seed of the sampler and of the held-back split. Default: the spec's evaluation seed.</summary>
    public int? Seed { get; init; }
    public string? Strategy { get; init; }
    /// <summary>Share of the training rows held back from the search, to score the winner honestly.</summary>
    public double HoldbackFraction { get; init; } = 0.2;
    public string? DataPath { get; init; }
    public BadRowPolicy? BadRows { get; init; }
    /// <summary>Default: <c>&lt;project&gt;/.pipelinegen/tune.db</c>.</summary>
    public string? JournalPath { get; init; }
    /// <summary>False: do not write the lock file (e.g. a benchmark).</summary>
    public bool WriteLock { get; init; } = true;
    /// <summary>Null: trials run one at a time in this process. A number: up to that many worker processes of this program
    /// at once, and a trial still running when the time budget ends is stopped (its process ended) and not journaled.</summary>
    public int? Workers { get; init; }
    /// <summary>How to start a worker (default: this program again, see <see cref="Tuning.WorkerCommand.Current"/>).</summary>
    public WorkerCommand? WorkerCommand { get; init; }
    /// <summary>Keep each trial's out-of-fold predictions and, after the study, build a greedy ensemble of the best trials (see Ensembles/).</summary>
    public bool Ensemble { get; init; }
    /// <summary>Called after each trial is journaled.</summary>
    public Action<TrialRecord, StudyResult>? Progress { get; init; }
    /// <summary>Successive halving: called after each rung evaluation is journaled.</summary>
    public Action<RungResult>? RungProgress { get; init; }
    /// <summary>
    /// Set by nested cross-validation for the search inside one outer fold: the study's journal key (default: the
    /// pipeline's name), and no held-back part (the outer fold's validation rows are the honest part).
    /// </summary>
    public string? StudyName { get; init; }
    internal bool NestedInner { get; init; }
    /// <summary>Successive halving's reduction factor (keep the best 1/eta at each rung).</summary>
    public int Eta { get; init; } = 3;
    /// <summary>Successive halving's budget kind (auto, rows, iterations); null: tune.halving_budget of the spec.</summary>
    public string? HalvingBudget { get; init; }
    /// <summary>Where successive halving draws configurations from: bayesian (TPE fitted on the highest rung with enough results, as BOHB) or random.</summary>
    public string? HalvingSampler { get; init; }
    public CancellationToken Cancellation { get; init; }
    /// <summary>
    /// A shared study (see Storage/): a PostgreSQL connection string (from --storage or PIPELINEGEN_TUNE_STORAGE, never
    /// the spec). Every process started with the same spec, data and storage joins one study. Null: the SQLite journal.
    /// </summary>
    public string? Storage { get; init; }
    /// <summary>Shared study: run a lost trial (its worker stopped sending heartbeats) again.</summary>
    public bool RetryLost { get; init; }
    /// <summary>Shared study: how long a running trial may go without a heartbeat before it is marked lost (default 60 s).</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }
    /// <summary>Shared study: lost workers, retries, storage hiccups.</summary>
    public Action<string>? StorageEvent { get; init; }
    /// <summary>
    /// Compute budget in full-trial equivalents (one trial of the protocol fitted on all of each training fold = 1 unit).
    /// random/grid/bayesian: the same as that many trials. halving/hyperband: every rung evaluation is charged the share
    /// of the training rows it fits on, and no evaluation starts that would pass the budget. Overrides <see cref="Trials"/>.
    /// </summary>
    public double? BudgetUnits { get; init; }
    /// <summary>False: a kept ensemble is pinned but not saved as a model version by the tune step ('run' trains it in its train step).</summary>
    public bool SaveEnsembleModel { get; init; } = true;
    /// <summary>Called when a trial (or a rung evaluation) starts, with its number: what the live display counts as running.</summary>
    public Action<int>? TrialStarted { get; init; }
    /// <summary>
    /// True: a new study's trial 1 is its starting point, the configuration 'train' would use now (StartingPoint.cs).
    /// False (--no-spec-trial): every trial is a proposal of the sampler, as before.
    /// </summary>
    public bool SpecTrial { get; init; } = true;
    /// <summary>
    /// <c>--rescore N</c>: after a search that completed <see cref="Rescoring.MinCompleted"/> or more trials, the N best
    /// are scored again on fresh splits and the winner is chosen on the steadier mean (<see cref="Rescoring"/>); 0: off.
    /// </summary>
    public int Rescore { get; init; } = Rescoring.Leaders;
}
