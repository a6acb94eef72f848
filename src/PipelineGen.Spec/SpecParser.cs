using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Model;
using PipelineGen.Spec.Schema;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec;

/// <summary>The result of parsing one spec file: the model when it is usable, and every diagnostic found.</summary>
/// <param name="ContentHash">Hash of the spec's content without comments or layout: what a model card records.</param>
public sealed record ParsedSpec(string FilePath, PipelineSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, string ContentHash = "")
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);

    /// <summary>Name, task and declared column types as written, even when the spec has errors (see <see cref="SpecOutline"/>).</summary>
    public SpecOutline? Outline { get; init; }
}

/// <summary>YAML text → <see cref="ParsedSpec"/>: syntax, shape (keys, types, allowed values), version, name. Never throws on bad input.</summary>
public static class SpecParser
{
    public static ParsedSpec Parse(string text, string filePath)
    {
        var result = ParseUncapped(text, filePath);
        return result.Diagnostics.Count <= DiagnosticLimit.MaxPerSpec ? result : result with { Diagnostics = DiagnosticLimit.Cap(result.Diagnostics, filePath) };
    }

    /// <summary>A map of hyperparameter name → range or values (tune.space, or one trainer under tune.trainers).</summary>
    /// <summary>A list-valued hyperparameter (dense <c>layers</c>): its items with their spans, and their text joined by commas.</summary>
    private static ParamSetting ListParam(YScalar key, YSequence list)
    {
        var items = list.Items.OfType<YScalar>().Select(i => new Spanned<string>(i.Value, i.Span)).ToEquatableArray();
        return new ParamSetting(new Spanned<string>(key.Value, key.Span), new Spanned<string>(string.Join(",", items.Select(i => i.Value)), list.Span), items);
    }

    private static EquatableArray<SearchDimension> Dimensions(YMapping? map) =>
        (map?.Entries ?? (IEnumerable<YEntry>)System.Array.Empty<YEntry>()).Select(e =>
        {
            var d = e.Value as YMapping;
            return new SearchDimension(new Spanned<string>(e.Key.Value, e.Key.Span), Double(d, "min"), Double(d, "max"),
                d?.GetString("scale") ?? "linear", d?["values"].Scalars().Select(s => s.Value).ToEquatableArray() ?? EquatableArray<string>.Empty, e.Value.Span);
        }).ToEquatableArray();

