using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec.Catalog;

/// <summary>
/// A preparation setting that 'tune' may search (tune.prepare.NAME: [values]): only settings the generated pipeline
/// actually changes per trial. <see cref="Matters"/> says which data it changes anything for, so a choice that would
/// do nothing is reported (PG0219) instead of silently searched.
/// </summary>
/// <param name="Values">Allowed values as written in the spec (true/false for flags).</param>
/// <param name="ColumnKind">The feature column kind it acts on (numeric with gaps, categorical, text), or null for all features.</param>
public sealed record PreparationChoice(string Name, string Type, string[] Values, string Description, string? ColumnKind, bool NeedsMissing = false)
{
    public bool IsFlag => Type == "bool";
    public bool IsNumber => Type == "int";
}

public static class PreparationChoices
{
    public static IReadOnlyList<PreparationChoice> All { get; } = new[]
    {
        new PreparationChoice("normalize", "label", new[] { "minmax", "zscore", "none" }, "feature scaling (prepare.normalize); matters for linear trainers", null),
        new PreparationChoice("missing_indicators", "bool", new[] { "true", "false" }, "0/1 'was missing' features (prepare.missing_indicators); needs a numeric feature with gaps", "numeric", NeedsMissing: true),
        new PreparationChoice("categorical_encoding", "label", new[] { "onehot", "hash" }, "how categoricals become numbers (prepare.categorical_encoding); needs a categorical feature", "categorical"),
        new PreparationChoice("word_ngrams", "int", new[] { "1", "2", "3", "4", "5" }, "longest word n-gram (prepare.text.word_ngrams); needs a text feature", "text"),
        new PreparationChoice("char_ngrams", "int", new[] { "0", "1", "2", "3", "4", "5", "6" }, "character n-gram length, 0 off (prepare.text.char_ngrams); needs a text feature", "text"),
    };

    public static PreparationChoice? Find(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>The value as the spec would write it (flags: true/false), or null when it is not one of the choice's values.</summary>
    public static string? Normalise(PreparationChoice choice, string text)
    {
        if (choice.IsFlag) return text is "true" or "True" ? "true" : text is "false" or "False" ? "false" : null;
        return choice.Values.Contains(text) ? text : null;
    }
}
