using System.Text.Json.Nodes;
using PipelineGen.Predictor;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export.Tests;

/// <summary>
/// The browser page's files without a browser: what model.json says about the form, what happens without an
/// onnxruntime-web install or with a wrong folder, and that the web copy of the model scores exactly as the exported one.
/// </summary>
[Collection("browser")]
public sealed class BrowserBundleTests(TrainedTaxis taxis) : IClassFixture<TrainedTaxis>
{
    [Fact]
    public void Without_onnxruntime_web_the_page_is_written_with_its_form_description_and_the_missing_runtime_is_said()
    {
        Assert.Null(Environment.GetEnvironmentVariable(WebBundle.RuntimeEnvironmentVariable));
        var pipeline = taxis.Pipeline;
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--rows", "20"], pipeline, output, error);

        Assert.True(code == 0, error.ToString());
        var web = Path.Combine(Path.GetDirectoryName(ModelStore.Resolve(pipeline.ModelPath))!, WebBundle.DirectoryName);
        Assert.Contains("no onnxruntime-web", output.ToString());
        Assert.Contains("warning: onnxruntime-web was not found, so the page cannot run yet: npm install onnxruntime-web@1.30.0", error.ToString());
        foreach (var file in new[] { "index.html", "pipeline-model.js", "model.json", "model.onnx", "ort/README.txt" })
            Assert.True(File.Exists(Path.Combine(web, file)), $"web/{file} is missing");
        Assert.False(File.Exists(Path.Combine(web, "ort", "ort.wasm.min.mjs")));
        Assert.Contains("ort-wasm-simd-threaded.wasm", File.ReadAllText(Path.Combine(web, "ort", "README.txt")));

        // The form's description: every feature, in data order, with its kind and what training saw.
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(web, "model.json")))!;
        var profile = TrainingProfile.TryReadFor(pipeline.ModelPath, out var why) ?? throw new InvalidOperationException(why);
        var inputs = meta["inputs"]!.AsArray();
        Assert.Equal(pipeline.Settings.Features.OrderBy(f => f.Index).Select(f => f.Name), inputs.Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal("regression", meta["task"]!.GetValue<string>());
        Assert.Equal("fare", meta["label"]!.GetValue<string>());
        var distance = inputs.Single(i => i!["name"]!.GetValue<string>() == "distance")!;
        Assert.Equal("numeric", distance["kind"]!.GetValue<string>());
        Assert.Equal("float32", distance["tensorType"]!.GetValue<string>());
        Assert.Equal(profile.Columns["distance"].Min, distance["min"]!.GetValue<double>());
        Assert.Equal(profile.Columns["distance"].Max, distance["max"]!.GetValue<double>());
        var payment = inputs.Single(i => i!["name"]!.GetValue<string>() == "payment")!;
        Assert.Equal("categorical", payment["kind"]!.GetValue<string>());
        Assert.Equal("string", payment["tensorType"]!.GetValue<string>());
        Assert.Equal(profile.Columns["payment"].Categories, payment["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("credit card", payment["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["Score"], meta["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.False(meta["runtime"]!["vendored"]!.GetValue<bool>());
    }

    [Fact]
    public void A_folder_that_is_not_onnxruntime_web_is_bad_input_naming_it()
    {
        var wrong = Directory.CreateTempSubdirectory("pg-not-ort").FullName;
        var error = new StringWriter();
        int code = PipelineApp.Run(["export", "onnx", "--rows", "5", "--onnxruntime-web", wrong], taxis.Pipeline, new StringWriter(), error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"'{wrong}' is not the onnxruntime-web package", error.ToString());
        Assert.Contains("npm install onnxruntime-web@1.30.0", error.ToString());
        Directory.Delete(wrong, true);
    }

    [Fact]
    public void The_web_copy_without_shape_annotations_scores_exactly_as_the_exported_model()
    {
        var result = OnnxExporter.Export(taxis.Pipeline, new ExportOptions { ParityRows = 5 });
        var original = File.ReadAllBytes(result.OnnxPath);
        var stripped = OnnxShapeAnnotations.WithoutIntermediateShapes(original);
        Assert.True(stripped.Length < original.Length, "the exported graph had intermediate shape annotations to remove");
        var copy = Path.Combine(Directory.CreateTempSubdirectory("pg-web-model").FullName, "model.onnx");
        File.WriteAllBytes(copy, stripped);

        using var a = OnnxModel.Open(result.OnnxPath);
        using var b = OnnxModel.Open(copy);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Outputs, b.Outputs);
        var inputs = new Dictionary<string, Array>
        {
            ["passengers"] = new[] { 1f, 2f, 1f }, ["distance"] = new[] { 1.6f, 12.5f, 0.4f },
            ["color"] = new[] { "yellow", "green", "yellow" }, ["payment"] = new[] { "credit card", "cash", "" },
            ["pickup_zone"] = new[] { "Lenox Hill West", "Astoria", "Midtown South" }, ["dropoff_zone"] = new[] { "UN/Turtle Bay South", "JFK Airport", "Midtown South" },
            ["pickup_borough"] = new[] { "Manhattan", "Queens", "Manhattan" }, ["dropoff_borough"] = new[] { "Manhattan", "Queens", "Manhattan" },
        };
        Assert.Equal(a.Run(inputs, 3)["Score"], b.Run(inputs, 3)["Score"]);

        Assert.Throws<InvalidDataException>(() => OnnxShapeAnnotations.WithoutIntermediateShapes(original[..(original.Length / 2)]));
        Directory.Delete(Path.GetDirectoryName(copy)!, true);
    }
}
