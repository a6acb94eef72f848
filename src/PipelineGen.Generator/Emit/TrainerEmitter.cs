using System;
using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Generator.Emit.PipelineEmitter;

namespace PipelineGen.Generator.Emit;

/// <summary>
/// Writes <c>TrainerSteps</c>: the options object of the spec's trainer (spec, lock, then a tuning trial's values),
/// the trainer (an uncalibrated binary one wrapped in out-of-fold Platt calibration, also inside multiclass one-versus-all)
/// and key→value mapping for multiclass; the capacity
/// members for learning curves; and, when tune searches trainers, every searched trainer.
/// </summary>
internal static class TrainerEmitter
{
    public static void Emit(SourceWriter w, BoundPipeline p)
    {
        var t = p.Trainer;
        if (t.CapacityOption is not null)
        {
            w.Line($"/// <summary>The trainer with its capacity ('{t.CapacityOption}') set, for learning curves.</summary>")
             .Line($"public {Estimator} BuildTrainer({ML}MLContext mlContext, int capacity) =>")
             .Line("    BuildTrainerAt(mlContext, capacity);")
             .Line()
             .Line("/// <summary>The whole estimator with the trainer at <paramref name=\"capacity\"/> (the curve's choice).</summary>")
             .Line($"public {Estimator} BuildPipeline({ML}MLContext mlContext, int capacity) =>")
             .Line("    BuildPipelineAt(mlContext, capacity);")
             .Line()
             .Line($"public string CapacityParameter => {CSharp.String(t.CapacityOption)};")
             .Line()
             .Line($"public int DefaultCapacity => {CSharp.Int(CurrentCapacity(t))};")
             .Line();
            // The curve and the model card name the lock, not the spec, as where the pipeline's own capacity came from.
            if (p.Lock?.Pinned.Any(v => v.Property == t.CapacityOption) == true)
                w.Line($"public string? CapacityPinnedBy => {CSharp.String(p.Lock.FileName)};")
                 .Line();
        }
        w.Line($"/// <summary>Trainer '{t.Name}'{(t.Binding.OneVersusAll ? " (one-versus-all)" : "")} with the spec's hyperparameters.</summary>")
         .Line($"protected override {Steps} TrainerSteps(")
         .Line($"    {ML}MLContext mlContext, int? capacity)")
         .Line("{").Indent();
        if (p.Tune?.SearchesTrainer == true)
            w.Line("// A trial that chose a trainer builds that one (SearchedTrainerSteps); else the spec's (or the lock's).")
             .Open("if (_trainer is not null)")
             .Line("foreach (var step in SearchedTrainerSteps(mlContext, _trainer, capacity)) yield return step;")
             .Line("yield break;")
             .Close();
        EmitBody(w, p, t, p.Tune is not null, p.Lock);
        w.Close();
        if (p.Tune?.SearchesTrainer == true)
            EmitSearchedTrainers(w, p);
    }

    /// <summary>A catalog type or method path written through the file's aliases.</summary>
    private static string Short(string path) => path
        .Replace("global::Microsoft.ML.", ML)
        .Replace("global::PipelineGen.Runtime.", PG);

    /// <summary>One trainer's steps: its options (spec, lock, then a trial's values), the trainer, calibration and label mapping.</summary>
    private static void EmitBody(SourceWriter w, BoundPipeline p, BoundTrainer t, bool overrides, BoundLock? pinned)
    {
        var b = t.Binding;
        if (b.OptionsType is null)
        {
            EmitTrainer(w, p, b, $"mlContext.{b.CatalogMethod}", "labelColumnName: \"Label\"", "featureColumnName: \"Features\"");
        }
        else
        {
            w.Line($"var options = new {Short(b.OptionsType)}")
             .Line("{").Indent()
             .Line("LabelColumnName = \"Label\",")
             .Line("FeatureColumnName = \"Features\",");
            // A property path (LightGBM's Booster.L2Regularization) cannot be set in an initializer: it follows it.
            foreach (var o in t.Options.Where(o => o.Property.IndexOf('.') < 0))
                w.Line($"{o.Property} = {Short(o.Literal)},{Pinned(pinned, o)}");
            w.Outdent().Line("};");
            var info = TrainerCatalog.Find(t.Name)!;
            if (t.Options.Any(o => o.Property.StartsWith("Booster.", StringComparison.Ordinal))
                || (overrides && info.Params.Any(x => x.OptionProperty.StartsWith("Booster.", StringComparison.Ordinal))))
                w.Line("// LightGBM's booster settings live in a nested object that is null until set.")
                 .Line($"options.Booster ??= new {ML}Trainers.LightGbm.GradientBooster.Options();");
            foreach (var o in t.Options.Where(o => o.Property.IndexOf('.') >= 0))
                w.Line($"options.{o.Property} = {Short(o.Literal)};{Pinned(pinned, o)}");
            if (overrides)
                EmitHyperparameterOverrides(w, info);
            if (t.CapacityOption is not null)
                w.Line($"if (capacity is int c) options.{t.CapacityOption} = c;");
            if (b.OneVersusAll)
                EmitOneVersusAll(w, b, $"mlContext.{b.CatalogMethod}(options)");
            else if (b.CatalogMethod.StartsWith("global::", StringComparison.Ordinal))
                // PipelineGen's own trainers (the dense network) are static factories in the runtime, not MLContext members.
                EmitTrainer(w, p, b, Short(b.CatalogMethod), "mlContext", "options");
            else
                EmitTrainer(w, p, b, $"mlContext.{b.CatalogMethod}", "options");
        }
        if (p.Task == TaskKind.Multiclass)
            w.Line("// The trainer predicts a key; map it back to the label's own values for callers.")
             .Line("yield return mlContext.Transforms.Conversion.MapKeyToValue(\"PredictedLabelValue\", \"PredictedLabel\");");
    }

