using System.Diagnostics;
using System.Runtime.InteropServices;
using PipelineGen.Predictor;

namespace PipelineGen.Export.Tests;

/// <summary>The ReviewSentiment spec (binary, SDCA on word and character n-grams of a text column) trained once.</summary>
public sealed class TrainedReviews : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new ReviewSentimentPipeline());
    public void Dispose() => Pipeline.Delete();
}

[CollectionDefinition("process environment", DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>
/// ONNX Runtime's string normaliser (text models) constructs the C++ locale en_US.UTF-8. These tests point glibc's
/// LOCPATH at a folder with or without that locale (setenv: .NET's own environment is not the one C code reads), so
/// they do not depend on what the machine has installed.
/// </summary>
[Collection("process environment")]
public sealed class TextModelLocaleTests(TrainedReviews reviews) : IClassFixture<TrainedReviews>
{
    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", SetLastError = true)]
    private static extern int unsetenv(string name);

    private static T WithLocPath<T>(string directory, Func<T> body)
    {
        setenv("LOCPATH", directory, 1);
        try { return body(); }
        finally { unsetenv("LOCPATH"); }
    }

    [Fact]
    public void WithoutTheEnUsUtf8LocaleATextModelIsRefusedWithTheFix()
    {
        var empty = Directory.CreateTempSubdirectory("pg-no-locale").FullName;
        var e = WithLocPath(empty, () => Assert.Throws<OnnxModelException>(() => OnnxExporter.Export(reviews.Pipeline, new ExportOptions { ParityRows = 5 })));
        Assert.Contains("en_US.UTF-8", e.Message);
        Assert.Contains("localedef -i en_US -f UTF-8", e.Message);
        Assert.Contains("LOCPATH", e.Message);
        Directory.Delete(empty, true);
    }

    [Fact]
    public void WithTheLocaleATextModelLoadsAndTheParityCheckComparesEveryRow()
    {
        var locales = Directory.CreateTempSubdirectory("pg-locale").FullName;
        using (var localedef = Process.Start(new ProcessStartInfo("localedef", ["-i", "en_US", "-f", "UTF-8", Path.Combine(locales, "en_US.UTF-8")]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            localedef.WaitForExit();
            // localedef exits 1 on warnings but still writes the locale; what matters is that the folder exists.
            Assert.True(Directory.Exists(Path.Combine(locales, "en_US.UTF-8")), "localedef could not build en_US.UTF-8: " + localedef.StandardError.ReadToEnd());
        }
        var result = WithLocPath(locales, () => OnnxExporter.Export(reviews.Pipeline, new ExportOptions { ParityRows = 200 }));
        Assert.Equal(["sentence"], result.Inputs);
        Assert.Equal(["Probability", "Score"], result.Outputs.Order());
        Assert.Equal(200, result.RowsCompared);
        // word_ngrams: 2 counts unigrams and bigrams. ML.NET's model file forgets UseAllLengths, so its converter wrote a
        // bigram-only TfIdfVectorizer and every row differed; the exporter corrects the node from its n-gram pool.
        Assert.Contains(result.GraphChanges, c => c.Contains("min_gram_length 2 -> 1", StringComparison.Ordinal));
        Assert.True(result.ParityHolds, string.Join("\n", result.Differences.Take(10)));
        Console.WriteLine($"ReviewSentiment: {result.RowsCompared} rows, max |ML.NET - ONNX| = {result.MaxAbsoluteDifference}");
        Directory.Delete(locales, true);
    }
}
