using System;
using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Generator.Emit.PipelineEmitter;

namespace PipelineGen.Generator.Emit;

/// <summary>
/// Writes <c>PreprocessingSteps</c>: label mapping, then per feature column its imputation / encoding / featurisation,
/// concatenation into <c>Features</c> and scaling. Only what the spec decides is written; the steps themselves (missing
/// category, median and model imputation, text options) are runtime helpers.
/// </summary>
internal static class PreparationEmitter
{
    /// <summary>Marks a feature column that exists only when a trial's missing_indicators choice is true.</summary>
    private const string IndicatorMark = "\u0001";

    public static void Emit(SourceWriter w, BoundPipeline p)
    {
        var label = p.Columns.First(c => c.Role() == ColumnRole.Label);
        w.Line($"protected override {Steps} PreprocessingSteps(")
         .Line($"    {ML}MLContext mlContext)")
         .Line("{").Indent()
         .Line("var transforms = mlContext.Transforms;");
        EmitLabel(w, p, label);

        var featureColumns = new List<string>();
        foreach (var c in p.Columns.Where(c => c.Role() == ColumnRole.Feature))
        {
            var output = "__" + c.PropertyName;
            var name = CSharp.String(c.Name);
            switch (c.Kind())
            {
                case ColumnKind.Numeric:
                    if (c.HasMissing && (Searched(p, "missing_indicators") || p.Preparation.MissingIndicators))
                    {
                        var indicator = output + "_missing";
                        var searched = Searched(p, "missing_indicators");
                        // Searched by tune: each trial adds the indicator or not.
                        if (searched) w.Open($"if ({PrepareValue(p, "missing_indicators")} == \"true\")");
                        w.Line($"yield return transforms.IndicateMissingValues({CSharp.String(indicator)}, {name});")
                         .Line($"yield return transforms.Conversion.ConvertType({CSharp.String(indicator)}, outputKind: {ML}Data.DataKind.Single);");
                        if (searched) w.Close();
                        featureColumns.Add(searched ? IndicatorMark + indicator : indicator);
                    }
                    w.Line($"yield return {NumericImputation(p, c, output)};");
                    break;
                case ColumnKind.Categorical:
                    // Every missing token becomes one '(missing)' category; deploy.onnx keeps each token a category of its
                    // own (the expression transform has no ONNX form; docs/export.md), serving passes "" for a missing value.
                    var filled = p.Onnx ? name : CSharp.String(output + "_filled");
                    if (!p.Onnx)
                        w.Call("yield return transforms.FillMissingCategory", new[] { filled, name, c.MissingTokens.IsEmpty ? "Settings.MissingValueTokens" : $"Settings.MissingTokensOf({name})" }, ";");
                    var bits = $"numberOfBits: {CSharp.Int(p.Preparation.HashBits)}";
                    void Hash() => w.Call("yield return transforms.Categorical.OneHotHashEncoding", new[] { CSharp.String(output), filled, bits }, ";");
                    void OneHot() => w.Call("yield return transforms.Categorical.OneHotEncoding", new[] { CSharp.String(output), filled }, ";");
                    if (Searched(p, "categorical_encoding"))
                    {
                        w.Line($"if ({PrepareValue(p, "categorical_encoding")} == \"hash\")").Indent();
                        Hash();
                        w.Outdent().Line("else").Indent();
                        OneHot();
                        w.Outdent();
                    }
                    else if (p.Preparation.Encoding() == CategoricalEncoding.Hash) Hash();
                    else OneHot();
                    break;
                case ColumnKind.Text:
                    var words = Searched(p, "word_ngrams") ? $"Ngrams({PrepareValue(p, "word_ngrams")})" : CSharp.Int(p.Preparation.WordNgrams);
                    var chars = Searched(p, "char_ngrams") ? $"Ngrams({PrepareValue(p, "char_ngrams")})" : CSharp.Int(p.Preparation.CharNgrams);
                    // Through PipelineGen's step, which notes the n-grams used for the model card (a trial's or the lock's).
                    w.Call("yield return transforms.FeaturizeTextNgrams", new[] { CSharp.String(output), name, words, chars }, ";");
                    break;
                case ColumnKind.Boolean:
                    w.Line($"yield return transforms.Conversion.ConvertType({CSharp.String(output)}, {name}, {ML}Data.DataKind.Single);");
                    break;
                case ColumnKind.DateTime:
                    w.Line($"yield return transforms.DateTimeFeatures({CSharp.String(output)}, {name});");
                    break;
            }
            featureColumns.Add(output);
        }

        EmitConcatenate(w, p, featureColumns);
        EmitNormalization(w, p);
        w.Close();
        if (p.Preparation.AugmentColumns.Count > 0)
        {
            w.Line()
             .Line("/// <summary>Augmentation happens only while fitting, so validation, test and serving rows are never altered.</summary>")
             .Line($"protected override {Estimator} WhileFitting({Estimator} pipeline) =>")
             .Indent()
             .Call($"{PG}Preparation.TrainingAugmentation.BlankCategoricals", new[]
             {
                 "pipeline", "new string[] { " + string.Join(", ", p.Preparation.AugmentColumns.Select(CSharp.String)) + " }",
                 CSharp.Double(p.Preparation.AugmentFraction), "Settings.Seed",
             }, ";")
             .Outdent();
        }
        if (Searched(p, "word_ngrams") || Searched(p, "char_ngrams"))
            w.Line()
             .Line("private static int Ngrams(string value) =>")
             .Line("    int.Parse(value, global::System.Globalization.CultureInfo.InvariantCulture);");
    }

