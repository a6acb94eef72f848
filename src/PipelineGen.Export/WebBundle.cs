using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Predictor;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Export;

/// <summary>What <see cref="WebBundle.Write"/> wrote.</summary>
/// <param name="Directory">The bundle folder (<c>web/</c> beside <c>model.onnx</c>).</param>
/// <param name="RuntimeSource">The onnxruntime-web package folder the runtime files were copied from; null when none was found.</param>
/// <param name="RuntimeVersion">That package's version (from its package.json).</param>
/// <param name="Files">Every file of the bundle, relative to <paramref name="Directory"/>, with its size.</param>
/// <param name="ProfileNote">Why the form has no ranges or category lists (no training profile), else null.</param>
public sealed record WebBundleResult(string Directory, string? RuntimeSource, string? RuntimeVersion, IReadOnlyList<(string File, long Bytes)> Files, string? ProfileNote)
{
    public bool RuntimeVendored => RuntimeSource is not null;
    public long Bytes(Func<string, bool> which) => Files.Where(f => which(f.File)).Sum(f => f.Bytes);
}

/// <summary>The onnxruntime-web folder given cannot be used (not the package, or files missing).</summary>
public sealed class WebRuntimeException(string message) : Exception(message);

/// <summary>
/// The static web page that predicts in the browser (docs/deploy-browser.md): <c>index.html</c> builds a form from
/// <c>model.json</c> (the feature columns with their kinds, training ranges and categories from the training profile) and
/// <c>pipeline-model.js</c> scores with onnxruntime-web's WebAssembly build, vendored into <c>ort/</c> from an npm install
/// so the page works offline from any static server. The page and module are embedded resources (Web/*); this class
/// writes the per-model parts.
/// </summary>
public static class WebBundle
{
    public const string DirectoryName = "web";
    /// <summary>The onnxruntime-web version the page is written and tested against.</summary>
    public const string RuntimeVersion = "1.30.0";
    /// <summary>Environment variable naming the onnxruntime-web package folder (when --onnxruntime-web is not given).</summary>
    public const string RuntimeEnvironmentVariable = "PIPELINEGEN_ONNXRUNTIME_WEB";

    /// <summary>
    /// The files of onnxruntime-web's <c>dist/</c> the page loads: the ES module of the WebAssembly-only build, the
    /// Emscripten loader it imports, and the SIMD WebAssembly binary (the WebGPU/WebGL builds are not shipped).
    /// </summary>
    public static readonly string[] RuntimeFiles = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

    private static readonly string[] PageFiles = ["index.html", "pipeline-model.js"];

    public static string InstallHint =>
        $"npm install onnxruntime-web@{RuntimeVersion} in the project folder (or anywhere, then pass --onnxruntime-web <that>/node_modules/onnxruntime-web or set {RuntimeEnvironmentVariable}), and export again";