    /// <summary>
    /// <c>yield return</c> of one (not one-versus-all) trainer; a binary one that outputs no probability is wrapped so
    /// that Platt scaling is fitted on out-of-fold scores; one whose Score is log likelihoods is followed by their softmax.
    /// </summary>
    private static void EmitTrainer(SourceWriter w, BoundPipeline p, TrainerBinding b, string method, params string[] arguments)
    {
        if (b.LogLikelihoodScores)
        {
            w.Line("// Its Score is per-class log likelihoods: their softmax makes it the model's class probabilities.")
             .Call($"yield return {method}", arguments, ";")
             .Line($"yield return {PG}PipelineSteps.Posterior(mlContext);");
            return;
        }
        if (p.Task != TaskKind.Binary || b.Calibrated)
        {
            w.Call($"yield return {method}", arguments, ";");
            return;
        }
        w.Line("// No probability of its own: Platt scaling adds one, fitted on 3-fold out-of-fold scores (fitted")
         .Line("// on the rows the trainer just fitted, which it nearly separates, it would be overconfident).")
         .Call($"var uncalibrated = {method}", arguments, ";")
         .Line($"yield return {PG}PipelineSteps.OutOfFoldPlatt(mlContext, uncalibrated, Settings.Seed);");
    }

    /// <summary>
    /// <c>yield return</c> of one-versus-all over a binary trainer; one without a probability of its own has each class's
    /// model Platt-scaled on out-of-fold scores, where ML.NET's OneVersusAll would fit Platt on the rows just fitted.
    /// </summary>
    private static void EmitOneVersusAll(SourceWriter w, TrainerBinding b, string trainer)
    {
        w.Line($"var binary = {trainer};");
        if (b.Calibrated)
        {
            const string Call = "yield return mlContext.MulticlassClassification.Trainers.OneVersusAll(";
            const string Arguments = "binary, labelColumnName: \"Label\");";
            if (w.Fits(Call + Arguments)) w.Line(Call + Arguments);
            else w.Line(Call).Line("    " + Arguments);
            return;
        }
        w.Line("// No probability of its own: each class's model is Platt-scaled on 3-fold out-of-fold scores")
         .Line("// (OneVersusAll alone fits Platt on the rows the model just fitted, which it nearly separates).")
         .Line($"yield return {PG}PipelineSteps.OneVersusAllOutOfFoldPlatt(mlContext, binary, Settings.Seed);");
    }

    private static string Pinned(BoundLock? pinned, OptionAssignment o) =>
        pinned?.Pinned.Any(v => v.Property == o.Property) == true ? $" // pinned by {pinned.FileName}" : "";

    private static void EmitHyperparameterOverrides(SourceWriter w, TrainerInfo info)
    {
        if (info.Params.Count == 0) return;
        w.Open("if (_hyperparameters is { } tuned)");
        for (int i = 0; i < info.Params.Count; i++)
        {
            var param = info.Params[i];
            if (!param.IsNumeric) continue; // lists and words are not searched (PG0604)
            var v = "v" + CSharp.Int(i);
            var value = param.Type switch
            {
                ParamType.Int => $"(int)global::System.Math.Round({v})",
                ParamType.Float => $"(float){v}",
                ParamType.Bool => $"{v} != 0",
                _ => v,
            };
            var test = $"if (tuned.TryGetValue({CSharp.String(param.Name)}, out var {v}))";
            var assign = $"options.{param.OptionProperty} = {value};";
            if (w.Fits(test + " " + assign)) w.Line(test + " " + assign);
            else w.Line(test).Line("    " + assign);
        }
        w.Close();
    }

    private static int CurrentCapacity(BoundTrainer t)
    {
        var set = t.Options.FirstOrDefault(o => o.Property == t.CapacityOption);
        return set is not null && int.TryParse(set.Literal, out var value) ? value : t.DefaultCapacity;
    }

    /// <summary>Every trainer of tune.trainers (or the default space), built the way a trial that chose it needs.</summary>
    private static void EmitSearchedTrainers(SourceWriter w, BoundPipeline p)
    {
        var branches = p.Tune!.Trainers!.Value;
        w.Line()
         .Line("/// <summary>The trainer a tuning trial chose (spec name), with the trial's hyperparameter values.</summary>")
         .Line($"private {Steps} SearchedTrainerSteps(")
         .Line($"    {ML}MLContext mlContext, string trainer, int? capacity)")
         .Line("{").Indent()
         .Open("switch (trainer)");
        foreach (var branch in branches)
        {
            w.Open($"case {CSharp.String(branch.Name)}:");
            EmitBody(w, p, branch.Trainer, true, null);
            w.Line("yield break;").Close();
        }
        w.Line("default:")
         .Line($"    throw new global::System.ArgumentException(")
         .Line($"        $\"tune searches no trainer '{{trainer}}' (it searches {string.Join(", ", branches.Select(b => b.Name))}).\",")
         .Line("        nameof(trainer));")
         .Close()
         .Close();
    }
}
