using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>One training/validation split of the loader's rows.</summary>
internal sealed class DataSplit
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
    /// <summary>Classification (stratified or not): validation rows per class, in <see cref="RowKeys.ClassNames"/> order; null for regression.</summary>
    public IReadOnlyList<long>? ValidationClassCounts { get; internal init; }
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
internal sealed class SplitPlan
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
    /// <summary>How exact-duplicate rows were treated.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Group;
    /// <summary>Duplicate rows left out of every split under <see cref="DuplicatePolicy.Drop"/>.</summary>
    public int DroppedDuplicateRowCount { get; init; }
    /// <summary>Units too large to place in balance (more than half a validation part's expected size), largest first.</summary>
    public IReadOnlyList<LargeUnit> LargeUnits { get; init; } = [];
    /// <summary>Class names of <see cref="DataSplit.ValidationClassCounts"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
}

/// <summary>A unit (rows kept together) too large for a balanced assignment.</summary>
/// <param name="Rows">Rows in the unit.</param>
/// <param name="Share">Its share of the rows used.</param>
/// <param name="FirstRow">Zero-based loader row of its first row.</param>
/// <param name="ByGroup">Joined (at least partly) by the group column, not only by identical content.</param>
/// <param name="ClassMix">Classification: rows per class name in the unit.</param>
internal sealed record LargeUnit(int Rows, double Share, int FirstRow, bool ByGroup, IReadOnlyList<KeyValuePair<string, int>> ClassMix);

/// <summary>
/// Assigns rows to folds. Rows that share a group value, and (under <see cref="DuplicatePolicy.Group"/>) exact-duplicate
/// rows, are joined into one unit that is never split. K-fold is a stratified group K-fold: units are shuffled with
/// <c>Random(seed + repeat)</c>, ordered largest first, and each goes to the fold where it keeps every class's share of
/// the folds most even (the greedy of scikit-learn's StratifiedGroupKFold; ties go to the smallest fold); without
/// stratification, to the smallest fold. A unit larger than half a validation part cannot be placed in balance: the
/// plan says so (<see cref="SplitPlan.LargeUnits"/> and a warning with the choices). Deterministic for a fixed seed.
/// </summary>
internal static class SplitPlanner
{
    /// <summary>A unit larger than this share of a validation part's expected size cannot be placed in balance.</summary>
    public const double LargeUnitShareOfFold = 0.5;

