using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Prediction;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving;

/// <summary>
/// One loaded model version and everything tied to it: the pooled prediction engines, the input binder (it knows the
/// version's training profile), and the drift statistics collected against that profile. A request takes
/// <see cref="ModelHost{TInput,TPrediction}.Current"/> once and uses that generation to the end, so a reload never
/// changes the model under a request that is running.
/// </summary>
public sealed class ServedModel<TInput, TPrediction>
    where TInput : class, new() where TPrediction : class, new()
{
    internal ServedModel(string modelFile, string version, DateTime written, ObjectPool<PredictionEngine<TInput, TPrediction>> engines,
        RowBinder<TInput> binder, DriftMonitor<TInput> drift, string? profileNote, TypedDecision<TPrediction>? decision, IReadOnlyList<string>? classes)
    {
        _decision = decision;
        Classes = classes;
        ModelFile = modelFile;
        Version = version;
        Written = written;
        Engines = engines;
        Binder = binder;
        Drift = drift;
        ProfileNote = profileNote;
    }

    public string ModelFile { get; }
    /// <summary>The version folder's name (or the file name for a model outside the store).</summary>
    public string Version { get; }
    internal DateTime Written { get; }
    /// <summary>
    /// PredictionEngine is not thread-safe and costs milliseconds to create: engines are created on demand and kept
    /// (up to twice the processor count) for the next request.
    /// </summary>
    public ObjectPool<PredictionEngine<TInput, TPrediction>> Engines { get; }
    public RowBinder<TInput> Binder { get; }
    public DriftMonitor<TInput> Drift { get; }
    /// <summary>Why inputs are not compared with training (no profile beside the model, or one for another model); null when they are.</summary>
    public string? ProfileNote { get; }
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;
    /// <summary>Multiclass: the class of each slot of the prediction's <c>Score</c>, in the model's order (null otherwise).</summary>
    public IReadOnlyList<string>? Classes { get; }

    private readonly TypedDecision<TPrediction>? _decision;

    public TPrediction Predict(TInput row)
    {
        var engine = Engines.Get();
        try { return Predict(engine, row); }
        finally { Engines.Return(engine); }
    }

    /// <summary>
    /// Scores one row with <paramref name="engine"/> and decides a binary label as <c>predict</c> does: the engine gives
    /// the model's own decision (Score above its threshold: where Probability is 1/2), the spec's <c>task.threshold</c> overrides it.
    /// </summary>
    public TPrediction Predict(PredictionEngine<TInput, TPrediction> engine, TInput row)
    {
        var prediction = engine.Predict(row);
        return _decision is null ? prediction : _decision.Apply(prediction);
    }
}

