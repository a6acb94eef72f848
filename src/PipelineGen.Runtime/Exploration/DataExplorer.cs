using System.Diagnostics;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Exploration;

/// <summary>A problem with the input of explore (missing file, no label column): the command exits with 2.</summary>
internal sealed class ExplorationInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The <c>explore</c> step: one streaming pass over the training data (statistics, samples, duplicates), one over the
/// comparison data (drift), then one-column LightGBM probes for target leakage on a bounded row sample.
/// </summary>
internal static class DataExplorer
{
    /// <summary>Rows with all values below which id-like and imbalance heuristics say nothing.</summary>
    private const int MinRowsForHeuristics = 20;
    /// <summary>Labelled rows below which one-column probes are not run: their 30% holdout would score a lucky column 1.0.</summary>
    public const int MinRowsForLeakage = 100;
    public const double ImbalanceMinorityShare = 0.2;
    public const double ImbalanceRatio = 4.0;
    public const double IdLikeDistinctShare = 0.95;
    public const double HighMissingShare = 0.5;

    public static ExplorationReport Explore(IPipelineDefinition pipeline, ExploreOptions options, IProgress<double>? progress = null)
        => Explore(pipeline, options, progress, mlContext: null);

    public static ExplorationReport Explore(IPipelineDefinition pipeline, ExploreOptions options, IProgress<double>? progress,
        MLContext? mlContext)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        var stopwatch = Stopwatch.StartNew();
        var settings = pipeline.Settings;
        var ml = mlContext ?? new MLContext(options.Seed);

        var dataPath = ResolveData(options.DataPath, settings.TrainDataPath, settings, "training data");
        var comparePath = options.CompareWithPath is not null ? ResolveData(options.CompareWithPath, null, settings, "comparison data")
            : settings.TestDataPath is not null ? ResolveData(null, settings.TestDataPath, settings, "test data (spec: test data path)")
            : null;

        progress?.Report(0);
        var badRowPolicy = options.BadRows ?? settings.BadRows;
        var compareErrors = new List<string>();
        var scan = Scan(settings, dataPath, comparison: false, compareErrors);
        var compareScan = comparePath is null ? null : Scan(settings, comparePath, comparison: true, compareErrors);
        var data = Load(pipeline, ml, dataPath);
        var slots = RowReader.Describe(data.Schema, settings);
        var labelIndex = IndexOfLabel(slots, settings, dataPath);
        bool classification = settings.Task != MlTaskKind.Regression;

        // Near-duplicates are checked against the splits evaluate would make on this file.
        var plan = NearDuplicateTracker.PlanSplits(settings, scan, out var noPlan);
        var train = Profile(data, slots, settings, options, dataPath, labelIndex, classification, collectRows: true, scan, plan);
        progress?.Report(0.3);

        var drift = comparePath is null ? null
            : CompareWith(pipeline, ml, dataPath, comparePath, compareScan!, slots, train, options, labelIndex, classification);
        progress?.Report(0.4);

        var columns = train.Columns.Select(c => ToProfile(c, options, train.Rows)).ToArray();
        var warnings = new List<ExplorationWarning>();
        var notes = new List<string>();
        AddInputWarnings(warnings, train, dataPath, compareErrors, [scan, compareScan], badRowPolicy);
        var label = train.Columns[labelIndex];
        var balance = AddLabelWarnings(warnings, train, label, settings, dataPath);
        var idLike = AddColumnWarnings(warnings, train);
        AddMissingCodeWarnings(warnings, train, settings, dataPath);
        AddSpellingWarnings(warnings, train, dataPath);
        var missingness = warnings.Any(w => w.Kind == WarningKind.SingleClass)
            ? null
            : AddMissingnessWarnings(warnings, notes, train, slots, settings, classification);
        var leakage = AddLeakageWarnings(warnings, notes, train, slots, label, labelIndex, settings, options, progress);
        AddDriftWarnings(warnings, drift, options);
        AddMethodNotes(notes, train, options, leakage, missingness, drift, classification);

