using System.Globalization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// The final model: fitted on the whole training file (train + validation; the spec's test file is never read), saved
/// atomically with a model card beside it.
/// </summary>
internal static class TrainStep
{
    /// <summary>How long train and test wait for each other's model lock before giving up.</summary>
    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public static TrainResult Train(MLContext ml, IPipelineDefinition pipeline, TrainOptions? options = null, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new TrainOptions();
        var settings = pipeline.Settings;
        var (dataPath, modelPath) = CheckPaths(settings, options);
        options.Phase?.Invoke("reading the training data");
        var scan = Data.DataScan.Run(settings, dataPath);
        // Before anything is fitted (train may run without an evaluation that would check this).
        scan.ThrowIfLabelSpelling();
        // A day-first file read month-first trains without an error: said before the fit (and on the card).
        foreach (var (_, warning) in scan.AmbiguousDates) note?.Invoke(warning);
        // The rows evaluate scored: bad rows (under skip) and rows without a label are not fitted either.
        var data = Data.UsableRows.Of(pipeline.LoadData(ml, dataPath), scan);
        var what = Configure(ml, pipeline, options, note);
        var dataSha = FileHash.Sha256(dataPath);
        var trainer = what.Ensemble is not null ? what.Ensemble.DescribeBlend()
            : TrainerHyperparameters.Describe(pipeline, what.Adjustable is not null ? what.Capacity!.Used : null);
        var gates = CheckGates(pipeline, options, what, note);
        var own = gates.Measurement is null ? MeasureUnevaluated(pipeline, options, what, dataSha, trainer, note) : null;
        options.Phase?.Invoke(string.Create(CultureInfo.InvariantCulture, $"fitting the final model on {Data.UsableRows.Count(scan):N0} rows"));
        ModelStore.Fault("fit-started");
        var model = what.Estimator.Fit(data);
        ModelStore.Fault("model-fitted");
        options.Phase?.Invoke("describing and saving the model");
        var evidence = gates.Measurement is null ? null : Gates.ModelEvidence.Of(gates.Measurement.Evaluation, dataSha);
        var evaluation = ChooseEvaluation(options, what.Ensemble, gates.Measurement, own, dataSha, trainer);
        var card = DescribeModel(pipeline, options, what, evaluation, trainer, scan, data, model, dataPath, dataSha);
        if (card.Tuning is { NotThisModel: { } notThis } study)
            note?.Invoke($"the lock file's values are trained, but study {study.StudyId}'s held-back score is not claimed for this model: {notThis}.");
        return Save(ml, settings, modelPath, card, model, data, gates.Results, evidence, note);
    }

    /// <summary>What is trained: the estimator, and the ensemble or capacity it was built with (null when not used).</summary>
    private sealed record Configured(IEstimator<ITransformer> Estimator, IBlendPipeline? Ensemble, CapacityChoice? Capacity, ICapacityAdjustable? Adjustable);

    /// <summary>The gates' measurement and results; both null when the spec declares no gates.</summary>
    private sealed record GateOutcome(Gates.GateMeasurement? Measurement, IReadOnlyList<Gates.GateResult>? Results);

    /// <summary>The evaluation the card records, the note on where it came from, and why there is none.</summary>
    private sealed record CardEvaluation(EvaluationSummary? Summary, string? Note, string? NotEvaluated);

    /// <summary>Checks the training data and the current card before anything is read or fitted.</summary>
    private static (string DataPath, string ModelPath) CheckPaths(PipelineSettings settings, TrainOptions options)
    {
        var dataPath = settings.ResolvePath(settings.TrainDataPath);
        if (!File.Exists(dataPath))
            throw new FileNotFoundException($"Training data '{dataPath}' does not exist (spec data path '{settings.TrainDataPath}').", dataPath);
        // A device or a named pipe would be hashed and loaded forever (or block): bad input before anything opens it.
        Data.DataFileGuard.CheckReadable(dataPath, "training data");
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(settings));

