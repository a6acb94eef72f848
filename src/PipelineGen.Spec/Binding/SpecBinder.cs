using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Model;

namespace PipelineGen.Spec.Binding;

public sealed record BindResult(BoundPipeline? Pipeline, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Checks a parsed spec against the data schema the build inferred and resolves it into a <see cref="BoundPipeline"/>:
/// columns and their roles, the label's classes, the trainer and its typed hyperparameters.
/// Reports every problem it can find in one pass; returns no pipeline when any is an error.
/// </summary>
public static partial class SpecBinder
{
    public static BindResult Bind(ParsedSpec parsed, InferredSchema? schema, string rootNamespace) => Bind(parsed, schema, rootNamespace, null);

    /// <param name="lockFile">The spec's lock file (written by 'tune'), when the build passed one: its values are pinned as the trainer's constants.</param>
    public static BindResult Bind(ParsedSpec parsed, InferredSchema? schema, string rootNamespace, LockFileInput? lockFile)
    {
        var result = BindUncapped(parsed, schema, rootNamespace, lockFile);
        return result.Diagnostics.Count <= DiagnosticLimit.MaxPerSpec ? result : result with { Diagnostics = DiagnosticLimit.Cap(result.Diagnostics, parsed.FilePath) };
    }

    private static BindResult BindUncapped(ParsedSpec parsed, InferredSchema? schema, string rootNamespace, LockFileInput? lockFile)
    {
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        var spec = parsed.Spec;
        if (spec is null) return new BindResult(null, diagnostics.ToEquatableArray());

        var file = spec.FilePath;
        CheckModel(spec, diagnostics, out var trainer);
        var tune = CheckTuning(spec, lockFile, diagnostics, ref trainer, out var pinned);

        if (schema is null)
        {
            diagnostics.Add(SpecDiagnostics.SchemaNotInferred.Create(file, spec.Data.Train.Span));
            return new BindResult(null, diagnostics.ToEquatableArray());
        }
        diagnostics.AddRange(schema.Diagnostics);
        if (schema.Diagnostics.Any(d => d.Severity == Severity.Error) || schema.Columns.Count == 0)
            return new BindResult(null, diagnostics.ToEquatableArray());

        var columns = BindColumns(spec, schema, diagnostics);
        DenseNetworkChecks.CheckData(spec, schema, diagnostics);
        var label = BindLabel(spec, schema, diagnostics, out var positiveClass, out var labelValues);

        if (columns is not null && !columns.Any(c => c.Role == "feature"))
            diagnostics.Add(SpecDiagnostics.NoFeatures.Create(file, spec.Data.Train.Span));

        var augmentColumns = EquatableArray<string>.Empty;
        if (spec.Prepare.Augment is { } augment && columns is not null)
        {
            foreach (var blank in augment.BlankColumns)
            {
                var column = columns.FirstOrDefault(c => c.Name == blank.Value);
                if (column is null)
                    diagnostics.Add(UnknownColumn(file, blank, schema));
                else if (column.Kind != "categorical" || column.Role != "feature")
                    diagnostics.Add(SpecDiagnostics.InvalidValue.Create(file, blank.Span, "prepare.augment.blank_columns",
                        $"'{blank.Value}' is a {column.Kind} {column.Role} column; only categorical feature columns can be blanked."));
            }
            augmentColumns = augment.BlankColumns.Select(b => b.Value).ToEquatableArray();
        }

        var gates = GateBinder.Bind(spec, schema, labelValues, diagnostics);
        if (columns is not null)
            OnnxDeployability.Check(spec, columns, diagnostics);

        if (diagnostics.Any(d => d.Severity == Severity.Error) || columns is null || label is null || trainer is null)
            return new BindResult(null, diagnostics.ToEquatableArray());

        var info = TrainerCatalog.Find(trainer.Name)!;
        var normalize = spec.Prepare.Normalize == "auto" ? info.AutoNormalization : spec.Prepare.Normalize;
        var pipeline = new BoundPipeline(
            spec.Name.Value,
            rootNamespace,
            Path.GetFileName(file),
            Path.GetDirectoryName(file) ?? "",
            parsed.ContentHash,
            spec.Task.Kind.Value,
            label.Name,
            positiveClass,
            labelValues,
            columns.ToEquatableArray(),
            spec.Data.Train.Value,
            spec.Data.Test?.Value,
            spec.Data.Separator,
            spec.Data.Header,
            spec.Data.MissingValues,
            spec.Data.BadRows,
            spec.Metric?.Value,
            spec.Baseline.Value,
            ApplyPinnedPreparation(new BoundPreparation(normalize, spec.Prepare.MissingIndicators, spec.Prepare.CategoricalEncoding, spec.Prepare.HashBits,
                spec.Prepare.WordNgrams, spec.Prepare.CharNgrams, augmentColumns, spec.Prepare.Augment?.Fraction ?? 0), pinned),
            new BoundEvaluation(spec.Evaluate.Protocol, spec.Evaluate.Folds, spec.Evaluate.Repeats, spec.Evaluate.HoldoutFraction, spec.Evaluate.Stratify, spec.Evaluate.Seed, spec.Evaluate.Duplicates),
            trainer,
            FilterPreparationChoices(spec, tune, columns, diagnostics),
            pinned,
            gates,
            spec.Task.Kind.Value == TaskKind.Binary ? spec.Task.Threshold?.Value : null,
            // deploy.rest.port: the default port of the generated 'serve' command (PipelineGen.Serving).
            spec.Deploy.RestPort)
        {
            Onnx = spec.Deploy.Onnx,
            OnnxLine = spec.Deploy.Onnx ? spec.Deploy.OnnxSpan.StartLine : 0,
            OnnxColumn = spec.Deploy.Onnx ? spec.Deploy.OnnxSpan.StartColumn : 0,
        };
        return new BindResult(pipeline, diagnostics.ToEquatableArray());
    }

    /// <summary>Trainer, hyperparameters, metric, baseline, protocol and search space: everything checkable without the data.</summary>
    private static void CheckModel(PipelineSpec spec, List<DiagnosticInfo> diagnostics, out BoundTrainer? bound)
    {
        bound = null;
        var file = spec.FilePath;
        var task = spec.Task.Kind.Value;
        var taskName = task.ToSpecName();
        var trainerName = spec.Model.Trainer;

        var trainer = TrainerCatalog.Find(trainerName.Value);
        var forTask = TrainerCatalog.NamesFor(task).ToArray();
        if (trainer is null)
            diagnostics.Add(SpecDiagnostics.UnknownTrainer.Create(file, trainerName.Span, trainerName.Value,
                DidYouMean.Suggest(trainerName.Value, TrainerCatalog.All.Select(t => t.Name)), taskName, DidYouMean.List(forTask)));
        else if (trainer.For(task) is null)
            diagnostics.Add(SpecDiagnostics.TrainerNotForTask.Create(file, trainerName.Span, trainerName.Value, taskName, DidYouMean.List(forTask)));

        var options = new List<OptionAssignment>();
        if (trainer is not null)
        {
            foreach (var setting in spec.Model.Params)
            {
                var param = trainer.Param(setting.Name.Value);
                if (param is null)
                {
                    diagnostics.Add(UnknownParam(file, trainer, setting.Name));
                    continue;
                }
                if (!param.IsNumeric)
                {
                    // Dense 'layers' (a list) and 'activation' (a word): their own checks and literals.
                    if (DenseNetworkChecks.TryBind(file, trainer, param, setting, diagnostics, out var special))
                        options.Add(new OptionAssignment(param.OptionProperty, special));
                    continue;
                }
                if (TryLiteral(param, setting.Value.Value, out var literal))
                    options.Add(new OptionAssignment(param.OptionProperty, literal));
                else
                    diagnostics.Add(SpecDiagnostics.HyperparameterOutOfRange.Create(file, setting.Value.Span, param.Name, trainer.Name, param.RangeText, setting.Value.Value));
            }
            // Threads are always explicit: LightGBM's default threading is erratic, and one thread keeps results bit-identical.
            if (trainer.Param("threads") is { } threads && spec.Model.Params.All(p => p.Name.Value != "threads"))
                options.Add(new OptionAssignment(threads.OptionProperty, "1"));
        }

        DenseNetworkChecks.CheckSpec(spec, diagnostics);

        if (spec.Metric is { } metric && MetricCatalog.Find(metric.Value, task) is null)
            diagnostics.Add(SpecDiagnostics.MetricNotForTask.Create(file, metric.Span, metric.Value, taskName,
                DidYouMean.Suggest(metric.Value, MetricCatalog.NamesFor(task)), DidYouMean.List(MetricCatalog.NamesFor(task))));

        var baseline = spec.Baseline;
        var baselines = task == TaskKind.Regression ? PipelineGen.Shared.ContractNames.RegressionBaselines : PipelineGen.Shared.ContractNames.ClassificationBaselines;
        if (!baselines.Contains(baseline.Value))
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(file, baseline.Span, "baseline.strategy",
                $"'{baseline.Value}' does not apply to a {taskName} task; use one of {DidYouMean.List(baselines)}."));

        if (spec.Task.PositiveClass is { } positive && task != TaskKind.Binary)
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(Severity.Warning, file, positive.Span, "task.positive_class",
                $"a positive class only applies to binary tasks; it is ignored for {taskName}. Remove it."));

        if (spec.Task.Threshold is { } threshold && task != TaskKind.Binary)
            diagnostics.Add(SpecDiagnostics.ThresholdNotBinary.Create(file, threshold.Span, taskName));

        var evaluate = spec.Evaluate;
        if (!evaluate.RepeatsSpan.IsNone && evaluate.Protocol != "repeated_kfold")
            diagnostics.Add(SpecDiagnostics.ProtocolSettingIgnored.Create(file, evaluate.RepeatsSpan, "evaluate.repeats", evaluate.Protocol,
                "Use 'protocol: repeated_kfold' to repeat K-fold with reshuffling, or remove 'repeats'."));

        if (spec.Model.Capacity is { } capacitySetting && trainer is not null && trainer.CapacityParam is null)
            diagnostics.Add(SpecDiagnostics.CapacitySettingIgnored.Create(file, capacitySetting.Span, capacitySetting.Value, trainer.Name));

        if (spec.Tune is { } tune && trainer is not null)
        {
            if (tune.Metric is { } tuneMetric && MetricCatalog.Find(tuneMetric.Value, task) is null)
                diagnostics.Add(SpecDiagnostics.MetricNotForTask.Create(file, tuneMetric.Span, tuneMetric.Value, taskName,
                    DidYouMean.Suggest(tuneMetric.Value, MetricCatalog.NamesFor(task)), DidYouMean.List(MetricCatalog.NamesFor(task))));
            foreach (var dimension in tune.Space)
                CheckDimension(file, trainer, dimension, diagnostics);
            CheckSearchedTrainers(spec, tune, diagnostics);
        }

        if (trainer?.For(task) is { } binding && !diagnostics.Any(d => d.Severity == Severity.Error))
        {
            var capacity = trainer.CapacityParam is { } cp ? trainer.Param(cp)!.OptionProperty : null;
            bound = new BoundTrainer(trainer.Name, binding, options.ToEquatableArray(), capacity, trainer.DefaultCapacity,
                CapacityPinned: capacity is not null && spec.Model.Capacity?.Value == "pinned");
        }
    }

    /// <summary>
    /// The tune section as the runtime searches it (PG0210 when it has nothing to choose) and the lock file's pinned
    /// values (PG0211-PG0214 when it no longer fits the spec), which replace the spec's in the trainer's options.
    /// </summary>
    private static BoundTune? CheckTuning(PipelineSpec spec, LockFileInput? lockFile, List<DiagnosticInfo> diagnostics, ref BoundTrainer? trainer, out BoundLock? pinned)
    {
        pinned = null;
        var info = TrainerCatalog.Find(spec.Model.Trainer.Value);
        if (info is null || trainer is null) return null;

        BoundTune? tune = null;
        if (spec.Tune is { } searched && (searched.Trainers is not null || !searched.SpaceGiven))
            tune = BindSearchedTrainers(spec, searched, trainer, diagnostics);
        else if (spec.Tune is { } section)
        {
            var space = new List<BoundSearchParameter>();
            long points = 1;
            foreach (var dimension in section.Space)
            {
                var param = info.Param(dimension.Name.Value);
                if (param is null) continue;
                var type = param.Type == ParamType.Int ? "int" : param.Type == ParamType.Bool ? "bool" : "float";
                if (dimension.Values.Count > 0)
                {
                    var values = dimension.Values.Select(v => v is "true" or "True" ? 1.0 : v is "false" or "False" ? 0.0
                        : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).Distinct().ToArray();
                    space.Add(new BoundSearchParameter(param.Name, type, values.Min(), values.Max(), false, values.ToEquatableArray()));
                    points *= values.Length;
                }
                else if (dimension.Min is { } min && dimension.Max is { } max)
                {
                    space.Add(new BoundSearchParameter(param.Name, type, min, max, dimension.Scale == "log", EquatableArray<double>.Empty));
                    points *= param.Type == ParamType.Int ? (long)(Math.Floor(max) - Math.Ceiling(min) + 1) : 2;
                }
            }
            // Preparation choices multiply the flat space too (each trial builds the pipeline with one of each).
            var prepare = BindPreparationChoices(section);
            foreach (var choice in prepare) points *= choice.Values.Count;
            var where = spec.Tune.Space.Count > 0 ? spec.Tune.Space[0].Name.Span : spec.Model.Trainer.Span;
            if (section.Space.Count == 0)
                diagnostics.Add(SpecDiagnostics.SearchSpaceOnePoint.Create(spec.FilePath, where, "is empty"));
            else if (points == 1 && space.Count == section.Space.Count)
                diagnostics.Add(SpecDiagnostics.SearchSpaceOnePoint.Create(spec.FilePath, where,
                    "has one point (" + string.Join(", ", space.Select(p => $"{p.Name} = {Fmt(p.Values.Count > 0 ? p.Values[0] : Math.Ceiling(p.Min))}")) + ")"));
            tune = new BoundTune(section.Strategy, section.Trials, section.Metric?.Value, space.ToEquatableArray(),
                Path.GetFileName(LockFileParser.LockPathFor(spec.FilePath)), Prepare: prepare.Count > 0 ? prepare.ToEquatableArray() : null);
        }

        tune = ApplyTuneKeys(spec, tune, trainer, diagnostics);
        if (lockFile is null) return tune;
        var parsedLock = LockFileParser.Parse(lockFile, diagnostics);
        if (parsedLock is null) return tune;
        var lockPath = lockFile.FilePath;
        if (parsedLock.Pipeline is { } lockPipeline && lockPipeline.Value != spec.Name.Value)
            diagnostics.Add(SpecDiagnostics.LockFileOtherPipeline.Create(lockPath, lockPipeline.Span, lockPipeline.Value, spec.Name.Value));
        // The lock may pin another trainer than model.trainer when the trainer itself was searched and it won.
        var target = trainer;
        var declaredSpace = tune?.Space ?? EquatableArray<BoundSearchParameter>.Empty;
        string? lockTrainer = null;
        if (tune?.SearchesTrainer == true && tune.Trainers!.Value.FirstOrDefault(b => b.Name == parsedLock.Trainer.Value) is { } branch)
        {
            declaredSpace = branch.Space;
            if (branch.Name != info.Name)
            {
                info = TrainerCatalog.Find(branch.Name)!;
                target = branch.Trainer;
                lockTrainer = branch.Name;
            }
        }
        else if (parsedLock.Trainer.Value != info.Name)
        {
            diagnostics.Add(tune?.SearchesTrainer == true
                ? SpecDiagnostics.LockTrainerNotSearched.Create(lockPath, parsedLock.Trainer.Span, parsedLock.Trainer.Value, DidYouMean.List(tune.Trainers!.Value.Select(b => b.Name)))
                : SpecDiagnostics.LockTrainerMismatch.Create(lockPath, parsedLock.Trainer.Span, parsedLock.Trainer.Value, info.Name));
            return tune;
        }
        var options = target.Options.ToList();
        var pinnedValues = new List<PinnedValue>();
        foreach (var setting in parsedLock.Params)
        {
            var param = info.Param(setting.Name.Value);
            if (param is null)
            {
                diagnostics.Add(SpecDiagnostics.LockUnknownHyperparameter.Create(lockPath, setting.Name.Span, setting.Name.Value, info.Name,
                    info.Params.Count == 0 ? "none" : DidYouMean.List(info.Params.Select(p => p.Name))));
                continue;
            }
            if (!TryLiteral(param, setting.Value.Value, out var literal))
            {
                diagnostics.Add(SpecDiagnostics.LockValueOutOfRange.Create(lockPath, setting.Value.Span, param.Name, setting.Value.Value,
                    $"what trainer '{info.Name}' accepts ({param.RangeText})"));
                continue;
            }
            var declared = declaredSpace.FirstOrDefault(p => p.Name == param.Name);
            var where = tune?.SearchesTrainer == true ? $"tune.trainers.{info.Name}.{param.Name}" : $"tune.space.{param.Name}";
            if (declared is not null && param.Type != ParamType.Bool
                && double.TryParse(setting.Value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && (declared.Values.Count > 0 ? !declared.Values.Contains(number) : number < declared.Min || number > declared.Max))
            {
                diagnostics.Add(SpecDiagnostics.LockValueOutOfRange.Create(lockPath, setting.Value.Span, param.Name, setting.Value.Value,
                    declared.Values.Count > 0
                        ? $"the values declared in {where} ({string.Join(", ", declared.Values.Select(Fmt))})"
                        : $"the range declared in {where} ({Fmt(declared.Min)} to {Fmt(declared.Max)})"));
                continue;
            }
            options.RemoveAll(o => o.Property == param.OptionProperty);
            options.Add(new OptionAssignment(param.OptionProperty, literal));
            pinnedValues.Add(new PinnedValue(param.Name, param.OptionProperty, setting.Value.Value));
        }
        var pinnedPrepare = CheckLockPreparation(parsedLock, tune, lockPath, diagnostics);
        var pinnedEnsemble = CheckLockEnsemble(parsedLock, tune, TrainerCatalog.Find(spec.Model.Trainer.Value), lockPath, diagnostics);
        if ((pinnedValues.Count > 0 || lockTrainer is not null || pinnedPrepare.Count > 0 || pinnedEnsemble is not null) && !diagnostics.Any(d => d.Severity == Severity.Error))
        {
            trainer = target with { Options = options.ToEquatableArray() };
            pinned = new BoundLock(Path.GetFileName(lockPath), parsedLock.StudyId, pinnedValues.ToEquatableArray(), lockTrainer,
                pinnedPrepare.Count > 0 ? pinnedPrepare.ToEquatableArray() : null, pinnedEnsemble);
        }
        return tune;
    }

    private static void CheckDimension(string file, TrainerInfo trainer, SearchDimension dimension, List<DiagnosticInfo> diagnostics, bool searchedTrainer = false)
    {
        var param = trainer.Param(dimension.Name.Value);
        if (param is null) { diagnostics.Add(searchedTrainer ? UnknownSearchedParam(file, trainer, dimension.Name) : UnknownParam(file, trainer, dimension.Name)); return; }
        if (!param.IsNumeric) { diagnostics.Add(DenseNetworkChecks.NotSearchable(file, trainer, param, dimension)); return; }

        if (dimension.Values.Count > 0)
        {
            foreach (var value in dimension.Values)
                if (!TryLiteral(param, value, out _))
                    diagnostics.Add(SpecDiagnostics.HyperparameterOutOfRange.Create(file, dimension.Span, param.Name, trainer.Name, param.RangeText, value));
            return;
        }
        if (dimension.Min is not { } min || dimension.Max is not { } max)
        {
            diagnostics.Add(SpecDiagnostics.EmptyRange.Create(file, dimension.Span, param.Name, "give both 'min' and 'max', or 'values'"));
            return;
        }
        if (min >= max)
            diagnostics.Add(SpecDiagnostics.EmptyRange.Create(file, dimension.Span, param.Name, $"min {Fmt(min)} is not below max {Fmt(max)}"));
        else if (dimension.Scale == "log" && min <= 0)
            diagnostics.Add(SpecDiagnostics.EmptyRange.Create(file, dimension.Span, param.Name, $"a log scale needs min > 0, got {Fmt(min)}"));
        else if (param.Type == ParamType.Int && Math.Floor(max) < Math.Ceiling(min))
            diagnostics.Add(SpecDiagnostics.EmptyRange.Create(file, dimension.Span, param.Name, $"no whole number lies between {Fmt(min)} and {Fmt(max)}"));
        else
            foreach (var bound in new[] { min, max })
                if (!param.IsInRange(bound))
                    diagnostics.Add(SpecDiagnostics.HyperparameterOutOfRange.Create(file, dimension.Span, param.Name, trainer.Name, param.RangeText, Fmt(bound)));
    }

    private static List<BoundColumn>? BindColumns(PipelineSpec spec, InferredSchema schema, List<DiagnosticInfo> diagnostics)
    {
        var file = spec.FilePath;
        var overrides = new Dictionary<string, ColumnOverride>(StringComparer.Ordinal);
        foreach (var o in spec.Data.Columns)
        {
            if (schema.Find(o.Name.Value) is null) diagnostics.Add(UnknownColumn(file, o.Name, schema));
            else overrides[o.Name.Value] = o;
        }

        HashSet<string>? featureList = null;
        if (spec.Data.Features is { } features)
        {
            featureList = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in features)
            {
                if (schema.Find(f.Value) is null) { diagnostics.Add(UnknownColumn(file, f, schema)); continue; }
                if (f.Value == spec.Task.Label.Value) { diagnostics.Add(SpecDiagnostics.LabelAsFeature.Create(file, f.Span, f.Value, "data.features")); continue; }
                if (overrides.TryGetValue(f.Value, out var o) && o.Role is { Value: "id" or "group" or "ignore" } role)
                {
                    diagnostics.Add(SpecDiagnostics.IdAsFeature.Create(file, f.Span, f.Value, role.Value));
                    continue;
                }
                featureList.Add(f.Value);
            }
        }

        CheckColumnNames(spec, schema, featureList, overrides, diagnostics);

        // A property may not share its class's name (CS0542): reserve <Name>Input.
        var names = new PropertyNamer(schema.Columns.Select(c => c.Name), spec.Name.Value + "Input");
        var result = new List<BoundColumn>();
        var groups = 0;
        foreach (var column in schema.Columns)
        {
            overrides.TryGetValue(column.Name, out var o);
            var kind = o?.Type?.Value ?? column.Type;
            var isLabel = column.Name == spec.Task.Label.Value;
            string role;
            if (isLabel)
            {
                if (o?.Role is { } labelRole && labelRole.Value != "label")
                    diagnostics.Add(labelRole.Value == "feature"
                        ? SpecDiagnostics.LabelAsFeature.Create(file, labelRole.Span, column.Name, $"data.columns.{column.Name}.role")
                        : SpecDiagnostics.InvalidColumnRole.Create(file, labelRole.Span, $"Column '{column.Name}' is the task's label, so its role cannot be '{labelRole.Value}'. Remove the role or change 'task.label'."));
                role = "label";
            }
            else if (o?.Role is { } declared)
            {
                if (declared.Value == "label")
                    diagnostics.Add(SpecDiagnostics.InvalidColumnRole.Create(file, declared.Span,
                        $"Column '{column.Name}' has role 'label' but the task's label is '{spec.Task.Label.Value}'. A pipeline has one label: set 'task.label' instead."));
                if (declared.Value == "group" && ++groups > 1)
                    diagnostics.Add(SpecDiagnostics.InvalidColumnRole.Create(file, declared.Span,
                        $"Column '{column.Name}' is a second 'group' column. Rows are grouped by one column; combine the keys into one column."));
                role = declared.Value;
            }
            else role = featureList is null || featureList.Contains(column.Name) ? "feature" : "ignore";

            // Booleans with gaps are read as categoricals so a missing value stays visible instead of becoming false.
            if (kind == "boolean" && column.MissingCount > 0 && o?.Type is null) kind = "categorical";

            string? missing = null;
            if (role == "feature" && column.MissingCount > 0 || o?.Missing is not null)
            {
                missing = o?.Missing?.Value ?? (kind == "numeric" ? spec.Prepare.NumericMissing : kind is "categorical" or "text" or "boolean" ? "category" : null);
                var fits = kind == "numeric" ? missing is "mean" or "median" or "model" : kind is "categorical" or "text" or "boolean" ? missing == "category" : missing is null;
                if (!fits && o?.Missing is { } declaredMissing)
                    diagnostics.Add(SpecDiagnostics.InvalidValue.Create(file, declaredMissing.Span, $"data.columns.{column.Name}.missing",
                        $"'{declaredMissing.Value}' does not apply to a {kind} column; use {(kind == "numeric" ? "'mean', 'median' or 'model'" : kind == "datetime" ? "nothing (missing dates are read as the default date)" : "'category'")}."));
            }
            result.Add(new BoundColumn(column.Name, column.Index, names.Next(column.Name), kind, role, column.MissingCount > 0, missing, TypeDeclared: o?.Type is not null,
                DateFormat: o?.Format is { } format ? CheckDateFormat(file, column.Name, kind, format, diagnostics) : null,
                MissingTokens: o is null ? EquatableArray<string>.Empty : ColumnMissingTokens(file, o, spec.Data.MissingValues, diagnostics)));
        }
        return result;
    }

    /// <summary>
    /// 'data.columns.NAME.missing_values': the tokens that add something. An empty token (always missing) and one already
    /// listed (in the column or in data.missing_values) change nothing: a warning at the token, so a typo is not silent.
    /// </summary>
    private static EquatableArray<string> ColumnMissingTokens(string file, ColumnOverride o, EquatableArray<string> global, List<DiagnosticInfo> diagnostics)
    {
        var kept = new List<string>();
        foreach (var token in o.MissingValues)
        {
            var key = $"data.columns.{o.Name.Value}.missing_values";
            if (token.Value.Length == 0)
                diagnostics.Add(SpecDiagnostics.InvalidValue.Create(Severity.Warning, file, token.Span, key,
                    "an empty value is always read as missing, in every column; remove \"\" from the list."));
            else if (kept.Contains(token.Value, StringComparer.Ordinal))
                diagnostics.Add(SpecDiagnostics.InvalidValue.Create(Severity.Warning, file, token.Span, key,
                    $"'{token.Value}' is listed twice; remove the repeat."));
            else if (global.Contains(token.Value, StringComparer.Ordinal))
                diagnostics.Add(SpecDiagnostics.InvalidValue.Create(Severity.Warning, file, token.Span, key,
                    $"'{token.Value}' is already a missing token of every column (data.missing_values); remove it here."));
            else kept.Add(token.Value);
        }
        return kept.ToEquatableArray();
    }

    /// <summary>'data.columns.NAME.format': the format when it is usable on this column (PG0141, PG0142 otherwise, at the value).</summary>
    private static string? CheckDateFormat(string file, string column, string kind, Spanned<string> format, List<DiagnosticInfo> diagnostics)
    {
        if (kind != "datetime")
        {
            diagnostics.Add(SpecDiagnostics.DateFormatNotDateTime.Create(file, format.Span, column, kind == "categorical" ? "categorical (inferred or declared)" : kind));
            return null;
        }
        if (DateFormats.Problem(format.Value) is { } problem)
        {
            diagnostics.Add(SpecDiagnostics.InvalidDateFormat.Create(file, format.Span, format.Value, column, problem));
            return null;
        }
        return format.Value;
    }

    /// <summary>The longest column name accepted (UTF-8 bytes), the limit C# puts on metadata names; longer ones are not a real header.</summary>
    public const int MaxColumnNameBytes = 1024;

    /// <summary>
    /// Column names the generated code cannot use: empty ones, ones too long to be a header, and a feature named "Label",
    /// which the label step overwrites before the feature is read (the model would train on the answer).
    /// Other ML.NET names are safe: "Features", "Score", "PredictedLabel" and "Probability" are created only after every
    /// input column has been read, and the emitter's own "__" columns never take an input column's name (see PropertyNamer).
    /// </summary>
    private static void CheckColumnNames(PipelineSpec spec, InferredSchema schema, HashSet<string>? featureList,
        Dictionary<string, ColumnOverride> overrides, List<DiagnosticInfo> diagnostics)
    {
        var dataFile = Path.GetFileName(schema.DataPath);
        foreach (var column in schema.Columns)
        {
            // Located only when reported: looking every column up in a long feature list would be quadratic for wide data.
            var position = (column.Index + 1).ToString(CultureInfo.InvariantCulture);
            if (column.Name.Trim().Length == 0)
            {
                var where = ColumnLocation(spec, schema, column.Name);
                diagnostics.Add(SpecDiagnostics.EmptyColumnName.Create(where.File, where.Span, position, dataFile));
                continue;
            }
            var bytes = Encoding.UTF8.GetByteCount(column.Name);
            if (bytes > MaxColumnNameBytes)
            {
                var where = ColumnLocation(spec, schema, column.Name);
                diagnostics.Add(SpecDiagnostics.ColumnNameTooLong.Create(where.File, where.Span, position, dataFile, bytes, DiagnosticLimit.Excerpt(column.Name), MaxColumnNameBytes));
                continue;
            }
            if (column.Name == "Label" && column.Name != spec.Task.Label.Value)
            {
                overrides.TryGetValue(column.Name, out var o);
                var isFeature = o?.Role is { } role ? role.Value == "feature" : featureList is null || featureList.Contains(column.Name);
                var where = ColumnLocation(spec, schema, column.Name);
                if (isFeature)
                    diagnostics.Add(SpecDiagnostics.ReservedColumnName.Create(where.File, where.Span, column.Name, dataFile, "a feature",
                        $"the label '{DiagnosticLimit.Excerpt(spec.Task.Label.Value)}', under the name ML.NET trainers read"));
            }
        }
    }

    /// <summary>Where a column problem is shown: where the spec names the column, else the data file's header line.</summary>
    private static (string File, SourceSpan Span) ColumnLocation(PipelineSpec spec, InferredSchema schema, string name)
    {
        var mention = spec.Data.Columns.FirstOrDefault(c => c.Name.Value == name)?.Name
            ?? spec.Data.Features?.FirstOrDefault(f => f.Value == name);
        if (mention is { } m) return (spec.FilePath, m.Span);
        return string.IsNullOrEmpty(schema.DataPath) ? (spec.FilePath, spec.Data.Train.Span) : (schema.DataPath, SourceSpan.At(1, 1));
    }

    /// <summary>Why a label with more than two values is not binary: other classes, or one class spelled several ways
    /// ("yes", "Yes", "YES"), where 'kind: multiclass' would be the wrong advice: it would learn each spelling as a class.</summary>
    private static string TwoClassesHint(InferredColumn label)
    {
        var variants = label.DistinctValuesKnown
            ? label.DistinctValues.GroupBy(v => v.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToArray()
            : [];
        if (variants.Length == 0) return "exactly two classes (use 'kind: multiclass')";
        return "exactly two classes; " + string.Join("; ", variants.Select(g => PipelineGen.Shared.SafeText.Samples(g)))
            + " differ only in letter case or spaces, so they are probably one class written several ways: write each class one way in the data ('kind: multiclass' would learn every spelling as a class of its own)";
    }

    /// <summary>
    /// A binary label whose extra values sit in a handful of rows beside two well-filled classes (three '2's beside 549
    /// '0's and 342 '1's): a typo or a stray code, where 'kind: multiclass' would be the wrong advice. Says which values,
    /// in how many rows (of the sample, when the tool read only part of the file) and the data line of the first, and
    /// that the fix is to correct or remove those rows. Null when the extra values are not rare (thresholds shared with
    /// explore's stray-class warning, src/Shared/StrayClasses.cs) or their counts are unknown.
    /// </summary>
    private static string? StrayValuesHint(PipelineSpec spec, InferredSchema schema, InferredColumn label)
    {
        var (stray, others) = StrayValues(label);
        if (stray.Length == 0 || others.Length != 2) return null;
        var dataFile = PipelineGen.Shared.SafeText.Escape(spec.Data.Train.Value);
        var one = stray.Length == 1;
        return $"{(one ? "Value" : "Values")} {ListValues(spec, label, stray)} {(one ? "is" : "are")} in only a handful of rows{SampleNote(schema)} beside {ValueWithRows(label, others[0])}"
            + $" and {ValueWithRows(label, others[1])}: a typo or a stray code rather than a class"
            + $" ('kind: multiclass' would make {(one ? "it a class" : "them classes")} too small to learn or to measure). Correct or remove those rows of {dataFile} (and of the test file), then rebuild.";
    }

    /// <summary>
    /// PG0111: a multiclass label with a class in a handful of rows beside well-filled ones ('Adelei' twice among 344
    /// penguins). A warning, not an error: a rare class can be real, but more often it is a typo the model would learn.
    /// </summary>
    private static void ReportRareClasses(PipelineSpec spec, InferredSchema schema, InferredColumn label, List<DiagnosticInfo> diagnostics)
    {
        var (stray, others) = StrayValues(label);
        if (stray.Length == 0) return;
        var one = stray.Length == 1;
        var smallest = others.Min(i => label.ValueCounts[i]);
        diagnostics.Add(SpecDiagnostics.RareLabelClass.Create(spec.FilePath, spec.Task.Label.Span, label.Name,
            (one ? "value " : "values ") + ListValues(spec, label, stray), one ? "is" : "are", SampleNote(schema),
            smallest.ToString(CultureInfo.InvariantCulture), PipelineGen.Shared.SafeText.Escape(spec.Data.Train.Value)));
    }

    /// <summary>The label's stray values and the others (indexes into its values; thresholds in src/Shared/StrayClasses.cs); none when the counts are unknown.</summary>
    private static (int[] Stray, int[] Others) StrayValues(InferredColumn label)
    {
        if (!label.ValueCountsKnown) return ([], []);
        var isStray = PipelineGen.Shared.StrayClasses.Find(label.ValueCounts.Select(c => (long)c).ToArray());
        var all = Enumerable.Range(0, label.DistinctValues.Count);
        return (all.Where(i => isStray[i]).ToArray(), all.Where(i => !isStray[i]).ToArray());
    }

    private static string Rows(int n) => n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " row" : " rows");

    private static string ValueWithRows(InferredColumn label, int i) => $"'{PipelineGen.Shared.SafeText.Escape(label.DistinctValues[i])}' ({Rows(label.ValueCounts[i])})";

    /// <summary>"'typo' (3 rows, first at data line 48 of data.csv), ..." for at most five values.</summary>
    private static string ListValues(PipelineSpec spec, InferredColumn label, int[] values)
    {
        var dataFile = PipelineGen.Shared.SafeText.Escape(spec.Data.Train.Value);
        string Show(int i) => $"'{PipelineGen.Shared.SafeText.Escape(label.DistinctValues[i])}' ({Rows(label.ValueCounts[i])}"
            + (label.ValueLines[i] > 0 ? $", first at data line {label.ValueLines[i].ToString(CultureInfo.InvariantCulture)} of {dataFile})" : ")");
        return string.Join(", ", values.Take(5).Select(Show)) + (values.Length > 5 ? ", ..." : "");
    }

    private static string SampleNote(InferredSchema schema) => schema.SampleIsComplete ? ""
        : $" (counted in the first {schema.RowsSampled.ToString(CultureInfo.InvariantCulture)} rows, the part of the file the build reads; there may be more further on)";

    private static InferredColumn? BindLabel(PipelineSpec spec, InferredSchema schema, List<DiagnosticInfo> diagnostics, out string? positiveClass, out EquatableArray<string> labelValues)
    {
        var file = spec.FilePath;
        positiveClass = null;
        labelValues = EquatableArray<string>.Empty;
        var labelName = spec.Task.Label;
        var label = schema.Find(labelName.Value);
        if (label is null)
        {
            var names = schema.Columns.Select(c => c.Name).ToArray();
            diagnostics.Add(SpecDiagnostics.LabelNotInData.Create(file, labelName.Span, labelName.Value, Path.GetFileName(schema.DataPath),
                DidYouMean.Suggest(labelName.Value, names), ColumnList(names)));
            return null;
        }
        var kind = spec.Data.Columns.FirstOrDefault(c => c.Name.Value == label.Name)?.Type?.Value ?? label.Type;
        // "1" and "1.0" are one class of a numeric label (the loader reads both as 1): count values, not spellings.
        if (kind == "numeric" && label.DistinctValuesKnown) label = OneSpellingPerValue(label);
        // Values come from the data file, which may be anything: short, escaped samples only (PipelineGen.Shared.SafeText).
        var distinct = label.DistinctValuesKnown ? PipelineGen.Shared.SafeText.Samples(label.DistinctValues) : $"more than {SchemaFile.MaxDistinctValues} values";
        var taskName = spec.Task.Kind.Value.ToSpecName();
        var sampleNote = schema.SampleIsComplete ? "" : $" (in the first {schema.RowsSampled} rows)";
        labelValues = label.DistinctValues;

        switch (spec.Task.Kind.Value)
        {
            case TaskKind.Regression:
                if (kind != "numeric")
                    diagnostics.Add(SpecDiagnostics.LabelClassCount.Create(file, labelName.Span, label.Name, label.DistinctCount, distinct, taskName, "a numeric label", "Change 'task.kind' or the label."));
                labelValues = EquatableArray<string>.Empty;
                return label;

            case TaskKind.Multiclass:
                if (label.DistinctCount < 2)
                    diagnostics.Add(SpecDiagnostics.LabelClassCount.Create(file, labelName.Span, label.Name, label.DistinctCount, distinct, taskName, "at least two classes", "Change 'task.kind' or the label."));
                else
                    ReportRareClasses(spec, schema, label, diagnostics);
                return label;

            default:
                if (label.DistinctCount != 2)
                {
                    if (label.DistinctCount > 2 && StrayValuesHint(spec, schema, label) is { } stray)
                        diagnostics.Add(SpecDiagnostics.LabelClassCount.Create(file, labelName.Span, label.Name, label.DistinctCount, distinct + sampleNote, taskName,
                            "exactly two classes", stray));
                    else
                        diagnostics.Add(SpecDiagnostics.LabelClassCount.Create(file, labelName.Span, label.Name, label.DistinctCount, distinct + sampleNote, taskName,
                            label.DistinctCount < 2 ? "two classes (is the data filtered to one class?)" : TwoClassesHint(label), "Change 'task.kind' or the label."));
                    return null;
                }
                if (spec.Task.PositiveClass is { } given)
                {
                    var match = label.DistinctValues.FirstOrDefault(v => v == given.Value)
                        ?? label.DistinctValues.FirstOrDefault(v => kind is "numeric" or "boolean" && SameScalar(v, given.Value));
                    if (match is null)
                    {
                        diagnostics.Add(SpecDiagnostics.PositiveClassAbsent.Create(file, given.Span, given.Value, label.Name, sampleNote, distinct));
                        return null;
                    }
                    positiveClass = match;
                }
                else
                {
                    positiveClass = label.DistinctValues.FirstOrDefault(v => v is "1.0" || PipelineGen.Shared.ContractNames.IsTrueSpelling(v));
                    if (positiveClass is null)
                    {
                        diagnostics.Add(SpecDiagnostics.PositiveClassRequired.Create(file, labelName.Span, label.Name, distinct));
                        return null;
                    }
                }
                return label;
        }
    }

    private static InferredColumn OneSpellingPerValue(InferredColumn label)
    {
        var counted = label.ValueCountsKnown;
        var groups = Enumerable.Range(0, label.DistinctValues.Count)
            .GroupBy(i => double.TryParse(label.DistinctValues[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x.ToString("R", CultureInfo.InvariantCulture) : label.DistinctValues[i], StringComparer.Ordinal)
            .ToArray();
        if (groups.Length == label.DistinctValues.Count) return label;
        // The rows of every spelling count for the value; its first line is the earliest of theirs.
        return label with
        {
            DistinctCount = groups.Length,
            DistinctValues = groups.Select(g => label.DistinctValues[g.First()]).ToEquatableArray(),
            ValueCounts = counted ? groups.Select(g => g.Sum(i => label.ValueCounts[i])).ToEquatableArray() : EquatableArray<int>.Empty,
            ValueLines = counted ? groups.Select(g => g.Select(i => label.ValueLines[i]).Where(l => l > 0).DefaultIfEmpty(0).Min()).ToEquatableArray() : EquatableArray<int>.Empty,
        };
    }

    private static bool SameScalar(string a, string b)
    {
        if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            return x == y;
        return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }

    private static DiagnosticInfo UnknownColumn(string file, Spanned<string> name, InferredSchema schema)
    {
        var names = schema.Columns.Select(c => c.Name).ToArray();
        return SpecDiagnostics.UnknownColumn.Create(file, name.Span, name.Value, Path.GetFileName(schema.DataPath),
            DidYouMean.Suggest(name.Value, names), ColumnList(names));
    }

    // Column names are the data file's header: escaped and cut like any data sample, at most 10 listed.
    private static string ColumnList(IReadOnlyList<string> names) => PipelineGen.Shared.SafeText.Samples(names, maxSamples: 10);

    private static DiagnosticInfo UnknownParam(string file, TrainerInfo trainer, Spanned<string> name)
    {
        var names = trainer.Params.Select(p => p.Name).ToArray();
        return SpecDiagnostics.UnknownHyperparameter.Create(file, name.Span, trainer.Name, name.Value,
            DidYouMean.Suggest(name.Value, names), names.Length == 0 ? "none" : DidYouMean.List(names));
    }

    /// <summary>Checks a hyperparameter value against its type and range and writes it as a C# literal of the option's type.</summary>
    public static bool TryLiteral(ParamInfo param, string text, out string literal)
    {
        literal = "";
        switch (param.Type)
        {
            case ParamType.Bool:
                if (text is "true" or "True") { literal = "true"; return true; }
                if (text is "false" or "False") { literal = "false"; return true; }
                return false;
            case ParamType.Int:
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) || !param.IsInRange(i)) return false;
                literal = i.ToString(CultureInfo.InvariantCulture);
                return true;
            default:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsNaN(d) || double.IsInfinity(d) || !param.IsInRange(d)) return false;
                literal = param.Type == ParamType.Float
                    ? ((float)d).ToString("R", CultureInfo.InvariantCulture) + "f"
                    : d.ToString("R", CultureInfo.InvariantCulture) + "d";
                return true;
        }
    }

    private static string Fmt(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>Column names → unique, valid C# property names (PascalCase).</summary>
    private sealed class PropertyNamer
    {
        /// <summary>Longer property names are cut (C# limits a metadata name to 1,023 UTF-8 bytes: CS7013); the column keeps its full name.</summary>
        public const int MaxLength = 100;

        private readonly HashSet<string> _used = new(StringComparer.Ordinal) { "Equals", "GetHashCode", "ToString", "GetType" };

        // The emitter names a feature's working columns "__<Property>", "__<Property>_filled" and "__<Property>_missing";
        // a property whose working column would have an input column's name would overwrite that input before it is read.
        private readonly HashSet<string> _columnNames;

        public PropertyNamer(IEnumerable<string> columnNames, params string[] reserved)
        {
            _columnNames = new HashSet<string>(columnNames, StringComparer.Ordinal);
            foreach (var name in reserved) _used.Add(name);
        }

        private bool Take(string candidate) =>
            !_columnNames.Contains("__" + candidate) && !_columnNames.Contains("__" + candidate + "_filled") && !_columnNames.Contains("__" + candidate + "_missing")
            && _used.Add(candidate);

        public string Next(string columnName)
        {
            var sb = new StringBuilder();
            var upper = true;
            foreach (var ch in columnName)
            {
                if (char.IsLetterOrDigit(ch)) { sb.Append(upper ? char.ToUpperInvariant(ch) : ch); upper = false; }
                else upper = true;
            }
            var name = sb.Length == 0 ? "Column" : sb.ToString();
            if (char.IsDigit(name[0])) name = "C" + name;
            if (name.Length > MaxLength) name = name.Substring(0, char.IsHighSurrogate(name[MaxLength - 1]) ? MaxLength - 1 : MaxLength);
            var candidate = name;
            for (var n = 2; !Take(candidate); n++) candidate = name + n.ToString(CultureInfo.InvariantCulture);
            return candidate;
        }
    }
}
