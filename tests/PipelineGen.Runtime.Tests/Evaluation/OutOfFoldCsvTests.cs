using System.Globalization;
using System.Text;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// <c>evaluate --predictions</c>: the per-split metrics are recomputed from the file alone, as a user would outside
/// the product, and every row of the data file is found, once per repeat, on the line the file says.
/// </summary>
public class OutOfFoldCsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Binary_metrics_per_split_are_recomputed_from_the_file_and_every_row_is_there_once_per_repeat()
    {
        // A blank line and a comment line in the data: the file's line numbers are not row index + 2.
        var lines = File.ReadAllLines(TestPipeline.DataPath("titanic.csv")).ToList();
        lines.Insert(40, "");
        lines.Insert(100, "// a comment line");
        // A row without a label is left out of every split: the lines after it still name their own rows.
        lines[70] = "," + lines[70][(lines[70].IndexOf(',') + 1)..];
        string data = _dir.Write("titanic.csv", string.Join("\n", lines) + "\n");
        var pipeline = BinaryPipeline.Titanic(s => s with
        {
            TrainDataPath = data,
            DecisionThreshold = 0.4, // the decisions the metrics count are at 0.4, not at Score 0
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.RepeatedKFold, Folds = 3, Repeats = 2, Seed = 5 },
        });
        string output = Path.Combine(_dir.Path, "out", "oof.csv");

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { PredictionsPath = output });

        var (header, rows) = ReadCsv(output);
        Assert.Equal(["split", "line", "Label", "Score", "Probability", "PredictedLabel", "Baseline"], header);
        Assert.Equal(result.PredictionsFile!.Value.Rows, rows.Count);
        Assert.Equal(Path.GetFullPath(output), result.PredictionsFile.Value.Path);
        var fileLines = File.ReadAllLines(data);
        var dataLines = Enumerable.Range(1, fileLines.Length).Where(n => n > 1 && fileLines[n - 1].Length > 0 && !fileLines[n - 1].StartsWith("//", StringComparison.Ordinal) && !fileLines[n - 1].StartsWith(',')).ToArray();
        Assert.Equal(6, result.Splits.Count);
        foreach (var split in result.Splits)
        {
            var mine = rows.Where(r => r[0] == $"{split.Repeat + 1}.{split.Fold + 1}").ToList();
            Assert.Equal(split.ValidationRows, mine.Count);
            // The row's line holds its label: survived is the first field, "1" the positive class.
            foreach (var r in mine) Assert.Equal(fileLines[int.Parse(r[1], CultureInfo.InvariantCulture) - 1].Split(',')[0] == "1", bool.Parse(r[2]));
            var labels = mine.Select(r => bool.Parse(r[2])).ToArray();
            var scores = mine.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToArray();
            var probabilities = mine.Select(r => double.Parse(r[4], CultureInfo.InvariantCulture)).ToArray();
            var decisions = mine.Select(r => bool.Parse(r[5])).ToArray();
            Assert.Equal(probabilities.Select(p => p >= 0.4), decisions);
            double accuracy = labels.Zip(decisions).Count(p => p.First == p.Second) / (double)labels.Length;
            Assert.Equal(split.Model!["accuracy"]!.Value, accuracy, 1e-6);
            Assert.Equal(split.Model["auc"]!.Value, Auc(labels, scores), 1e-6);
            // ML.NET's binary log loss is in bits.
            double logLoss = labels.Select((l, i) => -Math.Log2(Math.Max(1e-15, l ? probabilities[i] : 1 - probabilities[i]))).Average();
            Assert.Equal(split.Model["log_loss"]!.Value, logLoss, 1e-6);
            // The prior baseline: the training part's positive rate, the same on every row of the split.
            Assert.Single(mine.Select(r => r[6]).Distinct());
        }
        for (int repeat = 1; repeat <= 2; repeat++)
        {
            var seen = rows.Where(r => r[0].StartsWith($"{repeat}.", StringComparison.Ordinal)).Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).Order().ToArray();
            Assert.Equal(dataLines, seen);
        }
    }

    [Fact]
    public void Multiclass_macro_accuracy_and_log_loss_per_fold_are_recomputed_from_the_file_with_text_classes_quoted()
    {
        // Class names that need quoting in CSV: a comma, a quote.
        var text = File.ReadAllText(TestPipeline.DataPath("iris.csv"))
            .Replace(",versicolor", ",\"versi,color\"").Replace(",virginica", ",\"vir\"\"ginica\"");
        string data = _dir.Write("iris.csv", text);
        var pipeline = MulticlassPipeline.Iris(s => s with
        {
            TrainDataPath = data,
            Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 3, Repeats = 1, Seed = 3 },
        });
        string output = Path.Combine(_dir.Path, "iris-oof.csv");

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { PredictionsPath = output });

        var (header, rows) = ReadCsv(output);
        string[] classes = ["setosa", "versi,color", "vir\"ginica"];
        Assert.Equal(["split", "line", "Label", .. classes.Select(c => $"Score.{c}"), "PredictedLabel", "Baseline"], header);
        var fileLines = File.ReadAllLines(data);
        Assert.Equal(Enumerable.Range(2, 150), rows.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).Order());
        foreach (var split in result.Splits)
        {
            var mine = rows.Where(r => r[0] == $"1.{split.Fold + 1}").ToList();
            Assert.Equal(split.ValidationRows, mine.Count);
            foreach (var r in mine) Assert.EndsWith(Csv(r[2]), fileLines[int.Parse(r[1], CultureInfo.InvariantCulture) - 1]);
            var truth = mine.Select(r => Array.IndexOf(classes, r[2])).ToArray();
            var probabilities = mine.Select(r => Enumerable.Range(0, 3).Select(k => double.Parse(r[3 + k], CultureInfo.InvariantCulture)).ToArray()).ToArray();
            var predicted = mine.Select(r => Array.IndexOf(classes, r[6])).ToArray();
            Assert.DoesNotContain(-1, truth);
            // The predicted class is the most probable one.
            Assert.Equal(probabilities.Select(p => Array.IndexOf(p, p.Max())), predicted);
            double macro = Enumerable.Range(0, 3).Where(k => truth.Contains(k))
                .Average(k => truth.Select((t, i) => (t, i)).Where(x => x.t == k).Average(x => predicted[x.i] == k ? 1.0 : 0.0));
            double logLoss = truth.Select((t, i) => -Math.Log(Math.Max(1e-15, probabilities[i][t]))).Average();
            Assert.Equal(split.Model!["macro_accuracy"]!.Value, macro, 1e-6);
            Assert.Equal(split.Model["log_loss"]!.Value, logLoss, 1e-6);
        }
    }

    [Fact]
    public void A_directory_as_the_predictions_path_is_refused_before_any_split_is_fitted()
    {
        var e = Assert.Throws<EvaluationException>(() => Evaluator.Evaluate(MulticlassPipeline.Iris(), new EvaluationOptions { PredictionsPath = _dir.Path }));
        Assert.Contains("is a directory", e.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>Mann–Whitney AUC: the share of (positive, negative) pairs ranked right, ties counting half.</summary>
    private static double Auc(bool[] labels, double[] scores)
    {
        var positives = scores.Where((_, i) => labels[i]).ToArray();
        var negatives = scores.Where((_, i) => !labels[i]).ToArray();
        double sum = 0;
        foreach (var p in positives)
            foreach (var n in negatives)
                sum += p > n ? 1 : p == n ? 0.5 : 0;
        return sum / (positives.Length * (double)negatives.Length);
    }

    private static string Csv(string cell) => cell.IndexOfAny([',', '"']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    /// <summary>An RFC 4180 reader written apart from the product's, so a quoting mistake there is not mirrored here.</summary>
    private static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        var records = new List<string[]>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = new List<string>();
            var cell = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = !quoted;
                else if (c == ',' && !quoted) { fields.Add(cell.ToString()); cell.Clear(); }
                else cell.Append(c);
            }
            fields.Add(cell.ToString());
            records.Add([.. fields]);
        }
        Assert.All(records, r => Assert.Equal(records[0].Length, r.Length));
        return (records[0], records.Skip(1).ToList());
    }
}
