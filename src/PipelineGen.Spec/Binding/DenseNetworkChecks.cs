using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Model;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// The dense trainer's hyperparameters that are not plain numbers (<c>layers</c>, a list; <c>activation</c>, a word)
/// and its cross-key rules: PG0600-PG0604, PG0606 and PG0607 (an unknown schedule), each located on the value that causes it.
/// </summary>
internal static class DenseNetworkChecks
{
    /// <summary>A list or word hyperparameter → C# literal; false (with its diagnostic added) when the value is wrong.</summary>
    public static bool TryBind(string file, TrainerInfo trainer, ParamInfo param, ParamSetting setting, List<DiagnosticInfo> diagnostics, out string literal)
    {
        literal = "";
        if (param.Type == ParamType.Choice)
        {
            var words = param.Choices?.ToArray() ?? System.Array.Empty<string>();
            var given = setting.Value.Value;
            if (setting.Items is not null || !words.Contains(given))
            {
                if (param.Name == "schedule")
                {
                    diagnostics.Add(SpecDiagnostics.DenseUnknownSchedule.Create(file, setting.Value.Span, given, DidYouMean.Suggest(given, words), DidYouMean.List(words)));
                    return false;
                }
                diagnostics.Add(SpecDiagnostics.DenseUnknownActivation.Create(file, setting.Value.Span, given, DidYouMean.Suggest(given, words), DidYouMean.List(words)));
                return false;
            }
            literal = param.ChoiceType + "." + char.ToUpperInvariant(given[0]) + given.Substring(1);
            return true;
        }

        // IntList: a YAML list (items located one by one) or one number (a single hidden layer).
        var items = setting.Items?.ToArray() ?? new[] { setting.Value };
        if (items.Length == 0)
        {
            diagnostics.Add(SpecDiagnostics.DenseLayersEmpty.Create(file, setting.Value.Span));
            return false;
        }
        var widths = new List<int>();
        var ok = true;
        for (var i = 0; i < items.Length; i++)
        {
            if (int.TryParse(items[i].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var width) && param.IsInRange(width))
                widths.Add(width);
            else
            {
                diagnostics.Add(SpecDiagnostics.DenseLayerSize.Create(file, items[i].Span, i + 1, items[i].Value, DenseNetworkCatalog.MaxUnits));
                ok = false;
            }
        }
        if (!ok) return false;
        literal = "new int[] { " + string.Join(", ", widths.Select(w => w.ToString(CultureInfo.InvariantCulture))) + " }";
        return true;
    }

    /// <summary>Rules across the dense trainer's keys: PG0603 (layers and units/depth).</summary>
    public static void CheckSpec(PipelineSpec spec, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Model.Trainer.Value != DenseNetworkCatalog.Name) return;
        var file = spec.FilePath;
        var layers = spec.Model.Params.FirstOrDefault(p => p.Name.Value == "layers");
        if (layers is not null)
            foreach (var other in spec.Model.Params.Where(p => p.Name.Value is "units" or "depth"))
                diagnostics.Add(SpecDiagnostics.DenseLayersAndUnits.Create(file, other.Name.Span, other.Name.Value));
        // deploy.onnx is accepted: export joins the network's own graph to ML.NET's export of the preparation; a model
        // whose graphs cannot be joined is PG0605, reported by 'export onnx' at deploy.onnx's line.
    }

    /// <summary>PG0606: a batch larger than the rows the build saw (only said when the build read the whole file).</summary>
    public static void CheckData(PipelineSpec spec, InferredSchema schema, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Model.Trainer.Value != DenseNetworkCatalog.Name || !schema.SampleIsComplete) return;
        var batch = spec.Model.Params.FirstOrDefault(p => p.Name.Value == "batch_size");
        if (batch is not null && int.TryParse(batch.Value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > schema.RowsSampled)
            diagnostics.Add(SpecDiagnostics.DenseBatchLargerThanData.Create(spec.FilePath, batch.Value.Span, size, schema.RowsSampled));
    }

    /// <summary>PG0604: tune can search numbers and flags only; a dense list or word gets the searchable form.</summary>
    public static DiagnosticInfo NotSearchable(string file, TrainerInfo trainer, ParamInfo param, SearchDimension dimension) =>
        SpecDiagnostics.DenseParamNotSearchable.Create(file, dimension.Name.Span, param.Name,
            param.Type == ParamType.IntList ? "a list" : "a word",
            param.Type == ParamType.IntList
                ? "search 'units' (the width of every layer) and 'depth' (how many layers) instead."
                : "fix it under model.params and search the numeric hyperparameters.");
}
