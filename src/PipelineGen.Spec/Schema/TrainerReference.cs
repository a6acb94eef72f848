using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Schema;

/// <summary>
/// The "Trainers and their hyperparameters" part of <c>docs/spec-reference.md</c>, generated from
/// <see cref="TrainerCatalog"/>: per trainer, the tasks it serves and each hyperparameter's spec name, type, range and
/// default. Defaults are ML.NET's own option defaults, which this library cannot read (it does not reference ML.NET):
/// the caller passes them in (the docs test reads them from ML.NET's options objects), so the page states what a
/// spec that leaves a key out really gets.
/// </summary>
public static class TrainerReference
{
    /// <param name="defaultOf">The default of one hyperparameter for one task's binding, as text; null when unknown.</param>
    public static string Markdown(Func<TrainerBinding, ParamInfo, string?> defaultOf)
    {
        var sb = new StringBuilder();
        sb.Append("\n## Trainers and their hyperparameters\n\n");
        sb.Append("Generated from the trainer catalog (`src/PipelineGen.Spec/Catalog/TrainerCatalog.cs`). Set them under `model.params`;\n");
        sb.Append("a value out of range is PG0203. The default is what the trainer uses when the key is left out: ML.NET's own\n");
        sb.Append("default for that task's trainer options (read from ML.NET when this page is generated), except `threads`, which\n");
        sb.Append("PipelineGen always sets (1 unless given). The capacity parameter is what `curve` grows.\n");
        foreach (var trainer in TrainerCatalog.All)
        {
            sb.Append("\n### `").Append(trainer.Name).Append("`\n\n").Append(trainer.Description).Append(". Tasks: ")
              .Append(string.Join(", ", trainer.Bindings.Select(b => TaskText(b.Task)))).Append('.');
            if (trainer.CapacityParam is not null) sb.Append(" Capacity: `").Append(trainer.CapacityParam).Append("`.");
            sb.Append('\n');
            if (trainer.Params.Count == 0)
            {
                sb.Append("\nNo hyperparameters.\n");
                continue;
            }
            sb.Append("\n| hyperparameter | type | range | default | description |\n|---|---|---|---|---|\n");
            foreach (var p in trainer.Params)
            {
                sb.Append("| `").Append(p.Name).Append("` | ").Append(TypeText(p.Type)).Append(" | ").Append(RangeText(p))
                  .Append(" | ").Append(Escape(DefaultText(trainer, p, defaultOf))).Append(" | ").Append(Escape(p.Description)).Append(" |\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>A type added later (another branch adds list/choice types) renders by its name instead of failing.</summary>
    public static string TypeText(ParamType type) => type switch
    {
        ParamType.Int => "integer",
        ParamType.Float => "number (single precision)",
        ParamType.Double => "number",
        ParamType.Bool => "`true` \\| `false`",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string RangeText(ParamInfo p)
    {
        if (p.Type == ParamType.Bool) return "";
        string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return (p.Min, p.Max) switch
        {
            ({ } min, { } max) => (p.MinExclusive ? "> " : "≥ ") + Num(min) + ", ≤ " + Num(max),
            ({ } min, null) => (p.MinExclusive ? "> " : "≥ ") + Num(min),
            (null, { } max) => "≤ " + Num(max),
            _ => "any",
        };
    }

    /// <summary>One value when every task's trainer has the same default, else one per task.</summary>
    private static string DefaultText(TrainerInfo trainer, ParamInfo p, Func<TrainerBinding, ParamInfo, string?> defaultOf)
    {
        var byTask = new List<(TaskKind Task, string Value)>();
        foreach (var binding in trainer.Bindings) byTask.Add((binding.Task, defaultOf(binding, p) ?? "unknown"));
        if (byTask.Select(d => d.Value).Distinct().Count() == 1) return byTask[0].Value;
        return string.Join("; ", byTask.Select(d => TaskText(d.Task) + ": " + d.Value));
    }

    private static string TaskText(TaskKind task) => task.ToString().ToLowerInvariant();
    private static string Escape(string text) => text.Replace("|", "\\|");
}
