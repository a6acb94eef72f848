using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>A metric estimate from an evaluation protocol: mean, spread and 95% interval over splits (null with a single split).</summary>
/// <remarks><c>Splits</c>: splits the metric was measured on; with <c>ValidationRows</c> (mean validation rows per split) it
/// gives the range a test look is expected in. Both null in cards written before they were recorded.</remarks>
// UndefinedSplits: splits where the metric was undefined (the mean is over the others); null when not recorded (unknown, not 0).
internal sealed record MetricEstimate(double Mean, double? Std = null, double? CiLow = null, double? CiHigh = null, int? Splits = null, double? ValidationRows = null, int? UndefinedSplits = null);

/// <summary>What the evaluate/baseline steps measured, handed to <c>train</c> so the card records it.</summary>
internal sealed record EvaluationSummary
{
    /// <summary>Human-readable protocol, e.g. "5-fold, stratified, seed 42".</summary>
    public required string Protocol { get; init; }
    public required string Metric { get; init; }
    public required IReadOnlyDictionary<string, MetricEstimate> Metrics { get; init; }
    public string? BaselineStrategy { get; init; }
    public IReadOnlyDictionary<string, MetricEstimate>? Baseline { get; init; }
    /// <summary>
    /// What the measured pipeline was: spec hash, training data hash, trainer and hyperparameters. <c>train</c> puts the
    /// metrics in the card only when they match the model it trains. Null: the caller vouches for the match (typed API).
    /// </summary>
    public EvaluationContext? Context { get; init; }
}

/// <summary>What determines an evaluation's result, compared with the model being trained.</summary>
internal sealed record EvaluationContext(
    string? SpecHash, string? DataSha256, string? Trainer, IReadOnlyDictionary<string, string>? Hyperparameters, string? RunId = null)
{
    /// <summary>
    /// How a trainer is named in a context: its spec name ("lightgbm"). Contexts stored before hyperparameters came from
    /// the settings name it "lightgbm (LightGbmBinaryTrainer)" and list ML.NET's option field names: they compare as
    /// different (by trainer and by name), so an old evaluation is not taken for this model's; 'evaluate' again to match.
    /// </summary>
    public static string TrainerLabel(TrainerDescription trainer) => trainer.Type is null ? trainer.Name : $"{trainer.Name} ({trainer.Type})";

    /// <summary>Human-readable differences from <paramref name="other"/> (this → other); empty when they match.</summary>
    public IReadOnlyList<string> DifferencesTo(EvaluationContext other)
    {
        var differences = new List<string>();
        static string Short(string? hash) => hash is null ? "(not recorded)" : hash.Length > 12 ? hash[..12] + "…" : hash;
        if (SpecHash != other.SpecHash) differences.Add($"spec hash {Short(SpecHash)} → {Short(other.SpecHash)}");
        if (DataSha256 != other.DataSha256) differences.Add($"training data SHA-256 {Short(DataSha256)} → {Short(other.DataSha256)}");
        if (Trainer != other.Trainer) differences.Add($"trainer {Trainer ?? "(not recorded)"} → {other.Trainer ?? "(not recorded)"}");
        if (Hyperparameters is null || other.Hyperparameters is null)
        {
            if (Hyperparameters != other.Hyperparameters) differences.Add("hyperparameters were not recorded");
        }
        else
            foreach (var key in Hyperparameters.Keys.Union(other.Hyperparameters.Keys).Order(StringComparer.Ordinal))
                if (Hyperparameters.GetValueOrDefault(key) is var a && other.Hyperparameters.GetValueOrDefault(key) is var b && a != b)
                    differences.Add($"{key} {a ?? "-"} → {b ?? "-"}");
        return differences;
    }
}

internal sealed record DataFingerprint(string Path, string Sha256, long Rows);

/// <summary>The trainer as the card shows it (see <see cref="TrainerHyperparameters"/>).</summary>
/// <param name="Name">The spec's trainer name.</param>
/// <param name="Type">The ML.NET trainer type, in cards written before hyperparameters came from the settings; null now.</param>
/// <param name="Hyperparameters">Spec name → value, in catalog order; empty when the pipeline declares none.</param>
internal sealed record TrainerDescription(string Name, string? Type, IReadOnlyDictionary<string, string> Hyperparameters)
{
    /// <summary>Why no hyperparameters are listed (the pipeline declares none); null when they are.</summary>
    public string? Note { get; init; }
}

