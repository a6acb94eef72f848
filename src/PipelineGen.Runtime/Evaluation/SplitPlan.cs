using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>One training/validation split of the loader's rows.</summary>
public sealed class DataSplit
{
    private readonly int[] _assignment; // per row: fold id, or -1 for rows left out of every split
    private readonly int _validationFold;

    internal DataSplit(int repeat, int fold, int[] assignment, int validationFold)
    {
        Repeat = repeat;
        Fold = fold;
        _assignment = assignment;
        _validationFold = validationFold;
        foreach (int a in assignment)
        {
            if (a == validationFold) ValidationRowCount++;
            else if (a >= 0) TrainingRowCount++;
        }
    }

    public int Repeat { get; }
    public int Fold { get; }
    public long TrainingRowCount { get; }
    public long ValidationRowCount { get; }

    public bool IsValidation(long row) => _assignment[row] == _validationFold;
    public bool IsTraining(long row) => _assignment[row] >= 0 && _assignment[row] != _validationFold;

    /// <summary>The training rows of <paramref name="data"/> (a view in loader row order), streamed.</summary>
    public IDataView Training(IDataView data) => new RowFilterDataView(data, IsTraining, TrainingRowCount);

    /// <summary>The validation rows of <paramref name="data"/>, streamed.</summary>
    public IDataView Validation(IDataView data) => new RowFilterDataView(data, IsValidation, ValidationRowCount);

    public override string ToString() => $"repeat {Repeat + 1}, fold {Fold + 1}";
}

/// <summary>All splits of one evaluation protocol, and what the planner had to do to keep them honest.</summary>
public sealed class SplitPlan
{
    public required EvaluationProtocol Protocol { get; init; }
    public required IReadOnlyList<DataSplit> Splits { get; init; }
    public required bool Stratified { get; init; }
    /// <summary>Rows that took part (all rows minus excluded ones).</summary>
    public required long RowCount { get; init; }
    /// <summary>Units kept whole: rows joined by a shared group value or by identical content.</summary>
    public required int UnitCount { get; init; }
    public required int DuplicateRowCount { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required string Description { get; init; }
}

/// <summary>
/// Assigns rows to folds. Rows that share a group value, and exact-duplicate rows, are joined into one unit that is
/// never split. Units are shuffled with <c>Random(seed + repeat)</c> and dealt to the fold that has the fewest rows of
/// the unit's class so far, which stratifies and balances fold sizes at once. Deterministic for a fixed seed.
/// </summary>
public static class SplitPlanner
{
    public static SplitPlan Plan(RowKeys keys, EvaluationSettings settings, MlTaskKind task)
    {
        var warnings = new List<string>();
        int n = checked((int)keys.RowCount);
        var units = BuildUnits(keys, out int unitCount);
        var unitRows = new int[unitCount];
        var unitFirstRow = Enumerable.Repeat(-1, unitCount).ToArray();
        for (int r = 0; r < n; r++)
        {
            if (keys.Excluded[r]) continue;
            unitRows[units[r]]++;
            if (unitFirstRow[units[r]] < 0) unitFirstRow[units[r]] = r;
        }
        var liveUnits = Enumerable.Range(0, unitCount).Where(u => unitRows[u] > 0).ToArray();
        long usedRows = unitRows.Sum();
        if (usedRows == 0) throw new EvaluationException("No usable rows to split.");

        bool stratified = settings.Stratify && task != MlTaskKind.Regression && keys.LabelClass is not null;
        // A unit's stratum is its first row's class (rows -1: missing label, a stratum of their own).
        int StratumOf(int unit) => stratified ? keys.LabelClass![unitFirstRow[unit]] + 1 : 0;
        int strata = stratified ? keys.ClassNames.Count + 1 : 1;

        int folds, repeats;
        switch (settings.Protocol)
        {
            case EvaluationProtocol.Holdout:
                folds = 2; repeats = 1;
                if (settings.HoldoutFraction is <= 0 or >= 1)
                    throw new EvaluationException($"Holdout fraction must be between 0 and 1 (exclusive); got {settings.HoldoutFraction}.");
                break;
            case EvaluationProtocol.KFold:
                folds = settings.Folds; repeats = 1; break;
            default:
                folds = settings.Folds; repeats = Math.Max(1, settings.Repeats); break;
        }
        if (settings.Protocol != EvaluationProtocol.Holdout && folds < 2)
            throw new EvaluationException($"K-fold needs at least 2 folds; got {folds}.");
        if (liveUnits.Length < folds)
            throw new EvaluationException(
                $"Only {liveUnits.Length} independent unit(s) (rows joined by group or duplicate content) for {folds} folds: some folds would be empty. Use fewer folds or more data.");

        var splits = new List<DataSplit>();
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            var rng = new Random(settings.Seed + repeat);
            var order = (int[])liveUnits.Clone();
            Shuffle(order, rng);
            // Big groups first so that they cannot unbalance the folds at the end; stable, so ties keep the shuffle.
            order = [.. order.OrderByDescending(u => unitRows[u])];
            var unitFold = new int[unitCount];

            if (settings.Protocol == EvaluationProtocol.Holdout)
            {
                // Fold 0 is validation. Each stratum gets its share of validation rows.
                var stratumRows = new long[strata];
                foreach (int u in order) stratumRows[StratumOf(u)] += unitRows[u];
                var validationRows = new long[strata];
                foreach (int u in order)
                {
                    int s = StratumOf(u);
                    double target = settings.HoldoutFraction * stratumRows[s];
                    bool take = Math.Abs(validationRows[s] + unitRows[u] - target) < Math.Abs(validationRows[s] - target);
                    unitFold[u] = take ? 0 : 1;
                    if (take) validationRows[s] += unitRows[u];
                }
            }
            else
            {
                var classRows = new long[strata, folds];
                var foldRows = new long[folds];
                foreach (int u in order)
                {
                    int s = StratumOf(u);
                    int best = 0;
                    for (int f = 1; f < folds; f++)
                        if (classRows[s, f] < classRows[s, best] || (classRows[s, f] == classRows[s, best] && foldRows[f] < foldRows[best]))
                            best = f;
                    unitFold[u] = best;
                    classRows[s, best] += unitRows[u];
                    foldRows[best] += unitRows[u];
                }
            }

            var assignment = new int[n];
            for (int r = 0; r < n; r++) assignment[r] = keys.Excluded[r] ? -1 : unitFold[units[r]];
            int validationFolds = settings.Protocol == EvaluationProtocol.Holdout ? 1 : folds;
            for (int f = 0; f < validationFolds; f++)
            {
                var split = new DataSplit(repeat, f, assignment, f);
                if (split.ValidationRowCount == 0 || split.TrainingRowCount == 0)
                    throw new EvaluationException(
                        $"Split {split} has {split.TrainingRowCount} training and {split.ValidationRowCount} validation rows: an empty part cannot be evaluated. Use more data, fewer folds or a larger holdout fraction.");
                splits.Add(split);
            }
        }