/// <summary>
/// Loads the current model of a pipeline and replaces it when the model store's pointer (<c>&lt;Name&gt;/current</c>,
/// written atomically by <c>train</c>) names another version, or the model file changes: the new version is loaded and
/// checked beside the old one, then swapped in with one reference write. Requests in flight finish on the version they
/// started with; a version that fails to load is reported (<see cref="LastReloadError"/>, <c>/ready</c>) and the old
/// one keeps serving.
/// </summary>
public sealed class ModelHost<TInput, TPrediction> : IDisposable
    where TInput : class, new() where TPrediction : class, new()
{
    private readonly IPipelineDefinition _pipeline;
    private readonly ServingOptions _options;
    private readonly ILogger _logger;
    private readonly string _modelPath;
    private readonly object _reloadGate = new();
    private ServedModel<TInput, TPrediction>? _current;
    private Timer? _timer;

    public ModelHost(IPipelineDefinition pipeline, ServingOptions options, ILogger? logger = null)
    {
        _pipeline = pipeline;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(pipeline.Settings));
    }

    public IPipelineDefinition Pipeline => _pipeline;

    /// <summary>The model serving now; <see cref="Start"/> must have succeeded.</summary>
    public ServedModel<TInput, TPrediction> Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("The model is not loaded yet.");

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>The last failed reload (the previous version kept serving); null after a successful one.</summary>
    public string? LastReloadError { get; private set; }

    public string ModelPath => _modelPath;

    public ServingOptions Options => _options;

    /// <summary>Loads the model (or throws <see cref="ServingStartupException"/> saying what is wrong) and starts watching for new versions.</summary>
    public void Start()
    {
        Volatile.Write(ref _current, Load());
        if (_options.ReloadInterval > TimeSpan.Zero)
            _timer = new Timer(_ => Poll(), null, _options.ReloadInterval, _options.ReloadInterval);
    }

    /// <summary>Checks the pointer now and reloads when it names another version; true when a new version was swapped in.</summary>
    public bool Poll()
    {
        // One reload at a time; a tick that finds one running skips (the next tick sees the result).
        if (!Monitor.TryEnter(_reloadGate)) return false;
        try
        {
            var current = Volatile.Read(ref _current);
            string file;
            try { file = ModelStore.Resolve(_modelPath); }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Fail(e.Message);
                return false;
            }
            if (current is not null && file == current.ModelFile && File.Exists(file) && File.GetLastWriteTimeUtc(file) == current.Written) return false;
            try
            {
                var next = Load();
                Volatile.Write(ref _current, next);
                LastReloadError = null;
                _logger.LogInformation("Model reloaded: version {Version} ({File}).", next.Version, next.ModelFile);
                return true;
            }
            catch (ServingStartupException e)
            {
                Fail(e.Message);
                return false;
            }
        }
        finally
        {
            Monitor.Exit(_reloadGate);
        }
    }

    private void Fail(string message)
    {
        if (LastReloadError != message) _logger.LogWarning("Model reload failed; the loaded version keeps serving: {Message}", message);
        LastReloadError = message;
    }

    private ServedModel<TInput, TPrediction> Load()
    {
        string file;
        try
        {
            file = ModelStore.Resolve(_modelPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ServingStartupException($"cannot find the model: {e.Message}", e);
        }
        if (!File.Exists(file))
            throw new ServingStartupException($"no model at '{_modelPath}' (nor a version pointer '{ModelStore.PointerPath(_modelPath)}'). Run the 'train' step first, or pass --model <path>.");
        var written = File.GetLastWriteTimeUtc(file);
        var ml = new MLContext(seed: _pipeline.Settings.Seed);
        ITransformer model;
        PredictionEngine<TInput, TPrediction> first;
        TypedDecision<TPrediction>? decision;
        IReadOnlyList<string>? classes;
        try
        {
            model = ModelStore.Load(ml, _modelPath, out _);
            // One engine now: a model that does not fit the generated types fails here, at start, not on the first request.
            first = ml.Model.CreatePredictionEngine<TInput, TPrediction>(model);
            decision = TypedDecision<TPrediction>.For(_pipeline.Settings);
            // The order is the model's (the order training met the classes), so it is read from each version loaded.
            classes = _pipeline.Settings.Task == MlTaskKind.MulticlassClassification ? ClassNames.Of<TInput>(ml, model) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not ServingStartupException)
        {
            throw new ServingStartupException($"the model file '{file}' cannot be loaded as a model of '{_pipeline.Settings.Name}' ({e.GetType().Name}: {e.Message}). Run 'train' again to rewrite it.", e);
        }
        var profile = TrainingProfile.TryReadFor(_modelPath, out var noProfile);
        var binder = new RowBinder<TInput>(_pipeline.Settings, profile);
        var pool = new DefaultObjectPool<PredictionEngine<TInput, TPrediction>>(new EnginePolicy(ml, model), Math.Max(4, Environment.ProcessorCount * 2));
        pool.Return(first);
        var version = VersionName(file);
        if (noProfile is not null)
            _logger.LogWarning("Inputs are not checked against training and drift is not measured: {Why}.", noProfile);
        return new ServedModel<TInput, TPrediction>(file, version, written, pool, binder, new DriftMonitor<TInput>(binder.Fields, profile, noProfile), noProfile, decision, classes);
    }

    /// <summary>
    /// The version folder's name when <paramref name="file"/> is a version of a model store — followed through the
    /// pointer, or named directly (<c>--model .pipelinegen/models/Titanic/&lt;version&gt;/model.zip</c>, whose answers said
    /// "model.zip", the name of every version) — else the file's name.
    /// </summary>
    private string VersionName(string file)
    {
        var folder = Path.GetDirectoryName(file);
        if (folder is null || Path.GetFileName(file) != ModelStore.ModelFileName) return Path.GetFileName(file);
        bool inStore = File.Exists(ModelStore.PointerPath(_modelPath))
            || (Path.GetDirectoryName(folder) is { } unit && File.Exists(Path.Combine(unit, Path.GetFileName(ModelStore.PointerPath(unit)))));
        return inStore ? Path.GetFileName(folder) : Path.GetFileName(file);
    }

    public void Dispose() => _timer?.Dispose();

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<TInput, TPrediction>>
    {
        private readonly object _create = new();

        public PredictionEngine<TInput, TPrediction> Create()
        {
            // Creating engines from one MLContext on several threads at once is not documented as safe.
            lock (_create) return ml.Model.CreatePredictionEngine<TInput, TPrediction>(model);
        }

        public bool Return(PredictionEngine<TInput, TPrediction> engine) => true;
    }
}
