using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Export.Tests;

/// <summary>The Titanic spec (binary, LightGBM; median-imputed age, missing indicators, categoricals, a text column) trained once.</summary>
public sealed class TrainedTitanic : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new TitanicPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>The Penguins spec (multiclass, L-BFGS; median-imputed body mass, categoricals with missing values) trained once.</summary>
public sealed class TrainedPenguins : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new PenguinsPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>
/// glibc's locale folder with en_US.UTF-8 built by localedef (ONNX Runtime's string normaliser needs it for text
/// models), pointed at with LOCPATH (setenv: the C runtime's environment, not .NET's copy).
/// </summary>
internal static class TextLocale
{
    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", SetLastError = true)]
    private static extern int unsetenv(string name);

    public static T With<T>(Func<T> body)
    {
        var locales = Directory.CreateTempSubdirectory("pg-locale").FullName;
        try
        {
            using (var localedef = Process.Start(new ProcessStartInfo("localedef", ["-i", "en_US", "-f", "UTF-8", Path.Combine(locales, "en_US.UTF-8")]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
            {
                localedef.WaitForExit();
                // localedef exits 1 on warnings but still writes the locale; what matters is that the folder exists.
                Assert.True(Directory.Exists(Path.Combine(locales, "en_US.UTF-8")), "localedef could not build en_US.UTF-8: " + localedef.StandardError.ReadToEnd());
            }
            setenv("LOCPATH", locales, 1);
            try { return body(); }
            finally { unsetenv("LOCPATH"); }
        }
        finally { Directory.Delete(locales, true); }
    }
}

/// <summary>
/// Penguins and Titanic used to fail inside ML.NET's ONNX converter: their median imputation was an expression
/// transform (<c>isna(x) ? median : x</c>), which the converter cannot save. It is now ML.NET's missing-value replacer
/// holding the median (an ONNX Imputer node); these tests export both examples and check parity, and check the new
/// imputer gives exactly the old values.
/// </summary>
[Collection("process environment")]
public sealed class ExampleExportTests(TrainedPenguins penguins, TrainedTitanic titanic) : IClassFixture<TrainedPenguins>, IClassFixture<TrainedTitanic>
{
    [Fact]
    public void PenguinsExportsWithFeatureInputsAndParityHolds()
    {
        var result = OnnxExporter.Export(penguins.Pipeline, new ExportOptions());
        Assert.Equal(penguins.Pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
        Assert.Equal(["Score"], result.Outputs);
        Assert.True(result.RowsCompared > 100);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Console.WriteLine($"Penguins: {result.RowsCompared} rows, max |ML.NET - ONNX| = {result.MaxAbsoluteDifference}");
    }

    [Fact]
    public void TitanicExportsWithFeatureInputsAndParityHolds()
    {
        var result = TextLocale.With(() => OnnxExporter.Export(titanic.Pipeline, new ExportOptions()));
        Assert.Equal(titanic.Pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
        Assert.DoesNotContain("ticket", result.Inputs);
        Assert.Equal(["Probability", "Score"], result.Outputs.Order());
        Assert.Equal(200, result.RowsCompared);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Console.WriteLine($"Titanic: {result.RowsCompared} rows, max |ML.NET - ONNX| = {result.MaxAbsoluteDifference}");
    }

    [Fact]
    public void MedianImputerGivesExactlyWhatTheFormerExpressionGave()
    {
        var ml = new MLContext(seed: 1);
        var values = new[] { 3f, float.NaN, 1.5f, -2f, float.NaN, 7.25f, 0f, float.PositiveInfinity, -0f, float.NaN };
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new Row { X = v }));
        var median = ml.Transforms.ReplaceMissingWithMedian("Filled", "X").Fit(data);
        // The median of the present values {-2, -0, 0, 1.5, 3, 7.25, +inf} is 1.5.
        var expression = ml.Transforms.Expression("Filled", "x : isna(x) ? 1.5 : x", "X").Fit(data);
        var now = median.Transform(data).GetColumn<float>("Filled").ToArray();
        var before = expression.Transform(data).GetColumn<float>("Filled").ToArray();
        Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), now.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([3f, 1.5f, 1.5f, -2f, 1.5f, 7.25f, 0f, float.PositiveInfinity, -0f, 1.5f], now);
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}

/// <summary>The WineQuality example's multiclass spec (LightGBM, numeric features) on 300 rows, trained once.</summary>
public sealed class TrainedWineClasses : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new WineQualityClassesPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>Multiclass LightGBM (one tree ensemble per class, then softmax) exports with parity.</summary>
public sealed class WineExportTests(TrainedWineClasses wine) : IClassFixture<TrainedWineClasses>
{
    [Fact]
    public void WineQualityClassesExportsWithFeatureInputsAndParityHolds()
    {
        var result = OnnxExporter.Export(wine.Pipeline, new ExportOptions());
        Assert.Equal(wine.Pipeline.Settings.Features.Select(f => f.Name).Order(), result.Inputs.Order());
        Assert.Equal(["Score"], result.Outputs);
        Assert.Equal(200, result.RowsCompared);
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Console.WriteLine($"WineQualityClasses: {result.RowsCompared} rows, max |ML.NET - ONNX| = {result.MaxAbsoluteDifference}");
    }
}