        if (stratified)
        {
            var classUnits = new int[strata];
            foreach (int u in liveUnits) classUnits[StratumOf(u)]++;
            for (int s = 1; s < strata; s++)
                if (classUnits[s] > 0 && classUnits[s] < (settings.Protocol == EvaluationProtocol.Holdout ? 2 : folds))
                    warnings.Add($"class '{keys.ClassNames[s - 1]}' has only {classUnits[s]} independent row(s): some validation parts have none of it.");
        }

        string protocolText = settings.Protocol switch
        {
            EvaluationProtocol.Holdout => $"holdout ({settings.HoldoutFraction.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} validation)",
            EvaluationProtocol.KFold => $"{folds}-fold",
            _ => $"{repeats}x repeated {folds}-fold",
        };
        string description = $"{protocolText}{(stratified ? ", stratified" : "")}{(keys.GroupOf is not null ? ", grouped" : "")}, seed {settings.Seed}";
        return new SplitPlan
        {
            Protocol = settings.Protocol,
            Splits = splits,
            Stratified = stratified,
            RowCount = usedRows,
            UnitCount = liveUnits.Length,
            DuplicateRowCount = keys.DuplicateRowCount,
            Warnings = warnings,
            Description = description,
        };
    }

    // Union-find over rows: a row joins the first row of its group and the first row with its content.
    private static int[] BuildUnits(RowKeys keys, out int unitCount)
    {
        int n = checked((int)keys.RowCount);
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int Find(int x)
        {
            while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
            return x;
        }
        void Union(int a, int b)
        {
            a = Find(a); b = Find(b);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b); // root is the smallest row: deterministic
        }
        if (keys.GroupOf is { } groups)
        {
            var firstRowOfGroup = new Dictionary<int, int>();
            for (int r = 0; r < n; r++)
            {
                if (groups[r] < 0) continue; // a row without a group value is its own unit
                if (firstRowOfGroup.TryGetValue(groups[r], out int first)) Union(first, r);
                else firstRowOfGroup.Add(groups[r], r);
            }
        }
        for (int r = 0; r < n; r++)
            if (keys.DuplicateOf[r] != r) Union(keys.DuplicateOf[r], r);

        var unitOfRoot = new int[n];
        Array.Fill(unitOfRoot, -1);
        var units = new int[n];
        unitCount = 0;
        for (int r = 0; r < n; r++)
        {
            int root = Find(r);
            if (unitOfRoot[root] < 0) unitOfRoot[root] = unitCount++;
            units[r] = unitOfRoot[root];
        }
        return units;
    }

    private static void Shuffle(int[] items, Random rng)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

/// <summary>An evaluation that cannot run as configured (bad options or data too small): exit code 2 in the CLI.</summary>
public sealed class EvaluationException(string message) : Exception(message);
