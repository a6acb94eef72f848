using System.Text;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Exploration;

/// <summary>
/// Near-duplicate rows: rows that are not exact duplicates of an earlier row but equal one once each compared cell is
/// normalised (<see cref="Normalise"/>): every cell trimmed; in text columns also punctuation deleted, runs of
/// whitespace made one space and letters lower-cased. Streamed like the exact count (a hash per row, one remembered
/// first row per distinct normalised row), and each one is checked against the splits <c>evaluate</c> would make on
/// this file: exact copies are kept on one side of every split there, near copies are not.
/// </summary>
internal sealed class NearDuplicateTracker
{
    private readonly DuplicateTracker _tracker;
    private readonly int[] _compared;
    private readonly bool[] _text;
    private readonly SplitPlan? _plan;

    public NearDuplicateTracker(IReadOnlyList<ColumnSlot> slots, int[] compared, int hashCap, int maxExamples, SplitPlan? plan)
    {
        _tracker = new DuplicateTracker(hashCap, maxExamples);
        _compared = compared;
        _text = slots.Select(s => s.Mode == ProfileMode.Text).ToArray();
        _plan = plan;
    }

    public long Duplicates => _tracker.Duplicates;
    public bool Exact => _tracker.Exact;
    public IReadOnlyList<DuplicateExample> Examples => _tracker.Examples;
    /// <summary>Near-duplicates on the other side of at least one of the evaluation's splits from the row they repeat; null without a plan.</summary>
    public long? AcrossSplits => _plan is null ? null : _acrossSplits;
    private long _acrossSplits;

    /// <summary>
    /// Adds loader row <paramref name="rowIndex"/> (0-based; examples number rows from 1 as the exact ones do);
    /// <paramref name="exactDuplicate"/>: it repeats an earlier row exactly, so it is counted there, not here.
    /// </summary>
    public void Add(Cell[] cells, long rowIndex, bool exactDuplicate, Func<string> render)
    {
        var hash = RowHash.Start;
        foreach (var i in _compared) hash = RowHash.Append(hash, cells[i].Missing ? "\u0000" : Normalise(cells[i].Display, _text[i]));
        if (_tracker.Add(hash, rowIndex + 1, render, count: !exactDuplicate) is long firstNumber && !exactDuplicate && Apart(firstNumber - 1, rowIndex))
            _acrossSplits++;
    }

    // Some split validates one of the two rows and trains on the other: the model is scored on a row it nearly saw.
    private bool Apart(long a, long b) =>
        _plan is not null && _plan.Splits.Any(s => (s.IsValidation(a) && s.IsTraining(b)) || (s.IsValidation(b) && s.IsTraining(a)));

    /// <summary>
    /// The cell as near-duplicates compare it: trimmed; in a text column also with Unicode punctuation deleted, each
    /// run of whitespace made one space and every character lower-cased (invariant culture), so "Great  movie!" and
    /// " great movie" are equal, and "don't" equals "dont".
    /// </summary>
    internal static string Normalise(string value, bool text)
    {
        if (!text) return value.Trim();
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value)
        {
            if (char.IsPunctuation(c)) continue;
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>The splits <c>evaluate</c> would make on this file with the spec's settings, or null (with why) when they cannot be planned.</summary>
    public static SplitPlan? PlanSplits(PipelineSettings settings, DataScan scan, out string? why)
    {
        why = null;
        try
        {
            return SplitPlanner.Plan(scan.Keys, settings.Evaluation, settings.Task);
        }
        catch (Exception e) when (e is EvaluationException or ArgumentException or InvalidOperationException)
        {
            why = e.Message;
            return null;
        }
    }
}
