// docs/benchmarks.md §9d: how good are fixed FastForest configurations inside tune's default space on credit-g, with no
// search (so no selection bias)? ML.NET alone: the 13 coded columns one-hot, the 7 numbers as they are, FastForest
// (uncalibrated: AUC needs only the ranking), 10-fold cross-validation with seeds 1 and 2 (20 folds), 1 thread.
// Usage: dotnet run -c Release [--project bench/forest-configs] -- [path to german.csv with a header]
//    or: dotnet run -c Release [--project bench/forest-configs] -- --outer <nested dir>   (§9e: the same outer folds as a
//        `tune --nested` run: each configuration fitted on outer-i-train.csv and scored on outer-i-test.csv, i = 1, 2, …)
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

string? outer = args.Length > 1 && args[0] == "--outer" ? args[1] : null;
string path = outer is not null ? Path.Combine(outer, "outer-1-train.csv") : args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../tune/CreditGBar/data/german.csv");
var ml = new MLContext(seed: 1);
var columns = File.ReadLines(path).First().Split(',');
string[] categorical = ["checking_status", "credit_history", "purpose", "savings", "employment", "personal_status", "other_debtors",
    "property", "other_installment_plans", "housing", "job", "telephone", "foreign_worker"];
var loader = ml.Data.CreateTextLoader(columns.Select((c, i) => new TextLoader.Column(c, categorical.Contains(c) || c == "class" ? DataKind.String : DataKind.Single, i)).ToArray(),
    separatorChar: ',', hasHeader: true);
var data = loader.Load(path);
var numbers = columns.Where(c => !categorical.Contains(c) && c != "class").ToArray();
// class 2 = bad credit risk, the positive class of the credit-g bar (bench/tune/CreditGBar/pipeline.yaml).
var prepare = ml.Transforms.CustomMapping<ClassRow, LabelRow>((i, o) => o.Label = i.Class == "2", contractName: null)
    .Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "_onehot", c)).ToArray()))
    .Append(ml.Transforms.Concatenate("Features", numbers.Concat(categorical.Select(c => c + "_onehot")).ToArray()));

(string Name, FastForestBinaryTrainer.Options Options)[] configurations =
[
    ("leaves 20, trees 100, min leaf 10, feature fraction 0.7 (the trainer's defaults)", new() { NumberOfLeaves = 20, NumberOfTrees = 100, MinimumExampleCountPerLeaf = 10, FeatureFraction = 0.7 }),
    ("leaves 64, trees 300, min leaf 1, feature fraction 0.7", new() { NumberOfLeaves = 64, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 0.7 }),
    ("leaves 64, trees 300, min leaf 1, feature fraction 0.3", new() { NumberOfLeaves = 64, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 0.3 }),
    ("leaves 64, trees 300, min leaf 1, feature fraction 1, per split 0.15", new() { NumberOfLeaves = 64, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 1, FeatureFractionPerSplit = 0.15 }),
    ("leaves 64, trees 300, min leaf 1, feature fraction 0.2", new() { NumberOfLeaves = 64, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 0.2 }),
    ("leaves 128, trees 300, min leaf 1, feature fraction 0.3", new() { NumberOfLeaves = 128, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 0.3 }),
    ("leaves 64, trees 300, min leaf 3, feature fraction 0.3", new() { NumberOfLeaves = 64, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 3, FeatureFraction = 0.3 }),
    ("leaves 32, trees 300, min leaf 1, feature fraction 0.3", new() { NumberOfLeaves = 32, NumberOfTrees = 300, MinimumExampleCountPerLeaf = 1, FeatureFraction = 0.3 }),
];
if (outer is not null)
{
    // Fixed configurations inside the default space (>= 0.3 of the features, <= 64 leaves) on the nested run's own outer
    // folds: a paired comparison with its winners, fold by fold.
    int folds = Directory.GetFiles(outer, "outer-*-train.csv").Length;
    foreach (var (name, options) in configurations.Where(c => c.Options.FeatureFraction >= 0.3 && c.Options.NumberOfLeaves <= 64 && !c.Name.Contains("per split")))
    {
        options.NumberOfThreads = 1;
        var aucs = Enumerable.Range(1, folds).Select(i =>
        {
            var model = prepare.Append(ml.BinaryClassification.Trainers.FastForest(options)).Fit(loader.Load(Path.Combine(outer, $"outer-{i}-train.csv")));
            return ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(loader.Load(Path.Combine(outer, $"outer-{i}-test.csv")))).AreaUnderRocCurve;
        }).ToArray();
        Console.WriteLine($"{name,-72} mean AUC {aucs.Average():0.0000} over {folds} outer folds: {string.Join(" ", aucs.Select(a => a.ToString("0.0000")))}");
    }
    return;
}
foreach (var (name, options) in configurations)
{
    options.NumberOfThreads = 1;
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var aucs = new List<double>();
    foreach (var seed in new[] { 1, 2 })
        aucs.AddRange(ml.BinaryClassification.CrossValidateNonCalibrated(data, prepare.Append(ml.BinaryClassification.Trainers.FastForest(options)), numberOfFolds: 10, seed: seed)
            .Select(fold => fold.Metrics.AreaUnderRocCurve));
    double mean = aucs.Average(), sd = Math.Sqrt(aucs.Sum(a => (a - mean) * (a - mean)) / (aucs.Count - 1));
    Console.WriteLine($"{name,-72} mean AUC {mean:0.0000} (sd over {aucs.Count} folds {sd:0.000}, {watch.Elapsed.TotalSeconds:0} s)");
}

public sealed class ClassRow { [ColumnName("class")] public string Class { get; set; } = ""; }
public sealed class LabelRow { public bool Label { get; set; } }
