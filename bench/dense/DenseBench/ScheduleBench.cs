// `DenseBench schedule <wine.csv> <german.csv> [seeds=3] [folds=5]`: which learning-rate schedule the dense trainer
// should default to. For each data set, the same seeded k folds; in each fold the same preparation (numeric columns
// standardised with the training part's mean and std, coded categoricals one-hot), the trainer's spec defaults
// (layers [64, 32], relu, l2 1e-4, 200 epochs, batch 64, lr 1e-3, early stopping 10 on a seeded 10 % of the training
// part) and the same seeds; only the schedule changes. Prints one JSON line per run and a paired summary.
using System.Diagnostics;
using System.Globalization;
using PipelineGen.Runtime.Networks;

static class ScheduleBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(string[] a)
    {
        var seeds = a.Length > 3 ? int.Parse(a[3], Inv) : 3;
        var folds = a.Length > 4 ? int.Parse(a[4], Inv) : 5;
        var wine = ReadTable(a[1], ',');
        var german = ReadTable(a[2], ',');
        var sets = new (string Name, string[][] Rows, DenseLoss Loss, Func<string, float> Target)[]
        {
            ("wine-regression", wine, DenseLoss.SquaredError, s => float.Parse(s, Inv)),
            ("wine-binary (quality>=6)", wine, DenseLoss.BinaryLogistic, s => float.Parse(s, Inv) >= 6 ? 1 : 0),
            ("credit-g (bad=1)", german, DenseLoss.BinaryLogistic, s => s == "2" ? 1 : 0),
        };
        Console.WriteLine($"{{\"load_average_start\": \"{File.ReadAllText("/proc/loadavg").Trim()}\"}}");
        foreach (var (name, rows, loss, target) in sets)
        {
            var results = new Dictionary<DenseSchedule, List<double>> { [DenseSchedule.Constant] = [], [DenseSchedule.Cosine] = [] };
            var epochs = new Dictionary<DenseSchedule, List<int>> { [DenseSchedule.Constant] = [], [DenseSchedule.Cosine] = [] };
            var foldOf = Permutation(rows.Length, 7).Select((r, i) => (r, i % folds)).OrderBy(p => p.r).Select(p => p.Item2).ToArray();
            for (var fold = 0; fold < folds; fold++)
            {
                var trainRows = rows.Where((_, i) => foldOf[i] != fold).ToArray();
                var testRows = rows.Where((_, i) => foldOf[i] == fold).ToArray();
                var (train, test) = Featurize(trainRows, testRows, target);
                var (fit, early) = HoldOut(train, 0.1, 17 + fold);
                for (var seed = 1; seed <= seeds; seed++)
                    foreach (var schedule in new[] { DenseSchedule.Constant, DenseSchedule.Cosine })
                    {
                        var options = new DenseOptions { Seed = seed, Schedule = schedule }; // the spec's defaults otherwise
                        var sw = Stopwatch.StartNew();
                        var result = DenseTrainer.Train(fit, early, options, loss);
                        var metric = Metric(result.Network, test, loss);
                        results[schedule].Add(metric);
                        epochs[schedule].Add(result.History.Count);
                        Console.WriteLine(string.Create(Inv, $"{{\"data\": \"{name}\", \"fold\": {fold + 1}, \"seed\": {seed}, \"schedule\": \"{schedule}\", \"metric\": {metric:R}, \"epochs_run\": {result.History.Count}, \"best_epoch\": {result.BestEpoch}, \"wall_s\": {sw.Elapsed.TotalSeconds:F2}}}"));
                    }
            }
            var c = results[DenseSchedule.Constant]; var k = results[DenseSchedule.Cosine];
            var diffs = c.Zip(k, (x, y) => y - x).ToArray();
            var mean = diffs.Average();
            var sd = Math.Sqrt(diffs.Sum(d => (d - mean) * (d - mean)) / (diffs.Length - 1));
            Console.WriteLine(string.Create(Inv,
                $"SUMMARY {name} ({(loss == DenseLoss.SquaredError ? "RMSE" : "log-loss")}, lower is better; {diffs.Length} paired runs = {folds} folds x {seeds} seeds): constant {c.Average():F4} (epochs run {epochs[DenseSchedule.Constant].Average():F1}), cosine {k.Average():F4} (epochs run {epochs[DenseSchedule.Cosine].Average():F1}); cosine - constant = {mean:+0.0000;-0.0000} +/- {1.96 * sd / Math.Sqrt(diffs.Length):F4} (95 % normal interval of the paired mean); cosine better in {diffs.Count(d => d < 0)} of {diffs.Length}"));
        }
        Console.WriteLine($"{{\"load_average_end\": \"{File.ReadAllText("/proc/loadavg").Trim()}\"}}");
    }

    private static string[][] ReadTable(string path, char sep) =>
        File.ReadAllLines(path).Where(l => l.Trim().Length > 0).Select(l => l.Split(sep)).ToArray();

    private static int[] Permutation(int n, int seed)
    {
        var rng = new Random(seed);
        var p = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(p);
        return p;
    }

    /// <summary>Last column = target; other columns numeric (standardised on the training part) or coded (one-hot over the values seen in training).</summary>
    private static (DenseDataset Train, DenseDataset Test) Featurize(string[][] train, string[][] test, Func<string, float> target)
    {
        var columns = train[0].Length - 1;
        var encoders = new List<Func<string[], IEnumerable<float>>>();
        for (var c = 0; c < columns; c++)
        {
            var col = c;
            if (train.All(r => double.TryParse(r[col], NumberStyles.Float, Inv, out _)))
            {
                var values = train.Select(r => double.Parse(r[col], Inv)).ToArray();
                var mean = values.Average();
                var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
                if (std == 0) std = 1;
                encoders.Add(r => [(float)((double.Parse(r[col], Inv) - mean) / std)]);
            }
            else
            {
                var levels = train.Select(r => r[col]).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();
                encoders.Add(r => levels.Select(l => l == r[col] ? 1f : 0f));
            }
        }
        DenseDataset Make(string[][] rows)
        {
            var x = rows.SelectMany(r => encoders.SelectMany(e => e(r))).ToArray();
            var y = rows.Select(r => target(r[columns])).ToArray();
            return new DenseDataset(x, y, x.Length / rows.Length, 2);
        }
        return (Make(train), Make(test));
    }

    private static (DenseDataset Fit, DenseDataset Early) HoldOut(DenseDataset all, double share, int seed)
    {
        var order = Permutation(all.Rows, seed);
        var held = (int)Math.Round(all.Rows * share);
        DenseDataset Subset(IEnumerable<int> rows)
        {
            var r = rows.ToArray();
            return new DenseDataset(r.SelectMany(i => all.Row(i).ToArray()).ToArray(), r.Select(all.Target).ToArray(), all.FeatureCount, 2);
        }
        return (Subset(order.Skip(held)), Subset(order.Take(held)));
    }

    private static double Metric(DenseNetwork net, DenseDataset test, DenseLoss loss)
    {
        var o = new float[1];
        double sum = 0;
        for (var r = 0; r < test.Rows; r++)
        {
            net.Forward(test.Row(r), o);
            double y = test.Target(r), z = o[0];
            sum += loss == DenseLoss.BinaryLogistic ? Math.Max(z, 0) - y * z + Math.Log(1 + Math.Exp(-Math.Abs(z))) : (z - y) * (z - y);
        }
        return loss == DenseLoss.BinaryLogistic ? sum / test.Rows : Math.Sqrt(sum / test.Rows);
    }
}
