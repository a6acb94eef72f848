using System.Text;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// docs/diagnostics.md: every PG id with a real example (the message is produced by the parser/binder from the
/// example, not typed by hand) and the fix. The test fails when an id has no example or the file is stale.
/// </summary>
public class DiagnosticsReferenceTests
{
    private sealed record Example(string Id, string Spec, string Fix, InferredSchema? Schema = null, DiagnosticInfo? Reported = null);

    private static InferredSchema WithLabelValues(params string[] values) => ChurnSchema() with
    {
        Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = values.Length, DistinctValues = values.ToEquatableArray() } : c).ToEquatableArray(),
    };

    // Diagnostics the build tool finds in data files: the tool writes them into the schema and the generator reports them.
    private static DiagnosticInfo FromTool(DiagnosticDescriptorInfo d, string file, int line, int column, params object[] args) =>
        d.Create(file, SourceSpan.At(line, column), args);

    private static DiagnosticInfo LockDiagnostic(string lockText, string id) =>
        Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, lockText).Diagnostics, id);

    // Built once: some examples parse a 1 MiB spec, and every id looks its example up.
    private static readonly Lazy<Example[]> CachedExamples = new(BuildExamples);

    private static IEnumerable<Example> Examples() => CachedExamples.Value;

    private static Example[] BuildExamples() => new[]
    {
        new Example("PG0001", "version: 1\nname: Churn\ntask:\n  kind: binary\n   label: churned\n", "Fix the indentation: `label` must line up with `kind`."),
        new Example("PG0002", Minimal + "\nevaluate:\n  protocl: kfold\n", "Correct the key's spelling (`protocol`)."),
        new Example("PG0003", Minimal + "\nevaluate:\n  folds: five\n", "Give a value of the documented type (`folds: 5`)."),
        new Example("PG0004", "version: 1\nname: Churn\ntask:\n  kind: binary\ndata:\n  train: data.csv\n", "Add the missing key (`label: churned`)."),
        new Example("PG0005", Minimal.Replace("version: 1", "version: 2"), "Set `version: 1`, or upgrade the PipelineGen package."),
        new Example("PG0006", Minimal, "Give each spec in a project its own `name`.", Reported: SpecDiagnostics.DuplicatePipelineName.Create("/project/other.pipeline.yaml", SourceSpan.At(2, 7), "Churn", "/project/pipeline.yaml")),
        new Example("PG0007", Minimal.Replace("name: Churn", "name: churn-model"), "Use a C# identifier: `name: ChurnModel`."),
        new Example("PG0008", Minimal + "\nmetric: auc\nmetric: f1\n", "Keep one of the two keys."),
        new Example("PG0010", Minimal, "Point the build at the real spec; a spec is a short settings file (at most 1 MiB).",
            Reported: Parse(Minimal + "\n# " + new string('x', 1024 * 1024) + "\n").Diagnostics.Single()),
        new Example("PG0011", Minimal + "\nmetric: " + new string('[', 65) + new string(']', 65) + "\n", "Remove the extra nesting; no setting is nested more than a few levels."),
        new Example("PG0012", Minimal, "Save the spec as UTF-8 and remove the control character (write it as an escape in a double-quoted value if it is meant).",
            Reported: Parse(Minimal.Replace("label: churned", "label: churned\0")).Diagnostics.Single()),
        new Example("PG0013", "version: 1\nname: Churn\ntask:\n\tkind: binary\n  label: churned\ndata:\n  train: data.csv\n", "Indent with spaces (set the editor to insert spaces for YAML)."),
        new Example("PG0014", Minimal, "Replace the non-breaking space (often pasted from a web page or a word processor) with an ordinary space.",
            Reported: Parse(Minimal.Replace("  train: data.csv", "\u00A0\u00A0train: data.csv")).Diagnostics.Single()),
        new Example("PG0015", Minimal, "Fix the diagnostics shown (here: 150 unknown keys) and build again.",
            Reported: Parse(Minimal + "\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"unknown{i}: 1\n"))).Diagnostics.Last()),
        new Example("PG0016", Minimal, "Give each spec a name that differs by more than letter case.",
            Reported: SpecDiagnostics.PipelineNameCaseClash.Create("/project/other.pipeline.yaml", SourceSpan.At(2, 7), "churn", "Churn", "/project/pipeline.yaml")),
        new Example("PG0017", Minimal.Replace("name: Churn", "name: Churn" + new string('x', 130)), "Use a name of at most 128 characters."),
        new Example("PG0101", Minimal + "\n  columns:\n    agee: { type: numeric }\n", "Use a column name from the data's header (`age`)."),
        new Example("PG0102", Minimal.Replace("label: churned", "label: churn"), "Name the label column exactly as in the header (`churned`)."),
        new Example("PG0103", Minimal + "\n  features: [age, churned]\n", "Remove the label from the feature list."),
        new Example("PG0104", Minimal + "\n  features: [customer_id, age]\n  columns:\n    customer_id: { role: id }\n", "Remove the id column from the feature list."),
        new Example("PG0105", Minimal.Replace("label: churned", "label: churned\n  positive_class: Yes"), "Use one of the label's values exactly (`positive_class: \"yes\"`)."),
        new Example("PG0106", Minimal, "Say which value is positive: `positive_class: left`.", WithLabelValues("left", "stayed")),
        new Example("PG0107", Minimal, "Use `kind: multiclass`, or a label with two values. When the values are one class spelled several ways (`yes`, `Yes`, `YES`) the message says so instead: write each class one way in the data. When the extra values sit in a handful of rows beside two well-filled classes (a `2` in 3 rows of a 0/1 label; the thresholds of `explore`'s stray-class warning) the message names them, their row counts and the data line of the first, and asks to correct or remove those rows.", WithLabelValues("basic", "pro", "team")),
        new Example("PG0108", Minimal, "Fix the value in the data, or change the column's `type`.",
            Reported: FromTool(SpecDiagnostics.TypeOverrideMismatch, "/project/data.csv", 18, 9, "age", "numeric", "forty", 18)),
        new Example("PG0109", Minimal + "\n  features: []\n", "List at least one feature column, or drop `features` to use all columns."),
        new Example("PG0110", Minimal + "\n  columns:\n    plan: { role: label }\n", "Set `task.label` instead of a second `role: label`."),
        new Example("PG0111", Minimal.Replace("kind: binary", "kind: multiclass"), "Correct the typo in the data (and the test file), write the value as the class it means, or remove those rows. If the class is real, collect more rows of it: a class in a handful of rows is too small to learn or to measure. The build goes on (a warning); the thresholds are `explore`'s stray-class warning's.",
            ChurnSchema() with { Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 4, DistinctValues = new[] { "basic", "basik", "pro", "team" }.ToEquatableArray(), ValueCounts = new[] { 412, 2, 230, 96 }.ToEquatableArray(), ValueLines = new[] { 2, 57, 3, 5 }.ToEquatableArray() } : c).ToEquatableArray() }),
        new Example("PG0112", Minimal, "Correct the value in the test file (a typo), or add rows of that class to the training file. `test` refuses a test file with label values the model was not trained on, so the build says so first.",
            Reported: FromTool(SpecDiagnostics.LabelValueOnlyInTest, "/project/test.csv", 14, 9, "churned", "value 'Yes ' (3 rows, first at line 14)", "test.csv", "data.csv", "", "that class")),
        new Example("PG0120", Minimal, "Name every column in the header.",
            ChurnSchema(new InferredColumn("", 5, "categorical", 0, 3, EquatableArray<string>.Empty))),
        new Example("PG0121", Minimal, "Check that the first row is a header; shorten the name.",
            ChurnSchema(new InferredColumn("How satisfied were you " + new string('.', 1100), 5, "categorical", 0, 3, EquatableArray<string>.Empty))),
        new Example("PG0122", Minimal, "Rename the column in the header (for example `label_code`), or set `role: ignore` for it.",
            ChurnSchema(new InferredColumn("Label", 5, "numeric", 0, 10, EquatableArray<string>.Empty))),
        new Example("PG0150", Minimal + "\n  names: [customer_id, age, plan, churned]\n", "Add `header: false` if the file has no header line; otherwise remove `names`."),
        new Example("PG0151", Minimal + "\n  header: false\n  names: [customer_id, age, age, churned]\n", "Give each column its own name (`age`, `tenure`)."),
        new Example("PG0152", Minimal + "\n  header: false\n  names: [customer_id, \"--\", plan, churned]\n", "Name the column with letters or digits (`signup_date`)."),
        new Example("PG0153", Minimal, "List one name per field of the data, in the file's order.",
            Reported: FromTool(SpecDiagnostics.NamesCountMismatch, "/project/data.csv", 1, 1, 4, "/project/data.csv", 5)),
        new Example("PG0140", Minimal, "Declare the column `type: numeric` (values that are not numbers are read as missing and counted by the run), or add the token to `data.missing_values`; declare `type: categorical` if it really is a category. When every listed value is a number with a thousands separator (`2,630.00`) or a decimal comma (`7,25`), the message says so: fix the data, since `type: numeric` would drop exactly those values.",
            Reported: FromTool(SpecDiagnostics.NumbersWithJunk, "/project/data.csv", 12, 31, "monthly_fee", 4990, 2, "'n/a' (line 12, column 31), 'tbd' (line 380, column 31)")),
        new Example("PG0141", Minimal + "\n  columns:\n    age: { format: dd/MM/yyyy }\n", "Declare `type: datetime` if the column holds dates, or remove `format`."),
        new Example("PG0142", Minimal + "\n  columns:\n    signup: { type: datetime, format: dd/MM }\n", "Write the day, the month and the year, each once (`dd/MM/yyyy`).",
            Schema: ChurnSchema(new InferredColumn("signup", 5, "categorical", 0, 90, EquatableArray<string>.Empty))),
        new Example("PG0143", Minimal, "Declare `format: dd/MM/yyyy` under the column if the file is day-first, `format: MM/dd/yyyy` if it is month-first.",
            Reported: FromTool(SpecDiagnostics.AmbiguousDates, "/project/data.csv", 3, 12, "signup", "03/04/2019", "March 4", "3 April", "dd/MM/yyyy", "MM/dd/yyyy")),
        new Example("PG0144", Minimal, "Declare the day-first format under the column (`format: dd/MM/yyyy`).",
            Reported: FromTool(SpecDiagnostics.DayFirstDates, "/project/data.csv", 7, 12, "signup", "13/04/2019", "dd/MM/yyyy")),
        new Example("PG0145", Minimal, "Declare `type: datetime` with the column's `format`, or `type: categorical` if it really is a category.",
            Reported: FromTool(SpecDiagnostics.NumericDatesAsCategories, "/project/data.csv", 7, 12, "signup", "13/04/2019", "dd/MM/yyyy", " ('13/04/2019' reads only day-first)")),
        new Example("PG0146", Minimal, "Convert the column in the data file to numbers with a decimal point and no thousands separator (`7,25` to `7.25`), then rebuild; declare `type: categorical` if it really is a category.",
            Reported: FromTool(SpecDiagnostics.NumbersInAnotherNotation, "/project/data.csv", 2, 1, "fixed_acidity", "with a decimal comma", 1449, 1599, "'7,4' (line 2, column 1), '7,8' (line 3, column 1), '7,8' (line 4, column 1)")),
        new Example("PG0201", Minimal + "\nmodel:\n  trainer: lightgmb\n", "Use a trainer from the list (`lightgbm`)."),
        new Example("PG0202", Minimal + "\nmodel:\n  trainer: naive_bayes\n", "Pick a trainer made for the task."),
        new Example("PG0203", Minimal + "\nmodel:\n  trainer: lightgbm\n  params:\n    num_leaves: 31\n", "Use the trainer's hyperparameter name (`leaves`)."),
        new Example("PG0204", Minimal + "\nmodel:\n  trainer: lightgbm\n  params:\n    leaves: 1\n", "Give a value inside the range."),
        new Example("PG0205", Minimal + "\nmetric: rmse\n", "Pick a metric of the task (`auc`, `pr_auc`, ...)."),
        new Example("PG0206", Minimal + "\ntune:\n  space:\n    learning_rate: { min: 0.3, max: 0.01 }\n", "Swap the bounds so `min` < `max`."),
        new Example("PG0207", Minimal + "\nevaluate:\n  protocol: kfold\n  repeats: 3\n", "Use `protocol: repeated_kfold`, or remove `repeats`."),
        new Example("PG0210", Minimal + "\ntune:\n  space:\n    leaves: { values: [31] }\n", "Widen the range or list more `values`; to fix a value, set it under `model.params` instead."),
        new Example("PG0215", Minimal + "\ntune:\n  trainers:\n    lightgmb: { leaves: { min: 4, max: 64 } }\n    sdca: {}\n", "Fix the trainer's name; the message lists the trainers for the task."),
        new Example("PG0216", Minimal + "\ntune:\n  trainers:\n    naive_bayes: {}\n    sdca: {}\n", "Search only trainers for the task; the message lists them."),
        new Example("PG0217", Minimal + "\ntune:\n  trainers:\n    sdca: { leaves: { min: 4, max: 64 } }\n    lightgbm: {}\n", "Name a hyperparameter of that trainer (the message lists them), or move the range under the trainer that has it."),
        new Example("PG0218", Minimal + "\ntune:\n  space:\n    leaves: { min: 4, max: 64 }\n  trainers:\n    lightgbm: {}\n    sdca: {}\n", "Move the ranges under `tune.trainers.<model.trainer>` and remove `space`."),
        new Example("PG0219", Minimal + "\ntune:\n  trainers:\n    lightgbm: {}\n    sdca: {}\n  prepare:\n    word_ngrams: [1, 2]\n", "Remove the choice; it changes nothing for this data.",
            Schema: ChurnSchema() with { Columns = ChurnSchema().Columns.Where(c => c.Type != "text").ToEquatableArray() }),
        new Example("PG0220", TuneDiagnosticsTests.MultiTrainer, "Run `tune` again, or delete the lock file.",
            Reported: Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.MultiTrainer, TuneDiagnosticsTests.SdcaLock.Replace("normalize: zscore", "normalize: robust")).Diagnostics, "PG0220")),
        new Example("PG0221", TuneDiagnosticsTests.MultiTrainer, "Run `tune` again, or delete the lock file.",
            Reported: Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.MultiTrainer, TuneDiagnosticsTests.SdcaLock.Replace("'sdca'", "'fast_tree'").Replace("l2_regularization: 0.001", "leaves: 16")).Diagnostics, "PG0221")),
        new Example("PG0222", TuneDiagnosticsTests.Tuned + "\n  ensemble: true\n  metric: pr_auc\n", "Tune on `auc` (`tune.metric: auc`), or set `tune.ensemble: false`."),
        new Example("PG0227", TuneDiagnosticsTests.Tuned + "\n  ensemble: true\ndeploy:\n  onnx: true\n", "Set `tune.ensemble: false` (the default when deploy.onnx is on), or remove `deploy.onnx`."),
        new Example("PG0223", TuneDiagnosticsTests.Tuned + "\n  outer_folds: 4\n", "Set `tune.honest: nested`, or remove `tune.outer_folds`."),
        new Example("PG0224", TuneDiagnosticsTests.Tuned, "Run `tune --ensemble` again, or delete the lock file's `ensemble` block.",
            Reported: LockDiagnostic(TuneKeysTests.EnsembleLock.Replace("    leaves: 32", "    num_leaves: 32"), "PG0224")),
        new Example("PG0225", TuneDiagnosticsTests.Tuned, "Run `tune --ensemble` again over the new space, or delete the lock file's `ensemble` block.",
            Reported: LockDiagnostic(TuneKeysTests.EnsembleLock.Replace("    leaves: 32", "    leaves: 128"), "PG0225")),
        new Example("PG0226", TuneDiagnosticsTests.Tuned, "Run `tune --ensemble` again, or delete the lock file's `ensemble` block.",
            Reported: LockDiagnostic(TuneKeysTests.EnsembleLock.Replace("weight: 0.4", "weight: heavy"), "PG0226")),
        new Example("PG0230", Minimal + "\ntune:\n  storage: \"Host=db;Username=tuner;Password=secret\"\n", "Remove the key; give the storage to `tune --storage` or `PIPELINEGEN_TUNE_STORAGE` (password from `PGPASSWORD` or `~/.pgpass`)."),
        new Example("PG0232", TuneDiagnosticsTests.Tuned, "Run `tune` for this spec (it writes its own lock file), or delete the lock file; if the spec was only renamed, set the lock's `pipeline:` to the new name.",
            Reported: LockDiagnostic(TuneDiagnosticsTests.GoodLock.Replace("pipeline: 'Churn'", "pipeline: 'Multi'"), "PG0232")),
        new Example("PG0231", TuneDiagnosticsTests.Tuned + "\n  halving_budget: iterations\n", "Set `tune.strategy: hyperband` (or `halving`), or remove `tune.halving_budget`; with `iterations`, every searched trainer needs a tree or iteration count (else use `auto`)."),
        new Example("PG0211", TuneDiagnosticsTests.Tuned, "Run `tune` again, or delete the lock file.",
            Reported: LockDiagnostic("version: 1\nparams: { leaves: 16 }\n", "PG0211")),
        new Example("PG0212", TuneDiagnosticsTests.Tuned, "Run `tune` again for the new trainer, or delete the lock file.",
            Reported: LockDiagnostic(TuneDiagnosticsTests.GoodLock.Replace("'lightgbm'", "'fast_tree'"), "PG0212")),
        new Example("PG0213", TuneDiagnosticsTests.Tuned, "Run `tune` again, or delete the lock file.",
            Reported: LockDiagnostic(TuneDiagnosticsTests.GoodLock.Replace("  leaves: 16", "  num_leaves: 16"), "PG0213")),
        new Example("PG0214", TuneDiagnosticsTests.Tuned, "Run `tune` again over the new range, or delete the lock file.",
            Reported: LockDiagnostic(TuneDiagnosticsTests.GoodLock.Replace("  leaves: 16", "  leaves: 128"), "PG0214")),
        new Example("PG0301", Minimal, "Fix the path (relative to the spec's folder) or add the file.",
            Reported: FromTool(SpecDiagnostics.DataFileNotFound, SpecPath, 7, 10, "data.csv", "/project/data.csv")),
        new Example("PG0302", Minimal, "Give the file a header row and at least one data row.",
            Reported: FromTool(SpecDiagnostics.DataFileUnreadable, "/project/data.csv", 1, 1, "data.csv", "it has a header but no data rows. Add rows, or point 'data.train' at the right file.")),
        new Example("PG0303", Minimal, "Quote values that contain the separator, or set `data.bad_rows: skip`.",
            Reported: FromTool(SpecDiagnostics.RaggedRow, "/project/data.csv", 42, 31, 6, 5)),
        new Example("PG0304", Minimal, "Rename one of the two columns in the header.",
            Reported: FromTool(SpecDiagnostics.DuplicateHeader, "/project/data.csv", 1, 20, "age", "data.csv", 2, 5)),
        new Example("PG0305", Minimal, "Build the project once (`dotnet build`); design-time builds do not read data.",
            Reported: SpecDiagnostics.SchemaNotInferred.Create(SpecPath, SourceSpan.At(7, 10))),
        new Example("PG0306", Minimal, "Give the test file the same header as the training file.",
            Reported: FromTool(SpecDiagnostics.TestHeaderMismatch, SpecPath, 8, 9, "test.csv", "missing 'plan'")),
        new Example("PG0307", Minimal, "Close the quote, or double a quote inside a quoted value (`\"\"`). A value may hold line breaks (RFC 4180) when its quote closes within 50 lines.",
            Reported: FromTool(SpecDiagnostics.UnbalancedQuote, "/project/data.csv", 7, 14)),
        new Example("PG0308", Minimal, "Check the quotes and separators on the lines named (a quote inside a value is doubled: `\"\"`), or set `data.bad_rows: skip`. A quoted value that spans lines and reads as one row is no error.",
            Reported: FromTool(SpecDiagnostics.QuotedLineBreak, "/project/data.csv", 7, 14, 9, 4, "data.csv")),
        new Example("PG0309", Minimal, "Delete the repeated header line, or set `data.bad_rows: skip`.",
            Reported: FromTool(SpecDiagnostics.HeaderRepeated, "/project/data.csv", 302, 1, "data.csv", 302)),
        new Example("PG0320", Minimal.Replace("kind: binary", "kind: multiclass") + "\nmodel:\n  trainer: naive_bayes\n  capacity: pinned\n",
            "Remove `capacity`: only trainers with trees or iterations have a capacity curve.", WithLabelValues("basic", "pro", "team")),
        new Example("PG0330", Minimal.Replace("kind: binary", "kind: multiclass").Replace("label: churned", "label: churned\n  threshold: 0.3"),
            "Remove `threshold`: a multiclass model predicts the most probable class.", WithLabelValues("basic", "pro", "team")),
        new Example("PG0400", Minimal + "\ngates:\n  - metric: rmse\n    max: 4.5\n", "Name a metric of the task (`auc`, `f1`, ... for binary); per class only `precision`, `recall` or `f1`."),
        new Example("PG0401", Minimal + "\ngates:\n  - metric: log_loss\n    min: 0.2\n", "Use `max` for a metric where lower is better, `min` where higher is better."),
        new Example("PG0402", Minimal + "\ngates:\n  - metric: auc\n    min: 0.8\n    max: 0.9\n", "Give exactly one of `min`, `max` or `min_improvement`."),
        new Example("PG0403", Minimal + "\ngates:\n  - metric: recall\n    class: maybe\n    min: 0.5\n", "Name a value the label has (as written in the data)."),
        new Example("PG0404", Minimal + "\ngates:\n  - metric: accuracy\n    group: plna\n    min: 0.5\n", "Name a column of the data (not the label)."),
        new Example("PG0405", Minimal + "\ngates:\n  - metric: auc\n    min: 1.5\n", "Give a threshold inside the metric's range (auc: 0 to 1)."),
        new Example("PG0410", Minimal, "Improve the model (features, trainer, capacity) or, if the gate is too strict, change it in the spec. A gate with `require: interval` needs its 95% interval's bound past the threshold: more splits (`repeated_kfold`) narrow the interval, a holdout protocol gives none (the gate then fails and says so), and `require: mean` gates on the mean. `models promote <version> --reason ...` makes the candidate current anyway.",
            Reported: SpecDiagnostics.GateFailed.Create(SpecPath, SourceSpan.At(12, 5), "auc 0.842 [0.83, 0.85] is below the gate 0.85", "20261130-031500-123-a1b2c3")),
        new Example("PG0411", Minimal, "Find out why the new model is worse (`runs compare`); `models promote <version> --reason ...` makes it current anyway.",
            Reported: SpecDiagnostics.PromotionRefused.Create(SpecPath, SourceSpan.None, "20261130-031500-123-a1b2c3", "20261129-220000-000-d4e5f6",
                "on the same 5 splits its auc is worse by 0.0412 on average, p = 0.003, more than the split-to-split noise (0.0121).")),
        new Example("PG0520", Minimal + "\n  columns:\n    signup: { type: datetime }\ndeploy:\n  onnx: true\n",
            "Give the column `role: ignore`, or turn it into numeric columns (hour, day of week) in the data.",
            ChurnSchema(new InferredColumn("signup", 5, "datetime", 0, 100, EquatableArray<string>.Empty))),
        new Example("PG0521", Minimal + "\n  columns:\n    age: { missing: model }\ndeploy:\n  onnx: true\n",
            "Use `missing: median` or `missing: mean` for a model that is exported to ONNX."),
        new Example("PG0522", Minimal + "\nmodel:\n  trainer: gam\ndeploy:\n  onnx: true\n",
            "Choose a trainer ML.NET can export (e.g. `lightgbm`, `fast_tree`, `sdca`)."),
        new Example("PG0523", Minimal, "Read the rows listed above the error; `export onnx --tolerance` states what difference is acceptable. A model that fails parity is renamed `model.onnx.rejected` and not copied to the output.",
            Reported: SpecDiagnostics.OnnxParityFailed.Create(SpecPath, SourceSpan.At(31, 9), 4, 200, "row 17, column Score: ML.NET 3.59029, ONNX Runtime 2.31414", "1E-05",
                ".pipelinegen/models/Churn/20261130-031500-123-a1b2c3/model.onnx.rejected")),
        new Example("PG0524", Minimal, "Read ML.NET's message; a step the build-time checks (PG0520-PG0522) do not know about is a bug to report.",
            Reported: SpecDiagnostics.OnnxExportFailed.Create(SpecPath, SourceSpan.At(31, 9), "ML.NET's converter: The targeted pipeline can not be fully converted into a well-defined ONNX model.")),
        // PG0600-PG0606: the dense network trainer (issue 15).
        new Example("PG0600", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    layers: [64, 0]\n", "Give every hidden layer at least one unit (`layers: [64, 32]`), or remove the layer."),
        new Example("PG0601", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    layers: []\n", "List the hidden layers' widths (`layers: [64, 32]`), or remove the key for the default."),
        new Example("PG0602", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    activation: rleu\n", "Use `relu`, `tanh` or `sigmoid`."),
        new Example("PG0603", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    layers: [64, 32]\n    units: 32\n", "Keep `layers` (any widths) or `units` with `depth` (equal widths)."),
        new Example("PG0604", Minimal + "\nmodel:\n  trainer: dense\ntune:\n  space:\n    layers: { values: [16, 32] }\n", "Search `units` and `depth` instead: `units: { min: 16, max: 128, scale: log }`, `depth: { min: 1, max: 3 }`."),
        new Example("PG0605", Minimal, "Retrain the model with this version of PipelineGen (the network's graph is read from the model zip); if it persists, report the model.",
            Reported: SpecDiagnostics.DenseNotOnnxExportable.Create(SpecPath, SourceSpan.At(31, 9), "The model file .pipelinegen/models/Churn/20261130-031500-123-a1b2c3/model.zip holds 0 saved ONNX graphs where its dense network should be exactly one; retrain the model.")),
        new Example("PG0606", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    batch_size: 500\n", "Lower `batch_size` to well under the training rows (16-128)."),
        new Example("PG0607", Minimal + "\nmodel:\n  trainer: dense\n  params:\n    schedule: cosin\n", "Use `constant` or `cosine`."),
        new Example("PG9001", Minimal, "Restore the package again (`dotnet restore --force`), or point `PipelineGenToolAssembly` at the tool.",
            Reported: SpecDiagnostics.ToolNotFound.Create("", SourceSpan.None, "~/.nuget/packages/pipelinegen/0.1.0/tools/net10.0/PipelineGen.Tool.dll")),
        new Example("PG9002", Minimal, "Read the tool's message; it names the spec. A time-out means the data file is on a hung file system.",
            Reported: SpecDiagnostics.ToolFailed.Create("/project/pipeline.yaml", SourceSpan.None, "pipeline.yaml", "it exited with code 1.")),
        new Example("PG9003", Minimal, "Run `dotnet run -- train` to see the failure, fix the data or spec, and build again.",
            Reported: SpecDiagnostics.TrainingInBuildFailed.Create("/project/Churn.csproj", SourceSpan.None, "Churn.dll train", 2)),
        new Example("PG9999", Minimal, "Report the spec to the PipelineGen maintainers; the message names the failing stage.",
            Reported: SpecDiagnostics.InternalError.Create(SpecPath, SourceSpan.At(1, 1), "emitting code", "NullReferenceException: ...")),
        // PG0130-PG0134: hostile data paths and files, and output the build cannot write (issue #9).
        new Example("PG0130", Minimal, "Move or copy the data into the project folder, or set `PipelineGenAllowDataOutsideProject=true` when reading it from there is intended.",
            Reported: FromTool(SpecDiagnostics.DataOutsideProject, SpecPath, 7, 10, "../../shared/churn.csv", "/shared/churn.csv", "/project")),
        new Example("PG0131", Minimal, "Point the path at a regular CSV or TSV file (copy the data out of the device or pipe first).",
            Reported: FromTool(SpecDiagnostics.DataPathNotAFile, SpecPath, 7, 10, "/dev/zero", "/dev/zero", "it is a character device (such as /dev/zero or a terminal), not a file: reading it may never end. Point the path at a CSV or TSV file")),
        new Example("PG0132", Minimal, "Remove the control character from the path.",
            Reported: FromTool(SpecDiagnostics.InvalidDataPath, SpecPath, 7, 10, "data\\0.csv", "contains a NUL character (\\0) at position 5")),
        new Example("PG0133", Minimal, "Check `data.separator` and the file's line endings; a file without line breaks is not a table.",
            Reported: FromTool(SpecDiagnostics.DataLineTooLong, "/project/data.csv", 3, 16777217, 3, 16777216)),
        new Example("PG0134", Minimal, "Free disk space or make the output folder writable, then build again.",
            Reported: SpecDiagnostics.BuildOutputNotWritable.Create("/project/obj/Debug/net10.0/pipelinegen/pipeline.yaml.1a2b3c4d.schema.json", SourceSpan.None,
                "/project/obj/Debug/net10.0/pipelinegen/pipeline.yaml.1a2b3c4d.schema.json", "the disk is full (No space left on device : '/project/obj/Debug/net10.0/pipelinegen/.pipeline.yaml.1a2b3c4d.schema.json.4242.tmp')")),
    };

    private static DiagnosticInfo Produce(Example e)
    {
        if (e.Reported is not null) return e.Reported;
        var result = Bind(e.Spec, e.Schema);
        return Single(result.Diagnostics, e.Id);
    }

    [Fact]
    public void Every_id_has_a_real_example()
    {
        var covered = Examples().Select(e => e.Id).ToHashSet();
        Assert.All(SpecDiagnostics.All, d => Assert.Contains(d.Id, covered));
        foreach (var e in Examples()) Assert.Equal(e.Id, Produce(e).Id);
    }

    [Fact]
    public void Diagnostics_reference_is_committed_and_current()
    {
        var sb = new StringBuilder();
        sb.Append("# Diagnostics reference\n\n");
        sb.Append("Every mistake in a spec or its data is a compiler diagnostic `file(line,col): error PGnnnn: message`, in `dotnet build`\n");
        sb.Append("output and in the IDE. Ids are stable (recorded in `src/PipelineGen.Spec/AnalyzerReleases.*.md`).\n");
        sb.Append("The examples below are produced by the real parser and binder from the spec shown (a test regenerates this file).\n\n");
        sb.Append("| id | severity | title |\n|---|---|---|\n");
        foreach (var d in SpecDiagnostics.All) sb.Append($"| [{d.Id}](#{d.Id.ToLowerInvariant()}) | {d.DefaultSeverity} | {d.Title} |\n");
        foreach (var d in SpecDiagnostics.All)
        {
            var e = Examples().First(x => x.Id == d.Id);
            var produced = Produce(e);
            sb.Append($"\n## {d.Id}\n\n**{d.Title}** ({d.DefaultSeverity}, category `{d.Category}`)\n\n");
            if (e.Reported is null) sb.Append("Spec:\n\n```yaml\n").Append(e.Spec.TrimEnd('\n')).Append("\n```\n\n");
            sb.Append("Build output:\n\n```\n").Append(produced.ToString().Replace("/project/", "")).Append("\n```\n\n");
            sb.Append("Fix: ").Append(e.Fix).Append('\n');
        }
        var text = sb.ToString();
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        var path = Path.Combine(dir, "docs/diagnostics.md");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1") File.WriteAllText(path, text);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == text, "docs/diagnostics.md is out of date; run the tests with UPDATE_SNAPSHOTS=1 and commit it");
    }
}
