using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec.Schema;

/// <summary>Checks a YAML tree against a <see cref="ShapeNode"/>: unknown keys, missing keys, value types and allowed values.</summary>
public static class ShapeValidator
{
    public static void Validate(YNode node, ShapeNode shape, string path, string filePath, List<DiagnosticInfo> diagnostics)
    {
        switch (shape)
        {
            case ObjectShape obj:
                if (node is not YMapping mapping)
                {
                    if (node is YScalar { IsNull: true } && path.Length > 0) { ReportMissingRequired(obj, null, node, path, filePath, diagnostics); return; }
                    diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"expected a mapping of keys ({DidYouMean.List(obj.Properties.Select(p => p.Key))}) but found {node.Describe()}."));
                    return;
                }
                string[]? keys = null;
                string? keyList = null;
                foreach (var entry in mapping.Entries)
                {
                    var property = obj.Find(entry.Key.Value);
                    if (property is null)
                    {
                        // Past the cap every further error is only counted (DiagnosticLimit), so its message is not worth composing:
                        // a spec with 100,000 unknown keys stays linear and cheap.
                        if (diagnostics.Count >= DiagnosticLimit.MaxPerSpec)
                        {
                            diagnostics.Add(new DiagnosticInfo(SpecDiagnostics.UnknownKey.Id, Severity.Error, "Unknown key.", filePath, entry.Key.Span));
                            continue;
                        }
                        if (TuneStorageKey.Is(path, entry.Key.Value))
                        {
                            diagnostics.Add(SpecDiagnostics.TuneStorageInSpec.Create(filePath, entry.Key.Span, Join(path, entry.Key.Value)));
                            continue;
                        }
                        keys ??= obj.Properties.Select(p => p.Key).ToArray();
                        keyList ??= DidYouMean.List(keys);
                        diagnostics.Add(SpecDiagnostics.UnknownKey.Create(filePath, entry.Key.Span, DiagnosticLimit.Excerpt(entry.Key.Value), Display(path),
                            DidYouMean.Suggest(entry.Key.Value, keys), keyList));
                        continue;
                    }
                    Validate(entry.Value, property.Shape, Join(path, entry.Key.Value), filePath, diagnostics);
                }
                ReportMissingRequired(obj, mapping, node, path, filePath, diagnostics);
                return;

            case MapShape map:
                if (node is not YMapping freeMapping)
                {
                    if (node is YScalar { IsNull: true }) return;
                    diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"expected a mapping of {map.KeyDescription} to settings but found {node.Describe()}."));
                    return;
                }
                foreach (var entry in freeMapping.Entries)
                    Validate(entry.Value, map.Value, Join(path, entry.Key.Value), filePath, diagnostics);
                return;

            case ListShape list:
                if (node is YSequence sequence)
                {
                    for (var i = 0; i < sequence.Items.Count; i++)
                        Validate(sequence.Items[i], list.Item, $"{path}[{i}]", filePath, diagnostics);
                    return;
                }
                if (node is YScalar { IsNull: true }) return;
                diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"expected a list (one '- item' per line, or [a, b]) but found {node.Describe()}."));
                return;

            case OneOfShape oneOf:
                foreach (var option in oneOf.Options)
                {
                    var trial = new List<DiagnosticInfo>();
                    Validate(node, option, path, filePath, trial);
                    if (trial.Count == 0) return;
                }
                diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"{node.Describe()} is not {Describe(oneOf)}."));
                return;

            case ScalarShape scalar:
                ValidateScalar(node, scalar, path, filePath, diagnostics);
                return;
        }
    }

    private static void ValidateScalar(YNode node, ScalarShape scalar, string path, string filePath, List<DiagnosticInfo> diagnostics)
    {
        if (node is not YScalar value)
        {
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"expected {Describe(scalar)} but found {node.Describe()}."));
            return;
        }
        if (value.IsNull)
        {
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, node.Span, Display(path), $"expected {Describe(scalar)} but the value is empty. Give a value or remove the key."));
            return;
        }
        switch (scalar.Kind)
        {
            case ScalarKind.Integer:
                if (!value.TryGetInt(out var i)) { Bad($"expected a whole number but found {value.Describe()}."); return; }
                CheckRange(i);
                return;
            case ScalarKind.Number:
                if (!value.TryGetDouble(out var d)) { Bad($"expected a number but found {value.Describe()}."); return; }
                CheckRange(d);
                return;
            case ScalarKind.Boolean:
                if (!value.TryGetBool(out _)) Bad($"expected true or false but found {value.Describe()}.");
                return;
            case ScalarKind.String:
                if (scalar.Allowed is { } allowed && !allowed.Contains(value.Value))
                    Bad($"'{DiagnosticLimit.Excerpt(value.Value)}' is not one of {DidYouMean.List(allowed)}.{DidYouMean.Suggest(value.Value, allowed)}");
                return;
        }

        void CheckRange(double v)
        {
            var tooLow = scalar.Min is { } min && (scalar.MinExclusive ? v <= min : v < min);
            var tooHigh = scalar.Max is { } max && (scalar.MaxExclusive ? v >= max : v > max);
            if (tooLow || tooHigh) Bad($"{value.Value} is out of range: {RangeText(scalar)}.");
        }

        void Bad(string message) => diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, value.Span, Display(path), message));
    }

    private static void ReportMissingRequired(ObjectShape obj, YMapping? mapping, YNode node, string path, string filePath, List<DiagnosticInfo> diagnostics)
    {
        foreach (var required in obj.Properties.Where(p => p.Required && mapping?.Find(p.Key) is null))
            diagnostics.Add(SpecDiagnostics.MissingKey.Create(filePath, StartOf(node.Span), required.Key, Display(path), required.Example ?? $"{required.Key}: ..."));
    }

    private static SourceSpan StartOf(SourceSpan span) => span with { EndLine = span.StartLine, EndColumn = span.StartColumn, EndOffset = span.StartOffset };

    public static string RangeText(ScalarShape s)
    {
        var parts = new List<string>();
        if (s.Min is { } min) parts.Add((s.MinExclusive ? "greater than " : "at least ") + min.ToString(CultureInfo.InvariantCulture));
        if (s.Max is { } max) parts.Add((s.MaxExclusive ? "less than " : "at most ") + max.ToString(CultureInfo.InvariantCulture));
        return string.Join(" and ", parts);
    }

    public static string Describe(ShapeNode shape) => shape switch
    {
        ScalarShape { Kind: ScalarKind.String, Allowed: { } allowed } => $"one of {DidYouMean.List(allowed)}",
        ScalarShape { Kind: ScalarKind.String } => "a text value",
        ScalarShape { Kind: ScalarKind.Integer } s => "a whole number" + (s.Min is null && s.Max is null ? "" : $" ({RangeText(s)})"),
        ScalarShape { Kind: ScalarKind.Number } s => "a number" + (s.Min is null && s.Max is null ? "" : $" ({RangeText(s)})"),
        ScalarShape { Kind: ScalarKind.Boolean } => "true or false",
        ListShape => "a list",
        ObjectShape or MapShape => "a mapping",
        OneOfShape o => string.Join(" or ", o.Options.Select(Describe)),
        _ => "a value",
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
    private static string Display(string path) => path.Length == 0 ? "the spec" : path;
}
