using System.Globalization;
using System.Text.RegularExpressions;

namespace PipelineGen.IntegrationTests;

/// <summary>
/// <c>deploy.onnx: true</c> as a user meets it, with the packed packages: a training build exports the model with a parity
/// check and copies it to the output; a separate project that references only <c>PipelineGen.Predictor</c> (no ML.NET)
/// scores rows with it like ML.NET does; a parity failure is a build error at the spec's <c>deploy.onnx</c> line.
/// One scenario (each build takes a while on a shared machine).
/// </summary>
[Trait("Category", "Integration")]
public sealed class OnnxBuildIntegrationTests(PackageFixture fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<PackageFixture>
{
    private const int Rows = 30;

    [Fact]
    public void Deploy_onnx_build_exports_with_parity_a_predictor_without_MLNET_scores_like_MLNET_and_a_parity_failure_is_located()
    {
        var project = fixture.CreateProject("onnx-build", train: true);
        File.WriteAllText(project.SpecFile, File.ReadAllText(project.SpecFile).TrimEnd() + "\ndeploy:\n  onnx: true\n");
        var onnxLine = File.ReadAllLines(project.SpecFile).Length; // the last line: "  onnx: true"
        var csproj = Path.Combine(project.Directory, "App.csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace(
            $"<PackageReference Include=\"PipelineGen\" Version=\"{fixture.Version}\" />",
            $"<PackageReference Include=\"PipelineGen\" Version=\"{fixture.Version}\" />\n    <PackageReference Include=\"PipelineGen.Export\" Version=\"{fixture.Version}\" />"));
        // The app prints ML.NET's scores of the first rows (from the model the build copied beside it) when asked.
        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"), """
            using System.Globalization;
            using Microsoft.ML;
            using App;
            if (args.Length == 1 && args[0] == "mlnet-scores")
            {
                var ml = new MLContext(seed: 1);
                var model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Iris.zip"), out _);
                var engine = new IrisPipeline().CreatePredictionEngine(ml, model);
                foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "iris.csv")).Skip(1).Take(30))
                {
                    var f = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).Take(4).ToArray();
                    var p = engine.Predict(new IrisInput { SepalLength = f[0], SepalWidth = f[1], PetalLength = f[2], PetalWidth = f[3] });
                    Console.WriteLine("SCORES " + string.Join(" ", p.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
                }
                return 0;
            }
            return IrisPipeline.RunCommandLine(args);
            """);

        // 1. Train in the build: export runs after training, checks parity, and the .onnx goes beside the model and to the output.
        var build = project.Build("-v:n");
        Assert.True(build.ExitCode == 0, "expected success:\n" + build.Tail(120));
        Assert.Matches(@"Parity: \d+ rows of .*iris\.csv, max \|ML\.NET - ONNX Runtime\| = ", build.Output);
        var current = File.ReadAllText(Path.Combine(project.Directory, ".pipelinegen", "models", "Iris", "current")).Trim();
        var besideModel = Path.Combine(project.Directory, ".pipelinegen", "models", "Iris", current, "model.onnx");
        Assert.True(File.Exists(besideModel), "no model.onnx beside the model:\n" + build.Tail(120));
        var inOutput = Path.Combine(project.OutputDirectory, "Iris.onnx");
        Assert.True(File.Exists(inOutput), "no Iris.onnx in the output:\n" + build.Tail(120));
        Assert.Equal(File.ReadAllBytes(besideModel), File.ReadAllBytes(inOutput));

        // 2. A device project: only PipelineGen.Predictor (ONNX Runtime) and the same spec and data; the package's generator
        //    emits IrisOnnxInput/IrisOnnxOutput/IrisOnnxPredictor from the spec (no hand-written classes, no ML.NET).
        var device = Path.Combine(fixture.Root, "device");
        Directory.CreateDirectory(device);
        File.Copy(Path.Combine(project.Directory, "nuget.config"), Path.Combine(device, "nuget.config"));
        File.Copy(project.SpecFile, Path.Combine(device, "pipeline.yaml"));
        File.Copy(project.DataFile, Path.Combine(device, "iris.csv"));
        File.WriteAllText(Path.Combine(device, "Device.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>Device</RootNamespace>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PipelineGen.Predictor" Version="{fixture.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(device, "Program.cs"), """
            using System.Globalization;
            using Device;
            using var predictor = new IrisOnnxPredictor(args[0]);
            foreach (var line in File.ReadLines(args[1]).Skip(1).Take(int.Parse(args[2], CultureInfo.InvariantCulture)))
            {
                var f = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).Take(4).ToArray();
                var p = predictor.Predict(new IrisOnnxInput { SepalLength = f[0], SepalWidth = f[1], PetalLength = f[2], PetalWidth = f[3] });
                Console.WriteLine("SCORES " + string.Join(" ", p.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
            }
            return 0;
            """);
        var deviceBuild = DotnetCli.Run(device, TimeSpan.FromMinutes(5), "build", "-nodeReuse:false");
        Assert.True(deviceBuild.ExitCode == 0, deviceBuild.Tail(120));
        var deviceBin = Path.Combine(device, "bin", "Debug", "net10.0");
        var mlAssemblies = Directory.GetFiles(deviceBin, "Microsoft.ML*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Where(n => n != "Microsoft.ML.OnnxRuntime.dll").ToArray();
        Assert.True(mlAssemblies.Length == 0, "ML.NET in the device output: " + string.Join(", ", mlAssemblies));
        var assets = File.ReadAllText(Path.Combine(device, "obj", "project.assets.json"));
        Assert.DoesNotMatch(@"""Microsoft\.ML/\d", assets); // not even transitively
        Assert.DoesNotContain("PipelineGen.Runtime", assets);
        Assert.True(Directory.GetFiles(Path.Combine(device, "obj"), "*.schema.json", SearchOption.AllDirectories).Length == 1,
            "the device build inferred no schema from the spec's data:\n" + deviceBuild.Tail(60));

        var onnxRun = DotnetCli.Run(device, TimeSpan.FromMinutes(2), Path.Combine(deviceBin, "Device.dll"), inOutput, project.DataFile, Rows.ToString(CultureInfo.InvariantCulture));
        Assert.True(onnxRun.ExitCode == 0, onnxRun.Tail());
        var mlRun = project.RunProgram("mlnet-scores");
        Assert.True(mlRun.ExitCode == 0, mlRun.Tail());
        var onnxScores = Scores(onnxRun.Output);
        var mlScores = Scores(mlRun.Output);
        Assert.Equal(Rows, onnxScores.Count);
        Assert.Equal(Rows, mlScores.Count);
        double max = 0;
        for (int r = 0; r < Rows; r++)
        {
            Assert.Equal(3, mlScores[r].Length);
            Assert.Equal(mlScores[r].Length, onnxScores[r].Length);
            for (int k = 0; k < 3; k++)
            {
                var diff = Math.Abs(mlScores[r][k] - onnxScores[r][k]);
                max = Math.Max(max, diff);
                Assert.True(diff <= 1e-5 + 1e-5 * Math.Abs(mlScores[r][k]), $"row {r + 1}, class {k}: ML.NET {mlScores[r][k]}, ONNX {onnxScores[r][k]}");
            }
        }
        long Size(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        log.WriteLine($"device predictor: {Rows} rows, max |ML.NET - ONNX| = {max:G3}; output folder {Size(deviceBin) / 1e6:F1} MB " +
            $"(PipelineGen.Predictor.dll {new FileInfo(Path.Combine(deviceBin, "PipelineGen.Predictor.dll")).Length / 1e3:F0} KB, Iris.onnx {new FileInfo(inOutput).Length / 1e3:F1} KB)");

        // 2b. Published for one runtime identifier, the device output holds one platform's ONNX Runtime, not all of them.
        var publishDir = Path.Combine(device, "publish-linux-x64");
        var publish = DotnetCli.Run(device, TimeSpan.FromMinutes(5), "publish", "-r", "linux-x64", "--self-contained", "false", "-o", publishDir, "-nodeReuse:false");
        Assert.True(publish.ExitCode == 0, publish.Tail(120));
        var natives = Directory.GetFiles(publishDir, "*onnxruntime*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(publishDir, f)).Order().ToArray();
        Assert.Contains("libonnxruntime.so", natives);
        Assert.DoesNotContain(natives, n => n.EndsWith(".dll", StringComparison.Ordinal) && n != "Microsoft.ML.OnnxRuntime.dll"); // no Windows onnxruntime.dll
        Assert.DoesNotContain(natives, n => n.EndsWith(".dylib", StringComparison.Ordinal) || n.Contains("runtimes", StringComparison.Ordinal));
        log.WriteLine($"device publish -r linux-x64 --self-contained false: {Size(publishDir) / 1e6:F1} MB; biggest: " +
            string.Join(", ", Directory.GetFiles(publishDir, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).OrderByDescending(f => f.Length).Take(5)
                .Select(f => $"{Path.GetRelativePath(publishDir, f.FullName)} {f.Length / 1e6:F2} MB")));

        // 3. A parity failure (no tolerance; every value would have to be bit-identical) is an error at deploy.onnx's line.
        File.Delete(Path.Combine(project.PipelineGenObj, "export-onnx.stamp"));
        var failed = project.Build("-p:PipelineGenExportArguments=export onnx --if-requested --tolerance 0");
        Assert.True(failed.ExitCode != 0, "expected the parity check to fail the build:\n" + failed.Tail(120));
        Assert.Matches(Regex.Escape(project.SpecFile) + $@"\({onnxLine},\d+\): error PG0523: The exported ONNX model disagrees with ML\.NET on \d+ value", failed.Output);
        Assert.DoesNotContain("error PG9003", failed.Output); // the located error says it all
        Assert.True(File.Exists(besideModel + ".rejected"));
        Assert.False(File.Exists(besideModel));
    }

    private static List<float[]> Scores(string output) =>
        output.Split('\n').Where(l => l.StartsWith("SCORES ", StringComparison.Ordinal))
            .Select(l => l["SCORES ".Length..].Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
}