    public static SplitPlan Plan(RowKeys keys, EvaluationSettings settings, MlTaskKind task)
    {
        var warnings = new List<string>();
        int n = checked((int)keys.RowCount);
        var policy = settings.Duplicates;
        // Drop: the first copy of each set of identical rows takes part, the other copies are left out of every split.
        var excluded = (bool[])keys.Excluded.Clone();
        int dropped = 0;
        if (policy == DuplicatePolicy.Drop)
            for (int r = 0; r < n; r++)
                if (!excluded[r] && keys.DuplicateOf[r] != r) { excluded[r] = true; dropped++; }

        var units = BuildUnits(keys, joinDuplicates: policy == DuplicatePolicy.Group, out int unitCount, out var byGroup);
        var unitRows = new int[unitCount];
        var unitFirstRow = Enumerable.Repeat(-1, unitCount).ToArray();
        for (int r = 0; r < n; r++)
        {
            if (excluded[r]) continue;
            unitRows[units[r]]++;
            if (unitFirstRow[units[r]] < 0) unitFirstRow[units[r]] = r;
        }
        var liveUnits = Enumerable.Range(0, unitCount).Where(u => unitRows[u] > 0).ToArray();
        long usedRows = unitRows.Sum();
        if (usedRows == 0) throw new EvaluationException("No usable rows to split.");

        bool stratified = settings.Stratify && task != MlTaskKind.Regression && keys.LabelClass is not null;
        // Strata: 0 for rows without a label (or every row when not stratified), 1 + class otherwise.
        int strata = stratified ? keys.ClassNames.Count + 1 : 1;
        var unitStrata = new int[unitCount * strata];
        var stratumTotal = new long[strata];
        for (int r = 0; r < n; r++)
        {
            if (excluded[r]) continue;
            int s = stratified ? keys.LabelClass![r] + 1 : 0;
            unitStrata[units[r] * strata + s]++;
            stratumTotal[s]++;
        }
        // A unit's stratum for the holdout: its most common one (the first row's class on a tie-free unit).
        int StratumOf(int unit)
        {
            int best = 0;
            for (int s = 1; s < strata; s++) if (unitStrata[unit * strata + s] > unitStrata[unit * strata + best]) best = s;
            return best;
        }

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
            // Big units first so that they cannot unbalance the folds at the end; stable, so ties keep the shuffle.
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
                    // Adding the unit to fold f changes only fold f's class shares; the sum over classes of the variance
                    // of the shares across folds grows least where sum_s rows[s, f] * unit[s] / total[s]^2 is smallest.
                    int best = -1;
                    double bestCost = double.PositiveInfinity;
                    for (int f = 0; f < folds; f++)
                    {
                        double cost = 0;
                        for (int s = 0; s < strata; s++)
                        {
                            int inUnit = unitStrata[u * strata + s];
                            if (inUnit > 0) cost += classRows[s, f] * (double)inUnit / ((double)stratumTotal[s] * stratumTotal[s]);
                        }
                        if (cost < bestCost || (cost == bestCost && foldRows[f] < foldRows[best]))
                        {
                            best = f;
                            bestCost = cost;
                        }
                    }
                    unitFold[u] = best;
                    for (int s = 0; s < strata; s++) classRows[s, best] += unitStrata[u * strata + s];
                    foldRows[best] += unitRows[u];
                }
            }

            var assignment = new int[n];
            for (int r = 0; r < n; r++) assignment[r] = excluded[r] ? -1 : unitFold[units[r]];
            int validationFolds = settings.Protocol == EvaluationProtocol.Holdout ? 1 : folds;
            for (int f = 0; f < validationFolds; f++)
            {
                var split = new DataSplit(repeat, f, assignment, f) { ValidationClassCounts = ClassCounts(keys, assignment, f) };
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

        if (settings.Protocol == EvaluationProtocol.RepeatedKFold && repeats == 1)
            warnings.Add($"repeated K-fold with 1 repeat is plain {folds}-fold: nothing is reshuffled. Set evaluate.repeats (or --repeats) above 1, or use kfold.");

        double expectedValidation = settings.Protocol == EvaluationProtocol.Holdout ? usedRows * settings.HoldoutFraction : usedRows / (double)folds;
        var large = liveUnits.Where(u => unitRows[u] > LargeUnitShareOfFold * expectedValidation)
            .OrderByDescending(u => unitRows[u]).ThenBy(u => unitFirstRow[u])
            .Select(u => new LargeUnit(unitRows[u], unitRows[u] / (double)usedRows, unitFirstRow[u], byGroup[u], UnitClassMix(keys, units, excluded, u)))
            .ToArray();
        warnings.AddRange(LargeUnitWarnings(large, usedRows, expectedValidation, settings.Protocol == EvaluationProtocol.Holdout ? "the validation part" : "a fold"));

        if (policy == DuplicatePolicy.Drop && dropped > 0)
            warnings.Add($"evaluate.duplicates is 'drop': {dropped} exact-duplicate row(s) are left out of every split (one copy of each set of identical rows is evaluated), so the estimate describes distinct rows, not the file's mix.");
        if (policy == DuplicatePolicy.Keep && keys.DuplicateRowCount > 0)
            warnings.Add($"evaluate.duplicates is 'keep': {keys.DuplicateRowCount} exact-duplicate row(s) are split as independent rows, so copies of one row can be on both sides of a split. That leaks: the model is scored on rows it was trained on, and the estimate is optimistic.");

        string protocolText = settings.Protocol switch
        {
            EvaluationProtocol.Holdout => $"holdout ({settings.HoldoutFraction.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} validation)",
            EvaluationProtocol.KFold => $"{folds}-fold",
            _ => $"{repeats}x repeated {folds}-fold",
        };
        string duplicatesText = policy switch
        {
            DuplicatePolicy.Drop => ", duplicates dropped",
            DuplicatePolicy.Keep => ", duplicates split as independent rows",
            _ => "",
        };
        string description = $"{protocolText}{(stratified ? ", stratified" : "")}{(keys.GroupOf is not null ? ", grouped" : "")}{duplicatesText}, seed {settings.Seed}";
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
            Duplicates = policy,
            DroppedDuplicateRowCount = dropped,
            LargeUnits = large,
            ClassNames = keys.LabelClass is null ? [] : keys.ClassNames,
        };
    }

    private static long[]? ClassCounts(RowKeys keys, int[] assignment, int fold)
    {
        if (keys.LabelClass is not { } labels) return null;
        var counts = new long[keys.ClassNames.Count];
        for (int r = 0; r < assignment.Length; r++)
            if (assignment[r] == fold && labels[r] >= 0) counts[labels[r]]++;
        return counts;
    }

    private static IReadOnlyList<KeyValuePair<string, int>> UnitClassMix(RowKeys keys, int[] units, bool[] excluded, int unit)
    {
        if (keys.LabelClass is not { } labels) return [];
        var counts = new int[keys.ClassNames.Count];
        for (int r = 0; r < units.Length; r++)
            if (units[r] == unit && !excluded[r] && labels[r] >= 0) counts[labels[r]]++;
        return [.. counts.Select((c, i) => new KeyValuePair<string, int>(keys.ClassNames[i], c)).Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value)];
    }

    private static IEnumerable<string> LargeUnitWarnings(IReadOnlyList<LargeUnit> large, long usedRows, double expectedValidation, string part)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        const int listed = 3;
        foreach (var unit in large.Take(listed))
        {
            string mix = unit.ClassMix.Count == 0 ? ""
                : unit.ClassMix.Count == 1 ? $", all of class '{unit.ClassMix[0].Key}'"
                : ", classes " + string.Join(", ", unit.ClassMix.Select(kv => $"'{kv.Key}' {kv.Value}"));
            string what = unit.ByGroup
                ? $"a group of {unit.Rows} rows (first at data row {unit.FirstRow + 1}{mix})"
                : $"{unit.Rows} identical rows (first at data row {unit.FirstRow + 1}{mix})";
            string advice = unit.ByGroup
                ? "Rows of one group must stay together; use fewer folds, or check that the group column is meant to join this many rows."
                : "Choose in the spec: 'evaluate.duplicates: drop' evaluates one copy of each set of identical rows; 'keep' splits copies as independent rows (leaks: copies on both sides inflate the scores); 'group' (the default) keeps them together as now.";
            yield return string.Create(inv,
                $"{what} {(unit.ByGroup ? "is" : "are")} {100 * unit.Share:0.0}% of the {usedRows} rows used, more than half of {part} (~{expectedValidation:0} rows): the parts cannot be balanced in size and class mix, and the split holding them is scored mostly on them (see the per-split table). {advice}");
        }
        if (large.Count > listed)
            yield return $"{large.Count - listed} more unit(s) of rows kept together are also larger than half of {part}.";
    }

    // Union-find over rows: a row joins the first row of its group and the first row with its content.
    private static int[] BuildUnits(RowKeys keys, bool joinDuplicates, out int unitCount, out bool[] byGroup)
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
        var groupJoined = new bool[n]; // rows that share their group value with another row
        if (keys.GroupOf is { } groups)
        {
            var firstRowOfGroup = new Dictionary<int, int>();
            for (int r = 0; r < n; r++)
            {
                if (groups[r] < 0) continue; // a row without a group value is its own unit
                if (firstRowOfGroup.TryGetValue(groups[r], out int first)) { Union(first, r); groupJoined[first] = groupJoined[r] = true; }
                else firstRowOfGroup.Add(groups[r], r);
            }
        }
        if (joinDuplicates)
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
        byGroup = new bool[unitCount];
        for (int r = 0; r < n; r++) if (groupJoined[r]) byGroup[units[r]] = true;
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
internal sealed class EvaluationException(string message) : Exception(message);
