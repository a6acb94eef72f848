using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Generator.Emit.PipelineEmitter;

namespace PipelineGen.Generator.Emit;

/// <summary>
/// Writes <c>CreateDefaultSettings</c>: everything about the pipeline that is not code, as one object initializer of the
/// runtime's <c>PipelineSettings</c>. The runtime reads the spec's facts from here (columns, tokens, spec hash), never
/// from the generated class by reflection.
/// </summary>
internal static class SettingsEmitter
{
    public static void Emit(SourceWriter w, BoundPipeline p)
    {
        var task = p.Task switch { TaskKind.Binary => "BinaryClassification", TaskKind.Multiclass => "MulticlassClassification", _ => "Regression" };
        w.Line($"private static {PG}PipelineSettings CreateDefaultSettings() => new {PG}PipelineSettings")
         .Line("{").Indent()
         .Line($"Name = {CSharp.String(p.Name)},")
         .Line($"Task = {PG}MlTaskKind.{task},")
         .Line($"LabelColumn = {CSharp.String(p.LabelColumn)},")
         .Line($"PositiveClass = {CSharp.String(p.PositiveClass)},");
        // Written only when the spec sets it, so specs without it generate the same code as before.
        if (p.DecisionThreshold is double threshold) w.Line($"DecisionThreshold = {CSharp.Double(threshold)},");
        w.Line($"Metric = {CSharp.String(p.Metric)},")
         .Line($"Baseline = {CSharp.String(p.Baseline)},")
         .Line($"TrainerName = {CSharp.String(p.Trainer.Name)},")
         .Line($"TrainDataPath = {CSharp.String(p.TrainPath)},")
         .Line($"TestDataPath = {CSharp.String(p.TestPath)},")
         // The spec relative to the project folder, never the build machine's folder: the runtime finds it where the program runs.
         .Line($"SpecPath = {CSharp.String(p.ProjectSpecPath ?? p.SpecFileName)},")
         .Line("SpecHash = SpecHash,")
         .Line($"Separator = {CSharp.Char(p.Separator)},")
         .Line($"HasHeader = {CSharp.Bool(p.Header)},")
         .Braced("MissingValueTokens = new string[]", p.MissingTokens.Select(CSharp.String), ",")
         .Line($"BadRows = {PG}BadRowPolicy.{(p.BadRows == "skip" ? "Skip" : "Fail")},")
         .Line($"Seed = {CSharp.Int(p.Evaluation.Seed)},");
        EmitEvaluation(w, p.Evaluation);
        EmitHyperparameters(w, p.Trainer, p.Task);
        if (p.Trainer.CapacityPinned)
            w.Line($"Capacity = {PG}CapacityMode.Pinned,");
        // Gates carry the spec's file name and each gate's line/column: a failed gate is reported at its line in the YAML.
        if (p.Gates is { } gates)
        {
            w.Line($"Gates = new {PG}GateSettings[]")
             .Line("{").Indent();
            foreach (var g in gates)
                w.Call("new", new[]
                {
                    CSharp.String(g.Metric), $"{PG}GateKind.{g.Kind()}", CSharp.Double(g.Threshold), CSharp.String(g.Class),
                    CSharp.String(g.Group), CSharp.String(p.SpecFileName), CSharp.Int(g.Line), CSharp.Int(g.Column),
                }, g.Require == "interval" ? $" {{ Require = {PG}GateRequire.Interval }}," : ",");
            w.Outdent().Line("},");
        }
        // deploy.onnx: where the build's 'export onnx' reports a failed export (written only then: other specs unchanged).
        if (p.Onnx)
            w.Call($"DeployOnnx = new {PG}OnnxDeploySettings",
                new[] { CSharp.String(p.ProjectSpecPath ?? p.SpecFileName), CSharp.Int(p.OnnxLine), CSharp.Int(p.OnnxColumn) }, ",");
        // The one list of columns: the runtime builds the TextLoader from it, and the reports name columns by it.
        w.Line($"Columns = new {PG}ColumnInfo[]")
         .Line("{").Indent();
        foreach (var c in p.Columns)
        {
            var args = new List<string>
            {
                CSharp.String(c.Name), CSharp.Int(c.Index), CSharp.String(c.PropertyName),
                $"{PG}ColumnKind.{c.Kind()}", $"{PG}ColumnRole.{c.Role()}", CSharp.Bool(c.HasMissing),
            };
            if (c.Kind() == ColumnKind.Numeric && c.TypeDeclared) args.Add("UnparsableAsMissing: true");
            // Every step reads the column's dates with it (loader, scans, predict, serve): one value from the spec.
            // Every step reads the column's own missing tokens with the global ones; written only when declared, so other specs are unchanged.
            var init = new List<string>();
            if (c.DateFormat is { } format) init.Add($"DateFormat = {CSharp.String(format)}");
            if (!c.MissingTokens.IsEmpty) init.Add($"MissingTokens = new string[] {{ {string.Join(", ", c.MissingTokens.Select(CSharp.String))} }}");
            w.Call("new", args, init.Count == 0 ? "," : $" {{ {string.Join(", ", init)} }},");
        }
        w.Outdent().Line("},")
         .Outdent().Line("};");
    }

    /// <summary>
    /// The trainer's hyperparameters by spec name (the spec's and the lock's values, else the trainer's defaults) and
    /// which of them is the capacity: what the model card, runs and evaluation contexts show, so the runtime never reads
    /// them back from ML.NET's trainer objects.
    /// </summary>
    internal static void EmitHyperparameters(SourceWriter w, BoundTrainer t, TaskKind task)
    {
        var values = ResolvedHyperparameters.Of(t, task);
        w.Braced("Hyperparameters = new Generic::Dictionary<string, string>",
            values.Select(v => $"[{CSharp.String(v.Key)}] = {CSharp.String(v.Value)}"), ",");
        if (TrainerCatalog.Find(t.Name)?.CapacityParam is { } capacity)
            w.Line($"CapacityHyperparameter = {CSharp.String(capacity)},");
    }

    private static void EmitEvaluation(SourceWriter w, BoundEvaluation e)
    {
        w.Line($"Evaluation = new {PG}EvaluationSettings")
         .Line("{").Indent()
         .Line($"Protocol = {PG}EvaluationProtocol.{e.Protocol()},")
         .Line($"Folds = {CSharp.Int(e.Folds)},")
         .Line($"Repeats = {CSharp.Int(e.Repeats)},")
         .Line($"HoldoutFraction = {CSharp.Double(e.HoldoutFraction)},")
         .Line($"Stratify = {CSharp.Bool(e.Stratify)},")
         .Line($"Seed = {CSharp.Int(e.Seed)},");
        // Written only when not the default, so specs that leave them out generate the same code as before.
        if (e.Duplicates() != DuplicatePolicy.Group)
            w.Line($"Duplicates = {PG}DuplicatePolicy.{e.Duplicates()},");
        w.Outdent().Line("},");
    }
}