    /// <summary>
    /// The onnxruntime-web package folder to vendor from: <paramref name="explicitPath"/>, else the environment variable,
    /// else <c>node_modules/onnxruntime-web</c> in the project folder; null when none exists. An explicit folder that is
    /// not the package is a <see cref="WebRuntimeException"/>.
    /// </summary>
    public static string? FindRuntime(string? explicitPath, string projectDirectory)
    {
        var given = explicitPath ?? Environment.GetEnvironmentVariable(RuntimeEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            var full = Path.GetFullPath(given);
            // Accept the package folder, its dist/, or a node_modules folder holding it.
            foreach (var candidate in new[] { full, Path.Combine(full, "onnxruntime-web") })
                if (File.Exists(Path.Combine(candidate, "package.json")) && Directory.Exists(Path.Combine(candidate, "dist"))) return candidate;
            if (Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) == "dist" && File.Exists(Path.Combine(full, "..", "package.json")))
                return Path.GetFullPath(Path.Combine(full, ".."));
            throw new WebRuntimeException($"'{full}' is not the onnxruntime-web package (no package.json and dist/ there). {InstallHint}.");
        }
        var local = Path.Combine(projectDirectory, "node_modules", "onnxruntime-web");
        return File.Exists(Path.Combine(local, "package.json")) ? local : null;
    }

    /// <summary>Writes <c>web/</c> beside the exported model; call after a successful parity check.</summary>
    public static WebBundleResult Write(IPipelineDefinition pipeline, ExportResult export, string? modelPath, string? runtimePackage, double parityTolerance)
    {
        var settings = pipeline.Settings;
        var directory = Path.Combine(export.VersionDirectory, DirectoryName);
        Directory.CreateDirectory(directory);

        string? runtimeVersion = null;
        var ortDirectory = Path.Combine(directory, "ort");
        if (runtimePackage is not null)
        {
            runtimeVersion = PackageVersion(runtimePackage);
            var missing = RuntimeFiles.Where(f => !File.Exists(Path.Combine(runtimePackage, "dist", f))).ToArray();
            if (missing.Length > 0)
                throw new WebRuntimeException($"onnxruntime-web {runtimeVersion} at '{runtimePackage}' has no dist/{string.Join(", dist/", missing)}; the page is written for {RuntimeVersion}. {InstallHint}.");
            Directory.CreateDirectory(ortDirectory);
            foreach (var file in RuntimeFiles)
                File.Copy(Path.Combine(runtimePackage, "dist", file), Path.Combine(ortDirectory, file), overwrite: true);
            File.Delete(Path.Combine(ortDirectory, "README.txt"));
        }
        else
        {
            // No npm install found: the page is written all the same, and ort/ says what to put there.
            Directory.CreateDirectory(ortDirectory);
            File.WriteAllText(Path.Combine(ortDirectory, "README.txt"),
                $"This page needs onnxruntime-web {RuntimeVersion}'s WebAssembly files here: {string.Join(", ", RuntimeFiles)}.\n" +
                $"Copy them from node_modules/onnxruntime-web/dist/ after 'npm install onnxruntime-web@{RuntimeVersion}', or {InstallHint}.\n");
        }

        foreach (var file in PageFiles)
        {
            using var resource = typeof(WebBundle).Assembly.GetManifestResourceStream("PipelineGen.Export.Web." + file)
                ?? throw new InvalidOperationException($"PipelineGen.Export is built without its embedded Web/{file}.");
            AtomicFile.Write(Path.Combine(directory, file), resource.CopyTo);
        }
        // The model is copied, not linked: the folder is what gets hosted, on its own. The copy has no intermediate shape
        // annotations, which onnxruntime-web refuses for one-hot encoders (see OnnxShapeAnnotations).
        var webModel = Path.Combine(directory, OnnxExporter.OnnxFileName);
        var webModelBytes = OnnxShapeAnnotations.WithoutIntermediateShapes(File.ReadAllBytes(export.OnnxPath));
        AtomicFile.Write(webModel, stream => stream.Write(webModelBytes));

        var profile = TrainingProfile.TryReadFor(modelPath ?? ModelStore.DefaultModelPath(settings), out var why);
        var meta = Metadata(pipeline, export, modelPath, profile, runtimeVersion ?? RuntimeVersion, runtimePackage is not null, parityTolerance);
        AtomicFile.WriteAllText(Path.Combine(directory, "model.json"), meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(f).Length))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToArray();
        return new WebBundleResult(directory, runtimePackage, runtimeVersion, files, profile is null ? why : null);
    }

    private static JsonObject Metadata(IPipelineDefinition pipeline, ExportResult export, string? modelPath, TrainingProfile? profile,
        string runtimeVersion, bool vendored, double parityTolerance)
    {
        var settings = pipeline.Settings;
        using var onnx = OnnxModel.Open(export.OnnxPath);
        var inputs = new JsonArray();
        foreach (var feature in settings.Features.OrderBy(c => c.Index))
        {
            var graphInput = onnx.Inputs.FirstOrDefault(i => i.Name == feature.Name)
                ?? throw new OnnxModelException($"The exported model '{export.OnnxPath}' has no input '{feature.Name}'.");
            var column = new JsonObject
            {
                ["name"] = feature.Name,
                ["kind"] = feature.Kind.ToString().ToLowerInvariant(),
                ["tensorType"] = TensorType(graphInput.ElementType, feature.Name),
            };
            if (profile?.Columns.GetValueOrDefault(feature.Name) is { } p)
            {
                if (p.Min is { } min) column["min"] = min;
                if (p.Max is { } max) column["max"] = max;
                if (p.Categories is { } categories && p.CategoriesComplete) column["categories"] = new JsonArray(categories.Select(c => (JsonNode?)c).ToArray());
                column["missingInTraining"] = p.Missing;
            }
            inputs.Add(column);
        }
        var outputs = new JsonArray(onnx.Outputs.Select(o => (JsonNode?)new JsonObject { ["name"] = o.Name, ["graphName"] = o.GraphName }).ToArray());
        var meta = new JsonObject
        {
            ["format"] = 1,
            ["name"] = settings.Name,
            ["task"] = settings.Task switch
            {
                MlTaskKind.Regression => "regression",
                MlTaskKind.BinaryClassification => "binary",
                _ => "multiclass",
            },
            ["label"] = settings.LabelColumn,
            ["positiveClass"] = settings.PositiveClass,
            ["threshold"] = settings.Task == MlTaskKind.BinaryClassification ? settings.DecisionThreshold : null,
            // The model's own decision without task.threshold: positive when Score > this (ModelDecision).
            ["scoreThreshold"] = settings.Task == MlTaskKind.BinaryClassification ? export.ScoreThreshold : null,
            ["model"] = OnnxExporter.OnnxFileName,
            ["modelSha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(export.OnnxPath)!, DirectoryName, OnnxExporter.OnnxFileName)))),
            ["exportedModelSha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(export.OnnxPath))),
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["parity"] = new JsonObject
            {
                ["rows"] = export.RowsCompared,
                ["maxAbsoluteDifference"] = export.MaxAbsoluteDifference,
                ["tolerance"] = parityTolerance,
            },
            ["runtime"] = new JsonObject { ["package"] = "onnxruntime-web", ["version"] = runtimeVersion, ["vendored"] = vendored },
        };
        if (settings.Task == MlTaskKind.MulticlassClassification)
            meta["classes"] = new JsonArray(ClassNames(pipeline, modelPath).Select(c => (JsonNode?)c).ToArray());
        return meta;
    }

    // The order of a multiclass model's Score slots, read as predict and serve read it: the Score column's slot names, else
    // the PredictedLabel key's values (a dense network's Score has no slot names: the page export crashed on it).
    private static string[] ClassNames(IPipelineDefinition pipeline, string? modelPath)
    {
        var settings = pipeline.Settings;
        var ml = new MLContext(seed: settings.Seed);
        var model = ModelStore.Load(ml, modelPath ?? ModelStore.DefaultModelPath(settings), out _);
        var schema = model.GetOutputSchema(pipeline.LoadData(ml, settings.ResolvePath(settings.TrainDataPath)).Schema);
        return Runtime.Prediction.ClassNames.OfScored(schema);
    }

    private static string TensorType(Type type, string column) => type switch
    {
        _ when type == typeof(float) => "float32",
        _ when type == typeof(double) => "float64",
        _ when type == typeof(string) => "string",
        _ when type == typeof(bool) => "bool",
        _ => throw new OnnxModelException($"The exported model's input '{column}' has element type {type.Name}, which the web page does not feed."),
    };

    private static string? PackageVersion(string package)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "package.json")));
            return json.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Bytes as the CLI prints them.</summary>
    public static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB";
}
