using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Model;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec.Binding;

// tune.ensemble / tune.honest / tune.outer_folds / tune.halving_budget (PG0222, PG0227, PG0223, PG0231) and the lock file's pinned ensemble (PG0224-PG0226).
public static partial class SpecBinder
{
    /// <summary>The keys that decide what 'tune' and 'run' do beside the search itself, checked against the task.</summary>
    private static BoundTune? ApplyTuneKeys(PipelineSpec spec, BoundTune? tune, BoundTrainer trainer, List<DiagnosticInfo> diagnostics)
    {
        if (tune is null || spec.Tune is not { } section) return tune;
        // Multiclass ensembles are built (class-probability vectors averaged); pr_auc is the metric selection cannot score.
        string? ensembleMetric = section.Metric?.Value ?? spec.Metric?.Value;
        // Only an explicit 'ensemble: true' is an error with pr_auc; the default then quietly builds none.
        if (section.Ensemble && !section.EnsembleSpan.IsNone && ensembleMetric == "pr_auc")
            diagnostics.Add(SpecDiagnostics.TuneEnsembleMetric.Create(spec.FilePath, section.EnsembleSpan, ensembleMetric));
        // A blend cannot be exported to ONNX (the converter has no weighted sum of models): with deploy.onnx the default
        // is one model, and an explicit 'ensemble: true' is warned about here instead of failing at the export after train.
        bool ensemble = section.Ensemble && ensembleMetric != "pr_auc";
        if (ensemble && spec.Deploy.Onnx)
        {
            if (section.EnsembleSpan.IsNone) ensemble = false;
            else diagnostics.Add(SpecDiagnostics.TuneEnsembleNotExportable.Create(spec.FilePath, section.EnsembleSpan));
        }
        if (section.OuterFolds is { } k && section.Honest != "nested")
            diagnostics.Add(SpecDiagnostics.TuneOuterFoldsUnused.Create(spec.FilePath, section.OuterFoldsSpan, k, section.Honest));
        string halvingBudget = section.HalvingBudget?.Value ?? "auto";
        if (section.HalvingBudget is { } budget) CheckHalvingBudget(spec, section, budget, tune, trainer, diagnostics);
        return tune with { Ensemble = ensemble, Honest = section.Honest, OuterFolds = section.OuterFolds ?? 5, HalvingBudget = halvingBudget };
    }

    /// <summary>
    /// tune.halving_budget that cannot apply (PG0231): any value with a strategy that is not halving / hyperband, and
    /// 'iterations' when a trainer searched has no tree or iteration count (tune would refuse the study).
    /// </summary>
    private static void CheckHalvingBudget(PipelineSpec spec, TuneSection section, Spanned<string> budget, BoundTune tune, BoundTrainer trainer, List<DiagnosticInfo> diagnostics)
    {
        if (section.Strategy is not ("halving" or "hyperband"))
        {
            diagnostics.Add(SpecDiagnostics.TuneHalvingBudgetUnused.Create(spec.FilePath, budget.Span, budget.Value,
                $"does nothing: it is what the low rungs of halving and hyperband spend, and 'tune.strategy' is '{section.Strategy}'", "set 'tune.strategy: hyperband' (or halving)"));
            return;
        }
        if (budget.Value != "iterations") return;
        var task = spec.Task.Kind.Value;
        var without = tune.SearchesTrainer
            ? tune.Trainers!.Value.Where(b => !HasCapacityCount(b.Trainer, b.Space, task)).Select(b => b.Name).ToArray()
            : HasCapacityCount(trainer, tune.Space, task) ? System.Array.Empty<string>() : new[] { trainer.Name };
        if (without.Length == 0) return;
        string who = tune.SearchesTrainer && without.Length == tune.Trainers!.Value.Count ? "no trainer searched has a"
            : string.Join(", ", without) + (without.Length == 1 ? " has no" : " have no");
        diagnostics.Add(SpecDiagnostics.TuneHalvingBudgetUnused.Create(spec.FilePath, budget.Span, budget.Value,
            $"cannot apply: {who} tree or iteration count to take a share of (no capacity hyperparameter, or it is 'auto' or runs until convergence), so 'tune' refuses the study", "use 'auto' (iterations where there is a count, rows elsewhere) or 'rows'"));
    }

    /// <summary>Whether a trainer's capacity hyperparameter is searched or set to a count (not 'auto').</summary>
    private static bool HasCapacityCount(BoundTrainer trainer, EquatableArray<BoundSearchParameter> space, TaskKind task)
    {
        if (TrainerCatalog.Find(trainer.Name)?.CapacityParam is not { } capacity) return false;
        if (space.Any(p => p.Name == capacity)) return true;
        var text = ResolvedHyperparameters.Of(trainer, task).FirstOrDefault(v => v.Key == capacity).Value;
        // int.MaxValue is ML.NET's "until it converges" (L-BFGS's default): a cap, not a count (as HalvingBudget reads it).
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 1 && count < int.MaxValue;
    }

