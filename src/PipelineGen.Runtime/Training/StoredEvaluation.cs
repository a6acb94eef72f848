using System.Text.Json;
using System.Text.Json.Serialization;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// The last evaluation's report data and the context it was measured in, stored by <c>evaluate</c> (and <c>run</c>) at
/// <c>&lt;project&gt;/.pipelinegen/reports/&lt;name&gt;.evaluate.json</c>, beside the HTML report. Why: <c>test</c> runs in
/// another process and has no evaluation in memory; with this it can put its one look beside the cross-validated
/// estimate, and refuse to when the estimate was made for another spec, data or trainer.
/// </summary>
/// <param name="Format">File format version; a file of another version is not read.</param>
/// <param name="CreatedUtc">When the evaluation finished.</param>
/// <param name="Context">Spec hash, training data SHA-256, trainer and hyperparameters the estimate was measured with, and its run id.</param>
/// <param name="Report">What the HTML report shows.</param>
internal sealed record StoredEvaluation(int Format, DateTimeOffset CreatedUtc, EvaluationContext Context, EvaluationSnapshot Report)
{
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Default path: <c>&lt;project&gt;/.pipelinegen/reports/&lt;name&gt;.evaluate.json</c>.</summary>
    public static string DefaultPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "reports", settings.Name + ".evaluate.json");

    public static StoredEvaluation Of(EvaluationResult result, EvaluationContext context) =>
        new(CurrentFormat, DateTimeOffset.UtcNow, context, EvaluationHtml.Snapshot(result));

    /// <summary>Written atomically: a reader sees the previous evaluation or this one, never half of one.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>The stored evaluation at <paramref name="path"/>; null with the reason when there is none or it cannot be used.</summary>
    public static StoredEvaluation? TryRead(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"no evaluation is stored at '{path}'";
            return null;
        }
        try
        {
            var stored = JsonSerializer.Deserialize<StoredEvaluation>(File.ReadAllText(path), Json);
            if (stored is { Format: CurrentFormat, Report: not null, Context: not null }) return stored;
            problem = $"'{path}' was written by another version of PipelineGen (format {stored?.Format.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, expected {CurrentFormat})";
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            problem = $"'{path}' cannot be read ({e.Message})";
        }
        return null;
    }
}

/// <summary>What <see cref="TestReport.AddLook"/> did.</summary>
/// <param name="ReportPath">The report rewritten with the test column; null when it was not (see <paramref name="Reason"/>).</param>
/// <param name="Disagreements">Metrics whose test value lies outside the range expected for one look at the test rows.</param>
/// <param name="Reason">Why the look was not put beside an estimate: no evaluation, or one made for something else.</param>
internal sealed record TestReportOutcome(string? ReportPath, IReadOnlyList<string> Disagreements, string? Reason)
{
    /// <summary>The console's lines: the disagreements, or the primary metric beside its estimate (<see cref="EvaluationHtml.ConsoleNotes"/>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Puts a test look into the evaluation report beside the stored cross-validated estimate: the HTML is drawn again from
/// <see cref="StoredEvaluation"/> with the test column. An estimate measured for another spec, training data, trainer or
/// hyperparameters than the current context (or than the tested model's card) is not shown as this model's.
/// </summary>
internal static class TestReport
{
    /// <param name="settings">The pipeline's settings (where the report and the stored evaluation are).</param>
    /// <param name="current">The context of the pipeline as it is now (the one whose model was tested).</param>
    /// <param name="card">The tested model's card: its spec hash and training data must match the evaluation's too.</param>
    /// <param name="look">The look just recorded.</param>
    public static TestReportOutcome AddLook(PipelineSettings settings, EvaluationContext current, ModelCard? card, TestLook look)
    {
        var storedPath = StoredEvaluation.DefaultPath(settings);
        var stored = StoredEvaluation.TryRead(storedPath, out var problem);
        if (stored is null)
            return new(null, [], $"{problem}, so there is no cross-validated estimate to compare the test look with. Run 'evaluate' (or 'run') to measure one; the look itself is in the model card.");
        // The current spec and data must be the stored evaluation's; which trainer and values were measured is checked
        // against the tested model below (with an ensemble pinned the pipeline's own context names its single winner,
        // while both the stored evaluation and the model are the blend).
        var differences = stored.Context.DifferencesTo(card is null ? current : current with { Trainer = stored.Context.Trainer, Hyperparameters = stored.Context.Hyperparameters }).ToList();
        if (card is not null)
        {
            // The model under test may be older than the spec, tuned (another trainer or values) or an ensemble: its own
            // spec hash, data, trainer and hyperparameters must match as well (as train checks an evaluation for its card).
            var model = new EvaluationContext(card.SpecHash, card.TrainData.Sha256, EvaluationContext.TrainerLabel(card.Trainer), card.Trainer.Hyperparameters);
            // A difference the pipeline already showed is not repeated (compared before the suffix is added).
            differences.AddRange(stored.Context.DifferencesTo(model).Where(d => !differences.Contains(d)).Select(d => $"{d} (the tested model)").ToList());
        }
        if (differences.Count > 0)
            return new(null, [], $"the stored evaluation{(stored.Context.RunId is { } id ? $" (evaluate run {id})" : "")} was made for something else than the tested model: {string.Join("; ", differences)}. " +
                "Its estimate is not shown beside the test look. Run 'evaluate' again for this spec and data to compare them.");
        var figures = TestSetFigures.Of(look);
        var path = EvaluationHtml.DefaultPath(settings);
        EvaluationHtml.Write(stored.Report, path, figures);
        return new(path, EvaluationHtml.Disagreements(stored.Report.Model, stored.Report.PrimaryMetric, figures), null)
        {
            Notes = EvaluationHtml.ConsoleNotes(stored.Report.Model, stored.Report.PrimaryMetric, figures),
        };
    }
}
