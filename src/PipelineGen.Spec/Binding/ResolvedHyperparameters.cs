using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// Every hyperparameter of a bound trainer by spec name, as invariant text, in catalog order: the value the binder set
/// (the spec's, a lock file's pinned value, threads 1) or else the trainer's default (<see cref="TrainerDefaults"/>).
/// The generator writes this into the settings' <c>Hyperparameters</c>: the one source the runtime describes a trainer
/// from (model card, runs, evaluation context), instead of reading ML.NET's trainer objects back by reflection.
/// </summary>
public static class ResolvedHyperparameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Of(BoundTrainer trainer, TaskKind task)
    {
        var info = TrainerCatalog.Find(trainer.Name);
        if (info is null) return System.Array.Empty<KeyValuePair<string, string>>();
        var values = new List<KeyValuePair<string, string>>();
        foreach (var param in info.Params)
        {
            var set = trainer.Options.FirstOrDefault(o => o.Property == param.OptionProperty);
            var text = set is not null ? Text(param, set.Literal) : TrainerDefaults.Of(info.Name, task, param.Name) ?? TrainerDefaults.Automatic;
            values.Add(new KeyValuePair<string, string>(param.Name, text));
        }
        return values;
    }

    /// <summary>A C# literal the binder wrote (<see cref="SpecBinder.TryLiteral"/>, the dense checks) as the spec writes the value.</summary>
    public static string Text(ParamInfo param, string literal)
    {
        switch (param.Type)
        {
            case ParamType.Float when EndsWith(literal, 'f'):
            case ParamType.Double when EndsWith(literal, 'd'):
                return literal.Substring(0, literal.Length - 1);
            case ParamType.IntList:
                // "new int[] { 64, 32 }" → "[64, 32]"
                var open = literal.IndexOf('{');
                var close = literal.LastIndexOf('}');
                return open < 0 || close < open ? literal : "[" + literal.Substring(open + 1, close - open - 1).Trim() + "]";
            case ParamType.Choice:
                // "global::...DenseActivation.Relu" → "relu" (the spec's words are single lowercase words).
                return literal.Substring(literal.LastIndexOf('.') + 1).ToLowerInvariant();
            default:
                return literal;
        }
    }

    private static bool EndsWith(string text, char suffix) => text.Length > 0 && text[text.Length - 1] == suffix;
}