        // Read before training: a broken card must stop us rather than silently drop the test-set history.
        _ = ModelCard.TryRead(modelPath);
        return (dataPath, modelPath);
    }

    /// <summary>Builds the estimator: the blend, the pipeline at the chosen capacity, or the pipeline as the spec says.</summary>
    private static Configured Configure(MLContext ml, IPipelineDefinition pipeline, TrainOptions options, Action<string>? note)
    {
        var ensemble = options.Ensemble;
        // A blend's members keep their own values: the capacity (the spec's or the curve's, measured on the single
        // configuration) is not applied to them, and the card records none; its trainer entry lists each member's options.
        if (ensemble is not null && options.Capacity is { } ignored && ignored.Used != ignored.SpecValue)
            note?.Invoke($"the capacity choice {ignored.Parameter}={ignored.Used} ({ignored.Source}) is not applied: the model is an ensemble ({ensemble.Summary}) whose members keep their own values; applying one member's capacity to all would train a blend nobody measured.");
        var capacity = ensemble is not null ? null : options.Capacity ?? CapacityChoice.Decide(pipeline, curve: null);
        var adjustable = capacity is not null && capacity.Used != capacity.SpecValue ? pipeline as ICapacityAdjustable : null;
        var estimator = ensemble is not null ? ensemble.BuildPipeline(ml) : adjustable is not null ? adjustable.BuildPipeline(ml, capacity!.Used) : pipeline.BuildPipeline(ml);
        return new Configured(estimator, ensemble, capacity, adjustable);
    }

    /// <summary>Gates are checked on the honest estimate of exactly what is trained here (at this capacity), on the spec's protocol.</summary>
    private static GateOutcome CheckGates(IPipelineDefinition pipeline, TrainOptions options, Configured what, Action<string>? note)
    {
        var settings = pipeline.Settings;
        if (settings.Gates is not { } gates) return new GateOutcome(null, null);
        var ensemble = what.Ensemble;
        options.Phase?.Invoke($"checking {gates.Count} gate(s) on the spec's protocol");
        note?.Invoke($"checking {gates.Count} gate(s) and the comparison with the current model: evaluating {(ensemble is null ? "this configuration" : $"this ensemble ({ensemble.Summary}; every member fitted on each split's training rows)")} on the spec's protocol ({DescribeProtocol(settings.Evaluation)}) ...");
        var measurement = Gates.GateCheck.Measure(Evaluable(pipeline, what), gates);
        return new GateOutcome(measurement, Gates.GateCheck.Check(measurement, gates));
    }

    /// <summary>The configured model (blend, capacity or the pipeline itself) as a pipeline the evaluator can run.</summary>
    private static IPipelineDefinition Evaluable(IPipelineDefinition pipeline, Configured what) =>
        what.Ensemble is not null ? what.Ensemble : what.Adjustable is not null ? new CapacityPipeline(pipeline, what.Adjustable, what.Capacity!.Used) : pipeline;

    /// <summary>
    /// With <see cref="TrainOptions.MeasureWhenUnevaluated"/>: this model's own evaluation on the spec's protocol when the
    /// one given was made for something else (null when it matches, or the option is off).
    /// </summary>
    private static Evaluation.EvaluationResult? MeasureUnevaluated(IPipelineDefinition pipeline, TrainOptions options, Configured what, string dataSha, TrainerDescription trainer, Action<string>? note)
    {
        if (!options.MeasureWhenUnevaluated) return null;
        if (options.Evaluation?.Context is { } measured && measured.DifferencesTo(ContextOf(options, dataSha, trainer)).Count == 0) return null;
        options.Phase?.Invoke("evaluating the model to train on the spec's protocol");
        note?.Invoke($"the evaluation above measured another configuration; evaluating {(what.Ensemble is null ? "this one" : $"this ensemble ({what.Ensemble.Summary}; every member fitted on each split's training rows)")} on the spec's protocol ({DescribeProtocol(pipeline.Settings.Evaluation)}) for its card ...");
        return Evaluation.Evaluator.Evaluate(Evaluable(pipeline, what), new Evaluation.EvaluationOptions());
    }

    private static EvaluationContext ContextOf(TrainOptions options, string dataSha, TrainerDescription trainer) =>
        new(options.SpecHash, dataSha, EvaluationContext.TrainerLabel(trainer), trainer.Hyperparameters);

    /// <summary>Metrics go in the card only when they were measured for this spec, these data and these hyperparameters.</summary>
    private static CardEvaluation ChooseEvaluation(TrainOptions options, IBlendPipeline? ensemble, Gates.GateMeasurement? gateMeasurement,
        Evaluation.EvaluationResult? ownMeasurement, string dataSha, TrainerDescription trainer)
    {
        var evaluation = options.Evaluation;
        string? notEvaluated = null;
        if (evaluation?.Context is { } measured)
        {
            var differences = measured.DifferencesTo(ContextOf(options, dataSha, trainer));
            if (differences.Count > 0)
            {
                // An evaluate run measures the pipeline's single configuration; say so rather than list every member's options as "differences".
                notEvaluated = ensemble is not null && measured.Trainer?.StartsWith("ensemble ", StringComparison.Ordinal) != true
                    ? $"The evaluation found{(measured.RunId is null ? "" : $" (run {measured.RunId})")} measured a single configuration ({measured.Trainer ?? "trainer not recorded"}), not this ensemble ({ensemble.Summary}); run 'evaluate' again (with the ensemble pinned it measures the blend), or declare gates (even 'gates: []') to have train measure the ensemble itself on the spec's protocol."
                    : $"The evaluation found{(measured.RunId is null ? "" : $" (run {measured.RunId})")} was measured for a different pipeline: {string.Join("; ", differences)}.";
                evaluation = null;
            }
        }

        // Without a context the caller vouches for the match (typed API); say so rather than imply it was checked.
        var evaluationNote = evaluation is { Context: null }
            ? "These metrics were handed to train without a record of the spec, data and hyperparameters they were measured for, so they were not checked against this model."
            : null;
        // The gates' evaluation was of this very configuration: it is the card's evaluation when no matching one was given.
        if (gateMeasurement is not null && evaluation is null)
        {
            evaluation = EvaluationSummaries.From(gateMeasurement.Evaluation);
            evaluationNote = ensemble is null
                ? "Measured by train itself, for its gates, on the spec's protocol with this very configuration."
                : $"Measured by train itself, for its gates, on the spec's protocol with this very ensemble ({ensemble.Summary}): on every split each member was fitted on the split's training rows and the blend scored on its validation rows, as the final model is fitted on all rows.";
            notEvaluated = null;
        }
        else if (ownMeasurement is not null && evaluation is null)
        {
            evaluation = EvaluationSummaries.From(ownMeasurement);
            evaluationNote = $"Measured by train itself on the spec's protocol with this very {(ensemble is null ? "configuration" : $"ensemble ({ensemble.Summary}): on every split each member was fitted on the split's training rows and the blend scored on its validation rows")}, because the evaluation it was given measured another configuration ({notEvaluated})"
                // The search chose this configuration by its scores on folds of (most of) these rows: a winner's curse.
                + (options.Tuning is { } study ? $" After tuning this estimate leans optimistic (study {study.StudyId} chose the configuration by its scores on folds of these rows); the honest estimate is the study's held-back score in the Tuning section." : "");
            notEvaluated = null;
        }
        return new CardEvaluation(evaluation, evaluationNote, notEvaluated);
    }

    /// <summary>The model card before saving (no model hash, test looks or gates yet: those are set under the model lock).</summary>
    private static ModelCard DescribeModel(IPipelineDefinition pipeline, TrainOptions options, Configured what, CardEvaluation chosen, TrainerDescription trainer,
        Data.DataScan scan, IDataView data, ITransformer model, string dataPath, string dataSha)
    {
        var settings = pipeline.Settings;
        var (evaluation, notEvaluated) = (chosen.Summary, chosen.NotEvaluated);
        return new ModelCard
        {
            EvaluationNote = chosen.Note,
            Name = settings.Name,
            CreatedUtc = DateTimeOffset.UtcNow,
            SpecHash = options.SpecHash,
            Task = settings.Task.ToString(),
            DecisionThreshold = DecisionThreshold.Resolve(settings, null),
            LabelColumn = settings.LabelColumn,
            Metric = evaluation?.Metric ?? settings.Metric ?? TrainingMetrics.ChooseMetric(settings, scan.LabelCounts),
            TrainData = new DataFingerprint(dataPath, dataSha, CountRows(data)),
            ModelFile = ModelStore.ModelFileName,
            ModelSha256 = "",
            Packages = ModelCard.PackageVersions(),
            Protocol = evaluation?.Protocol ?? DescribeProtocol(settings.Evaluation)
                + (notEvaluated is null ? " (from the spec; no evaluation summary given)" : " (from the spec; not evaluated for this model)"),
            Metrics = evaluation?.Metrics,
            BaselineStrategy = evaluation?.BaselineStrategy ?? settings.Baseline,
            Baseline = evaluation?.Baseline,
            EvaluationRunId = evaluation?.Context?.RunId,
            NotEvaluatedReason = notEvaluated,
            Trainer = trainer,
            Capacity = what.Capacity,
            Preparation = ModelInspector.DescribePreparation(model, data.Schema, settings),
            LabelValues = settings.Task == MlTaskKind.Regression ? null : scan.LabelCounts.Select(c => c.Key).ToArray(),
            Tuning = options.Tuning ?? (pipeline is Tuning.ITunablePipeline { PinnedHyperparameters.Count: > 0 } tuned ? TuningProvenance.FromLockFile(tuned.LockFilePath, tuned.PinnedHyperparameters, ensembleTrained: what.Ensemble is not null, settings.Name, dataSha) : null),
            Network = Networks.Integration.NetworkTrainingRecord.Of(model),
            Dates = DateColumnCard.Of(settings, scan.AmbiguousDates),
        };
    }

    /// <summary>
    /// Model and card are one unit: written into a new version folder, made current by replacing the pointer, under
    /// the lock test takes, so a look recorded while we trained is carried over instead of erased.
    /// </summary>
    private static TrainResult Save(MLContext ml, PipelineSettings settings, string modelPath, ModelCard card, ITransformer model, IDataView data,
        IReadOnlyList<Gates.GateResult>? gateResults, Gates.ModelEvidence? evidence, Action<string>? note)
    {
        string modelFile;
        string? previousVersion;
        using (ModelStore.AcquireLock(modelPath, LockTimeout, note))
        {
            int cleaned = ModelStore.CleanStale(modelPath);
            if (cleaned > 0) note?.Invoke($"removed {cleaned} temporary file(s) or folder(s) left by an interrupted run beside {modelPath}");
            var previous = ModelCard.TryRead(modelPath);
            previousVersion = ModelStore.CurrentVersion(modelPath);
            // The test-once lock outlives retraining: a new model does not make a seen test set unseen.
            card = card with { TestLooks = previous?.TestLooks ?? [] };
            if (gateResults is not null)
                card = card with
                {
                    Gates = gateResults,
                    Evidence = evidence,
                    Promotion = Gates.Promotion.Decide(gateResults, evidence!, previous?.Evidence, previousVersion),
                };
            bool makeCurrent = card.Promotion?.Promoted ?? true;
            modelFile = ModelStore.Commit(modelPath, file =>
            {
                using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    ml.Model.Save(model, data.Schema, stream);
                    stream.Flush(flushToDisk: true);
                }
                ModelStore.Fault("model-saved");
                card = card with { ModelSha256 = FileHash.Sha256(file) };
                // Beside the model: training ranges and categories per feature, so predict can flag values the model never saw.
                var profile = TrainingProfile.Compute(settings, data, card.ModelSha256);
                card = card with { Dates = DateColumnCard.WithPeriods(card.Dates, profile) };
                card.Write(file);
                profile.Write(file);
            }, makeCurrent);
            var version = Path.GetFileName(Path.GetDirectoryName(modelFile))!;
            ModelHistory.Append(modelPath, new ModelHistoryEntry(DateTimeOffset.UtcNow, makeCurrent ? "train" : "candidate", version, previousVersion,
                card.Promotion?.Reason ?? "trained; the spec declares no gates, so it became current."));
        }
        return new TrainResult(modelFile, card) { PreviousVersion = previousVersion };
    }

    /// <summary>
    /// CLI entry: 0 saved and current, 1 saved as a candidate only (a gate failed, or it is worse than the current model:
    /// the reasons go to <paramref name="error"/> as located <c>file(line,col): error PG0410</c> lines a build shows at
    /// the gate), 2 bad input (missing data, unreadable rows) or a model folder that cannot be written.
    /// </summary>
    public static int Run(IPipelineDefinition pipeline, TrainOptions options, TextWriter output, TextWriter error) => Run(pipeline, options, output, error, null);

    /// <param name="pipeline">The pipeline to train.</param>
    /// <param name="options">Model path, spec hash, evaluation, capacity.</param>
    /// <param name="output">Progress and results.</param>
    /// <param name="error">Errors, including the located gate failures.</param>
    /// <param name="trained">Called with the result when a model was saved (current or candidate), e.g. to record the gates in the run store.</param>
    public static int Run(IPipelineDefinition pipeline, TrainOptions options, TextWriter output, TextWriter error, Action<TrainResult>? trained)
    {
        var ml = new MLContext(seed: pipeline.Settings.Seed);
        var modelPath = Path.GetFullPath(options.ModelPath ?? ModelStore.DefaultModelPath(pipeline.Settings));
        try
        {
            var result = Train(ml, pipeline, options, message => output.WriteLine($"Note: {message}"));
            trained?.Invoke(result);
            var card = result.Card;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained {card.Trainer.Name} on {card.TrainData.Rows} rows of {card.TrainData.Path} (train + validation; the test set was not used)."));
            output.WriteLine($"Model: {result.ModelPath}");
            output.WriteLine($"Card:  {ModelCard.MarkdownPath(result.ModelPath)} (and .card.json)");
            if (result.Promoted)
                output.WriteLine($"Current version: {ModelStore.PointerPath(modelPath)} points to it ({result.Version}).");
            else
                output.WriteLine($"Candidate version {result.Version}: NOT current; {ModelStore.PointerPath(modelPath)} still points to {result.PreviousVersion ?? "nothing"}.");
            if (card.Preparation.FeatureSlots is { } slots)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Features: {slots} slots"));
            if (card.EvaluationRunId is { } evaluationRun)
                output.WriteLine($"Evaluation: metrics of evaluate run {evaluationRun} (same spec hash, training data and hyperparameters) are in the card.");
            if (card.NotEvaluatedReason is { } reason)
                output.WriteLine($"Note: this model was not evaluated. {reason} The card says so. Run 'evaluate' and then 'train' (or 'run') to record metrics that belong to it.");
            if (card.TestLooks.Count > 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Note: the test set was already evaluated {card.TestLooks.Count} time(s) before this retraining; the lock still applies."));
            return ReportGates(pipeline.Settings, result, output, error);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            error.WriteLine($"train: {e.Message}");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            error.WriteLine($"train: cannot write the model under '{Path.GetDirectoryName(modelPath)}': {e.Message} " +
                "The previous model (if any) is unchanged. Free disk space or make the folder writable, then run 'train' again.");
            return PipelineGen.Runtime.Cli.ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// Prints each gate's result and the promotion decision. A failed gate is also written to <paramref name="error"/> in the
    /// compiler's canonical form located at the gate in the spec (<c>pipeline.yaml(31,5): error PG0410: ...</c>), which the
    /// build task logs as an error at that line; a model worse than the current one is <c>PG0411</c> at the spec file.
    /// The texts follow the descriptors PG0410/PG0411 in PipelineGen.Spec/Diagnostics.cs (the runtime does not reference it).
    /// </summary>
    private static int ReportGates(PipelineSettings settings, TrainResult result, TextWriter output, TextWriter error)
    {
        var card = result.Card;
        if (card.Gates is not { } gates) return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        output.WriteLine(gates.Count == 0 ? "Gates: none declared (gates: [])." : $"Gates ({gates.Count}), on the honest estimate ({card.Protocol}):");
        foreach (var gate in gates)
        {
            output.WriteLine($"  {(gate.Passed ? "pass" : "FAIL")}  {gate.Gate}: {gate.Message}");
            foreach (var segment in gate.Segments ?? [])
                output.WriteLine("          " + Gates.GateCheck.SegmentLine(gate, segment));
        }
        var promotion = card.Promotion!;
        output.WriteLine(promotion.Promoted ? $"Promoted: {promotion.Reason}" : $"Not promoted: {promotion.Reason}");
        if (promotion.Promoted) return PipelineGen.Runtime.Cli.ExitCodes.Ok;
        var spec = settings.ResolvePath(gates.FirstOrDefault()?.SpecFile ?? "pipeline.yaml");
        foreach (var gate in gates.Where(g => !g.Passed))
            error.WriteLine($"{settings.ResolvePath(gate.SpecFile)}({gate.Line},{gate.Column}): error PG0410: {gate.Message}. The model is kept as candidate version {result.Version}; the current model is unchanged.");
        if (promotion.WorseThanCurrent)
            error.WriteLine($"{spec}: error PG0411: The new model (version {result.Version}) is worse than the current one ({promotion.ComparedWith}): {promotion.Reason} It is kept as a candidate; 'models promote {result.Version} --reason ...' makes it current anyway.");
        return PipelineGen.Runtime.Cli.ExitCodes.CheckFailed;
    }

    /// <summary>The disk is full, a folder is read-only, or another command held the model lock too long.</summary>
    internal static bool IsStorageFailure(Exception e) => e is IOException or UnauthorizedAccessException or TimeoutException;

    internal static bool IsBadInput(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException or ArgumentException
            or Data.DataValidationException or Evaluation.EvaluationException;

    internal static string DescribeProtocol(EvaluationSettings e) => e.Protocol switch
    {
        EvaluationProtocol.Holdout => string.Create(CultureInfo.InvariantCulture, $"holdout {e.HoldoutFraction:0.##}, seed {e.Seed}"),
        EvaluationProtocol.KFold => string.Create(CultureInfo.InvariantCulture, $"{e.Folds}-fold{(e.Stratify ? ", stratified" : "")}, seed {e.Seed}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{e.Repeats}x{e.Folds}-fold{(e.Stratify ? ", stratified" : "")}, seed {e.Seed}"),
    };

    internal static long CountRows(IDataView data)
    {
        if (data.GetRowCount() is { } known) return known;
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
