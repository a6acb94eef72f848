using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

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
        var policy = settings.Duplicates;
        var excluded = ExcludeDuplicateCopies(keys, policy, out int dropped);
        var unitOf = BuildUnits(keys, joinDuplicates: policy == DuplicatePolicy.Group, out int unitCount, out var byGroup);
        bool stratified = settings.Stratify && task != MlTaskKind.Regression && keys.LabelClass is not null;
        var units = SplitUnits.Build(keys, excluded, unitOf, unitCount, byGroup, stratified);
        if (units.UsedRows == 0) throw new EvaluationException("No usable rows to split.");

        var (folds, repeats) = FoldsAndRepeats(settings, units.Live.Length);
        var splits = new List<DataSplit>();
        for (int repeat = 0; repeat < repeats; repeat++)
            splits.AddRange(SplitsOfRepeat(keys, settings, units, excluded, folds, repeat));

        var warnings = new List<string>();
        if (stratified) warnings.AddRange(RareClassWarnings(keys, settings, units, folds));
        if (settings.Protocol == EvaluationProtocol.RepeatedKFold && repeats == 1)
            warnings.Add($"repeated K-fold with 1 repeat is plain {folds}-fold: nothing is reshuffled. Set evaluate.repeats (or --repeats) above 1, or use kfold.");

        double expectedValidation = settings.Protocol == EvaluationProtocol.Holdout ? units.UsedRows * settings.HoldoutFraction : units.UsedRows / (double)folds;
        var large = units.Live.Where(u => units.Rows[u] > LargeUnitShareOfFold * expectedValidation)
            .OrderByDescending(u => units.Rows[u]).ThenBy(u => units.FirstRow[u])
            .Select(u => new LargeUnit(units.Rows[u], units.Rows[u] / (double)units.UsedRows, units.FirstRow[u], units.ByGroup[u], UnitClassMix(keys, units.Of, excluded, u)))
            .ToArray();
        warnings.AddRange(LargeUnitWarnings(large, units.UsedRows, expectedValidation, settings.Protocol == EvaluationProtocol.Holdout ? "the validation part" : "a fold"));
        warnings.AddRange(DuplicatePolicyWarnings(keys, policy, dropped));

        return new SplitPlan
        {
            Protocol = settings.Protocol,
            Splits = splits,
            Stratified = stratified,
            RowCount = units.UsedRows,
            UnitCount = units.Live.Length,
            DuplicateRowCount = keys.DuplicateRowCount,
            Warnings = warnings,
            Description = Describe(keys, settings, folds, repeats, stratified),
            Duplicates = policy,
            DroppedDuplicateRowCount = dropped,
            LargeUnits = large,
            ClassNames = keys.LabelClass is null ? [] : keys.ClassNames,
        };
    }

    /// <summary>Rows left out of every split: bad rows, rows without a label, and under <see cref="DuplicatePolicy.Drop"/>
    /// every copy of a set of identical rows but the first.</summary>
    private static bool[] ExcludeDuplicateCopies(RowKeys keys, DuplicatePolicy policy, out int dropped)
    {
        int n = checked((int)keys.RowCount);
        var excluded = new bool[n];
        for (int r = 0; r < n; r++) excluded[r] = !keys.IsUsable(r);
        dropped = 0;
        if (policy == DuplicatePolicy.Drop)
            for (int r = 0; r < n; r++)
                if (!excluded[r] && keys.DuplicateOf[r] != r) { excluded[r] = true; dropped++; }
        return excluded;
    }

    private static (int Folds, int Repeats) FoldsAndRepeats(EvaluationSettings settings, int liveUnits)
    {
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
        if (liveUnits < folds)
            throw new EvaluationException(
                $"Only {liveUnits} independent unit(s) (rows joined by group or duplicate content) for {folds} folds: some folds would be empty. Use fewer folds or more data.");
        return (folds, repeats);
    }

    /// <summary>One repeat: shuffle the units with the repeat's seed, place them, and cut the validation splits.</summary>
    private static IEnumerable<DataSplit> SplitsOfRepeat(RowKeys keys, EvaluationSettings settings, SplitUnits units, bool[] excluded, int folds, int repeat)
    {
        var rng = new Random(settings.Seed + repeat);
        var order = (int[])units.Live.Clone();
        Shuffle(order, rng);
        // K-fold: big units first so that they cannot unbalance the folds at the end (stable, so ties keep the shuffle);
        // every unit lands in some fold either way. A holdout takes units in the shuffled order instead: filled big
        // units first, the held-out part was mostly duplicated rows or the largest groups (on the wine data, label std
        // 0.69 held out vs 0.83 in the rest), a sample unlike the data it stands for.
        var unitFold = settings.Protocol == EvaluationProtocol.Holdout
            ? PlaceHoldout(units, order, settings.HoldoutFraction)
            : PlaceFolds(units, [.. order.OrderByDescending(u => units.Rows[u])], folds);

        int n = excluded.Length;
        var assignment = new int[n];
        for (int r = 0; r < n; r++) assignment[r] = excluded[r] ? -1 : unitFold[units.Of[r]];
        int validationFolds = settings.Protocol == EvaluationProtocol.Holdout ? 1 : folds;
        var splits = new List<DataSplit>();
        for (int f = 0; f < validationFolds; f++)
        {
            var split = new DataSplit(repeat, f, assignment, f) { ValidationClassCounts = ClassCounts(keys, assignment, f) };
            if (split.ValidationRowCount == 0 || split.TrainingRowCount == 0)
                throw new EvaluationException(settings.Protocol == EvaluationProtocol.Holdout
                    ? $"The holdout split has {split.TrainingRowCount} training and {split.ValidationRowCount} validation rows (holdout fraction {settings.HoldoutFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} of {split.TrainingRowCount + split.ValidationRowCount} rows): an empty part cannot be evaluated. Use more data or a larger holdout fraction."
                    : $"Split {split} has {split.TrainingRowCount} training and {split.ValidationRowCount} validation rows: an empty part cannot be evaluated. Use more data or fewer folds.");
            splits.Add(split);
        }
        return splits;
    }

    /// <summary>Fold 0 is validation. Each stratum gets its share of validation rows.</summary>
    private static int[] PlaceHoldout(SplitUnits units, int[] order, double holdoutFraction)
    {
        var unitFold = new int[units.Count];
        var stratumRows = new long[units.Strata];
        foreach (int u in order) stratumRows[units.StratumOf(u)] += units.Rows[u];
        var validationRows = new long[units.Strata];
        foreach (int u in order)
        {
            int s = units.StratumOf(u);
            double target = holdoutFraction * stratumRows[s];
            bool take = Math.Abs(validationRows[s] + units.Rows[u] - target) < Math.Abs(validationRows[s] - target);
            unitFold[u] = take ? 0 : 1;
            if (take) validationRows[s] += units.Rows[u];
        }
        return unitFold;
    }

    private static int[] PlaceFolds(SplitUnits units, int[] order, int folds)
    {
        int strata = units.Strata;
        var unitFold = new int[units.Count];
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
                    int inUnit = units.StratumRows[u * strata + s];
                    if (inUnit > 0) cost += classRows[s, f] * (double)inUnit / ((double)units.StratumTotal[s] * units.StratumTotal[s]);
                }
                if (cost < bestCost || (cost == bestCost && foldRows[f] < foldRows[best]))
                {
                    best = f;
                    bestCost = cost;
                }
            }
            unitFold[u] = best;
            for (int s = 0; s < strata; s++) classRows[s, best] += units.StratumRows[u * strata + s];
            foldRows[best] += units.Rows[u];
        }
        return unitFold;
    }

    private static IEnumerable<string> RareClassWarnings(RowKeys keys, EvaluationSettings settings, SplitUnits units, int folds)
    {
        var classUnits = new int[units.Strata];
        foreach (int u in units.Live) classUnits[units.StratumOf(u)]++;
        for (int s = 1; s < units.Strata; s++)
            if (classUnits[s] > 0 && classUnits[s] < (settings.Protocol == EvaluationProtocol.Holdout ? 2 : folds))
                yield return $"class '{keys.ClassNames[s - 1]}' has only {classUnits[s]} independent row(s): some validation parts have none of it.";
    }

    private static IEnumerable<string> DuplicatePolicyWarnings(RowKeys keys, DuplicatePolicy policy, int dropped)
    {
        if (policy == DuplicatePolicy.Drop && dropped > 0)
            yield return $"evaluate.duplicates is 'drop': {dropped} exact-duplicate row(s) are left out of every split (one copy of each set of identical rows is evaluated), so the estimate describes distinct rows, not the file's mix.";
        if (policy == DuplicatePolicy.Keep && keys.DuplicateRowCount > 0)
            yield return $"evaluate.duplicates is 'keep': {keys.DuplicateRowCount} exact-duplicate row(s) are split as independent rows, so copies of one row can be on both sides of a split. That leaks: the model is scored on rows it was trained on, and the estimate is optimistic.";
    }

    private static string Describe(RowKeys keys, EvaluationSettings settings, int folds, int repeats, bool stratified)
    {
        string protocolText = settings.Protocol switch
        {
            EvaluationProtocol.Holdout => $"holdout ({settings.HoldoutFraction.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} validation)",
            EvaluationProtocol.KFold => $"{folds}-fold",
            _ => $"{repeats}x repeated {folds}-fold",
        };
        string duplicatesText = settings.Duplicates switch
        {
            DuplicatePolicy.Drop => ", duplicates dropped",
            DuplicatePolicy.Keep => ", duplicates split as independent rows",
            _ => "",
        };
        return $"{protocolText}{(stratified ? ", stratified" : "")}{(keys.GroupOf is not null ? ", grouped" : "")}{duplicatesText}, seed {settings.Seed}";
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
