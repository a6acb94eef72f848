using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Generator.Emit.PipelineEmitter;

namespace PipelineGen.Generator.Emit;

/// <summary>Writes <c>&lt;Name&gt;Input</c> (one property per column) and <c>&lt;Name&gt;Prediction</c> (its shape by task).</summary>
internal static class DataTypesEmitter
{
    public static void EmitInput(SourceWriter w, BoundPipeline p)
    {
        w.Line($"/// <summary>One row of the data of pipeline '{CSharp.Xml(p.Name)}' ({CSharp.Xml(p.SpecFileName)}): one property per column.</summary>")
         .Line(GeneratedCode)
         .Open($"public sealed partial class {p.Name}Input");
        var first = true;
        foreach (var c in p.Columns)
        {
            if (!first) w.Line();
            first = false;
            var (type, init, note) = c.Kind() switch
            {
                ColumnKind.Numeric => ("float", c.HasMissing ? " = float.NaN;" : "", c.HasMissing ? "; NaN when missing" : ""),
                ColumnKind.Boolean => ("bool", "", ""),
                ColumnKind.DateTime => ("global::System.DateTime", "", ""),
                _ => (c.HasMissing ? "string?" : "string", c.HasMissing ? "" : " = \"\";", c.HasMissing ? "; null or empty when missing" : ""),
            };
            w.Line($"/// <summary>Column '{CSharp.Xml(c.Name)}' ({c.Kind}, {c.Role}{note}).</summary>")
             .Line($"[{ML}Data.LoadColumn({CSharp.Int(c.Index)}), {ML}Data.ColumnName({CSharp.String(c.Name)})]")
             .Line($"public {type} {c.PropertyName} {{ get; set; }}{init}");
        }
        w.Close();
    }

    private static string LabelType(BoundPipeline p) => p.Columns.First(c => c.Role() == ColumnRole.Label).Kind() switch
    {
        ColumnKind.Numeric => "float",
        ColumnKind.Boolean => "bool",
        _ => "string",
    };

    public static void EmitPrediction(SourceWriter w, BoundPipeline p)
    {
        w.Line($"/// <summary>What pipeline '{CSharp.Xml(p.Name)}' predicts for one row.</summary>")
         .Line(GeneratedCode)
         .Open($"public sealed partial class {p.Name}Prediction");
        switch (p.Task)
        {
            case TaskKind.Binary:
                w.Line($"/// <summary>True when the predicted class is the positive class {CSharp.Xml(CSharp.String(p.PositiveClass))}.</summary>")
                 .Line($"[{ML}Data.ColumnName(\"PredictedLabel\")]")
                 .Line("public bool PredictedLabel { get; set; }")
                 .Line()
                 .Line("/// <summary>Calibrated probability of the positive class.</summary>")
                 .Line($"[{ML}Data.ColumnName(\"Probability\")]")
                 .Line("public float Probability { get; set; }")
                 .Line()
                 .Line("/// <summary>Raw model score (higher means more likely positive).</summary>")
                 .Line($"[{ML}Data.ColumnName(\"Score\")]")
                 .Line("public float Score { get; set; }");
                break;
            case TaskKind.Multiclass:
                var labelType = LabelType(p);
                w.Line("/// <summary>The predicted class, in the label column's own values.</summary>")
                 .Line($"[{ML}Data.ColumnName(\"PredictedLabelValue\")]")
                 .Line($"public {labelType} PredictedLabel {{ get; set; }}{(labelType == "string" ? " = \"\";" : "")}")
                 .Line()
                 .Line("/// <summary>One score per class, in the order of the model's label key values.</summary>")
                 .Line($"[{ML}Data.ColumnName(\"Score\")]")
                 .Line("public float[] Score { get; set; } = global::System.Array.Empty<float>();");
                break;
            default:
                w.Line("/// <summary>The predicted value.</summary>")
                 .Line($"[{ML}Data.ColumnName(\"Score\")]")
                 .Line("public float Score { get; set; }");
                break;
        }
        w.Close();
    }
}
