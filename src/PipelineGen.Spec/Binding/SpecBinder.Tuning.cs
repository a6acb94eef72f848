using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Model;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// The searched trainer (tune.trainers, or the default space when the tune section names neither 'space' nor
/// 'trainers'), the searched preparation choices (tune.prepare), and the lock file's pinned trainer and preparation.
/// </summary>
public static partial class SpecBinder
{
    /// <summary>PG0215-PG0218 and each branch's ranges (PG0204/PG0206): everything checkable without the data.</summary>
    private static void CheckSearchedTrainers(PipelineSpec spec, TuneSection tune, List<DiagnosticInfo> diagnostics)
    {
        if (tune.Trainers is not { } branches) return;
        var file = spec.FilePath;
        var task = spec.Task.Kind.Value;
        if (tune.SpaceGiven)
            diagnostics.Add(SpecDiagnostics.SpaceAndTrainers.Create(file, tune.SpaceSpan, spec.Model.Trainer.Value));
        var forTask = TrainerCatalog.NamesFor(task).ToArray();
        foreach (var branch in branches)
        {
            var info = TrainerCatalog.Find(branch.Trainer.Value);
            if (info is null)
            {
                diagnostics.Add(SpecDiagnostics.UnknownSearchedTrainer.Create(file, branch.Trainer.Span, branch.Trainer.Value,
                    DidYouMean.Suggest(branch.Trainer.Value, TrainerCatalog.All.Select(t => t.Name)), task.ToSpecName(), DidYouMean.List(forTask)));
                continue;
            }
            if (info.For(task) is null)
            {
                diagnostics.Add(SpecDiagnostics.SearchedTrainerNotForTask.Create(file, branch.Trainer.Span, branch.Trainer.Value, task.ToSpecName(), DidYouMean.List(forTask)));
                continue;
            }
            foreach (var dimension in branch.Space)
                CheckDimension(file, info, dimension, diagnostics, searchedTrainer: true);
        }
    }

    private static DiagnosticInfo UnknownSearchedParam(string file, TrainerInfo trainer, Spanned<string> name)
    {
        var names = trainer.Params.Select(p => p.Name).ToArray();
        return SpecDiagnostics.UnknownSearchedHyperparameter.Create(file, name.Span, trainer.Name, name.Value,
            DidYouMean.Suggest(name.Value, names), names.Length == 0 ? "none" : DidYouMean.List(names));
    }