    /// <summary>
    /// The lock's ensemble members against the search space the generated code exposes (the names 'tune' wrote: the flat
    /// space's parameters, or 'trainer', 'TRAINER.param' and 'prepare.name' when the trainer is searched). Null when the
    /// lock has no ensemble or a member no longer fits (then a located diagnostic says which and where).
    /// </summary>
    /// A member 'from' the starting trial sets its values over the lock's single winner: none when trial 1 is that winner
    /// (any space), else the values it was built with, checked against <paramref name="trainer"/> (a hyperparameter it
    /// has, PG0224; a value it accepts, PG0225), since trial 1's values need not lie in the declared ranges; tune writes
    /// such values only for a space that searches neither the trainer nor preparation (else PG0226).
    private static EquatableArray<BoundEnsembleMember>? CheckLockEnsemble(ParsedLock parsedLock, BoundTune? tune, TrainerInfo? trainer, string lockPath, List<DiagnosticInfo> diagnostics)
    {
        if (parsedLock.Ensemble is not { } members || tune is null) return null;
        // name -> what the value must be: a number in [min, max], one of the listed numbers, or one of the labels.
        var known = new Dictionary<string, (BoundSearchParameter? Range, IReadOnlyList<string>? Labels)>(StringComparer.Ordinal);
        if (tune.SearchesTrainer)
        {
            known["trainer"] = (null, tune.Trainers!.Value.Select(b => b.Name).ToArray());
            foreach (var branch in tune.Trainers!.Value)
                foreach (var p in branch.Space) known[branch.Name + "." + p.Name] = (p, null);
        }
        else foreach (var p in tune.Space) known[p.Name] = (p, null);
        foreach (var c in tune.Prepare ?? EquatableArray<BoundPrepareChoice>.Empty) known["prepare." + c.Name] = (null, c.Values.ToArray());

        var bound = new List<BoundEnsembleMember>();
        bool ok = true;
        foreach (var member in members)
        {
            var names = new List<string>();
            var values = new List<string>();
            if (member.From is { } from)
            {
                if (CheckStartingMember(member, from, tune, trainer, lockPath, diagnostics) is { } starting) bound.Add(starting);
                else ok = false;
                continue;
            }
            foreach (var setting in member.Params)
            {
                if (!known.TryGetValue(setting.Name.Value, out var rule))
                {
                    diagnostics.Add(SpecDiagnostics.LockEnsembleUnknownParameter.Create(lockPath, setting.Name.Span, member.Number, setting.Name.Value,
                        $"the search space no longer has (it has {DidYouMean.List(known.Keys)})"));
                    ok = false;
                    continue;
                }
                string text = setting.Value.Value;
                string? outside = null;
                if (rule.Labels is { } labels)
                {
                    if (!labels.Contains(text, StringComparer.OrdinalIgnoreCase)) outside = $"its values ({DidYouMean.List(labels)})";
                }
                else if (rule.Range is { } range)
                {
                    double number = text is "true" ? 1 : text is "false" ? 0 : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN;
                    if (double.IsNaN(number) || (range.Values.Count > 0 ? !range.Values.Contains(number) : number < range.Min || number > range.Max))
                        outside = range.Values.Count > 0 ? $"the values declared for it ({string.Join(", ", range.Values.Select(Fmt))})" : $"the declared range ({Fmt(range.Min)} to {Fmt(range.Max)})";
                }
                if (outside is not null)
                {
                    diagnostics.Add(SpecDiagnostics.LockEnsembleValueOutOfRange.Create(lockPath, setting.Value.Span, member.Number, setting.Name.Value, text, outside));
                    ok = false;
                    continue;
                }
                names.Add(setting.Name.Value);
                values.Add(text);
            }
            bound.Add(new BoundEnsembleMember(member.Weight.Value, names.ToEquatableArray(), values.ToEquatableArray()));
        }
        return ok && bound.Count > 0 ? bound.ToEquatableArray() : null;
    }

