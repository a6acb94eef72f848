using System;
using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Model;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// When the spec asks for ONNX (<c>deploy.onnx: true</c>), the steps ML.NET's ONNX exporter cannot convert are build
/// errors located on the spec line that chose them, before anyone trains (no ONNX Runtime needed: these are facts about
/// ML.NET's converters, measured by tests/PipelineGen.Export.Tests). Each points at the column's own override when the
/// spec has one, otherwise at <c>deploy.onnx</c>.
/// </summary>
internal static class OnnxDeployability
{
    /// <summary>
    /// Trainers whose fitted model ML.NET cannot convert: GAM's shape functions are not exported; naive Bayes' posterior
    /// step (softmax of its log likelihoods, PipelineSteps.Posterior) is a custom mapping and an expression, which have no
    /// ONNX form, and without it its Score would not be probabilities.
    /// </summary>
    public static readonly string[] NotExportableTrainers = { "gam", "naive_bayes" };

    public static void Check(PipelineSpec spec, IReadOnlyList<BoundColumn> columns, List<DiagnosticInfo> diagnostics)
    {
        if (!spec.Deploy.Onnx) return;
        var file = spec.FilePath;
        var onnxSpan = spec.Deploy.OnnxSpan;
        ColumnOverride? Override(string name) => spec.Data.Columns.FirstOrDefault(o => o.Name.Value == name);

        foreach (var column in columns.Where(c => c.Role == "feature"))
        {
            var o = Override(column.Name);
            if (column.Kind == "datetime")
                diagnostics.Add(SpecDiagnostics.OnnxDateTimeFeature.Create(file, o?.Type?.Span ?? o?.Name.Span ?? onnxSpan, column.Name));
            if (column.Kind == "numeric" && column.Missing == "model")
            {
                var span = o?.Missing?.Span ?? (spec.Deploy.NumericMissingSpan.IsNone ? onnxSpan : spec.Deploy.NumericMissingSpan);
                diagnostics.Add(SpecDiagnostics.OnnxModelImputer.Create(file, span, column.Name));
            }
        }

        var trainer = spec.Model.Trainer;
        if (Array.IndexOf(NotExportableTrainers, trainer.Value) >= 0)
        {
            var exportable = Catalog.TrainerCatalog.All.Select(t => t.Name).Where(n => Array.IndexOf(NotExportableTrainers, n) < 0);
            diagnostics.Add(SpecDiagnostics.OnnxTrainerNotExportable.Create(file, trainer.Span.IsNone ? onnxSpan : trainer.Span, trainer.Value, string.Join(", ", exportable)));
        }
    }
}
