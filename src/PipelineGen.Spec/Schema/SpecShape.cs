using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Schema;

/// <summary>
/// The shape of a spec, declared once. It drives validation (unknown/missing keys, value types, allowed values),
/// the JSON Schema that editors use, and the spec reference in the docs, so the three cannot drift apart.
/// </summary>
public abstract record ShapeNode(string Description);

public enum ScalarKind { String, Integer, Number, Boolean }

/// <param name="Allowed">Values the shape itself enforces (PG0003).</param>
/// <param name="Suggested">Values offered to editors and docs but checked later with a more specific diagnostic (e.g. trainers, PG0201).</param>
public sealed record ScalarShape(string Description, ScalarKind Kind, string[]? Allowed = null, double? Min = null, double? Max = null, bool MinExclusive = false, bool MaxExclusive = false, string[]? Suggested = null)
    : ShapeNode(Description);

/// <param name="Checks">Diagnostics beyond the shape's own (PG0002-PG0004) that guard this key, for the spec reference.</param>
public sealed record PropertyShape(string Key, ShapeNode Shape, bool Required = false, string? Default = null, string? Example = null, string[]? Checks = null);

public sealed record ObjectShape(string Description, IReadOnlyList<PropertyShape> Properties) : ShapeNode(Description)
{
    public PropertyShape? Find(string key) => Properties.FirstOrDefault(p => p.Key == key);
}

/// <summary>A mapping whose keys are names the user chooses (columns, hyperparameters).</summary>
public sealed record MapShape(string Description, string KeyDescription, ShapeNode Value) : ShapeNode(Description);

public sealed record ListShape(string Description, ShapeNode Item) : ShapeNode(Description);

/// <summary>A value that may take one of several shapes (a scalar or a list, say).</summary>
public sealed record OneOfShape(string Description, IReadOnlyList<ShapeNode> Options) : ShapeNode(Description);

public static class SpecShape
{
    public const int CurrentVersion = 1;

    public static readonly string[] ColumnTypes = { "numeric", "categorical", "text", "boolean", "datetime" };
    public static readonly string[] ColumnRoles = { "feature", "label", "id", "ignore", "group" };
    public static readonly string[] MissingStrategies = { "mean", "median", "model", "category" };
    public static readonly string[] DefaultMissingTokens = { "", "?", "NA", "NaN", "null" };

    private static ScalarShape Str(string d, params string[] allowed) => new(d, ScalarKind.String, allowed.Length == 0 ? null : allowed);
    private static ScalarShape Int(string d, double? min = null, double? max = null) => new(d, ScalarKind.Integer, null, min, max);
    private static ScalarShape Num(string d, double? min = null, double? max = null, bool minEx = false, bool maxEx = false) => new(d, ScalarKind.Number, null, min, max, minEx, maxEx);
    private static ScalarShape Bool(string d) => new(d, ScalarKind.Boolean);
    private static PropertyShape P(string key, ShapeNode shape, bool required = false, string? @default = null, string? example = null, params string[] checks) => new(key, shape, required, @default, example, checks.Length == 0 ? null : checks);

    public static readonly ObjectShape Column = new("Overrides for one data column.", new[]
    {
        P("type", Str("How the column is read and featurised.", ColumnTypes), @default: "inferred from the data"),
        P("role", Str("What the column is used for.", ColumnRoles), @default: "feature"),
        P("missing", Str("How missing values are filled: numerics mean/median/model, categoricals a 'missing' category.", MissingStrategies), @default: "prepare.numeric_missing / category"),
        P("missing_values", new ListShape("Tokens that mean 'missing' in this column only, in addition to data.missing_values, e.g. [\"-1\"] where -1 codes an unknown value but is a real value in other columns. Written exactly as in the file; every step reads them so (train, evaluate, test, predict, explore, serve: a JSON number with that exact text, or a string equal to a token, is missing). An empty or repeated token is a warning.", Str("A token."))),
        P("format", Str("datetime columns: how the dates are written, as a .NET custom date and time format read exactly (invariant culture), e.g. 'dd/MM/yyyy' for day-first dates, 'dd.MM.yyyy HH:mm', 'yyyyMMdd'. Every step reads the column with it (train, evaluate, test, predict, explore, serve); a value that does not match is a bad row (a 400 in serve). Without it dates are read as ISO 8601 and numeric dates month-first (03/04/2019 is March 4), and the build and the run warn when a column's dates could be day-first."), @default: "ISO 8601 (numeric dates month-first)", checks: new[] { "PG0141", "PG0142", "PG0143", "PG0144", "PG0145" }),
    });