    /// <summary>A member 'from' the study's starting trial: its names are the trainer's hyperparameters, its values numbers the trainer accepts.</summary>
    private static BoundEnsembleMember? CheckStartingMember(ParsedEnsembleMember member, Spanned<string> from, BoundTune tune, TrainerInfo? trainer, string lockPath, List<DiagnosticInfo> diagnostics)
    {
        // No values: the starting trial was the single winner, whose values the lock pins above (any space).
        if (member.Params.Count == 0) return new BoundEnsembleMember(member.Weight.Value, EquatableArray<string>.Empty, EquatableArray<string>.Empty, from.Value);
        if (tune.SearchesTrainer || tune.Prepare is { Count: > 0 } || trainer is null)
        {
            diagnostics.Add(SpecDiagnostics.LockEnsembleInvalid.Create(lockPath, from.Span,
                $"member {member.Number} is the study's starting trial ('from: {from.Value}') with values of its own, which tune writes only when the space searches neither the trainer nor preparation, as this spec now does"));
            return null;
        }
        var names = new List<string>();
        var values = new List<string>();
        bool ok = true;
        foreach (var setting in member.Params)
        {
            var param = trainer.Param(setting.Name.Value);
            if (param is null)
            {
                diagnostics.Add(SpecDiagnostics.LockEnsembleUnknownParameter.Create(lockPath, setting.Name.Span, member.Number, setting.Name.Value,
                    $"trainer '{trainer.Name}' does not have (its hyperparameters: {(trainer.Params.Count == 0 ? "none" : DidYouMean.List(trainer.Params.Select(p => p.Name)))})"));
                ok = false;
                continue;
            }
            // A member's values reach the trainer as numbers (WithHyperparameters), so a word is not one, even where the trainer takes it.
            if (!param.IsNumeric || !TryLiteral(param, setting.Value.Value, out _))
            {
                diagnostics.Add(SpecDiagnostics.LockEnsembleValueOutOfRange.Create(lockPath, setting.Value.Span, member.Number, setting.Name.Value, setting.Value.Value,
                    $"what trainer '{trainer.Name}' accepts ({param.RangeText})"));
                ok = false;
                continue;
            }
            names.Add(param.Name);
            values.Add(setting.Value.Value);
        }
        return ok ? new BoundEnsembleMember(member.Weight.Value, names.ToEquatableArray(), values.ToEquatableArray(), from.Value) : null;
    }
}

/// <summary>Reads a lock file's 'ensemble:' block ('holdback_score', 'members': trial, weight, params); problems are PG0226.</summary>
internal static class LockEnsembleParser
{
    public static EquatableArray<ParsedEnsembleMember>? Parse(string file, YNode block, List<DiagnosticInfo> diagnostics)
    {
        if (block is not YMapping map || map["members"] is not YSequence sequence || sequence.Items.Count == 0)
        {
            diagnostics.Add(SpecDiagnostics.LockEnsembleInvalid.Create(file, block.Span, "it needs 'members:', a list of entries with 'weight' and 'params'"));
            return null;
        }
        var members = new List<ParsedEnsembleMember>();
        int number = 0;
        foreach (var item in sequence.Items)
        {
            number++;
            if (item is not YMapping entry || entry["weight"] is not YScalar weight || !weight.TryGetDouble(out var w) || !(w > 0) || entry["params"] is not YMapping parameters)
            {
                diagnostics.Add(SpecDiagnostics.LockEnsembleInvalid.Create(file, (item as YMapping)?["weight"]?.Span ?? item.Span,
                    $"member {number} needs a 'weight' above 0 and a 'params' mapping"));
                return null;
            }
            // 'from' marks the study's starting trial (tune writes 'spec' or 'pinned'); a lock without it reads as before.
            Spanned<string>? from = null;
            if (entry["from"] is { } fromNode)
            {
                if (fromNode is not YScalar { IsNull: false } fromValue || fromValue.Value is not ("spec" or "pinned"))
                {
                    diagnostics.Add(SpecDiagnostics.LockEnsembleInvalid.Create(file, fromNode.Span,
                        $"member {number}: 'from' is {fromNode.Describe()}; it is 'spec' or 'pinned' (the study's starting trial), or absent"));
                    return null;
                }
                from = new Spanned<string>(fromValue.Value, fromValue.Span);
            }
            var settings = new List<ParamSetting>();
            foreach (var p in parameters.Entries)
            {
                if (p.Value is not YScalar { IsNull: false } value)
                {
                    diagnostics.Add(SpecDiagnostics.LockEnsembleInvalid.Create(file, p.Value.Span, $"member {number}: 'params.{p.Key.Value}' is {p.Value.Describe()}; a pinned value is a number, a word or true/false"));
                    return null;
                }
                settings.Add(new ParamSetting(new Spanned<string>(p.Key.Value, p.Key.Span), new Spanned<string>(value.Value, value.Span)));
            }
            members.Add(new ParsedEnsembleMember(number, new Spanned<double>(w, weight.Span), settings.ToEquatableArray(), entry.Span, from));
        }
        return members.ToEquatableArray();
    }
}
