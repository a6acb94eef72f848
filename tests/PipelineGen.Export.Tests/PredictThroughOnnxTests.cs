using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// <c>predict --input</c> through ONNX Runtime (OnnxFileScorer, FileScoring.cs): with a parity-checked model.onnx of the
/// current model version, the file written has the same header, the same input cells and the same predicted labels as
/// ML.NET's, and scores within the export's parity tolerance, for binary, regression and multiclass models; without one
/// (or after the file changed) ML.NET scores and the note says why; <c>--engine onnx</c> then is an error.
/// </summary>
public sealed class PredictThroughOnnxTests(TrainedSurvival survival, TrainedTaxis taxis, TrainedIris iris)
    : IClassFixture<TrainedSurvival>, IClassFixture<TrainedTaxis>, IClassFixture<TrainedIris>
{
    [Fact]
    public void Binary_file_predictions_through_ONNX_Runtime_equal_MLNETs() => Compare(survival.Pipeline, "titanic-holdout.csv", threshold: null);

    [Fact]
    public void Binary_with_a_threshold_applies_it_to_ONNX_Runtimes_probability() => Compare(survival.Pipeline, "titanic-holdout.csv", threshold: 0.3);

    [Fact]
    public void Regression_file_predictions_through_ONNX_Runtime_equal_MLNETs() => Compare(taxis.Pipeline, "taxis-holdout.csv", threshold: null);

    [Fact]
    public void Multiclass_file_predictions_through_ONNX_Runtime_equal_MLNETs() => Compare(iris.Pipeline, "iris-holdout.csv", threshold: null);

    [Fact]
    public void Without_a_parity_checked_model_onnx_ML_NET_scores_and_engine_onnx_is_refused()
    {
        var pipeline = taxis.Pipeline;
        var result = OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 20 });
        var input = Path.Combine(AppContext.BaseDirectory, "Specs", "data", "taxis-holdout.csv");
        var output = Path.Combine(pipeline.Directory, "no-parity.csv");
        // The file changed since its parity check (as a copy cut short, or another export's file, would be).
        File.AppendAllText(result.OnnxPath, " ");
        try
        {
            var report = PredictStep.PredictCsv(new MLContext(1), pipeline, input, output, null, null, ScoringEngine.Auto);
            Assert.Contains(report.Notes, n => n.StartsWith("scored with ML.NET (", StringComparison.Ordinal) && n.Contains("is not the file whose parity was checked", StringComparison.Ordinal));
            var e = Assert.Throws<PredictInputException>(() => PredictStep.PredictCsv(new MLContext(1), pipeline, input, output, null, null, ScoringEngine.Onnx));
            Assert.Contains("--engine onnx", e.Message);
            Assert.Contains("changed since", e.Message);
        }
        finally
        {
            OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 20 }); // a good file again for the other tests
        }
        // No model.onnx at all.
        File.Delete(result.OnnxPath);
        try
        {
            var report = PredictStep.PredictCsv(new MLContext(1), pipeline, input, output, null, null, ScoringEngine.Auto);
            Assert.Contains(report.Notes, n => n.Contains("no parity-checked model.onnx", StringComparison.Ordinal));
        }
        finally
        {
            OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 20 });
        }
    }

    /// <summary>
    /// The figures of docs/benchmarks.md §6 (predict on a 10,000-row file, ML.NET vs ONNX Runtime, interleaved): run with
    /// PIPELINEGEN_BENCH_PREDICT=N (repetitions; bench/predict-onnx-bench.sh). Without it, one small repetition that
    /// still checks both files agree.
    /// </summary>
    [Fact]
    public void Predict_on_a_large_file_both_ways_agrees_and_reports_time()
    {
        var reps = int.TryParse(Environment.GetEnvironmentVariable("PIPELINEGEN_BENCH_PREDICT"), out var n) && n > 0 ? n : 1;
        var rows = reps > 1 ? 10_000 : 500;
        var pipeline = taxis.Pipeline;
        OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 20 });
        var source = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Specs", "data", "taxis.csv"));
        var big = Path.Combine(pipeline.Directory, $"taxis-{rows}.csv");
        File.WriteAllLines(big, source.Take(1).Concat(Enumerable.Range(0, rows).Select(i => source[1 + i % (source.Length - 1)])));
        var times = new Dictionary<ScoringEngine, List<(double Wall, double Cpu)>> { [ScoringEngine.MlNet] = [], [ScoringEngine.Onnx] = [] };
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < reps + 1; r++)
        {
            // Interleaved, the order alternating; repetition 0 is a warm-up (JIT, session creation paths) and not counted.
            foreach (var engine in r % 2 == 0 ? new[] { ScoringEngine.MlNet, ScoringEngine.Onnx } : new[] { ScoringEngine.Onnx, ScoringEngine.MlNet })
            {
                var output = Path.Combine(pipeline.Directory, $"big-{engine}.csv");
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var report = PredictStep.PredictCsv(new MLContext(1), pipeline, big, output, null, null, engine);
                clock.Stop();
                process.Refresh();
                Assert.Equal(rows, report.Rows);
                if (r > 0 || reps == 1) times[engine].Add((clock.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu0).TotalMilliseconds));
            }
        }
        AssertSameFile(Path.Combine(pipeline.Directory, "big-MlNet.csv"), Path.Combine(pipeline.Directory, "big-Onnx.csv"));
        static double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        foreach (var (engine, list) in times)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"predict {rows} rows TaxiFares, {engine}: wall {string.Join("/", list.Select(t => t.Wall.ToString("F0", CultureInfo.InvariantCulture)))} ms (median {Median(list.Select(t => t.Wall)):F0}), cpu {string.Join("/", list.Select(t => t.Cpu.ToString("F0", CultureInfo.InvariantCulture)))} ms (median {Median(list.Select(t => t.Cpu)):F0})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio ML.NET/ONNX: wall {Median(times[ScoringEngine.MlNet].Select(t => t.Wall)) / Median(times[ScoringEngine.Onnx].Select(t => t.Wall)):F2}, cpu {Median(times[ScoringEngine.MlNet].Select(t => t.Cpu)) / Median(times[ScoringEngine.Onnx].Select(t => t.Cpu)):F2}; load average {load}"));
    }

    internal static void Compare(TempPipeline pipeline, string file, double? threshold)
    {
        OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 20 });
        var input = Path.Combine(AppContext.BaseDirectory, "Specs", "data", file);
        var mlOut = Path.Combine(pipeline.Directory, "ml-" + file);
        var onnxOut = Path.Combine(pipeline.Directory, "onnx-" + file);
        var ml = PredictStep.PredictCsv(new MLContext(1), pipeline, input, mlOut, null, threshold, ScoringEngine.MlNet);
        var onnx = PredictStep.PredictCsv(new MLContext(1), pipeline, input, onnxOut, null, threshold, ScoringEngine.Auto);
        Assert.Contains(onnx.Notes, n => n.StartsWith("scored with ONNX Runtime (", StringComparison.Ordinal));
        Assert.DoesNotContain(ml.Notes, n => n.Contains("ONNX Runtime", StringComparison.Ordinal));
        Assert.Equal(ml.Rows, onnx.Rows);
        AssertSameFile(mlOut, onnxOut);
        // --engine onnx takes the same path when it can.
        var forced = PredictStep.PredictCsv(new MLContext(1), pipeline, input, onnxOut + ".forced", null, threshold, ScoringEngine.Onnx);
        Assert.Contains(forced.Notes, n => n.StartsWith("scored with ONNX Runtime (", StringComparison.Ordinal));
    }

    // Same header and cells; numbers within the parity tolerance (1e-5 + 1e-5·|x|); everything else (labels) equal.
    private static void AssertSameFile(string mlPath, string onnxPath)
    {
        var a = File.ReadAllLines(mlPath);
        var b = File.ReadAllLines(onnxPath);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(a[0], b[0]);
        var header = a[0].Split(',');
        for (int i = 1; i < a.Length; i++)
        {
            if (a[i] == b[i]) continue;
            var x = Split(a[i]);
            var y = Split(b[i]);
            Assert.Equal(x.Length, y.Length);
            for (int k = 0; k < x.Length; k++)
            {
                if (x[k] == y[k]) continue;
                Assert.True(double.TryParse(x[k], CultureInfo.InvariantCulture, out var u) && double.TryParse(y[k], CultureInfo.InvariantCulture, out var v)
                    && Math.Abs(u - v) <= 1e-5 + 1e-5 * Math.Abs(u),
                    $"line {i + 1}, column {(k < header.Length ? header[k] : k.ToString(CultureInfo.InvariantCulture))}: ML.NET '{x[k]}', ONNX Runtime '{y[k]}'");
            }
        }
    }

    // The predictions file quotes cells that need it (RFC 4180); the holdout files have commas only inside quotes.
    private static string[] Split(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
