using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Generator.Emit.PipelineEmitter;

namespace PipelineGen.Generator.Emit;

/// <summary>
/// What 'tune' needs (ITunablePipeline): the search space, the trainer's hyperparameter names, the values the lock
/// file pinned, and the same pipeline with a trial's configuration (applied after the spec's options).
/// </summary>
internal static class TuningEmitter
{
    public static void Emit(SourceWriter w, BoundPipeline p)
    {
        var tune = p.Tune!;
        var info = TrainerCatalog.Find(p.Trainer.Name)!;
        var searchesMore = tune.SearchesTrainer || tune.Prepare is { Count: > 0 };
        w.Line("/// <summary>The spec's 'tune' section: what the 'tune' command searches.</summary>")
         .Line($"public static {PG}Tuning.TuningSettings DefaultTuning {{ get; }} = new {PG}Tuning.TuningSettings")
         .Line("{").Indent()
         .Line($"Strategy = {CSharp.String(tune.Strategy)},");
        // Not written: TuningSettings decides (20 trials, or no trial cap when only --time is given).
        if (tune.Trials is { } trials) w.Line($"Trials = {CSharp.Int(trials)},");
        w.Line($"Metric = {CSharp.String(tune.Metric)},");
        TuneEnsembleEmitter.EmitTuneKeys(w, tune);
        w.Line($"Space = new {PG}Tuning.SearchParameter[]")
         .Line("{").Indent();
        foreach (var d in tune.Space)
            Dimension(w, d, d.Name, "");
        var names = new List<string>();
        if (tune.SearchesTrainer)
        {
            // The trainer is a labelled choice; each trainer's parameters ("lightgbm.leaves") are active only when it is chosen.
            var branches = tune.Trainers!.Value;
            w.Call($"{PG}Tuning.SearchParameter.Labelled", new[] { "\"trainer\"" }.Concat(branches.Select(b => CSharp.String(b.Name))), ",");
            names.Add("trainer");
            for (int i = 0; i < branches.Count; i++)
            {
                foreach (var d in branches[i].Space)
                    Dimension(w, d, branches[i].Name + "." + d.Name, $".When(\"trainer\", {CSharp.Int(i)})");
                names.AddRange(TrainerCatalog.Find(branches[i].Name)!.Params.Select(x => branches[i].Name + "." + x.Name));
            }
        }
        else names.AddRange(info.Params.Select(x => x.Name));
        foreach (var c in tune.Prepare ?? EquatableArray<BoundPrepareChoice>.Empty)
        {
            var name = CSharp.String("prepare." + c.Name);
            if (c.Type == "label")
                w.Call($"{PG}Tuning.SearchParameter.Labelled", new[] { name }.Concat(c.Values.Select(CSharp.String)), ",");
            else
                w.Call($"{PG}Tuning.SearchParameter.Choice", new[] { name, HyperparameterType(c.Type) }
                    .Concat(c.Values.Select(v => c.Type == "bool" ? (v == "true" ? "1d" : "0d") : v + "d")), ",");
            names.Add("prepare." + c.Name);
        }
        w.Outdent().Line("},");
        if (tune.SearchesTrainer)
        {
            // Each searched trainer's hyperparameters before a trial's values: what a trial that chose it describes.
            w.Line("TrainerHyperparameters = new Generic::Dictionary<string, Generic::IReadOnlyDictionary<string, string>>")
             .Line("{").Indent();
            foreach (var b in tune.Trainers!.Value)
                w.Braced($"[{CSharp.String(b.Name)}] = new Generic::Dictionary<string, string>",
                    ResolvedHyperparameters.Of(b.Trainer, p.Task).Select(v => $"[{CSharp.String(v.Key)}] = {CSharp.String(v.Value)}"), ",");
            w.Outdent().Line("},");
            // Each searched trainer's capacity knob: what halving's iteration budget takes a share of.
            var capacities = tune.Trainers!.Value.Where(b => TrainerCatalog.Find(b.Name)?.CapacityParam is not null)
                .Select(b => $"[{CSharp.String(b.Name)}] = {CSharp.String(TrainerCatalog.Find(b.Name)!.CapacityParam!)}").ToArray();
            if (capacities.Length > 0) w.Braced("TrainerCapacityHyperparameters = new Generic::Dictionary<string, string>", capacities, ",");
        }
        if (tune.Starting is { Count: > 0 } starting)
        {
            // The default space's portfolio: proposed first, after the starting trial (DefaultSearchSpace.StartingFor).
            w.Line("StartingConfigurations = new Generic::IReadOnlyDictionary<string, double>[]")
             .Line("{").Indent();
            foreach (var c in starting)
                w.Line($"new Generic::Dictionary<string, double> {{ {string.Join(", ", c.Names.Zip(c.Values, (n, v) => $"[{CSharp.String(n)}] = {CSharp.Double(v)}"))} }},");
            w.Outdent().Line("},");
        }
        w.Outdent().Line("};")
         .Line()
         .Line($"public {PG}Tuning.TuningSettings Tuning => DefaultTuning;")
         .Line()
         .Line("/// <summary>Every name a trial's configuration may set (trainer hyperparameters; 'trainer', 'TRAINER.name' and")
         .Line("/// 'prepare.name' when searched).</summary>")
         .Line("public Generic::IReadOnlyList<string> HyperparameterNames { get; } =")
         .Indent().Braced("new string[]", names.Select(CSharp.String), ";").Outdent()
         .Line()
         .Line("/// <summary>Values the lock file pinned when this code was generated (empty when there was none).</summary>")
         .Line("public Generic::IReadOnlyDictionary<string, string> PinnedHyperparameters { get; } =")
         .Indent()
         .Line("new Generic::Dictionary<string, string>")
         .Line("{").Indent();
        if (p.Lock?.Trainer is { } pinnedTrainer)
            w.Line($"[\"trainer\"] = {CSharp.String(pinnedTrainer)},");
        foreach (var v in p.Lock?.Pinned ?? EquatableArray<PinnedValue>.Empty)
            w.Line($"[{CSharp.String(v.Name)}] = {CSharp.String(v.Text)},");
        foreach (var v in p.Lock?.Prepare ?? EquatableArray<PinnedValue>.Empty)
            w.Line($"[{CSharp.String("prepare." + v.Name)}] = {CSharp.String(v.Text)},");
        w.Outdent().Line("};").Outdent()
         .Line()
         .Line($"public string LockFilePath => Settings.ResolvePath({CSharp.String(tune.LockFileName)});")
         .Line();
        if (p.Lock?.Ensemble is { Count: > 0 } ensemble) TuneEnsembleEmitter.EmitPinnedEnsemble(w, ensemble, tune.LockFileName);
        w.Line("private Generic::IReadOnlyDictionary<string, double>? _hyperparameters;");
        if (tune.SearchesTrainer) w.Line("private string? _trainer;");
        if (searchesMore) w.Line("private Generic::IReadOnlyDictionary<string, string>? _prepare;");
        // The names' check (and its message) is the runtime's: only the owner of the names is the spec's.
        var owner = searchesMore ? $"The search space of pipeline '{p.Name}'" : $"Trainer '{p.Trainer.Name}'";
        var what = searchesMore ? "" : "hyperparameter ";
        w.Line()
         .Line("/// <summary>This pipeline with a trial's configuration applied: what one tuning trial evaluates.</summary>")
         .Open($"public {PG}IPipelineDefinition WithHyperparameters(Generic::IReadOnlyDictionary<string, double> values)")
         .Call($"{PG}Tuning.TrialConfiguration.CheckNames",
            new[] { "values", "HyperparameterNames", CSharp.String(owner + " has no " + what) }, ";");
        if (searchesMore)
        {
            w.Line($"var trial = {PG}Tuning.TrialConfiguration.Split(DefaultTuning.Space, values);")
             // The trial's trainer and hyperparameter values, so the card and the runs describe what it trains.
             .Line($"var settings = {PG}Tuning.TrialConfiguration.Apply(Settings, DefaultTuning, trial);")
             .Line($"return new {p.Name}Pipeline(settings)")
             .Line("{").Indent()
             .Line("_hyperparameters = trial.Hyperparameters,");
            if (tune.SearchesTrainer) w.Line("_trainer = trial.Trainer,");
            w.Line("_prepare = trial.Preparation,")
             .Outdent().Line("};");
        }
        else
            w.Call($"return new {p.Name}Pipeline", new[] { $"{PG}Tuning.TrialConfiguration.Apply(Settings, DefaultTuning, values)" }, "")
             .Line("{").Indent()
             .Line("_hyperparameters = new Generic::Dictionary<string, double>(values),")
             .Outdent().Line("};");
        w.Close();
        if (searchesMore)
        {
            w.Line()
             .Line("/// <summary>A preparation setting: the trial's value when searched, else the spec's (or the lock's).</summary>")
             .Line("private string Prepare(string name, string fallback) =>")
             .Line("    _prepare is { } chosen && chosen.TryGetValue(name, out var value) ? value : fallback;");
            if (tune.SearchesTrainer)
            {
                // prepare.normalize 'auto' depends on the trainer: a trial that chose a linear trainer gets scaled features.
                w.Line()
                 .Line("/// <summary>")
                 .Line("/// The feature scaling of the trial's trainer (prepare.normalize auto: minmax for linear trainers, none")
                 .Line("/// for trees).")
                 .Line("/// </summary>")
                 .Line("private string NormalizeFor(string? trainer) => trainer switch")
                 .Line("{").Indent();
                foreach (var b in tune.Trainers!.Value)
                    w.Line($"{CSharp.String(b.Name)} => {CSharp.String(b.Normalize)},");
                w.Line($"_ => {CSharp.String(p.Preparation.Normalize)},")
                 .Outdent().Line("};");
            }
        }
    }

    private static string HyperparameterType(string type) =>
        $"{PG}Tuning.HyperparameterType.{(type == "int" ? "Int" : type == "bool" ? "Bool" : "Float")}";

    private static void Dimension(SourceWriter w, BoundSearchParameter d, string name, string when)
    {
        var args = new List<string> { CSharp.String(name), HyperparameterType(d.Type) };
        if (d.Values.Count > 0)
        {
            args.AddRange(d.Values.Select(CSharp.Double));
            w.Call($"{PG}Tuning.SearchParameter.Choice", args, when + ",");
        }
        else
        {
            args.AddRange(new[] { CSharp.Double(d.Min), CSharp.Double(d.Max), $"log: {CSharp.Bool(d.Log)}" });
            w.Call($"{PG}Tuning.SearchParameter.Range", args, when + ",");
        }
    }
}