internal sealed record PreparationSummary(int? FeatureSlots, IReadOnlyDictionary<string, int> CategoryCounts, IReadOnlyList<string> Learned)
{
    /// <summary>Each text feature column's featurisation as fitted (n-grams, weighting, normalisation); null without text features.</summary>
    public IReadOnlyList<Preparation.TextFeaturization>? Text { get; init; }
}

/// <summary>One look at the test set.</summary>
internal sealed record TestLook(
    DateTimeOffset AtUtc,
    string DataPath,
    string DataSha256,
    long Rows,
    string ModelSha256,
    bool Forced,
    IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Binary: the spec's task.threshold its accuracy, f1, precision and recall were counted at; null: the model's own decision.</summary>
    public double? DecisionThreshold { get; init; }
    /// <summary>Date features: how each date column was read (its declared format, or the loader's reading) and the training period; null: none.</summary>
    public IReadOnlyList<DateColumnCard>? Dates { get; init; }
    /// <summary>Each metric's bootstrap standard error over the test rows (<see cref="Evaluation.TestLookBootstrap"/>); null in looks recorded before it was.</summary>
    public IReadOnlyDictionary<string, double>? StandardErrors { get; init; }
    /// <summary>The primary metric beside the card's estimate when the look was taken; null when the card held no estimate.</summary>
    public TestLookCheck? EstimateCheck { get; init; }
}

/// <summary>What <c>test</c> concluded when it set its look beside the card's estimate (<see cref="Evaluation.TestLookRange"/>).</summary>
/// <param name="Metric">The card's primary metric.</param>
/// <param name="Placement"><c>inside</c>, <c>worse</c> or <c>better</c> than the range expected for one look, or <c>no-range</c> when none could be computed.</param>
/// <param name="Text">The sentence printed (and, when outside, what to check).</param>
internal sealed record TestLookCheck(string Metric, string Placement, string Text)
{
    public static TestLookCheck Of(Evaluation.TestLookComparison comparison) => new(comparison.Metric, comparison.Placement switch
    {
        Evaluation.TestLookPlacement.Inside => "inside",
        Evaluation.TestLookPlacement.Outside => comparison.Worse ? "worse" : "better",
        _ => "no-range",
    }, comparison.Text);
}

/// <summary>Everything needed to know what a saved model is and how it was made. Stored beside the model as JSON and Markdown.</summary>
internal sealed record ModelCard
{
    public required string Name { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public string? SpecHash { get; init; }
    public required string Task { get; init; }
    public required string LabelColumn { get; init; }
    public required string Metric { get; init; }
    public required DataFingerprint TrainData { get; init; }
    public required string ModelFile { get; init; }
    public required string ModelSha256 { get; init; }
    public required IReadOnlyDictionary<string, string> Packages { get; init; }
    public required string Protocol { get; init; }
    public IReadOnlyDictionary<string, MetricEstimate>? Metrics { get; init; }
    public string? BaselineStrategy { get; init; }
    public IReadOnlyDictionary<string, MetricEstimate>? Baseline { get; init; }
    public required TrainerDescription Trainer { get; init; }
    public required PreparationSummary Preparation { get; init; }
    /// <summary>The trainer's capacity and what decided it (the spec, or the capacity curve in <c>run</c>); null without a capacity knob.</summary>
    public CapacityChoice? Capacity { get; init; }
    /// <summary>Every look at the test set, kept across retraining so the test-once lock survives a new model.</summary>
    public IReadOnlyList<TestLook> TestLooks { get; init; } = [];
    /// <summary>Classification: the label values the model was trained on (a test file with other values cannot be scored).</summary>
    public IReadOnlyList<string>? LabelValues { get; init; }
    /// <summary>Why <see cref="Metrics"/> is empty when an evaluation existed but was for another spec, data or hyperparameters.</summary>
    public string? NotEvaluatedReason { get; init; }
    /// <summary>Set when the metrics could not be checked against this model (an evaluation summary without a context).</summary>
    public string? EvaluationNote { get; init; }
    /// <summary>The evaluate run whose metrics are in <see cref="Metrics"/>, when known.</summary>
    public string? EvaluationRunId { get; init; }
    /// <summary>The spec's quality gates as checked for this model (null: the spec has no gates section).</summary>
    public IReadOnlyList<Gates.GateResult>? Gates { get; init; }
    /// <summary>This model's primary-metric scores split by split, so a later model can be compared on the same folds.</summary>
    public Gates.ModelEvidence? Evidence { get; init; }
    /// <summary>Whether this version was made current when it was trained, and why.</summary>
    public Gates.PromotionDecision? Promotion { get; init; }
    /// <summary>The tuning study the hyperparameters (or the ensemble) came from, with its honest estimate; null for an untuned model.</summary>
    public TuningProvenance? Tuning { get; init; }
    /// <summary>Dense network only: epochs run, the epoch kept and why training stopped (Networks/Integration).</summary>
    public Networks.Integration.NetworkTrainingRecord? Network { get; init; }
    /// <summary>Binary: the spec's task.threshold, which predict applies and the evaluation's accuracy, f1, precision and recall count; null: none.</summary>
    public double? DecisionThreshold { get; init; }
    /// <summary>Date features: how each date column was read (its declared format, or the loader's reading) and the training period; null: none.</summary>
    public IReadOnlyList<DateColumnCard>? Dates { get; init; }

    public static string JsonPath(string modelPath) => Path.ChangeExtension(modelPath, ".card.json");
    public static string MarkdownPath(string modelPath) => Path.ChangeExtension(modelPath, ".card.md");

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The card of the model unit <paramref name="modelPath"/> names (through its pointer, see <see cref="ModelStore.Resolve"/>); null when there is none.</summary>
    public static ModelCard? TryRead(string modelPath)
    {
        var path = JsonPath(ModelStore.Resolve(modelPath));
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model card '{path}' is not valid JSON ({e.Message}). Retrain to rewrite it, or fix the file.", e);
        }
    }