    public static readonly ObjectShape SearchDimension = new("A hyperparameter's search range: 'min'/'max' (with 'scale') or a 'values' list.", new[]
    {
        P("min", Num("Lower bound (inclusive).")),
        P("max", Num("Upper bound (inclusive).")),
        P("scale", Str("How values between min and max are drawn.", "linear", "log"), @default: "linear"),
        P("values", new ListShape("Explicit candidate values.", new OneOfShape("A candidate.", new ShapeNode[] { Num("A number."), Bool("A flag.") }))),
    });

    public static readonly ObjectShape Gate = new("One gate: a metric of the honest estimate (the evaluation protocol's mean over splits, with its 95% interval) and exactly one threshold.", new[]
    {
        P("metric", Str("The metric (per class: precision, recall or f1)."), required: true),
        P("min", Num("Pass when the metric's mean (with require: interval, its interval's lower bound) is at least this (metrics where higher is better).")),
        P("max", Num("Pass when the metric's mean (with require: interval, its interval's upper bound) is at most this (metrics where lower is better).")),
        P("min_improvement", Num("Pass when the mean paired improvement over the baseline, split by split in the metric's good direction (with require: interval, the lower bound of its interval), is at least this.")),
        P("class", Str("Classification: the metric of this label value only (precision, recall or f1 of that class).")),
        P("group", Str("The metric within each value of this column; every value must pass.")),
        P("require", Str("What must clear the threshold: the mean over the splits, or the whole 95% interval over the splits (the lower bound for min and min_improvement, the upper bound for max; per class and per group, in every value). With interval the gate fails when there is no interval: a holdout protocol, or a value measured in one split only.", "mean", "interval"), @default: "mean"),
    });