    private static ParsedSpec ParseUncapped(string text, string filePath)
    {
        var parsed = YamlTreeParser.Parse(text, filePath);
        var diagnostics = parsed.Diagnostics.ToList();
        if (parsed.Root is null)
        {
            if (diagnostics.Count == 0)
                diagnostics.Add(SpecDiagnostics.MissingKey.Create(filePath, SourceSpan.At(1, 1), "version", "the spec", "version: 1 (the spec file is empty)"));
            // Not valid YAML: the part before the error may still name the pipeline, so its public types can be emitted.
            var firstError = diagnostics.Select(d => d.Span.StartLine).Where(l => l > 0).DefaultIfEmpty(0).Min();
            return new ParsedSpec(filePath, null, diagnostics.ToEquatableArray()) { Outline = firstError > 1 ? SpecOutline.ReadBefore(text, firstError, filePath) : null };
        }
        if (parsed.Root is not YMapping root)
        {
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, parsed.Root.Span, "the spec", $"a spec is a mapping of keys (version, name, task, data, ...) but found {parsed.Root.Describe()}."));
            return new ParsedSpec(filePath, null, diagnostics.ToEquatableArray());
        }

        // An unsupported version makes every other message unreliable: report it alone.
        if (root["version"] is YScalar versionNode && !versionNode.IsNull && !(versionNode.TryGetInt(out var version) && version == SpecShape.CurrentVersion))
        {
            diagnostics.Add(SpecDiagnostics.UnsupportedVersion.Create(filePath, versionNode.Span, versionNode.Value, SpecShape.CurrentVersion));
            return new ParsedSpec(filePath, null, diagnostics.ToEquatableArray()) { Outline = SpecOutline.Read(root) };
        }

        ShapeValidator.Validate(root, SpecShape.Root, "", filePath, diagnostics);

        var nameNode = root["name"] as YScalar;
        if (nameNode is { IsNull: false } && nameNode.Value.Length > MaxNameLength)
            diagnostics.Add(SpecDiagnostics.NameTooLong.Create(filePath, nameNode.Span, DiagnosticLimit.Excerpt(nameNode.Value), nameNode.Value.Length, MaxNameLength));
        else if (nameNode is { IsNull: false } && !IsIdentifier(nameNode.Value))
            diagnostics.Add(SpecDiagnostics.InvalidName.Create(filePath, nameNode.Span, DiagnosticLimit.Excerpt(nameNode.Value)));

        if (root.Get("data.separator") is YScalar { IsNull: false } sepNode && sepNode.Value is not ("\\t" or "tab") && sepNode.Value.Length != 1)
            diagnostics.Add(SpecDiagnostics.InvalidValue.Create(filePath, sepNode.Span, "data.separator", $"a separator is one character (or '\\t' for tab); got '{sepNode.Value}'."));

        ColumnNames.Check(root, filePath, diagnostics);

        var spec = diagnostics.Any(d => d.Severity == Severity.Error) ? null : Build(root, filePath);
        return new ParsedSpec(filePath, spec, diagnostics.ToEquatableArray(), ContentHash(root)) { Outline = SpecOutline.Read(root) };
    }

    private static PipelineSpec Build(YMapping root, string filePath)
    {
        var task = (YMapping)root["task"]!;
        var data = (YMapping)root["data"]!;
        TaskKinds.TryParse(task.GetString("kind"), out var kind);

        var train = Spanned(data, "train")!.Value;
        var format = data.GetString("format") ?? (train.Value.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? "tsv" : "csv");
        var separator = data.GetString("separator") is { Length: > 0 } sep ? Unescape(sep) : format == "tsv" ? '\t' : ',';

        var columns = (data["columns"] as YMapping)?.Entries.Select(e =>
        {
            var m = e.Value as YMapping;
            return new ColumnOverride(new Spanned<string>(e.Key.Value, e.Key.Span), Spanned(m, "type"), Spanned(m, "role"), Spanned(m, "missing"), Spanned(m, "format"),
                m?["missing_values"] is YSequence own ? own.Scalars().Select(s => new Spanned<string>(s.Value, s.Span)).ToEquatableArray() : EquatableArray<Spanned<string>>.Empty);
        }).ToEquatableArray() ?? EquatableArray<ColumnOverride>.Empty;

        var prepare = root["prepare"] as YMapping;
        var text = prepare?["text"] as YMapping;
        var augment = prepare?["augment"] as YMapping;
        var evaluate = root["evaluate"] as YMapping;
        var model = root["model"] as YMapping;
        var tune = root["tune"] as YMapping;
        var deploy = root["deploy"] as YMapping;

        var featuresNode = data["features"];
        return new PipelineSpec(
            filePath,
            Spanned(root, "name")!.Value,
            new TaskSection(new Spanned<TaskKind>(kind, task["kind"]!.Span), Spanned(task, "label")!.Value, Spanned(task, "positive_class"),
                task["threshold"] is YScalar threshold && threshold.TryGetDouble(out var thresholdValue) ? new Spanned<double>(thresholdValue, threshold.Span) : null),
            new DataSection(
                train,
                Spanned(data, "test"),
                separator,
                Bool(data, "header") ?? true,
                data["missing_values"] is YSequence tokens ? tokens.Scalars().Select(s => s.Value).ToEquatableArray() : SpecShape.DefaultMissingTokens.ToEquatableArray(),
                data.GetString("bad_rows") ?? "fail",
                featuresNode is YSequence ? featuresNode.Scalars().Select(s => new Spanned<string>(s.Value, s.Span)).ToEquatableArray() : null,
                featuresNode?.Span ?? SourceSpan.None,
                columns) { Names = ColumnNames.Read(data) },
            Spanned(root, "metric") is { Value: not "auto" } metric ? metric : null,
            new PrepareSection(
                prepare?.GetString("normalize") ?? "auto",
                prepare?.GetString("numeric_missing") ?? "mean",
                Bool(prepare, "missing_indicators") ?? true,
                prepare?.GetString("categorical_encoding") ?? "onehot",
                Int(prepare, "hash_bits") ?? 16,
                Int(text, "word_ngrams") ?? 2,
                Int(text, "char_ngrams") ?? 3,
                augment is null ? null : new AugmentSection(
                    augment["blank_columns"].Scalars().Select(s => new Spanned<string>(s.Value, s.Span)).ToEquatableArray(),
                    Double(augment, "fraction") ?? 0.1)),
            new EvaluateSection(
                evaluate?.GetString("protocol") ?? "kfold",
                Int(evaluate, "folds") ?? 5,
                Int(evaluate, "repeats") ?? (evaluate?.GetString("protocol") == "repeated_kfold" ? 3 : 1),
                Double(evaluate, "holdout_fraction") ?? 0.2,
                Bool(evaluate, "stratify") ?? true,
                Int(evaluate, "seed") ?? 42,
                evaluate?.Find("repeats")?.Key.Span ?? SourceSpan.None,
                evaluate?.GetString("duplicates") ?? "group"),
            Spanned(root["baseline"] as YMapping, "strategy") ?? new Spanned<string>("auto", SourceSpan.None),
            new ModelSection(
                Spanned(model, "trainer") ?? new Spanned<string>(TrainerCatalog.DefaultTrainer, SourceSpan.None),
                (model?["params"] as YMapping)?.Entries
                    .Select(e => e.Value is YSequence list
                        ? ListParam(e.Key, list)
                        : new ParamSetting(new Spanned<string>(e.Key.Value, e.Key.Span), new Spanned<string>(((YScalar)e.Value).Value, e.Value.Span)))
                    .ToEquatableArray() ?? EquatableArray<ParamSetting>.Empty,
                Spanned(model, "capacity")),
            tune is null ? null : new TuneSection(
                tune.GetString("strategy") ?? "random",
                Int(tune, "trials"),
                Spanned(tune, "metric"),
                Dimensions(tune["space"] as YMapping),
                SpaceGiven: tune.Find("space") is not null,
                SpaceSpan: tune.Find("space")?.Key.Span ?? SourceSpan.None,
                Trainers: tune.Find("trainers") is { } trainers
                    ? ((trainers.Value as YMapping)?.Entries ?? (IEnumerable<YEntry>)System.Array.Empty<YEntry>()).Select(e => new SearchBranch(new Spanned<string>(e.Key.Value, e.Key.Span), Dimensions(e.Value as YMapping))).ToEquatableArray()
                    : null,
                Prepare: (tune["prepare"] as YMapping)?.Entries
                    .Select(e => new PrepareChoiceSetting(new Spanned<string>(e.Key.Value, e.Key.Span), e.Value.Scalars().Select(v => v.Value).ToEquatableArray()))
                    .ToEquatableArray(),
                Span: root.Find("tune")!.Key.Span,
                // On by default: the cross-fitted keep rule delivered no loss over the single winner (benchmarks §9b).
                Ensemble: Bool(tune, "ensemble") ?? true,
                Honest: tune.GetString("honest") ?? "holdout",
                OuterFolds: Int(tune, "outer_folds"),
                EnsembleSpan: tune.Find("ensemble")?.Value.Span ?? SourceSpan.None,
                OuterFoldsSpan: tune.Find("outer_folds")?.Value.Span ?? SourceSpan.None,
                HalvingBudget: Spanned(tune, "halving_budget")),
            new DeploySection(Int(deploy?["rest"] as YMapping, "port") ?? (deploy?["rest"] is YMapping ? 5000 : null), Bool(deploy, "onnx") ?? false,
                deploy?.Find("onnx")?.Value.Span ?? SourceSpan.None, prepare?.Find("numeric_missing")?.Value.Span ?? SourceSpan.None),
            Gates(root["gates"]));
    }

    // 'gates:' absent → null (no gates, no promotion check); 'gates: []' → empty (only the comparison with the current model).
    private static EquatableArray<GateSpec>? Gates(YNode? node)
    {
        if (node is not YSequence list) return node is YScalar { IsNull: true } ? EquatableArray<GateSpec>.Empty : null;
        return list.Items.OfType<YMapping>().Select(g =>
        {
            var given = new[] { "min", "max", "min_improvement" }.Where(k => g[k] is YScalar { IsNull: false }).ToArray();
            var kind = given.Length == 1 ? given[0] : null;
            return new GateSpec(Spanned(g, "metric")!.Value, kind, kind is null ? 0 : Double(g, kind) ?? 0,
                kind is null ? g.Span : g.Find(kind)!.Key.Span, given.Length, Spanned(g, "class"), Spanned(g, "group"), g.Span,
                Spanned(g, "require")?.Value ?? "mean");
        }).ToEquatableArray();
    }

    private static Spanned<string>? Spanned(YMapping? map, string key) =>
        map?[key] is YScalar { IsNull: false } s ? new Spanned<string>(s.Value, s.Span) : null;

    private static int? Int(YMapping? map, string key) => map?[key] is YScalar s && s.TryGetInt(out var v) ? v : null;
    private static double? Double(YMapping? map, string key) => map?[key] is YScalar s && s.TryGetDouble(out var v) ? v : null;
    private static bool? Bool(YMapping? map, string key) => map?[key] is YScalar s && s.TryGetBool(out var v) ? v : null;

    private static char Unescape(string separator) => separator switch
    {
        "\\t" or "tab" => '\t',
        _ => separator[0],
    };

    /// <summary>
    /// The longest pipeline name: it prefixes generated class names and names the generated file, and C# limits metadata
    /// names to 1,023 UTF-8 bytes (a longer one crashed the compiler with only "csc exited with code 1").
    /// </summary>
    public const int MaxNameLength = 128;

    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>SHA-256 over a canonical form of the tree (keys, values, nesting), so comments and layout do not change it.</summary>
    public static string ContentHash(YNode root)
    {
        var canonical = new System.Text.StringBuilder();
        void Write(YNode node)
        {
            switch (node)
            {
                case YScalar s: canonical.Append('"').Append(s.Value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"'); break;
                case YSequence q: canonical.Append('['); foreach (var item in q.Items) { Write(item); canonical.Append(','); } canonical.Append(']'); break;
                case YMapping m: canonical.Append('{'); foreach (var e in m.Entries) { Write(e.Key); canonical.Append(':'); Write(e.Value); canonical.Append(','); } canonical.Append('}'); break;
            }
        }
        Write(root);
        using var sha = System.Security.Cryptography.SHA256.Create();
        var bytes = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(canonical.ToString()));
        return string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