    /// <summary>Writes both card files atomically (JSON first: it is the one the test lock reads).</summary>
    public void Write(string modelPath)
    {
        AtomicFile.WriteAllText(JsonPath(modelPath), JsonSerializer.Serialize(this, Json));
        ModelStore.Fault("card-json-written");
        AtomicFile.WriteAllText(MarkdownPath(modelPath), ToMarkdown());
    }

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Model card: {Name}");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Trained (UTC): {CreatedUtc.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        sb.AppendLine(inv, $"- Task: {Task}, label `{LabelColumn}`, metric `{Metric}`");
        sb.AppendLine(inv, $"- Spec hash: {SpecHash ?? "(not provided)"}");
        sb.AppendLine(inv, $"- Training data: `{TrainData.Path}` ({TrainData.Rows} rows), SHA-256 `{TrainData.Sha256}`");
        sb.AppendLine(inv, $"- Model file: `{ModelFile}`, SHA-256 `{ModelSha256}`");
        sb.AppendLine(inv, $"- Packages: {string.Join(", ", Packages.Select(p => $"{p.Key} {p.Value}"))}");
        sb.AppendLine(inv, $"- Protocol: {Protocol}");
        sb.AppendLine();
        sb.AppendLine("## Trainer");
        sb.AppendLine();
        sb.AppendLine(inv, $"{Trainer.Name}{(Trainer.Type is null ? "" : $" (`{Trainer.Type}`)")}");
        sb.AppendLine();
        if (Trainer.Hyperparameters.Count > 0)
        {
            sb.AppendLine("| hyperparameter | value |");
            sb.AppendLine("|---|---|");
            foreach (var (key, value) in Trainer.Hyperparameters) sb.AppendLine(inv, $"| {key} | {value} |");
            sb.AppendLine();
        }
        if (Trainer.Note is { } trainerNote)
        {
            sb.AppendLine(trainerNote);
            sb.AppendLine();
        }
        if (Capacity is { } capacity)
        {
            sb.AppendLine(inv, $"Capacity: {capacity.Parameter}={capacity.Used} ({capacity.Source}). {capacity.Reason}");
            sb.AppendLine();
        }
        if (Network is { } network)
        {
            sb.AppendLine(network.Describe());
            sb.AppendLine();
        }
        if (Tuning is { } tuning)
        {
            sb.AppendLine("## Tuning");
            sb.AppendLine();
            sb.AppendLine(tuning.Describe());
            sb.AppendLine();
        }
        sb.AppendLine("## Evaluation");
        sb.AppendLine();
        if (Metrics is null && NotEvaluatedReason is not null)
            sb.AppendLine(inv, $"**This model was not evaluated.** {NotEvaluatedReason} Run `evaluate` and then `train` (or `run`) to record metrics that belong to this model.");
        else if (Metrics is null)
            sb.AppendLine("No evaluation summary was given to `train` (run `evaluate`, or `run`, to record one).");
        else
        {
            if (System.Enum.TryParse<MlTaskKind>(Task, out var kind) && Training.DecisionThreshold.CountedAt(kind, DecisionThreshold) is { } countedAt)
                sb.AppendLine($"Decisions: {countedAt}.").AppendLine();
            sb.AppendLine("| metric | model mean | std | 95% interval | baseline mean |");
            sb.AppendLine("|---|---|---|---|---|");
            // A metric of the task without an estimate was undefined on every split (e.g. precision of a model that called
            // no row positive): its row says so instead of disappearing, and an undefined baseline is not left blank.
            bool known = System.Enum.TryParse<MlTaskKind>(Task, out var taskKind);
            // An evaluation (which also gives the baseline) measures every metric of the task, so one missing from it was
            // undefined; without a baseline only the metrics given, and the primary one, are listed.
            var names = known ? Evaluation.MetricCatalog.For(taskKind).Where(n => Baseline is not null || Metrics.ContainsKey(n) || n == Metric).ToList() : [];
            names.AddRange(Metrics.Keys.Where(k => !names.Contains(k)));
            foreach (var key in names)
            {
                string undefined = Evaluation.MetricComputer.UndefinedText(key);
                var baseline = Baseline is not null && Baseline.TryGetValue(key, out var b) ? b.Mean.ToString("0.####", inv) : Baseline is null ? "" : undefined;
                if (!Metrics.TryGetValue(key, out var m))
                {
                    sb.AppendLine(inv, $"| {key} | {undefined} | - | - | {baseline} |");
                    continue;
                }
                var interval = m.CiLow is { } low && m.CiHigh is { } high ? string.Create(inv, $"[{low:0.####}, {high:0.####}]") : "-";
                var std = m.Std is { } s ? s.ToString("0.####", inv) : "-";
                sb.AppendLine(inv, $"| {key} | {m.Mean:0.####} | {std} | {interval} | {baseline} |");
            }
            if (BaselineStrategy is not null) sb.AppendLine().AppendLine(inv, $"Baseline strategy: {BaselineStrategy}.");
            if (EvaluationRunId is not null) sb.AppendLine().AppendLine(inv, $"Measured by evaluate run `{EvaluationRunId}` for this spec hash, training data and hyperparameters.");
            if (EvaluationNote is not null) sb.AppendLine().AppendLine(EvaluationNote);
        }
        sb.AppendLine();
        if (Gates is not null)
        {
            sb.AppendLine("## Gates");
            sb.AppendLine();
            if (Gates.Count == 0) sb.AppendLine("The spec declares an empty gates list: only the comparison with the current model applies.");
            else
            {
                sb.AppendLine("| gate | result | measured (95% interval over the splits) | spec line |");
                sb.AppendLine("|---|---|---|---|");
                foreach (var g in Gates)
                    sb.AppendLine(inv, $"| {g.Gate} | {(g.Passed ? "pass" : "**FAIL**")} | {g.Message} | {g.SpecFile}:{g.Line} |");
            }
            sb.AppendLine();
            if (Promotion is { } promotion)
                sb.AppendLine(inv, $"{(promotion.Promoted ? "Made current" : "**Kept as a candidate (not current)**")}: {promotion.Reason}").AppendLine();
        }
        sb.AppendLine("## Preparation (learned on the training data)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Feature vector slots: {(Preparation.FeatureSlots?.ToString(inv) ?? "unknown")}");
        foreach (var date in Dates ?? []) sb.AppendLine(inv, $"- {date.Describe()}");
        foreach (var (column, count) in Preparation.CategoryCounts) sb.AppendLine(inv, $"- `{column}`: {count} categories");
        foreach (var text in Preparation.Text ?? []) sb.AppendLine(inv, $"- `{text.Column}` (text): {text.Describe()}");
        foreach (var note in Preparation.Learned) sb.AppendLine(inv, $"- {note}");
        sb.AppendLine();
        sb.AppendLine("## Test set");
        sb.AppendLine();
        if (TestLooks.Count == 0)
            sb.AppendLine("Not evaluated yet. `test` evaluates it once; later looks need `--force` and are recorded here.");
        for (var i = 0; i < TestLooks.Count; i++)
        {
            var look = TestLooks[i];
            var kind = i == 0 ? "first look" : look.Forced ? $"look #{i + 1} (forced: the test set had been seen)" : $"look #{i + 1} (different test data)";
            sb.AppendLine(string.Create(inv, $"- {look.AtUtc.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, {kind}: `{look.DataPath}` ({look.Rows} rows, SHA-256 `{look.DataSha256}`), model SHA-256 `{look.ModelSha256}`: ") +
                string.Join(", ", look.Metrics.Select(m => string.Create(inv, $"{m.Key} {m.Value:0.####}")))
                + (look.DecisionThreshold is double t ? string.Create(inv, $" (decisions at Probability >= {t}, task.threshold)") : ""));
            if (BesideEstimate(look) is { } beside) sb.AppendLine(inv, $"  - {beside}");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The look's primary metric beside this card's cross-validated estimate: inside or outside the range expected for one
    /// look at its rows (<see cref="Evaluation.TestLookRange"/>), or why there is none; null when the card holds no estimate for it.
    /// </summary>
    public string? BesideEstimate(TestLook look) => CompareWithEstimate(look) is { } comparison ? comparison.Markdown + "." : null;

    /// <summary>The look's primary metric beside this card's estimate, through the look's own standard error when it has one; null without an estimate.</summary>
    public Evaluation.TestLookComparison? CompareWithEstimate(TestLook look)
    {
        if (Metrics is null || !Metrics.TryGetValue(Metric, out var estimate) || !look.Metrics.TryGetValue(Metric, out var test)) return null;
        double? error = look.StandardErrors is { } errors && errors.TryGetValue(Metric, out var e) ? e : null;
        return Evaluation.TestLookRange.Compare(Metric, test, look.Rows, estimate.Mean, estimate.Std, estimate.Splits, estimate.ValidationRows,
            v => v.ToString("0.####", CultureInfo.InvariantCulture), error);
    }

    /// <summary>Versions of the packages that made the model (informational version without the commit suffix).</summary>
    public static IReadOnlyDictionary<string, string> PackageVersions() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["Microsoft.ML"] = VersionOf(typeof(MLContext).Assembly),
        ["Microsoft.ML.FastTree"] = VersionOf(typeof(Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer).Assembly),
        ["Microsoft.ML.LightGbm"] = VersionOf(typeof(Microsoft.ML.Trainers.LightGbm.LightGbmRegressionTrainer).Assembly),
        ["PipelineGen.Runtime"] = VersionOf(typeof(ModelCard).Assembly),
        [".NET"] = Environment.Version.ToString(),
    };

