using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PipelineGen.Spec.Yaml;

/// <summary>
/// A YAML document as an equatable tree whose every node knows its source span. Built from YamlDotNet's
/// event parser (not its representation model) so that duplicate keys are reported instead of thrown,
/// and so the generator's cache can compare two parses with Equals. <see cref="PlainYamlReader"/> builds the
/// identical tree without YamlDotNet for the plain YAML most specs are written in.
/// </summary>
public abstract record YNode(SourceSpan Span)
{
    /// <summary>What kind of node this is, for messages ("a list", "a mapping", "a value").</summary>
    public abstract string Describe();
}

public sealed record YScalar(string Value, bool IsQuoted, SourceSpan Span) : YNode(Span)
{
    /// <summary>Plain <c>~</c>, <c>null</c> or nothing at all.</summary>
    public bool IsNull => !IsQuoted && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

    public override string Describe() => IsNull ? "null" : $"'{DiagnosticLimit.Excerpt(Value)}'";

    public bool TryGetInt(out int value) =>
        int.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && !IsQuoted;

    public bool TryGetDouble(out double value) =>
        double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !IsQuoted
        && !double.IsNaN(value) && !double.IsInfinity(value);

    public bool TryGetBool(out bool value)
    {
        value = false;
        if (IsQuoted) return false;
        switch (Value)
        {
            case "true": case "True": case "TRUE": value = true; return true;
            case "false": case "False": case "FALSE": value = false; return true;
            default: return false;
        }
    }
}

public sealed record YEntry(YScalar Key, YNode Value);

public sealed record YMapping(EquatableArray<YEntry> Entries, SourceSpan Span) : YNode(Span)
{
    public override string Describe() => "a mapping";

    public YEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);
    public YNode? this[string key] => Find(key)?.Value;
}

public sealed record YSequence(EquatableArray<YNode> Items, SourceSpan Span) : YNode(Span)
{
    public override string Describe() => "a list";
}

/// <summary>Path helpers so validation code reads like the spec: <c>root.Get("task.kind")</c>.</summary>
public static class YNodeExtensions
{
    public static YNode? Get(this YMapping? root, string dottedPath)
    {
        YNode? current = root;
        foreach (var part in dottedPath.Split('.'))
        {
            if (current is not YMapping mapping) return null;
            current = mapping[part];
        }
        return current;
    }

    public static string? GetString(this YMapping? root, string dottedPath) =>
        root.Get(dottedPath) is YScalar { IsNull: false } s ? s.Value : null;

    public static IEnumerable<YScalar> Scalars(this YNode? node) => node switch
    {
        YSequence seq => seq.Items.OfType<YScalar>(),
        YScalar { IsNull: false } s => new[] { s },
        _ => Array.Empty<YScalar>(),
    };
}