    public static readonly ObjectShape Root = new("A PipelineGen pipeline spec: one machine-learning workflow.", new[]
    {
        P("version", Int("Spec format version.", 1, 1), required: true, example: "version: 1", checks: "PG0005"),
        P("name", Str("Pipeline name; prefixes the generated classes (<Name>Input, <Name>Prediction, <Name>Pipeline)."), required: true, example: "name: Churn", checks: new[] { "PG0006", "PG0007" }),
        P("task", new ObjectShape("What is predicted.", new[]
        {
            P("kind", Str("The task kind.", TaskKinds.Names), required: true, example: "kind: binary"),
            P("label", Str("The column to predict."), required: true, example: "label: churned", checks: new[] { "PG0102", "PG0107", "PG0111" }),
            P("positive_class", Str("Binary only: the label value that counts as positive."), @default: "1, true or yes when the label has it", checks: new[] { "PG0105", "PG0106" }),
            P("threshold", Num("Binary only: the probability of the positive class at or above which 'predict' calls a row positive ('predict --threshold' overrides it); accuracy, f1, precision and recall in evaluate, test, the gates, tune and the card count the decisions made at it; the evaluation report draws its confusion matrix at it and shows the precision/recall trade-off to choose it from.", 0, 1, minEx: true, maxEx: true), @default: "0.5", checks: "PG0330"),
        }), required: true, example: "task: { kind: binary, label: churned }"),
        P("data", new ObjectShape("Where the data is and how to read it.", new[]
        {
            P("train", Str("Training data file, relative to the spec's folder."), required: true, example: "train: data/train.csv", checks: new[] { "PG0301", "PG0302", "PG0303", "PG0304", "PG0307", "PG0308", "PG0309" }),
            P("test", Str("Held-out test data file, evaluated once at the end."), checks: new[] { "PG0301", "PG0306", "PG0112" }),
            P("format", Str("File format.", "csv", "tsv"), @default: "from the file extension"),
            P("header", Bool("Whether the first line names the columns."), @default: "true"),
            P("names", new ListShape("With 'header: false': the column names, in the file's order (without it the columns are Column1, Column2, ...).", Str("A column name.")), checks: new[] { "PG0150", "PG0151", "PG0152", "PG0153" }),
            P("separator", Str("Field separator (one character)."), @default: "',' for csv, tab for tsv"),
            P("missing_values", new ListShape("Tokens that mean 'missing'.", Str("A token."))),
            P("bad_rows", Str("What a row that does not parse does: fail the step, or skip it and count it.", "fail", "skip"), @default: "fail"),
            P("features", new ListShape("If given, only these columns are features.", Str("A column name.")), checks: new[] { "PG0101", "PG0103", "PG0104", "PG0109" }),
            P("columns", new MapShape("Per-column overrides of type, role and missing-value strategy.", "column name", Column), checks: new[] { "PG0101", "PG0103", "PG0108", "PG0110" }),
        }), required: true, example: "data: { train: data/train.csv }"),
        P("metric", Str("The success metric.", new[] { "auto" }.Concat(MetricCatalog.AllNames).ToArray()), @default: "auto: chosen from the task and class balance", checks: "PG0205"),
        P("prepare", new ObjectShape("Feature preparation.", new[]
        {
            P("normalize", Str("Feature scaling.", "auto", "minmax", "zscore", "none"), @default: "auto: minmax for linear trainers, none for trees"),
            P("numeric_missing", Str("Default fill for missing numerics.", "mean", "median", "model"), @default: "mean"),
            P("missing_indicators", Bool("Add a 0/1 'was missing' feature beside the filled value of each numeric column with missing values, so a gap that depends on the label keeps its signal (mean or median filling alone erases it for linear trainers). Set false to leave it out."), @default: "true"),
            P("categorical_encoding", Str("How categoricals become numbers.", "onehot", "hash"), @default: "onehot"),
            P("hash_bits", Int("Bits for hashing encoding (2^bits slots).", 1, 30), @default: "16"),
            P("text", new ObjectShape("Text featurisation.", new[]
            {
                P("word_ngrams", Int("Longest word n-gram.", 1, 5), @default: "2"),
                P("char_ngrams", Int("Character n-gram length (0 turns them off).", 0, 6), @default: "3"),
            })),
            P("augment", new ObjectShape("Training-only augmentation: copies of some training rows with categoricals blanked.", new[]
            {
                P("blank_columns", new ListShape("Categorical columns to blank in the copies.", Str("A column name.")), required: true),
                P("fraction", Num("Share of training rows copied.", 0, 1, minEx: true), @default: "0.1"),
            })),
        })),
        P("evaluate", new ObjectShape("The evaluation protocol.", new[]
        {
            P("protocol", Str("How data is split for validation.", "holdout", "kfold", "repeated_kfold"), @default: "kfold"),
            P("folds", Int("Number of folds.", 2, 100), @default: "5"),
            P("repeats", Int("Repeats of K-fold, reshuffled each time (repeated_kfold).", 1, 100), @default: "3", checks: "PG0207"),
            P("holdout_fraction", Num("Validation share for holdout.", 0, 1, minEx: true, maxEx: true), @default: "0.2"),
            P("stratify", Bool("Keep class proportions in every split (classification)."), @default: "true"),
            P("seed", Int("Random seed for splits and trainers.", 0, int.MaxValue), @default: "42"),
            P("duplicates", Str("How exact-duplicate rows are split: group keeps each set of identical rows on one side of every split; drop evaluates one copy of each set; keep splits copies as independent rows (they land on both sides: leaks, optimistic scores).", "group", "drop", "keep"), @default: "group"),
        })),
        P("baseline", new ObjectShape("The trivial model the pipeline must beat.", new[]
        {
            P("strategy", Str("Trivial predictor.", PipelineGen.Shared.ContractNames.ClassificationBaselines.Concat(PipelineGen.Shared.ContractNames.RegressionBaselines).Distinct().ToArray()), @default: PipelineGen.Shared.ContractNames.AutoBaseline),
        })),
        P("model", new ObjectShape("The trainer.", new[]
        {
            P("trainer", new ScalarShape("ML.NET trainer.", ScalarKind.String, Suggested: TrainerCatalog.All.Select(t => t.Name).ToArray()), @default: TrainerCatalog.DefaultTrainer, checks: new[] { "PG0201", "PG0202" }),
            P("params", new MapShape("Hyperparameters of the trainer.", "hyperparameter name", new OneOfShape("A value.", new ShapeNode[] { Num("A number."), Bool("A flag."), Str("A word (dense: activation)."), new ListShape("A list of whole numbers (dense: layers).", Int("A layer width.")) })), checks: new[] { "PG0203", "PG0204" }),
            P("capacity", Str("Whether 'run' fits the final model at the capacity (trees, iterations) the capacity curve chose (auto: only when the spec's value is worse beyond the split-to-split noise; said in the output and the model card) or at the spec's value (pinned).", "auto", "pinned"), @default: "auto", checks: "PG0320"),
        })),
        P("tune", new ObjectShape("Hyperparameter search, run by the 'tune' command; its winner is pinned in <spec>.lock.yaml.", new[]
        {
            P("strategy", Str("Search strategy: random draws, every grid point (5 per continuous range), Bayesian TPE, successive halving (halving: trials start on a share of the training rows or of the trees, see tune.halving_budget; the best 1/3 go on) or Hyperband (brackets of halving, BOHB-style TPE proposals).", "random", "grid", "bayesian", "halving", "hyperband"), @default: "random"),
            P("trials", Int("Trial budget of a study ('tune --trials' overrides it). Without it a study runs 20 trials, or, when 'tune --time' is given, as many as the time budget allows; with it, '--time' adds a time limit.", 1, 100000), @default: "20, or no cap with --time"),
            P("metric", Str("Metric to optimise.", MetricCatalog.AllNames.ToArray()), @default: "the spec's metric", checks: "PG0205"),
            P("space", new MapShape("Search space over model.trainer's hyperparameters: name -> range. Without 'space' and 'trainers', tune searches the default space over the built-in trainers for the task (docs/runtime-tuning.md).", "hyperparameter name", SearchDimension), @default: "the default space", checks: new[] { "PG0203", "PG0204", "PG0206", "PG0210", "PG0218" }),
            P("trainers", new MapShape("Search the trainer itself: trainer name -> its own search space (name -> range; {} keeps its defaults). A trainer's ranges apply only to trials that choose it.", "trainer name",
                new MapShape("The trainer's search space: hyperparameter name -> range.", "hyperparameter name", SearchDimension)), checks: new[] { "PG0215", "PG0216", "PG0217", "PG0204", "PG0206", "PG0210", "PG0218" }),
            P("prepare", new ObjectShape("Preparation choices searched with the trainer: each trial builds the pipeline with one value of each.", new[]
            {
                P("normalize", new ListShape("Feature scaling values to try.", Str("A scaling.", "minmax", "zscore", "none"))),
                P("missing_indicators", new ListShape("Whether to add 'was missing' features (numeric features with gaps).", Bool("A flag.")), checks: "PG0219"),
                P("categorical_encoding", new ListShape("Categorical encodings to try (categorical features).", Str("An encoding.", "onehot", "hash")), checks: "PG0219"),
                P("word_ngrams", new ListShape("Longest word n-grams to try (text features).", Int("An n-gram length.", 1, 5)), checks: "PG0219"),
                P("char_ngrams", new ListShape("Character n-gram lengths to try, 0 off (text features).", Int("An n-gram length.", 0, 6)), checks: "PG0219"),
            })),
            P("ensemble", Bool("After the study, build a greedy ensemble (Caruana) of the best trials from their out-of-fold predictions; kept and pinned in the lock file only when it beats the single winner on the out-of-fold rows (cross-fitted: chosen on one half, compared on the other; the held-back rows only score what was kept) ('tune --ensemble' / '--no-ensemble' override). Every task kind (multiclass: class probabilities averaged) and strategy (halving/hyperband: the full-budget configurations); not with metric pr_auc (then off by default, and 'true' is an error). Off by default with deploy.onnx: true (a blend cannot be exported to ONNX; 'true' is then a warning). On by default since the keep rule measured no loss (docs/benchmarks.md section 9b); 'false' opts out."), @default: "true", checks: new[] { "PG0222", "PG0227" }),
            P("honest", Str("The honest estimate 'tune' and 'run' report as the headline: holdout (a held-back share of the training rows the search never sees) or nested (the whole search repeated inside tune.outer_folds outer folds, then the final search). 'tune --honest' / '--nested K' override.", "holdout", "nested"), @default: "holdout"),
            P("outer_folds", Int("Outer folds of nested cross-validation (tune.honest: nested); costs that many searches.", 2, 20), @default: "5", checks: "PG0223"),
            P("halving_budget", Str("What a low rung of halving/hyperband spends: rows (a share of each training fold's rows), iterations (that share of the trees / boosting iterations, fitted on all rows; every searched trainer needs a count) or auto (iterations for a trainer with a capacity count, rows for one without). A rung at 1/9 costs 1/9 of a full trial either way ('tune --halving-budget' overrides).", "auto", "rows", "iterations"), @default: "auto", checks: "PG0231"),
        })),
        P("gates", new ListShape("Quality gates: 'train' and 'run' make a new model current only when it passes every gate and is not worse than the current model on the same folds (an empty list keeps only that comparison). A gate is decided on the metric's mean over the splits, or with 'require: interval' on the bound of its 95% interval, so that a model whose interval reaches below the bar does not pass. A failing model is kept as a candidate version; the step exits 1, and in a build with -p:PipelineGenTrain=true it is a build error at the gate's line.", Gate),
            example: "gates:\n  - { metric: auc, min: 0.85 }", checks: new[] { "PG0400", "PG0401", "PG0402", "PG0403", "PG0404", "PG0405" }),
        P("deploy", new ObjectShape("How the model is served.", new[]
        {
            P("rest", new ObjectShape("REST service (package PipelineGen.Serving: 'serve' and the generated Map<Name>Endpoints).", new[]
            {
                P("port", Int("Default port of the 'serve' command (on 127.0.0.1 unless --host says otherwise); '--port' overrides it.", 1, 65535), @default: "5000"),
            })),
            P("onnx", Bool("Export an ONNX model."), @default: "false"),
        })),
    });
}