    private static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is null ? assembly.GetName().Version?.ToString() ?? "unknown" : informational.Split('+')[0];
    }
}

internal static class FileHash
{
    /// <summary>SHA-256 of a file, streamed, as lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>One date feature column on the card: the format its values were read with, and the training period it covers.</summary>
/// <param name="Column">The date column's name.</param>
/// <param name="Format">The declared format (<c>data.columns.NAME.format</c>); null: read as the loader reads dates (ISO 8601; numeric dates month-first).</param>
/// <param name="Earliest">The earliest training date (UTC); null when the column had no dates.</param>
/// <param name="Latest">The latest training date (UTC).</param>
/// <param name="Ambiguity">Without a format: the scan's warning that the column's dates read either way; null otherwise.</param>
internal sealed record DateColumnCard(string Column, string? Format, DateTime? Earliest, DateTime? Latest, string? Ambiguity = null)
{
    /// <summary>The date feature columns, with the scan's ambiguity warnings; the period is added once the profile exists (<see cref="WithPeriods"/>).</summary>
    public static IReadOnlyList<DateColumnCard>? Of(PipelineSettings settings, IReadOnlyList<KeyValuePair<string, string>> ambiguous)
    {
        var dates = settings.Columns.Where(c => c.Kind == ColumnKind.DateTime && c.Role == ColumnRole.Feature)
            .Select(c => new DateColumnCard(c.Name, c.DateFormat, null, null, ambiguous.FirstOrDefault(a => a.Key == c.Name).Value))
            .ToArray();
        return dates.Length == 0 ? null : dates;
    }

    public static IReadOnlyList<DateColumnCard>? WithPeriods(IReadOnlyList<DateColumnCard>? dates, TrainingProfile profile) =>
        dates?.Select(d => profile.Columns.TryGetValue(d.Column, out var p) ? d with { Earliest = p.Earliest, Latest = p.Latest } : d).ToArray();

    public string Describe() =>
        $"`{Column}`: dates read {(Format is null ? "as ISO 8601 (numeric dates month-first)" : $"in the format `{Format}`")}"
        + (Earliest is { } from && Latest is { } to ? $"; training period {TrainingProfile.Format(from)} to {TrainingProfile.Format(to)} (UTC)" : "")
        + (Ambiguity is { } warning ? $". **Warning**: {warning}" : "");
}
