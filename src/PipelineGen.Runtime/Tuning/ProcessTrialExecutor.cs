using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Runs trials in persistent child processes of the same program (<c>tune-worker</c>, see <see cref="TrialWorker"/>):
/// a worker is started when a trial finds none idle and then serves trial after trial, so the .NET start-up, the JIT
/// and loading the pipeline are paid once per worker, not per trial. ML.NET holds a process-wide lock around LightGBM
/// fits and a running Fit cannot be cancelled: separate processes run in parallel and can be ended when the time budget
/// runs out (that worker is ended; the next trial starts a new one). A worker that dies (a native crash, a kill) fails
/// its trial, not the study. Dispose ends every worker (their stdin closes, so they return).
/// </summary>
internal sealed class ProcessTrialExecutor(WorkerCommand command, string searchFile, int? seed, string metric) : IDisposable
{
    private readonly object _gate = new();
    private readonly Stack<WorkerProcess> _idle = new();
    private readonly HashSet<WorkerProcess> _all = [];
    private readonly List<int> _started = [];
    private readonly Dictionary<int, int> _trialWorkers = [];
    private bool _disposed;

    /// <summary>When set, each worker writes its trial's out-of-fold predictions there (ensemble candidates; full-budget trials only).</summary>
    public string? OutOfFoldDirectory { get; init; }

    /// <summary>Process ids of the workers started so far, in order (a trial ended by the budget or a crash costs one more).</summary>
    public IReadOnlyList<int> StartedProcessIds { get { lock (_gate) return _started.ToArray(); } }

    /// <summary>Which worker process answered each trial (by trial number): the process id the worker reported.</summary>
    public IReadOnlyDictionary<int, int> TrialWorkers { get { lock (_gate) return new Dictionary<int, int>(_trialWorkers); } }

    public Task<TrialOutcome> Execute(int number, Configuration configuration, CancellationToken cancellation) =>
        Execute(number, configuration, null, cancellation);

    /// <summary>
    /// One trial trained on <paramref name="fraction"/> of each training fold (successive halving's rungs; null: all).
    /// <paramref name="fullBudget"/>: whether it is a full trial (default: all rows); a rung with a share of the trees fits all rows and is not.
    /// </summary>
    public async Task<TrialOutcome> Execute(int number, Configuration configuration, double? fraction, CancellationToken cancellation, bool? fullBudget = null)
    {
        cancellation.ThrowIfCancellationRequested();
        // Out-of-fold predictions only from trials at the full budget: a low rung's are not comparable.
        string? outOfFold = OutOfFoldDirectory is null || !(fullBudget ?? fraction is not < 1) ? null : Ensembles.OutOfFoldStore.PathOf(OutOfFoldDirectory, number);
        var request = new TrialRequest(new Dictionary<string, double>(configuration), searchFile, seed, metric, outOfFold, fraction);
        return await RunAsync(request, number, cancellation).ConfigureAwait(false);
    }

    /// <summary>A leader's re-scoring (<see cref="Rescoring"/>): the whole protocol with the splits and models of <paramref name="freshSeed"/>, no out-of-fold file.</summary>
    public Task<TrialOutcome> Rescore(Configuration configuration, int freshSeed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return RunAsync(new TrialRequest(new Dictionary<string, double>(configuration), searchFile, freshSeed, metric), number: null, cancellation);
    }

    private async Task<TrialOutcome> RunAsync(TrialRequest request, int? number, CancellationToken cancellation)
    {
        var worker = Take();
        bool reusable = false;
        try
        {
            var response = await worker.RunAsync(request, cancellation).ConfigureAwait(false);
            reusable = true; // it answered: a trial the trainer rejected leaves the worker as good as before
            if (number is { } n) lock (_gate) _trialWorkers[n] = response.WorkerPid ?? worker.Id;
            if (response.Error is not null) throw new TrialFailedException(response.Error);
            return new TrialOutcome(response.Value ?? double.NaN, response.StdDev, response.Splits);
        }
        finally
        {
            Return(worker, reusable);
        }
    }

    private WorkerProcess Take()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_idle.TryPop(out var idle))
            {
                if (!idle.HasExited) return idle;
                _all.Remove(idle); // died while idle (killed from outside): not this trial's fault
                idle.Dispose();
            }
        }
        var worker = WorkerProcess.Start(command);
        lock (_gate)
        {
            _all.Add(worker);
            _started.Add(worker.Id);
            if (_disposed) { _all.Remove(worker); worker.Dispose(); throw new ObjectDisposedException(nameof(ProcessTrialExecutor)); }
        }
        return worker;
    }

    private void Return(WorkerProcess worker, bool reusable)
    {
        lock (_gate)
        {
            if (reusable && !_disposed && !worker.HasExited) { _idle.Push(worker); return; }
            _all.Remove(worker);
        }
        worker.Dispose(); // ended by the budget, died, or the study is over
    }

    /// <summary>Ends every worker: idle ones by closing their stdin (they return), any other by ending its process.</summary>
    public void Dispose()
    {
        WorkerProcess[] workers;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            workers = _all.ToArray();
            _all.Clear();
            _idle.Clear();
        }
        var grace = Stopwatch.StartNew();
        foreach (var w in workers) w.Close(TimeSpan.FromSeconds(Math.Max(0, 5 - grace.Elapsed.TotalSeconds)));
    }

    /// <summary>
    /// The hidden <c>tune-trial</c> command: one trial from a request file to a result file (written atomically), with the
    /// same code as a persistent worker's trial. The study no longer uses it; it re-runs one trial by hand.
    /// </summary>
    public static void Serve(ITunablePipeline pipeline, string requestPath, string resultPath)
    {
        var request = JsonSerializer.Deserialize<TrialRequest>(File.ReadAllText(requestPath))
            ?? throw new ArgumentException($"{requestPath}: not a trial request.");
        var response = TrialWorker.Respond(pipeline, request);
        var temp = resultPath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(response), new UTF8Encoding(false));
        File.Move(temp, resultPath, overwrite: true);
    }
}