    /// <summary>A range or values list as the runtime searches it, with the number of points it adds (continuous: 2).</summary>
    private static BoundSearchParameter? BindDimension(ParamInfo param, SearchDimension dimension, out long points)
    {
        points = 1;
        var type = param.Type == ParamType.Int ? "int" : param.Type == ParamType.Bool ? "bool" : "float";
        if (dimension.Values.Count > 0)
        {
            var values = new List<double>();
            foreach (var v in dimension.Values)
            {
                if (v is "true" or "True") values.Add(1);
                else if (v is "false" or "False") values.Add(0);
                else if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) values.Add(d);
                else return null;
            }
            var distinct = values.Distinct().ToArray();
            points = distinct.Length;
            return new BoundSearchParameter(param.Name, type, distinct.Min(), distinct.Max(), false, distinct.ToEquatableArray());
        }
        if (dimension.Min is not { } min || dimension.Max is not { } max || !(min < max)) return null;
        points = param.Type == ParamType.Int ? (long)(Math.Floor(max) - Math.Ceiling(min) + 1) : 2;
        return new BoundSearchParameter(param.Name, type, min, max, dimension.Scale == "log", EquatableArray<double>.Empty);
    }

    /// <summary>How a trainer that is not model.trainer is built in a trial: ML.NET's defaults, one thread (as the spec's trainer).</summary>
    private static BoundTrainer BaseTrainer(TrainerInfo info, TaskKind task)
    {
        var options = new List<OptionAssignment>();
        if (info.Param("threads") is { } threads) options.Add(new OptionAssignment(threads.OptionProperty, "1"));
        var capacity = info.CapacityParam is { } cp ? info.Param(cp)!.OptionProperty : null;
        return new BoundTrainer(info.Name, info.For(task)!, options.ToEquatableArray(), capacity, info.DefaultCapacity);
    }

    /// <summary>
    /// The values the default space sets without searching (a forest's 300 trees) on a branch that is not model.trainer.
    /// The spec's own trainer keeps the spec's values: its trial 1, its lock and its trials must build the same trainer.
    /// </summary>
    private static BoundTrainer WithDefaultFixedValues(BoundTrainer trainer, TrainerInfo info, bool isDefault)
    {
        if (!isDefault) return trainer;
        var options = trainer.Options.ToList();
        foreach (var value in DefaultSearchSpace.FixedFor(info.Name))
        {
            var param = info.Param(value.Param)!;
            options.RemoveAll(o => o.Property == param.OptionProperty);
            options.Add(new OptionAssignment(param.OptionProperty, value.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return trainer with { Options = options.ToEquatableArray() };
    }

    /// <summary>The trainer choice: one branch per trainer (tune.trainers, or the default space), plus tune.prepare.</summary>
    private static BoundTune BindSearchedTrainers(PipelineSpec spec, TuneSection section, BoundTrainer modelTrainer, List<DiagnosticInfo> diagnostics)
    {
        var task = spec.Task.Kind.Value;
        bool isDefault = section.Trainers is null;
        var declared = section.Trainers is { } given
            ? given.Select(b => (Name: b.Trainer.Value, Dimensions: b.Space.ToArray()))
            : DefaultSearchSpace.For(task, spec.Model.Trainer.Value).Select(d => (Name: d.Trainer, Dimensions: d.Ranges
                .Select(r => new SearchDimension(new Spanned<string>(r.Param, SourceSpan.None), r.Min, r.Max, r.Log ? "log" : "linear", EquatableArray<string>.Empty, SourceSpan.None)).ToArray()));
        var branches = new List<BoundTrainerBranch>();
        long points = 0;
        foreach (var (name, dimensions) in declared)
        {
            var info = TrainerCatalog.Find(name);
            if (info?.For(task) is null || branches.Any(b => b.Name == name)) continue;
            var space = new List<BoundSearchParameter>();
            long branchPoints = 1;
            foreach (var dimension in dimensions)
            {
                if (info.Param(dimension.Name.Value) is not { } param || BindDimension(param, dimension, out var n) is not { } bound) continue;
                space.Add(bound);
                branchPoints *= n;
            }
            points += branchPoints;
            var trainer = name == modelTrainer.Name ? modelTrainer : WithDefaultFixedValues(BaseTrainer(info, task), info, isDefault);
            var normalize = spec.Prepare.Normalize == "auto" ? info.AutoNormalization : spec.Prepare.Normalize;
            branches.Add(new BoundTrainerBranch(name, trainer, normalize, space.ToEquatableArray()));
        }
        var prepare = BindPreparationChoices(section);
        foreach (var choice in prepare) points *= choice.Values.Count;
        var where = section.Trainers is { Count: > 0 } t ? t[0].Trainer.Span : section.Span;
        if (section.Trainers is { Count: 0 })
            diagnostics.Add(SpecDiagnostics.SearchSpaceOnePoint.Create(spec.FilePath, where, "is empty (tune.trainers names no trainer)"));
        else if (points == 1 && branches.Count == (section.Trainers?.Count ?? branches.Count))
            diagnostics.Add(SpecDiagnostics.SearchSpaceOnePoint.Create(spec.FilePath, where,
                $"has one point (trainer {branches[0].Name}{string.Concat(branches[0].Space.Select(p => $", {p.Name} = {Fmt(p.Values.Count > 0 ? p.Values[0] : Math.Ceiling(p.Min))}"))}{string.Concat(prepare.Select(c => $", prepare.{c.Name} = {c.Values[0]}"))})"));
        return new BoundTune(section.Strategy, section.Trials, section.Metric?.Value, EquatableArray<BoundSearchParameter>.Empty,
            System.IO.Path.GetFileName(LockFileParser.LockPathFor(spec.FilePath)), branches.ToEquatableArray(), prepare.ToEquatableArray(), isDefault,
            Starting: isDefault ? StartingConfigurations(task, branches) : null);
    }

    /// <summary>
    /// The default space's starting configurations that are points of <paramref name="branches"/>: the trainer is a
    /// branch, and the values set exactly that branch's parameters, each inside its range (an entry that is not is left
    /// out, never clamped: it would be another configuration than the one documented).
    /// </summary>
    private static EquatableArray<BoundStartingConfiguration> StartingConfigurations(TaskKind task, List<BoundTrainerBranch> branches)
    {
        var result = new List<BoundStartingConfiguration>();
        foreach (var (trainer, values) in DefaultSearchSpace.StartingFor(task))
        {
            int index = branches.FindIndex(b => b.Name == trainer);
            if (index < 0) continue;
            var space = branches[index].Space;
            bool fits = values.Count == space.Count && values.All(v => space.FirstOrDefault(p => p.Name == v.Param) is { } p
                && (p.Values.Count > 0 ? p.Values.Contains(v.Value) : v.Value >= p.Min && v.Value <= p.Max && (p.Type != "int" || v.Value == Math.Round(v.Value))));
            if (!fits) continue;
            result.Add(new BoundStartingConfiguration(
                new[] { "trainer" }.Concat(values.Select(v => trainer + "." + v.Param)).ToEquatableArray(),
                new[] { (double)index }.Concat(values.Select(v => v.Value)).ToEquatableArray()));
        }
        return result.ToEquatableArray();
    }

    private static List<BoundPrepareChoice> BindPreparationChoices(TuneSection section)
    {
        var result = new List<BoundPrepareChoice>();
        foreach (var setting in section.Prepare ?? EquatableArray<PrepareChoiceSetting>.Empty)
        {
            if (PreparationChoices.Find(setting.Name.Value) is not { } choice) continue;
            var values = setting.Values.Select(v => PreparationChoices.Normalise(choice, v)).Where(v => v is not null).Select(v => v!).Distinct().ToArray();
            if (values.Length > 0) result.Add(new BoundPrepareChoice(choice.Name, choice.Type, values.ToEquatableArray()));
        }
        return result;
    }

    /// <summary>A searched preparation choice that changes nothing for these columns is reported (PG0219) and left out.</summary>
    private static BoundTune? FilterPreparationChoices(PipelineSpec spec, BoundTune? tune, List<BoundColumn> columns, List<DiagnosticInfo> diagnostics)
    {
        if (tune?.Prepare is not { Count: > 0 } choices) return tune;
        var kept = new List<BoundPrepareChoice>();
        foreach (var bound in choices)
        {
            var choice = PreparationChoices.Find(bound.Name)!;
            var features = columns.Where(c => c.Role == "feature").ToArray();
            string? why = choice.ColumnKind is null ? (features.Length == 0 ? "there is no feature" : null)
                : choice.NeedsMissing ? (features.Any(c => c.Kind == "numeric" && c.HasMissing) ? null : "no numeric feature has missing values")
                : features.Any(c => c.Kind == choice.ColumnKind) ? null : $"there is no {choice.ColumnKind} feature";
            if (why is null && bound.Values.Count < 2) why = $"it lists one value ({bound.Values[0]}); set prepare.{bound.Name} instead";
            if (why is null) { kept.Add(bound); continue; }
            var span = spec.Tune!.Prepare!.Value.First(p => p.Name.Value == bound.Name).Name.Span;
            diagnostics.Add(SpecDiagnostics.PreparationChoiceNoEffect.Create(spec.FilePath, span, bound.Name, why));
        }
        return tune with { Prepare = kept.ToEquatableArray() };
    }

    /// <summary>The lock's 'prepare' values (PG0220 when one is unknown, invalid, or no longer searched by tune.prepare).</summary>
    private static List<PinnedValue> CheckLockPreparation(ParsedLock parsedLock, BoundTune? tune, string lockPath, List<DiagnosticInfo> diagnostics)
    {
        var pinned = new List<PinnedValue>();
        foreach (var setting in parsedLock.Prepare ?? EquatableArray<ParamSetting>.Empty)
        {
            var choice = PreparationChoices.Find(setting.Name.Value);
            if (choice is null)
            {
                diagnostics.Add(SpecDiagnostics.LockPreparationInvalid.Create(lockPath, setting.Name.Span, setting.Name.Value, setting.Value.Value,
                    $"'tune' searches no such preparation setting (it can search {DidYouMean.List(PreparationChoices.All.Select(c => c.Name))})"));
                continue;
            }
            var value = PreparationChoices.Normalise(choice, setting.Value.Value);
            var declared = tune?.Prepare?.FirstOrDefault(c => c.Name == choice.Name);
            string? problem = value is null ? $"it is not one of its values ({DidYouMean.List(choice.Values)})"
                : declared is null ? $"tune.prepare no longer searches {choice.Name}"
                : !declared.Values.Contains(value) ? $"tune.prepare.{choice.Name} now lists {DidYouMean.List(declared.Values)}"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(SpecDiagnostics.LockPreparationInvalid.Create(lockPath, setting.Value.Span, choice.Name, setting.Value.Value, problem));
                continue;
            }
            pinned.Add(new PinnedValue(choice.Name, "", value!));
        }
        return pinned;
    }

    /// <summary>The lock's preparation values replace the spec's: the generated constants build the winner's preparation.</summary>
    private static BoundPreparation ApplyPinnedPreparation(BoundPreparation preparation, BoundLock? pinned)
    {
        foreach (var v in pinned?.Prepare ?? EquatableArray<PinnedValue>.Empty)
        {
            preparation = v.Name switch
            {
                "normalize" => preparation with { Normalize = v.Text },
                "missing_indicators" => preparation with { MissingIndicators = v.Text == "true" },
                "categorical_encoding" => preparation with { CategoricalEncoding = v.Text },
                "word_ngrams" => preparation with { WordNgrams = int.Parse(v.Text, CultureInfo.InvariantCulture) },
                "char_ngrams" => preparation with { CharNgrams = int.Parse(v.Text, CultureInfo.InvariantCulture) },
                _ => preparation,
            };
        }
        return preparation;
    }
}
