// docs/benchmarks.md §9d: how good are fixed FastForest configurations inside tune's default space on credit-g, with no
// search (so no selection bias)? ML.NET alone: the 13 coded columns one-hot, the 7 numbers as they are, FastForest
// (uncalibrated: AUC needs only the ranking), 10-fold cross-validation with seeds 1 and 2 (20 folds), 1 thread.
// Usage: dotnet run -c Release [--project bench/forest-configs] -- [path to german.csv with a header]
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../tune/CreditGBar/data/german.csv");
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
