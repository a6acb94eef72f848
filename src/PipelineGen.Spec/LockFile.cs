using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Model;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec;

/// <summary>A lock file as the build passed it: where it is and its text.</summary>
public sealed record LockFileInput(string FilePath, string Text);

/// <summary>The lock file <c>tune</c> writes next to the spec: the trainer and the pinned hyperparameters, with spans.</summary>
/// <param name="Prepare">Pinned preparation choices (tune.prepare's winner), null when the lock has none.</param>
/// <param name="Ensemble">The 'ensemble.members' block (tune --ensemble kept it), null when the lock has none.</param>
/// <param name="Pipeline">The 'pipeline:' name the lock was written for (null when absent): PG0232 when it is not this spec's.</param>
public sealed record ParsedLock(string FilePath, Spanned<string> Trainer, string? StudyId, EquatableArray<ParamSetting> Params, EquatableArray<ParamSetting>? Prepare = null,
    EquatableArray<ParsedEnsembleMember>? Ensemble = null, Spanned<string>? Pipeline = null);

/// <summary>
/// One 'ensemble.members' entry of a lock file, with spans: its weight and its values (search-space names).
/// <paramref name="From"/> is 'spec' or 'pinned' for the study's starting trial: its values are the trainer's as that trial
/// was built, checked against the trainer rather than the space (they need not be a point of it); null for a proposal.
/// </summary>
public sealed record ParsedEnsembleMember(int Number, Spanned<double> Weight, EquatableArray<ParamSetting> Params, SourceSpan Span, Spanned<string>? From = null);

public static class LockFileParser
{
    /// <summary>The lock file's path for a spec: <c>pipeline.yaml</c> → <c>pipeline.lock.yaml</c>.</summary>
    public static string LockPathFor(string specPath)
    {
        var dot = specPath.LastIndexOf('.');
        var slash = specPath.LastIndexOfAny(new[] { '/', '\\' });
        return dot > slash ? specPath.Substring(0, dot) + ".lock" + specPath.Substring(dot) : specPath + ".lock.yaml";
    }

    /// <summary>Parses a lock file; problems become PG0211 located in the lock file. Never throws on bad input.</summary>
    public static ParsedLock? Parse(LockFileInput input, List<DiagnosticInfo> diagnostics)
    {
        var file = input.FilePath;
        var parsed = YamlTreeParser.Parse(input.Text, file);
        foreach (var d in parsed.Diagnostics)
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, d.Span,
                d.Message.Replace("The spec is not valid YAML", "it is not valid YAML").Replace("The spec", "It").TrimEnd('.') + "."));
        if (parsed.Diagnostics.Count > 0) return null;
        if (parsed.Root is not YMapping root)
        {
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, parsed.Root?.Span ?? SourceSpan.At(1, 1), "it is empty or not a mapping of keys (version, trainer, params)."));
            return null;
        }
        if (root["version"] is not YScalar version || !version.TryGetInt(out var v) || v != 1)
        {
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, root["version"]?.Span ?? root.Span, "it needs 'version: 1'."));
            return null;
        }
        if (root["trainer"] is not YScalar { IsNull: false } trainer)
        {
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, root["trainer"]?.Span ?? root.Span, "it names no 'trainer'."));
            return null;
        }
        var pinned = new List<ParamSetting>();
        if (root["params"] is YMapping parameters)
        {
            foreach (var entry in parameters.Entries)
            {
                if (entry.Value is YScalar { IsNull: false } scalar)
                    pinned.Add(new ParamSetting(new Spanned<string>(entry.Key.Value, entry.Key.Span), new Spanned<string>(scalar.Value, scalar.Span)));
                else
                    diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, entry.Value.Span, $"'params.{entry.Key.Value}' is {entry.Value.Describe()}; a pinned value is a number or true/false."));
            }
        }
        else if (root["params"] is { } other)
        {
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, other.Span, $"'params' is {other.Describe()}; it maps hyperparameter names to values."));
            return null;
        }
        var prepare = new List<ParamSetting>();
        if (root["prepare"] is YMapping preparation)
        {
            foreach (var entry in preparation.Entries)
            {
                if (entry.Value is YScalar { IsNull: false } scalar)
                    prepare.Add(new ParamSetting(new Spanned<string>(entry.Key.Value, entry.Key.Span), new Spanned<string>(scalar.Value, scalar.Span)));
                else
                    diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, entry.Value.Span, $"'prepare.{entry.Key.Value}' is {entry.Value.Describe()}; a pinned preparation value is a word, a number or true/false."));
            }
        }
        else if (root["prepare"] is { } otherPrepare)
        {
            diagnostics.Add(SpecDiagnostics.LockFileInvalid.Create(file, otherPrepare.Span, $"'prepare' is {otherPrepare.Describe()}; it maps preparation settings to values."));
            return null;
        }
        var study = (root["study"] as YMapping)?["id"] as YScalar;
        var ensemble = root["ensemble"] is { } block ? Binding.LockEnsembleParser.Parse(file, block, diagnostics) : null;
        Spanned<string>? pipeline = root["pipeline"] is YScalar { IsNull: false } name ? new Spanned<string>(name.Value, name.Span) : null;
        return new ParsedLock(file, new Spanned<string>(trainer.Value, trainer.Span), study?.Value, pinned.ToEquatableArray(),
            prepare.Count > 0 ? prepare.ToEquatableArray() : null, ensemble, pipeline);
    }
}