        progress?.Report(1);
        return new ExplorationReport
        {
            PipelineName = settings.Name,
            Task = settings.Task,
            LabelColumn = settings.LabelColumn,
            DataPath = dataPath,
            RowCount = train.Rows,
            SampleColumns = slots.Select(s => s.Name).ToArray(),
            SampleRows = train.FirstRows,
            Columns = columns,
            ClassBalance = balance,
            Duplicates = new DuplicateSummary(train.Duplicates.Duplicates,
                train.Rows == 0 ? 0 : 100.0 * train.Duplicates.Duplicates / train.Rows, train.Duplicates.Examples,
                train.Duplicates.Exact, TrainingOverlap.ComparedColumns(slots).Select(i => slots[i].Name).ToArray())
            {
                NearDuplicateRows = train.NearDuplicates.Duplicates,
                NearPercent = train.Rows == 0 ? 0 : 100.0 * train.NearDuplicates.Duplicates / train.Rows,
                NearExamples = train.NearDuplicates.Examples,
                NearExact = train.NearDuplicates.Exact && train.Duplicates.Exact,
                NearAcrossSplits = train.NearDuplicates.AcrossSplits,
                Splits = plan?.Description ?? (noPlan is null ? null : $"no splits planned ({noPlan})"),
            },
            IdLikeColumns = idLike,
            Leakage = leakage,
            Missingness = missingness,
            Drift = drift,
            Warnings = warnings.OrderByDescending(w => w.Severity).ToArray(),
            MethodNotes = notes,
            Elapsed = stopwatch.Elapsed,
        };
    }

    /// <summary>Profiles the comparison data with the training data's slots and compares each column (PSI, KS).</summary>
    private static DriftSummary CompareWith(IPipelineDefinition pipeline, MLContext ml, string trainPath, string comparePath, DataScan compareScan,
        IReadOnlyList<ColumnSlot> slots, ProfiledData train, ExploreOptions options, int labelIndex, bool classification)
    {
        var settings = pipeline.Settings;
        var compareData = Load(pipeline, ml, comparePath);
        var compareSlots = RowReader.Describe(compareData.Schema, settings);
        var missing = slots.Select(s => s.Name).Except(compareSlots.Select(s => s.Name)).ToList();
        if (missing.Count > 0)
            throw new ExplorationInputException($"{comparePath}: column(s) {string.Join(", ", missing)} of the training data are missing. Compare files with the same columns.");
        // Same slot order as training so accumulators line up.
        var aligned = slots.Select(s => s with { SchemaIndex = compareData.Schema[s.Name].Index }).ToList();
        var overlap = new TrainingOverlap.Counter(train.Duplicates);
        var compare = Profile(compareData, aligned, settings, options, comparePath, labelIndex, classification, collectRows: false, compareScan, overlap: overlap);
        return new DriftSummary(comparePath, compare.Rows,
            slots.Select((s, i) => (s, i)).Where(x => x.s.Role != ColumnRole.Id)
                .Select(x => DriftAnalysis.Compare(train.Columns[x.i], compare.Columns[x.i])).ToArray())
        {
            Overlap = overlap.Result(trainPath, train.Rows),
        };
    }

    private static void AddInputWarnings(List<ExplorationWarning> warnings, ProfiledData train, string dataPath,
        List<string> compareErrors, DataScan?[] scans, BadRowPolicy badRowPolicy)
    {
        if (train.Rows == 0)
            warnings.Add(new(WarningKind.Unreadable, WarningSeverity.Serious, null, $"{dataPath} has no usable data rows."));
        foreach (var error in compareErrors)
            warnings.Add(new(WarningKind.Drift, WarningSeverity.Info, null, "comparison data: " + error));
        // A day-first file read month-first gives wrong calendar features with no error: said before any number is trusted.
        foreach (var (column, message) in scans.OfType<DataScan>().SelectMany(s => s.AmbiguousDates).DistinctBy(d => d.Key))
            warnings.Add(new(WarningKind.DateOrder, WarningSeverity.Warning, column, message));
        foreach (var s in scans)
        {
            if (s is null || s.BadRowCount == 0) continue;
            // Under "fail" the other steps refuse this file, so explore says so (exit 2) but still shows the report.
            var fail = badRowPolicy == BadRowPolicy.Fail;
            warnings.Add(new(WarningKind.BadRows, fail ? WarningSeverity.Serious : WarningSeverity.Warning, null,
                $"{Fmt.Count(s.BadRowCount)} bad row(s) in {s.FilePath}, left out of this report. First: {string.Join(" | ", s.Problems.Take(3))}"
                + (fail ? " Bad-row policy is fail: fix the rows, or set bad rows to skip." : "")));
        }
    }

    /// <summary>
    /// The metrics worth preferring: pr_auc and f1 are binary metrics, a multiclass spec cannot name them (PG0205). They
    /// measure the positive class, so they are advice only when that is the rare one: on the common class a constant
    /// score already gets its share.
    /// </summary>
    private static string ImbalanceAdvice(PipelineSettings settings, ClassBalance balance)
    {
        if (settings.Task == MlTaskKind.MulticlassClassification)
            return "Prefer macro_accuracy (every class counts the same) over micro_accuracy, and stratified splits.";
        if (settings.PositiveClass is { } positive && Data.DataScan.IsPositiveClass(settings, balance.Classes[0].Value))
            return $"The positive class (task.positive_class '{positive}') is the common one: pr_auc, f1, precision and recall measure it, and a constant score already gets pr_auc {Fmt.Fixed(1 - balance.MinorityShare, 2)} there. "
                + $"Make the rare class '{balance.Classes[^1].Value}' task.positive_class to use pr_auc/f1, or keep auc; and use stratified splits.";
        return "Prefer pr_auc/f1 over accuracy and stratified splits.";
    }

    /// <summary>Class balance (classification), and a label with fewer than two classes or no values.</summary>
    private static ClassBalance? AddLabelWarnings(List<ExplorationWarning> warnings, ProfiledData train, ColumnAccumulator label,
        PipelineSettings settings, string dataPath)
    {
        var task = settings.Task;
        ClassBalance? balance = null;
        if (task != MlTaskKind.Regression && label.Categories is not null)
        {
            balance = Balance(label);
            if (balance.Classes.Count < 2)
                warnings.Add(new(WarningKind.SingleClass, WarningSeverity.Serious, label.Slot.Name,
                    $"label '{label.Slot.Name}' has {(balance.Classes.Count == 0 ? "no values" : "a single class (" + balance.Classes[0].Value + ")")}: nothing to learn. Check the label column and the data file."));
            if (SpellingVariants(balance, train, label.Slot.Name, dataPath) is { } variants)
                warnings.Add(new(WarningKind.LabelSpelling, WarningSeverity.Serious, label.Slot.Name, variants));
            if (StrayClasses(balance, train, label.Slot.Name, dataPath) is { } stray)
                warnings.Add(new(WarningKind.LabelStray, WarningSeverity.Warning, label.Slot.Name, stray));
            if (balance.Classes.Count >= 2 && balance.Imbalanced)
                warnings.Add(new(WarningKind.Imbalance, WarningSeverity.Warning, label.Slot.Name,
                    $"label '{label.Slot.Name}' is imbalanced: minority class '{balance.Classes[^1].Value}' is {Fmt.Percent(balance.MinorityShare)} of rows (majority:minority {Fmt.Fixed(balance.MajorityToMinorityRatio, 1)}:1). {ImbalanceAdvice(settings, balance)}"));
        }
        if (task == MlTaskKind.Regression && label.Summary() is { } summary && FarLabels(train, summary, label.Slot.Name, dataPath) is { } far)
            warnings.Add(new(WarningKind.LabelOutliers, WarningSeverity.Warning, label.Slot.Name, far));
        if (label.Present == 0 && train.Rows > 0 && !warnings.Any(w => w.Kind == WarningKind.SingleClass))
            warnings.Add(new(WarningKind.SingleClass, WarningSeverity.Serious, label.Slot.Name, $"label '{label.Slot.Name}' has no values."));
        return balance;
    }

    /// <summary>
    /// Classes that differ only in letter case or surrounding spaces ("yes", "Yes", "YES"): almost always one class typed
    /// several ways, which the model would learn as separate classes (and a binary task would refuse). Null when none.
    /// </summary>
    private static string? SpellingVariants(ClassBalance balance, ProfiledData train, string column, string dataPath) =>
        LabelSpellings.Describe(column, balance.Classes.Select(c => new LabelSpellings.Spelling(c.Value, c.Count,
            train.LabelFirstRows.TryGetValue(c.Value, out var row) ? row : null)).ToArray()) is { } found
            ? found + $" Write each class one way in {dataPath} (and in the test file), then rebuild."
            : null;

    /// <summary>
    /// A label value in a handful of rows beside well-filled classes ('Adelei' twice among 344 penguins, a '2' in a
    /// 0/1 column): a typo or a stray code far more often than a real class. As a class it has too few rows to learn or
    /// measure, and macro metrics weight it like the others. Null when there is none.
    /// </summary>
    private static string? StrayClasses(ClassBalance balance, ProfiledData train, string column, string dataPath)
    {
        // The thresholds are shared with the build's PG0107 (src/Shared/StrayClasses.cs).
        var isStray = PipelineGen.Shared.StrayClasses.Find(balance.Classes.Select(c => c.Count).ToArray());
        var stray = balance.Classes.Where((c, i) => isStray[i]).ToArray();
        var others = balance.Classes.Where((c, i) => !isStray[i]).ToArray();
        if (stray.Length == 0) return null;
        string Show(ValueCount c) => $"'{PipelineGen.Shared.SafeText.Escape(c.Value)}' ({Fmt.Rows(c.Count)}"
            + (train.LabelFirstRows.TryGetValue(c.Value, out var row) ? $", first at data row {Fmt.Count(row)})" : ")");
        return $"label '{column}' has {(stray.Length == 1 ? "a value" : "values")} in only a handful of rows beside classes of {Fmt.Count(others.Min(c => c.Count))}+ rows: "
            + string.Join(", ", stray.Take(5).Select(Show)) + (stray.Length > 5 ? ", ..." : "")
            + $". A typo or a stray code? As {(stray.Length == 1 ? "a class" : "classes")} of {(stray.Length == 1 ? "its" : "their")} own {(stray.Length == 1 ? "it has" : "they have")} too few rows to learn or to measure (macro metrics weight each class alike). "
            + $"Correct or remove those rows of {dataPath} (and of the test file), then rebuild.";
    }

    /// <summary>A regression label with a few values far outside the rest: they dominate rmse and pull the model.</summary>
    private static string? FarLabels(ProfiledData train, NumericSummary summary, string column, string dataPath)
    {
        var far = train.LabelExtremes.Far(summary, out var more);
        if (far.Count == 0) return null;
        return $"label '{column}' has {(more ? "at least " : "")}{Fmt.Count(far.Count)} value(s) far outside the rest (more than {Fmt.Num(LabelExtremes.FarIqrs)} interquartile ranges from the median {Fmt.Num(summary.Median)}; the middle half lies in {Fmt.Num(summary.Q1)}..{Fmt.Num(summary.Q3)}): "
            + string.Join(", ", far.Take(5).Select(x => $"{Fmt.Num(x.Value)} at data row {Fmt.Count(x.Row)}")) + (far.Count > 5 ? ", ..." : "")
            + $" of {dataPath}. A unit error, a typo or a placeholder such as 999999 would dominate rmse and pull every prediction; correct or remove those rows, or if the values are real, consider predicting their logarithm.";
    }

    /// <summary>
    /// A numeric column where 'missing' was written as a number (-999, 9999, -1 in a count): every summary, the scaling and
    /// the model would treat the code as a real value. Named with its rows and share, the shift of the mean, and the
    /// spec change that reads it as missing in that column only (data.columns.NAME.missing_values: a global token would
    /// also erase the real values of other columns). A code the column already declares is never suggested again.
    /// </summary>
    private static void AddMissingCodeWarnings(List<ExplorationWarning> warnings, ProfiledData train, PipelineSettings settings, string dataPath)
    {
        foreach (var c in train.Columns)
        {
            if (c.Slot.Role is ColumnRole.Label or ColumnRole.Id or ColumnRole.Ignore) continue;
            var declared = settings.MissingTokensOf(c.Slot.Name);
            foreach (var code in c.MissingCodes())
            {
                var token = Fmt.Raw(code.Value);
                if (declared.Contains(token, StringComparer.Ordinal)) continue;
                var quoted = "\"" + token.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
                var where = code.Below ? "below" : "above";
                warnings.Add(new(WarningKind.MissingCode, WarningSeverity.Warning, c.Slot.Name,
                    $"'{c.Slot.Name}' holds {token} in {Fmt.Rows(code.Count)} ({Fmt.Percent((double)code.Count / Math.Max(1, train.Rows))}) of {dataPath}, "
                    + $"far {where} every other value ({Fmt.Num(code.RestMin)}..{Fmt.Num(code.RestMax)}): it looks like a code for 'missing' read as a number, "
                    + $"so the mean ({Fmt.Num(code.Mean)} with it, {Fmt.Num(code.MeanWithout)} without), the scaling and the model treat it as a real {c.Slot.Name}. "
                    + $"If it means missing in this column, declare it in the spec's data section: "
                    + $"'columns: {{ {c.Slot.Name}: {{ missing_values: [{quoted}] }} }}' (written exactly as in the file; other columns keep reading it as a value, "
                    + "and the global data.missing_values still apply), then rebuild. "
                    + "If it is a real value, ignore this."));
            }
        }
    }

    /// <summary>
    /// A categorical feature whose values differ only in letter case or surrounding spaces ("male", "MALE", " male"):
    /// one category typed several ways, which one-hot encoding learns as categories of their own (the rarer spellings
    /// with few rows each). The label has its own check (<see cref="LabelSpellings"/>).
    /// </summary>
    private static void AddSpellingWarnings(List<ExplorationWarning> warnings, ProfiledData train, string dataPath)
    {
        foreach (var c in train.Columns)
        {
            if (c.Slot.Role != ColumnRole.Feature || c.Slot.Mode != ProfileMode.Categorical || c.Categories is null) continue;
            var groups = c.Categories.GroupBy(kv => kv.Key.Trim(), StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Count() > 1).OrderByDescending(g => g.Sum(kv => kv.Value)).ToArray();
            if (groups.Length == 0) continue;
            static string Show(KeyValuePair<string, long> kv) => $"'{PipelineGen.Shared.SafeText.Escape(kv.Key)}' ({Fmt.Rows(kv.Value)})";
            var shown = groups.Take(3).Select(g => string.Join(", ", g.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(Show)));
            warnings.Add(new(WarningKind.Spelling, WarningSeverity.Warning, c.Slot.Name,
                $"'{c.Slot.Name}' has values that differ only in letter case or spaces: {string.Join("; ", shown)}{(groups.Length > 3 ? $"; and {groups.Length - 3} more" : "")}. "
                + $"The model learns each spelling as a category of its own. Write each value one way in {dataPath} (and in the test file), then rebuild; if the case carries meaning, ignore this."));
        }
    }

    /// <summary>Column-level findings (all missing, mostly missing, constant, id-like) and duplicate rows.</summary>
    private static List<IdLikeColumn> AddColumnWarnings(List<ExplorationWarning> warnings, ProfiledData train)
    {
        var idLike = new List<IdLikeColumn>();
        foreach (var c in train.Columns)
        {
            if (c.Slot.Role is ColumnRole.Label) continue;
            if (c.Present == 0 && train.Rows > 0)
            {
                warnings.Add(new(WarningKind.AllMissing, WarningSeverity.Warning, c.Slot.Name, $"'{c.Slot.Name}' is missing in every row: mark it role: ignore."));
                continue;
            }
            if (c.Slot.Role == ColumnRole.Id) continue;
            var share = (double)c.Missing / Math.Max(1, train.Rows);
            if (share >= HighMissingShare)
                warnings.Add(new(WarningKind.HighMissing, WarningSeverity.Info, c.Slot.Name, $"'{c.Slot.Name}' is missing in {Fmt.Percent(share)} of rows."));
            if (c.DistinctCount == 1 && !c.DistinctIsLowerBound && c.Present > 1)
                warnings.Add(new(WarningKind.Constant, WarningSeverity.Info, c.Slot.Name, $"'{c.Slot.Name}' has a single value: it cannot help a model."));
            var reason = IdLikeReason(c);
            if (reason is not null)
            {
                idLike.Add(new IdLikeColumn(c.Slot.Name, reason));
                warnings.Add(new(WarningKind.IdLike, WarningSeverity.Warning, c.Slot.Name,
                    $"'{c.Slot.Name}' looks like an identifier ({reason}): mark it role: id so it is not used as a feature."));
            }
        }

        if (train.Conflicts.Conflicts > 0)
            warnings.Add(new(WarningKind.LabelConflicts, WarningSeverity.Warning, null,
                $"{Fmt.Rows(train.Conflicts.Conflicts)} ({Fmt.Percent((double)train.Conflicts.Conflicts / train.Rows)}) {(train.Conflicts.Conflicts == 1 ? "repeats" : "repeat")} every feature of an earlier row with another label ("
                + string.Join(", ", train.Conflicts.Examples.Select(e => $"data row {Fmt.Count(e.Row)} says '{PipelineGen.Shared.SafeText.Escape(e.Label)}' where row {Fmt.Count(e.FirstRow)} says '{PipelineGen.Shared.SafeText.Escape(e.FirstLabel)}'"))
                + $"{(train.Conflicts.Conflicts > train.Conflicts.Examples.Count ? ", ..." : "")}): no model can get both right. Check them for labelling errors; if the features are too coarse to tell such cases apart, add the column that does."));
        if (train.Duplicates.Duplicates > 0)
            warnings.Add(new(WarningKind.Duplicates, WarningSeverity.Warning, null,
                $"{Fmt.Rows(train.Duplicates.Duplicates)} ({Fmt.Percent((double)train.Duplicates.Duplicates / train.Rows)}) {(train.Duplicates.Duplicates == 1 ? "repeats" : "repeat")} an earlier row: they inflate validation scores when a copy lands on both sides of a split."));
        if (train.NearDuplicates.Duplicates > 0)
            warnings.Add(new(WarningKind.Duplicates, WarningSeverity.Warning, null, NearDuplicateWarning(train.NearDuplicates, train.Rows)));
        return idLike;
    }

    /// <summary>Missingness that depends on the label: every labelled row, not a sample.</summary>
    private static MissingnessSummary? AddMissingnessWarnings(List<ExplorationWarning> warnings, List<string> notes, ProfiledData train,
        IReadOnlyList<ColumnSlot> slots, PipelineSettings settings, bool classification)
    {
        var missingness = train.Missingness.Summarize(settings.LabelColumn, out var missingnessSkipped);
        if (missingnessSkipped is not null) notes.Add("Missing values were not related to the label: " + missingnessSkipped);
        foreach (var m in missingness?.Flagged ?? [])
        {
            var slot = slots.First(s => s.Name == m.Column);
            var keep = slot.Mode is ProfileMode.Numeric or ProfileMode.Date
                ? "Keep that signal: the default preparation adds a 0/1 'was missing' feature beside the filled value (prepare: missing_indicators, on unless set to false)."
                : "Keep that signal: the default preparation gives missing values their own '" + PipelineGen.Shared.ContractNames.MissingCategory + "' category.";
            warnings.Add(new(WarningKind.InformativeMissing, WarningSeverity.Warning, m.Column,
                $"'{m.Column}' {(classification ? "is missing far more often for some labels" : "is missing in rows with a different label")}: {m.Summary} ({m.Test} p {Fmt.PValue(m.PValue)}). Whether it is missing predicts the label. {keep} If it is blank because it is only filled in after the outcome is known, it is leakage instead: mark it role: ignore."));
        }
        return missingness;
    }

    /// <summary>Leakage probes: one column at a time, a joint linear leak (regression) and the full-model drop-column probe.
    /// They need at least two classes (or a numeric label) and some rows.</summary>
    private static LeakageSummary? AddLeakageWarnings(List<ExplorationWarning> warnings, List<string> notes, ProfiledData train,
        IReadOnlyList<ColumnSlot> slots, ColumnAccumulator label, int labelIndex, PipelineSettings settings, ExploreOptions options,
        IProgress<double>? progress)
    {
        bool labelUsable = !warnings.Any(w => w.Kind == WarningKind.SingleClass) && label.Present >= MinRowsForLeakage;
        if (options.SkipLeakage) return null;
        if (!labelUsable)
        {
            notes.Add($"Leakage probes were skipped: they need a label with at least two classes (or numbers) in at least {MinRowsForLeakage} rows; on fewer, a 30% holdout is too small to tell a leak from luck.");
            return null;
        }
        var leakage = LeakageProber.Probe(settings, slots, train.RowSample.Items, labelIndex, options,
            f => progress?.Report(0.4 + 0.6 * f), out var skippedBecause);
        if (skippedBecause is not null)
            warnings.Add(new(WarningKind.Leakage, WarningSeverity.Warning, settings.LabelColumn, "leakage probes skipped: " + skippedBecause));
        if (leakage is null) return null;
        foreach (var p in leakage.Flagged)
            warnings.Add(new(WarningKind.Leakage, WarningSeverity.Serious, p.Column,
                $"possible target leakage: '{p.Column}' alone predicts the label with {leakage.Metric} {Fmt.Fixed(p.Score, 3)} (threshold {Fmt.Fixed(leakage.Threshold, 2)}). If it is computed from the label or known only afterwards, mark it role: ignore."));
        leakage = AddJointLeakage(warnings, leakage, train, slots, labelIndex, settings);
        return AddDropColumnLeakage(warnings, notes, leakage, train, slots, labelIndex, settings, options);
    }

    private static LeakageSummary AddJointLeakage(List<ExplorationWarning> warnings, LeakageSummary leakage, ProfiledData train,
        IReadOnlyList<ColumnSlot> slots, int labelIndex, PipelineSettings settings)
    {
        if (settings.Task != MlTaskKind.Regression || !leakage.Flagged.Any()
            || JointLeakageProber.Probe(slots, train.RowSample.Items, labelIndex, leakage.Flagged.Select(p => p.Column).ToArray()) is not { } joint)
            return leakage;
        for (int k = 0; k < joint.Added.Count; k++)
            warnings.Add(new(WarningKind.Leakage, WarningSeverity.Serious, joint.Added[k].Column,
                $"possible target leakage: '{joint.Added[k].Column}' completes the leak of {string.Join(", ", joint.Seeds.Select(c => $"'{c}'"))}: together {string.Join(" + ", joint.Columns)} explain {Fmt.Fixed(joint.RSquared, 3)} of the label's variance with a linear fit, and {joint.StepShare(k)}. If it is part of the same after-the-fact record, mark it role: ignore."));
        return leakage with { Joint = joint };
    }

    /// <summary>Leaks that only show in combination, non-linearly (total = price × quantity): drop-column on a full model.</summary>
    private static LeakageSummary AddDropColumnLeakage(List<ExplorationWarning> warnings, List<string> notes, LeakageSummary leakage,
        ProfiledData train, IReadOnlyList<ColumnSlot> slots, int labelIndex, PipelineSettings settings, ExploreOptions options)
    {
        DropColumnSummary? dropColumnResult = null;
        try { dropColumnResult = DropColumnProber.Probe(settings, slots, train.RowSample.Items, labelIndex, options.Seed); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // e.g. a holdout with one class has no AUC: say so rather than fail the whole report.
            notes.Add("Full-model leakage probe not computed: " + e.Message.Split('\n')[0]);
        }
        if (dropColumnResult is not { } dropColumn) return leakage;
        leakage = leakage with { DropColumn = dropColumn };
        var accused = warnings.Where(w => w.Kind == WarningKind.Leakage && w.Severity == WarningSeverity.Serious).Select(w => w.Column).ToHashSet();
        foreach (var p in dropColumn.Flagged.Where(p => !accused.Contains(p.Column)))
        {
            var alone = leakage.Probes.FirstOrDefault(x => x.Column == p.Column);
            warnings.Add(new(WarningKind.Leakage, WarningSeverity.Serious, p.Column,
                $"possible target leakage: with every feature the model reaches {dropColumn.Metric} {Fmt.Fixed(dropColumn.FullScore, 3)}, implausibly good, and without '{p.Column}' it falls to {Fmt.Fixed(p.ScoreWithout, 3)} ({ErrorTimes(p.ErrorRatio)} the error){(alone is null || double.IsNaN(alone.Score) ? "" : $", though alone it scores only {Fmt.Fixed(alone.Score, 3)}")}. It leaks in combination with other columns{(p.Partners.Count > 0 ? $" ({string.Join(", ", p.Partners.Select(c => $"'{c}'"))} {(p.Partners.Count == 1 ? "decodes" : "decode")} it: needed only while '{p.Column}' is there)" : "")}, e.g. a total = price × quantity when predicting the price. Check this column is known at prediction time and not computed from the label; if it is not, mark it role: ignore."));
        }
        return leakage;
    }

    private static void AddDriftWarnings(List<ExplorationWarning> warnings, DriftSummary? drift, ExploreOptions options)
    {
        if (drift is null) return;
        if (drift.Overlap is { OverlapRows: > 0 } overlap)
            warnings.Add(new(WarningKind.TrainingOverlap, overlap.Flagged ? WarningSeverity.Serious : WarningSeverity.Info, null,
                overlap.Describe(drift.ComparePath)));
        foreach (var d in drift.Columns.Where(d => d.Verdict is DriftVerdict.Major or DriftVerdict.Moderate))
            warnings.Add(new(WarningKind.Drift, d.Verdict == DriftVerdict.Major && options.FailOnMajorDrift ? WarningSeverity.Serious : WarningSeverity.Warning, d.Column,
                $"'{d.Column}' differs between training and comparison data ({d.Verdict.ToString().ToLowerInvariant()} drift: PSI {Fmt.Fixed(d.Psi, 3)}{(double.IsNaN(d.KsPValue) ? "" : ", KS p " + Fmt.PValue(d.KsPValue))})."));
    }

    /// <summary>How each number in the report was computed (samples, caps, tests, thresholds).</summary>
    private static void AddMethodNotes(List<string> notes, ProfiledData train, ExploreOptions options, LeakageSummary? leakage,
        MissingnessSummary? missingness, DriftSummary? drift, bool classification)
    {
        notes.Add(train.Rows <= options.ReservoirSize
            ? "Medians, quartiles and histograms are exact (every row)."
            : $"Medians, quartiles, histograms, PSI bins and KS tests use a seeded uniform sample of {Fmt.Count(options.ReservoirSize)} values per column; counts, missing, min, max, mean and std use every row.");
        notes.Add($"Distinct values are exact up to {Fmt.Count(options.DistinctCap)} per column; top values count the first {Fmt.Count(options.CategoryCap)} distinct values seen.");
        notes.Add($"Duplicates compare feature, label and group columns (not id or ignored ones), by a 64-bit hash of the row{(train.Duplicates.Exact ? "" : $"; only the first {Fmt.Count(options.DuplicateHashCap)} distinct rows are remembered")}. Near-duplicates are rows that are not exact repeats but equal an earlier row once every cell is trimmed and text cells lose punctuation, extra spaces and case; they are checked against the splits evaluate would make on this file with the spec's evaluate settings.");
        if (leakage is not null)
            notes.Add($"Leakage: {LeakageProber.TrainerDescription}, trained on {Fmt.Count(leakage.TrainRows)} rows and scored on {Fmt.Count(leakage.HoldoutRows)} held-out rows ({(train.RowSample.IsComplete ? "all rows" : "a seeded uniform sample")}, seed {options.Seed}).");
        if (leakage?.DropColumn is { } dropped)
            notes.Add($"Full-model leakage probe: {DropColumnProber.TrainerDescription}, {Fmt.Count(dropped.TrainRows)} training and {Fmt.Count(dropped.HoldoutRows)} held-out rows, {(dropped.Probes.Count == 0 ? $"not retrained (r2 under {Fmt.Fixed(dropped.VeryGood, 2)}: no column can be accused)" : $"retrained without each of its {dropped.Probes.Count} most important columns (by split gain)")}; a column is flagged when the full model reaches {dropped.Metric} >= {Fmt.Fixed(dropped.NearPerfect, 2)} and dropping it multiplies the error at least {Fmt.Num(dropped.MinErrorRatio)}-fold (or >= {Fmt.Fixed(dropped.VeryGood, 2)} and {Fmt.Num(dropped.StrongErrorRatio)}-fold); only the column whose removal hurts most is accused.{(dropped.LeftOut.Count > 0 ? $" Free-text columns left out: {string.Join(", ", dropped.LeftOut)}." : "")}");
        if (missingness is not null)
            notes.Add($"Missing vs label: every labelled row; {(classification ? "chi-square test of missing vs class (Fisher's exact test when an expected count is under 5)" : "Welch's t test of the label's mean when missing vs present")}; flagged when p < {Fmt.Num(missingness.Alpha)} (0.001 over {missingness.Columns.Count} column(s), Bonferroni) and the {missingness.EffectDescription} is at least {Fmt.Num(missingness.MinEffect)}.");
        if (drift is not null)
            notes.Add("Drift: PSI over training deciles (numbers) or categories, < 0.1 stable, < 0.25 moderate, else major, counted only beyond PSI's sampling noise (PSI / (1/n + 1/m) against chi-square with bins - 1 degrees of freedom, p < 0.01); two-sample KS test on numbers, p < 0.01 counts as at least moderate.");

    }

    private static string ErrorTimes(double ratio) => double.IsPositiveInfinity(ratio) ? "from zero to more than zero" : $"{Fmt.Fixed(ratio, 1)}×";

    private static string ResolveData(string? optionPath, string? settingsPath, PipelineSettings settings, string what)
    {
        try
        {
            if (optionPath is not null) Data.DataFileGuard.CheckPathText(optionPath, what);
            var path = optionPath is not null ? Path.GetFullPath(optionPath) : settings.ResolvePath(settingsPath!);
            if (!File.Exists(path) && PipelineGen.Shared.DataFileCheck.KindOf(path) == PipelineGen.Shared.DataFileKind.Missing)
                throw new ExplorationInputException($"The {what} file '{path}' does not exist. Check the path{(optionPath is null ? " in pipeline.yaml" : "")}.");
            return Data.DataFileGuard.CheckReadable(path, what);
        }
        catch (DataValidationException e) { throw new ExplorationInputException(e.Message, e); }
    }

    private static string NearDuplicateWarning(NearDuplicateTracker near, long rows)
    {
        var n = near.Duplicates;
        var example = near.Examples.Count > 0 ? $" (e.g. data row {near.Examples[0].RowNumber} and row {near.Examples[0].FirstRowNumber})" : "";
        var across = near.AcrossSplits is long a
            ? $"; {Fmt.Count(a)} of them {(a == 1 ? "is" : "are")} on the other side of an evaluation split from the row {(a == 1 ? "it repeats" : "they repeat")} (exact copies are kept together, near copies are not)"
            : "";
        return $"{Fmt.Rows(n)} ({Fmt.Percent((double)n / rows)}) {(n == 1 ? "equals" : "equal")} an earlier row once cells are trimmed and text is lower-cased without punctuation or extra spaces{example}{across}. Clean the text, or put the copies in one group (a group column) so evaluate keeps them on one side.";
    }

    /// <summary>The Data area's row check: malformed rows named by file, line and column, and file-level errors.</summary>
    /// <remarks>For the training file every file-level error is fatal. A comparison file may legitimately have no
    /// labels (serving data) or one class, so there only a header mismatch or an empty file is fatal.</remarks>
    private static DataScan Scan(PipelineSettings settings, string path, bool comparison, List<string> nonFatal)
    {
        DataScan scan;
        try { scan = DataScan.Run(settings, path); }
        catch (DataValidationException e) { throw new ExplorationInputException(e.Message, e); }
        if (scan.Errors.Count == 0) return scan;
        bool fatal = !comparison || scan.RowCount == 0 || scan.Problems.Any(p => p.Kind == RowProblemKind.HeaderMismatch);
        if (fatal) throw new ExplorationInputException($"{path}: {string.Join(Environment.NewLine, scan.Errors)}");
        nonFatal.AddRange(scan.Errors.Select(e => $"{path}: {e}"));
        return scan;
    }

    private static IDataView Load(IPipelineDefinition pipeline, MLContext ml, string path)
    {
        try { return pipeline.LoadData(ml, path); }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or InvalidDataException)
        {
            throw new ExplorationInputException($"{path}: could not be read: {e.Message}", e);
        }
    }

    private static int IndexOfLabel(IReadOnlyList<ColumnSlot> slots, PipelineSettings settings, string path)
    {
        for (int i = 0; i < slots.Count; i++)
            if (slots[i].Name == settings.LabelColumn) return i;
        throw new ExplorationInputException($"{path}: the label column '{settings.LabelColumn}' is not among the loaded columns ({string.Join(", ", slots.Select(s => s.Name))}).");
    }

    private sealed record ProfiledData(long Rows, ColumnAccumulator[] Columns, IReadOnlyList<IReadOnlyList<string>> FirstRows,
        Reservoir<Cell[]> RowSample, DuplicateTracker Duplicates, NearDuplicateTracker NearDuplicates, MissingnessAccumulator Missingness,
        Dictionary<string, long> LabelFirstRows, LabelExtremes LabelExtremes, LabelConflicts Conflicts);

    /// <summary>Distinct label values whose first data row is remembered (for messages naming where a spelling occurs).</summary>
    private const int LabelFirstRowsCap = 1_000;

    private static ProfiledData Profile(IDataView data, IReadOnlyList<ColumnSlot> slots, PipelineSettings settings,
        ExploreOptions options, string path, int labelIndex, bool classification, bool collectRows, DataScan scan,
        Evaluation.SplitPlan? plan = null, TrainingOverlap.Counter? overlap = null)
    {
        var columns = slots.Select((s, i) => new ColumnAccumulator(s, options, options.Seed + 7919 * (i + 1),
            countCategories: classification && i == labelIndex)).ToArray();
        var firstRows = new List<IReadOnlyList<string>>();
        var rowSample = new Reservoir<Cell[]>(collectRows ? options.LeakageMaxRows : 1, options.Seed);
        var duplicates = new DuplicateTracker(options.DuplicateHashCap, maxExamples: 5);
        var missingness = new MissingnessAccumulator(slots, labelIndex, classification);
        var labelFirstRows = new Dictionary<string, long>(StringComparer.Ordinal);
        var labelExtremes = new LabelExtremes();
        var conflicts = new LabelConflicts(options.DuplicateHashCap, maxExamples: 3);
        // What the model sees decides whether two rows are the same example: ids and ignored columns do not count.
        var hashed = TrainingOverlap.ComparedColumns(slots);
        var featureHashed = hashed.Where(i => i != labelIndex).ToArray();
        var near = new NearDuplicateTracker(slots, hashed, options.DuplicateHashCap, maxExamples: 5, plan);
        long rows = 0, rowIndex = -1;
        using var reader = RowReader.Open(data, slots, settings);
        try
        {
            while (reader.MoveNext())
            {
                rowIndex++;
                // Rows the scan found malformed (ragged, unparsable) would be profiled as mangled values.
                if (rowIndex < scan.RowCount && scan.IsBadRow(rowIndex)) continue;
                rows++;
                var cells = reader.Current;
                for (int i = 0; i < cells.Length; i++) columns[i].Add(cells[i]);
                overlap?.Add(RowHash.OfRow(cells, hashed), rowIndex + 1, () => string.Join(settings.Separator, cells.Select(c => c.Display)));
                if (!collectRows) continue;
                missingness.Add(cells);
                if (classification && !cells[labelIndex].Missing && labelFirstRows.Count < LabelFirstRowsCap)
                    labelFirstRows.TryAdd(cells[labelIndex].Display, rowIndex + 1);
                if (!classification && !cells[labelIndex].Missing) labelExtremes.Add(cells[labelIndex].Number, rowIndex + 1);
                if (!cells[labelIndex].Missing) conflicts.Add(RowHash.OfRow(cells, featureHashed), rowIndex + 1, cells[labelIndex].Display);
                if (firstRows.Count < options.SampleRows) firstRows.Add(cells.Select(c => c.Display).ToArray());
                var hash = RowHash.OfRow(cells, hashed);
                // Row numbers are 1-based data rows (the header is not counted).
                string Render() => string.Join(settings.Separator, cells.Select(c => c.Display));
                bool exact = duplicates.Add(hash, rowIndex + 1, Render) is not null;
                near.Add(cells, rowIndex, exact, Render);
                rowSample.Offer((Cell[])cells.Clone());
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidDataException)
        {
            throw new ExplorationInputException($"{path}: reading failed after data row {rows}: {e.Message}", e);
        }
        return new ProfiledData(rows, columns, firstRows, rowSample, duplicates, near, missingness, labelFirstRows, labelExtremes, conflicts);
    }

    private static ColumnProfile ToProfile(ColumnAccumulator c, ExploreOptions options, long rows)
    {
        var summary = c.Summary();
        var top = Array.Empty<ValueCount>();
        long other = 0;
        if (c.Categories is not null)
        {
            top = c.Categories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Take(options.TopValues).Select(kv => new ValueCount(kv.Key, kv.Value, rows == 0 ? 0 : (double)kv.Value / rows)).ToArray();
            other = c.Present - top.Sum(t => t.Count);
        }
        return new ColumnProfile
        {
            Name = c.Slot.Name,
            Kind = c.Slot.Kind,
            Role = c.Slot.Role,
            DataType = c.Slot.DataType,
            Count = c.Present,
            Missing = c.Missing,
            MissingPercent = rows == 0 ? 0 : 100.0 * c.Missing / rows,
            Distinct = c.DistinctCount,
            DistinctIsLowerBound = c.DistinctIsLowerBound,
            Numeric = c.IsNumericLike ? summary : null,
            IsDate = c.Slot.Mode == ProfileMode.Date,
            TextLength = c.Slot.Mode == ProfileMode.Text ? summary : null,
            Histogram = c.Slot.Mode == ProfileMode.Categorical ? [] : c.Histogram(options.HistogramBins),
            HistogramFromSample = !c.Sample.IsComplete,
            TopValues = top,
            OtherCount = other,
            Unparsed = c.Unparsed,
        };
    }

    private static ClassBalance Balance(ColumnAccumulator label)
    {
        var total = label.Present;
        var classes = label.Categories!.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ValueCount(kv.Key, kv.Value, total == 0 ? 0 : (double)kv.Value / total)).ToArray();
        if (classes.Length < 2) return new ClassBalance(classes, double.NaN, double.NaN, false);
        var minority = classes[^1].Share;
        var ratio = (double)classes[0].Count / classes[^1].Count;
        // The minority-share rule is for two classes only: ten balanced classes have 10% each and are not imbalanced.
        var imbalanced = classes.Length == 2 ? minority < ImbalanceMinorityShare || ratio > ImbalanceRatio : ratio > ImbalanceRatio;
        return new ClassBalance(classes, minority, ratio, total >= MinRowsForHeuristics && imbalanced);
    }

    private static string? IdLikeReason(ColumnAccumulator c)
    {
        if (c.Present < MinRowsForHeuristics) return null;
        if (c.Slot.Mode == ProfileMode.Numeric)
            return c.IsStrictlyMonotoneIntegers ? "integers that rise or fall by row, all distinct" : null;
        if (c.Slot.Mode == ProfileMode.Date) return null;
        // Free text is unique per row by nature (names, reviews); only categoricals that never repeat look like ids.
        if (c.Slot.Kind == ColumnKind.Text) return null;
        // Free text is unique by nature; only short texts (names, codes) count as identifiers.
        if (c.Slot.Mode == ProfileMode.Text && c.SumOfTextLengths / c.Present > 40) return null;
        if (c.DistinctIsLowerBound || c.DistinctCount >= IdLikeDistinctShare * c.Present)
            return $"{(c.DistinctIsLowerBound ? "more than " : "")}{Fmt.Count(c.DistinctCount)} distinct values in {Fmt.Count(c.Present)} rows";
        return null;
    }
}
