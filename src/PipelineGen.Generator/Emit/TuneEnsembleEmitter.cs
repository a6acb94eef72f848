using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;

namespace PipelineGen.Generator.Emit;

/// <summary>
/// The tuning members beside the search space: tune.ensemble / tune.honest / tune.outer_folds / tune.halving_budget (only when not the
/// defaults, so specs without them generate what they always did) and the ensemble the lock file pins, which
/// <c>train</c> fits and blends instead of the single winner.
/// </summary>
internal static class TuneEnsembleEmitter
{
    private const string RT = "global::PipelineGen.Runtime";

    public static void EmitTuneKeys(SourceWriter w, BoundTune tune)
    {
        if (tune.Ensemble) w.Line("Ensemble = true,");
        if (tune.Honest != "holdout") w.Line($"Honest = {CSharp.String(tune.Honest)},");
        if (tune.Honest == "nested") w.Line($"OuterFolds = {CSharp.Int(tune.OuterFolds)},");
        if (tune.HalvingBudget != "auto") w.Line($"HalvingBudget = {CSharp.String(tune.HalvingBudget)},");
    }

    public static void EmitPinnedEnsemble(SourceWriter w, EquatableArray<BoundEnsembleMember> members, string lockFileName)
    {
        w.Line($"/// <summary>The ensemble pinned by {lockFileName}: 'train' fits each member with its values and blends them with these weights.</summary>")
         .Line($"public global::System.Collections.Generic.IReadOnlyList<{RT}.Tuning.PinnedEnsembleMember> PinnedEnsemble {{ get; }} = new {RT}.Tuning.PinnedEnsembleMember[]")
         .Line("{").Indent();
        foreach (var m in members)
        {
            var values = string.Join(", ", m.Names.Zip(m.Values, (n, v) => $"[{CSharp.String(n)}] = {CSharp.String(v)}"));
            var from = m.From is null ? "" : $" {{ From = {CSharp.String(m.From)} }}";
            w.Line($"new({CSharp.Double(m.Weight)}, new global::System.Collections.Generic.Dictionary<string, string> {{ {values} }}){from},");
        }
        w.Outdent().Line("};").Line();
    }
}
