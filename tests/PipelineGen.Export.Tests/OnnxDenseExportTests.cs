using System.IO.Compression;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;

namespace PipelineGen.Export.Tests;

/// <summary>The three dense specs (Specs/dense-*.pipeline.yaml), each trained once into its own temporary folder.</summary>
public sealed class TrainedDensePipelines : IDisposable
{
    public TempPipeline Binary { get; } = TempPipeline.Trained(new DenseSurvivalPipeline());
    public TempPipeline Multiclass { get; } = TempPipeline.Trained(new DenseIrisPipeline());
    public TempPipeline Regression { get; } = TempPipeline.Trained(new DenseTaxiFaresPipeline());

    public TempPipeline For(string task) => task switch { "binary" => Binary, "multiclass" => Multiclass, _ => Regression };

    public void Dispose()
    {
        Binary.Delete();
        Multiclass.Delete();
        Regression.Delete();
    }
}

/// <summary>
/// ONNX export of a dense pipeline (issue 15): ML.NET's export of the preparation joined with the network's own graph
/// (DenseNetworkExport), then the usual parity check: the whole ML.NET model (its ONNX transform and output mappings
/// included) against ONNX Runtime on the same rows.
/// </summary>
public sealed class OnnxDenseExportTests(TrainedDensePipelines trained) : IClassFixture<TrainedDensePipelines>
{
    [Theory]
    [InlineData("binary", new[] { "Score", "Probability" })]
    [InlineData("multiclass", new[] { "Score" })]
    [InlineData("regression", new[] { "Score" })]
    public void Export_joins_the_network_and_parity_holds(string task, string[] outputs)
    {
        var pipeline = trained.For(task);
        var result = OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 100 });

        Assert.Equal(pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
        Assert.Equal(outputs, result.Outputs);
        Assert.Contains(result.GraphChanges, c => c.StartsWith("dense network appended", StringComparison.Ordinal));
        Assert.True(result.RowsCompared >= 90, $"{result.RowsCompared} rows compared");
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Assert.True(result.MaxAbsoluteDifference < 1e-4, $"max difference {result.MaxAbsoluteDifference}");
    }

    [Fact]
    public void The_multiclass_export_scores_are_softmax_probabilities_that_vary_by_row()
    {
        // Parity against a constant or degenerate graph would be meaningless: the scores sum to 1 and differ by row.
        var pipeline = trained.Multiclass;
        var result = OnnxExporter.Export(pipeline, new ExportOptions { ParityRows = 30 });
        using var onnx = Predictor.OnnxModel.Open(result.OnnxPath);
        var rows = File.ReadLines(pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath)).Skip(1).Take(120).Where((_, i) => i % 40 == 0)
            .Select(l => l.Split(',')).ToArray();
        var header = File.ReadLines(pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath)).First().Split(',');
        var seen = new List<float[]>();
        foreach (var row in rows)
        {
            var inputs = pipeline.Settings.Features.ToDictionary(f => f.Name,
                f => (Array)new[] { float.Parse(row[Array.IndexOf(header, f.Name)], System.Globalization.CultureInfo.InvariantCulture) });
            var score = onnx.Run(inputs, 1)["Score"];
            Assert.Equal(3, score.Length);
            Assert.Equal(1.0, score.Sum(), 4);
            seen.Add(score);
        }
        Assert.Contains(seen, s => Array.IndexOf(s, s.Max()) != Array.IndexOf(seen[0], seen[0].Max()));
    }

    [Fact]
    public void The_export_command_reports_parity_for_a_dense_model()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = PipelineApp.Run(["export", "onnx", "--rows", "40", "--no-web"], trained.Binary, output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("dense network appended", output.ToString());
        Assert.Contains("Parity: 40 rows", output.ToString());
    }

    [Fact]
    public void The_multiclass_page_names_the_classes_in_the_order_of_the_score_slots()
    {
        // A dense network's Score carries no slot names: writing the page threw "no class names (SlotNames)" (exit 1 with
        // a stack trace) after the parity check had held. The classes are the label values in the order training met
        // them (ML.NET's key order), the order predict and serve name the slots in.
        var pipeline = trained.Multiclass;
        var output = new StringWriter();
        var error = new StringWriter();
        var code = PipelineApp.Run(["export", "onnx", "--rows", "30"], pipeline, output, error);
        Assert.True(code == 0, output + "\n" + error);
        var web = Path.Combine(Path.GetDirectoryName(Runtime.Training.ModelStore.Resolve(pipeline.ModelPath))!, WebBundle.DirectoryName);
        using var meta = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(web, "model.json")));
        var classes = meta.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray();
        var data = File.ReadLines(pipeline.Settings.ResolvePath(pipeline.Settings.TrainDataPath)).ToArray();
        int label = Array.IndexOf(data[0].Split(','), pipeline.Settings.LabelColumn);
        var metOrder = data.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[label]).Distinct().ToArray();
        Assert.Equal(metOrder, classes);
    }

    [Fact]
    public void A_model_zip_without_the_network_graph_is_PG0605_located_at_deploy_onnx()
    {
        // A copy of the trained model with a second saved ONNX graph beside the network's (ML.NET still loads it, ignoring
        // the extra entry): export cannot tell which graph is the network, so it must refuse with a located error.
        var pipeline = trained.Regression;
        var copy = Path.Combine(pipeline.Directory, "damaged.zip");
        File.Copy(Runtime.Training.ModelStore.Resolve(pipeline.ModelPath), copy, overwrite: true);
        using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
        {
            var network = zip.Entries.Single(e => e.Name == "OnnxModel");
            using var from = network.Open();
            using var to = zip.CreateEntry("Extra/OnnxModel").Open();
            from.CopyTo(to);
        }
        var output = new StringWriter();
        var error = new StringWriter();
        var code = PipelineApp.Run(["export", "onnx", "--model", copy, "--no-web"], pipeline, output, error);
        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Matches(@"dense-taxis\.pipeline\.yaml\(\d+,\d+\): error PG0605: .*holds 2 saved ONNX graphs", error.ToString());
    }
}