    private static void EmitLabel(SourceWriter w, BoundPipeline p, BoundColumn label)
    {
        var name = CSharp.String(label.Name);
        switch (p.Task)
        {
            case TaskKind.Binary:
                // The positive class maps to true, every other value to false.
                if (label.Kind() == ColumnKind.Boolean && IsTrue(p.PositiveClass))
                {
                    w.Line($"yield return transforms.CopyColumns(\"Label\", {name});");
                    return;
                }
                Func<string, string> keyOf = label.Kind() switch
                {
                    ColumnKind.Numeric => CSharp.Float,
                    ColumnKind.Boolean => v => CSharp.Bool(IsTrue(v)),
                    _ => CSharp.String,
                };
                var pairs = p.LabelValues.Select(v => $"({keyOf(v)}, {CSharp.Bool(v == p.PositiveClass)})");
                w.Call("yield return transforms.Conversion.MapValue",
                    new[] { "\"Label\"", $"{PG}PipelineSteps.LabelMap({string.Join(", ", pairs)})", name }, ";");
                return;
            case TaskKind.Multiclass:
                w.Line($"yield return transforms.Conversion.MapValueToKey(\"Label\", {name});");
                return;
            default:
                w.Line($"yield return transforms.CopyColumns(\"Label\", {name});");
                return;
        }
    }

    private static bool IsTrue(string? value) => value is "true" or "True" or "TRUE" or "1";

    private static string NumericImputation(BoundPipeline p, BoundColumn c, string output)
    {
        var name = CSharp.String(c.Name);
        switch (c.Imputation())
        {
            case Imputation.Median:
                return $"transforms.ReplaceMissingWithMedian({CSharp.String(output)}, {name})";
            case Imputation.Model:
                var predictors = p.Columns
                    .Where(o => o.Role() == ColumnRole.Feature && o.Kind() == ColumnKind.Numeric && o.Name != c.Name)
                    .Select(o => CSharp.String(o.Name));
                return $"transforms.ReplaceMissingWithModel({CSharp.String(output)}, new string[] {{ {string.Join(", ", predictors)} }}, " +
                       $"{name}, seed: {CSharp.Int(p.Evaluation.Seed)})";
            default:
                // Every numeric feature is imputed, not only those with gaps in the sample: serving data may have them.
                return $"transforms.ReplaceMissingWithMean({CSharp.String(output)}, {name})";
        }
    }

    private static void EmitConcatenate(SourceWriter w, BoundPipeline p, List<string> featureColumns)
    {
        bool Conditional(string f) => f.StartsWith(IndicatorMark, StringComparison.Ordinal);
        if (featureColumns.Any(Conditional))
        {
            var all = featureColumns.Select(f => CSharp.String(Conditional(f) ? f.Substring(IndicatorMark.Length) : f));
            var without = featureColumns.Where(f => !Conditional(f)).Select(CSharp.String);
            w.Line($"var features = {PrepareValue(p, "missing_indicators")} == \"true\"").Indent()
             .Braced("? new string[]", all, "")
             .Braced(": new string[]", without, ";")
             .Outdent()
             .Line("yield return transforms.Concatenate(\"Features\", features);");
        }
        else
            w.Call("yield return transforms.Concatenate", new[] { "\"Features\"" }.Concat(featureColumns.Select(CSharp.String)), ";");
    }

    private static void EmitNormalization(SourceWriter w, BoundPipeline p)
    {
        if (Searched(p, "normalize") || p.Tune?.SearchesTrainer == true)
        {
            // Scaling depends on the trial: its prepare.normalize choice, or (auto) on the trainer it chose.
            w.Line($"var normalize = {PrepareValue(p, "normalize")};")
             .Line("if (normalize == \"minmax\") yield return transforms.NormalizeMinMax(\"Features\");")
             .Line("else if (normalize == \"zscore\") yield return transforms.NormalizeMeanVariance(\"Features\");");
        }
        else if (p.Preparation.Normalization() == Normalization.MinMax)
            w.Line("yield return transforms.NormalizeMinMax(\"Features\");");
        else if (p.Preparation.Normalization() == Normalization.ZScore)
            w.Line("yield return transforms.NormalizeMeanVariance(\"Features\");");
    }

    /// <summary>Whether tune searches this preparation setting (tune.prepare), so each trial decides it.</summary>
    internal static bool Searched(BoundPipeline p, string name) => p.Tune?.Prepare?.Any(c => c.Name == name) == true;

    /// <summary>The generated expression for a preparation setting's value in this pipeline instance (a trial's, or the constant).</summary>
    private static string PrepareValue(BoundPipeline p, string name)
    {
        var fallback = name switch
        {
            "normalize" => p.Tune?.SearchesTrainer == true ? "NormalizeFor(_trainer)" : CSharp.String(p.Preparation.Normalize),
            "missing_indicators" => CSharp.String(p.Preparation.MissingIndicators ? "true" : "false"),
            "categorical_encoding" => CSharp.String(p.Preparation.CategoricalEncoding),
            "word_ngrams" => CSharp.String(CSharp.Int(p.Preparation.WordNgrams)),
            _ => CSharp.String(CSharp.Int(p.Preparation.CharNgrams)),
        };
        return Searched(p, name) ? $"Prepare({CSharp.String(name)}, {fallback})" : fallback;
    }
}
