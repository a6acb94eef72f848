using System.CommandLine;
using System.Globalization;
using PipelineGen.Predictor;
using PipelineGen.Runtime.Cli;

namespace PipelineGen.Export;

/// <summary>
/// <c>export onnx</c>: writes <c>model.onnx</c> into the current model version's folder and checks parity with ML.NET.
/// It reaches a generated program without the runtime knowing this package: <see cref="PipelineApp"/> loads the
/// assembly <c>PipelineGen.Export</c> when the application references it (see <c>ExtensionContributors.cs</c>), so only
/// projects that ask for ONNX carry ONNX Runtime's native library.
/// </summary>
public sealed class ExportCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var model = new Option<string?>("--model") { Description = "Model to export (default: the current version in the model store)." };
        var data = new Option<string?>("--data") { Description = "Rows for the parity check (default: the spec's training data); labels are not read." };
        var rows = new Option<int>("--rows") { Description = "How many rows the parity check compares (a seeded sample).", DefaultValueFactory = _ => 200 };
        var tolerance = new Option<double>("--tolerance") { Description = "Allowed |ML.NET - ONNX Runtime| per value: tolerance + tolerance * |ML.NET|.", DefaultValueFactory = _ => 1e-5 };
        var webRuntime = new Option<string?>("--onnxruntime-web") { Description = $"onnxruntime-web package folder (an npm install of {WebBundle.RuntimeVersion}) whose WebAssembly files are copied into the web page (default: ${WebBundle.RuntimeEnvironmentVariable}, else node_modules/onnxruntime-web in the project folder)." };
        var noWeb = new Option<bool>("--no-web") { Description = "Do not write the browser page (web/ beside model.onnx)." };
        var onnx = new Command("onnx", "Export the trained model to ONNX (feature columns in, Score/Probability out) into its version folder, then check that ONNX Runtime scores held-out rows as ML.NET does; if it does, also write the browser page web/ (onnxruntime-web).");
        onnx.Options.Add(model);
        onnx.Options.Add(data);
        onnx.Options.Add(rows);
        onnx.Options.Add(tolerance);
        var ifRequested = new Option<bool>("--if-requested") { Description = "Export only when the spec sets 'deploy.onnx: true' (what the build runs after training); otherwise say so and succeed." };
        onnx.Options.Add(ifRequested);
        onnx.Options.Add(webRuntime);
        onnx.Options.Add(noWeb);
        onnx.SetAction(parse => services.RunStep("export-onnx", record =>
        {
            var t = parse.GetValue(tolerance);
            if (!(t >= 0) || double.IsInfinity(t))
            {
                services.Error.WriteLine($"error: --tolerance {t.ToString(CultureInfo.InvariantCulture)} is not a tolerance: give a finite number >= 0 (0: every value must be identical).");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(ifRequested) && services.Pipeline.Settings.DeployOnnx is null)
            {
                services.Output.WriteLine("The spec does not set 'deploy.onnx: true'; nothing exported.");
                return ExitCodes.Ok;
            }
            var options = new ExportOptions
            {
                ModelPath = parse.GetValue(model),
                ParityDataPath = parse.GetValue(data),
                ParityRows = parse.GetValue(rows),
                AbsoluteTolerance = t,
                RelativeTolerance = t,
            };
            ExportResult result;
            try
            {
                result = OnnxExporter.Export(services.Pipeline, options);
            }
            catch (OnnxModelException e)
            {
                services.Error.WriteLine($"error: {e.Message}");
                LocatedExportErrors.ExportFailed(services.Error, services.Pipeline.Settings, e.Message);
                return ExitCodes.CheckFailed;
            }
            catch (DenseExportException e)
            {
                services.Error.WriteLine($"error: {e.Message}");
                LocatedExportErrors.DenseExportFailed(services.Error, services.Pipeline.Settings, e.Message);
                return ExitCodes.CheckFailed;
            }
            catch (EnsembleExportException e)
            {
                services.Error.WriteLine($"error: {e.Message}");
                LocatedExportErrors.ExportFailed(services.Error, services.Pipeline.Settings, e.Message);
                return ExitCodes.CheckFailed;
            }
            catch (InvalidOperationException e)
            {
                services.Error.WriteLine($"error: ML.NET could not export this model to ONNX: {e.Message}");
                LocatedExportErrors.ExportFailed(services.Error, services.Pipeline.Settings, "ML.NET's converter: " + e.Message);
                return ExitCodes.CheckFailed;
            }
            record.Parameters["onnx"] = result.OnnxPath;
            record.Parameters["parity-data"] = result.ParityDataPath;
            record.Parameters["tolerance"] = t.ToString("G", CultureInfo.InvariantCulture);
            var w = services.Output;
            w.WriteLine($"Wrote {result.OnnxPath} ({new FileInfo(result.OnnxPath).Length:N0} bytes).");
            w.WriteLine($"  inputs:  {string.Join(", ", result.Inputs)}");
            w.WriteLine($"  outputs: {string.Join(", ", result.Outputs)}");
            foreach (var change in result.GraphChanges) w.WriteLine($"  corrected in ML.NET's graph: {change}");
            w.WriteLine($"Parity: {result.RowsCompared} rows of {result.ParityDataPath}, max |ML.NET - ONNX Runtime| = {OnnxExporter.Number(result.MaxAbsoluteDifference)} (tolerance {OnnxExporter.Number(t)} + {OnnxExporter.Number(t)}·|ML.NET|).");
            if (result.ParityHolds)
                return parse.GetValue(noWeb) ? ExitCodes.Ok : WriteWebBundle(services, result, options.ModelPath, parse.GetValue(webRuntime), t, record);
            services.Error.WriteLine($"error: ONNX Runtime disagrees with ML.NET on {result.Differences.Count} value(s); the ONNX model must not be deployed:");
            foreach (var d in result.Differences.Take(20))
                services.Error.WriteLine($"  row {d.Row}, column {d.Column}: ML.NET {OnnxExporter.Number(d.MlNet)}, ONNX Runtime {OnnxExporter.Number(d.Onnx)}");
            if (result.Differences.Count > 20) services.Error.WriteLine($"  ... and {result.Differences.Count - 20} more");
            // Nothing picks a model that failed parity up by its name (the build copies model.onnx to the output).
            var rejected = result.OnnxPath + ".rejected";
            File.Move(result.OnnxPath, rejected, overwrite: true);
            services.Error.WriteLine($"  the model was moved to {rejected}");
            LocatedExportErrors.ParityFailed(services.Error, services.Pipeline.Settings, result with { OnnxPath = rejected }, t);
            record.Message = $"parity failed on {result.Differences.Count} value(s)";
            return ExitCodes.CheckFailed;
        }));
        var export = new Command("export", "Export the trained model for deployment.");
        export.Subcommands.Add(onnx);
        root.Subcommands.Add(export);
    }

    // The browser page (docs/deploy-browser.md): written only for a model whose parity check held.
    private static int WriteWebBundle(CommandServices services, ExportResult result, string? modelPath, string? runtimeOption, double tolerance, StepRecord record)
    {
        var w = services.Output;
        WebBundleResult web;
        try
        {
            var runtime = WebBundle.FindRuntime(runtimeOption, services.Pipeline.Settings.ProjectDirectory);
            web = WebBundle.Write(services.Pipeline, result, modelPath, runtime, tolerance);
        }
        catch (WebRuntimeException e)
        {
            services.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        record.Parameters["web"] = web.Directory;
        w.WriteLine($"Wrote the browser page {web.Directory}{Path.DirectorySeparatorChar}index.html: model {WebBundle.Size(web.Bytes(f => f == OnnxExporter.OnnxFileName))}, " +
            $"page and module {WebBundle.Size(web.Bytes(f => f is "index.html" or "pipeline-model.js" or "model.json"))}, " +
            (web.RuntimeVendored
                ? $"onnxruntime-web {web.RuntimeVersion} {WebBundle.Size(web.Bytes(f => f.StartsWith("ort/", StringComparison.Ordinal)))} (copied from {web.RuntimeSource})."
                : "no onnxruntime-web."));
        if (!web.RuntimeVendored)
            services.Error.WriteLine($"warning: onnxruntime-web was not found, so the page cannot run yet: {WebBundle.InstallHint} (web/ort/README.txt says the same).");
        if (web.ProfileNote is not null)
            services.Error.WriteLine($"note: {web.ProfileNote}: the form shows no training ranges or category lists.");
        w.WriteLine("  Serve that folder over HTTP (e.g. 'python3 -m http.server' in it); file:// cannot load the module.");
        return ExitCodes.Ok;
    }
}
