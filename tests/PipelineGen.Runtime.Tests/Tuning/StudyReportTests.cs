using System.Diagnostics;
using System.Text.RegularExpressions;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Exploration;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>The study report of a real (small) study: its content, headless Chromium rendering it, and <c>runs</c> listing the study.</summary>
public sealed class StudyReportTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static TuningSettings Tuning() => new()
    {
        Strategy = "random",
        Trials = 7,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
            SearchParameter.Choice("min_examples_per_leaf", HyperparameterType.Int, 2, 10, 30),
        ],
    };

    [Fact]
    public void Importance_is_the_share_of_variance_between_the_groups_of_a_parameter()
    {
        var p = SearchParameter.Choice("x", HyperparameterType.Int, 1, 2);
        TrialRecord T(int n, double x, double y) => new(n, new Configuration(new Dictionary<string, double> { ["x"] = x }), "complete", y, null, 4, null, TimeSpan.FromSeconds(1));
        // Scores decided by x alone: all of the variance. Scores unrelated to x (equal group means): none.
        Assert.Equal(1.0, StudyReport.Importance(p, [T(0, 1, 0.5), T(1, 1, 0.5), T(2, 2, 0.7), T(3, 2, 0.7)])!.Value, 12);
        Assert.Equal(0.0, StudyReport.Importance(p, [T(0, 1, 0.5), T(1, 1, 0.7), T(2, 2, 0.5), T(3, 2, 0.7)])!.Value, 12);
        Assert.Null(StudyReport.Importance(p, [T(0, 1, 0.5), T(1, 2, 0.7)]));
    }

    [Fact]
    public void Importance_of_a_parameter_that_does_nothing_is_near_zero_with_few_trials()
    {
        // 7 trials, scores pure noise, a range parameter: grouped into bins, the plain share of variance (η²) averaged
        // 0.67 over seeds — a report printed "learning_rate 96%" for such a study. The adjusted share must stay near 0,
        // and a parameter that decides the score must still get most of it (3 bins of a linear effect: 0.84).
        var p = SearchParameter.Range("x", HyperparameterType.Float, 0, 1);
        TrialRecord T(int n, double x, double y) => new(n, new Configuration(new Dictionary<string, double> { ["x"] = x }), "complete", y, null, 4, null, TimeSpan.FromSeconds(1));
        var shares = new List<double>();
        for (int seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var trials = Enumerable.Range(0, 7).Select(n => T(n, random.NextDouble(), random.NextDouble())).ToArray();
            shares.Add(StudyReport.Importance(p, trials) ?? 0);
        }
        Assert.True(shares.Average() < 0.2, $"mean importance of noise {shares.Average():0.000}");
        var decided = Enumerable.Range(0, 7).Select(n => T(n, n / 7.0, 0.7 + n / 70.0)).ToArray();
        Assert.True(StudyReport.Importance(p, decided) > 0.75, $"{StudyReport.Importance(p, decided)}");
    }

    [Theory]
    [InlineData(false, "seeded, stratified by class, exact duplicates on one side")]
    [InlineData(true, "seeded, not stratified, exact duplicates on one side")]
    public void The_report_says_how_the_held_back_rows_were_chosen_as_they_were(bool unstratified, string expected)
    {
        // The page used to say "stratified" whatever the split was (a regression study, or evaluate.stratify: false).
        var output = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--trials", "2", "--no-lock"], new TunableTitanicPipeline(_project, Tuning()) { Unstratified = unstratified }, output, new StringWriter());
        Assert.True(exit == 0, output.ToString());
        var html = File.ReadAllText(Regex.Match(output.ToString(), @"Study report: (\S+\.study\.html)").Groups[1].Value);
        Assert.Contains($"training rows were held back before the search ({expected});", html);
    }

    [ChromiumFact]
    public void Tune_writes_the_study_report_chromium_renders_its_charts_and_runs_lists_the_study()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--trials", "7", "--ensemble", "--no-lock"], new TunableTitanicPipeline(_project, Tuning()), output, error);
        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        var link = Regex.Match(text, @"Study report: (\S+\.study\.html)");
        Assert.True(link.Success, text);
        var htmlPath = link.Groups[1].Value;
        var html = File.ReadAllText(htmlPath);

        // The headline is the held-back score the console printed; every trial is in the table; no external resource.
        var held = Regex.Match(text, @"held-back score \(the honest estimate: (\d+) rows the search never saw\): auc (0\.\d{4})");
        Assert.True(held.Success, text);
        Assert.Contains($"<div class=\"v\">{held.Groups[2].Value}</div>", html);
        var kept = Regex.Match(text, @"Headline \(honest estimate\): the ensemble's held-back auc (0\.\d{4})\.");
        string headline = kept.Success ? kept.Groups[1].Value : held.Groups[2].Value;
        Assert.Matches($"<div class=\"card ok headline\"><div class=\"v\">{Regex.Escape(headline)}</div><div class=\"l\">honest estimate", html);
        // Trial 1 is the spec's own configuration (the study's starting point), then six proposals.
        Assert.Equal(6, Regex.Matches(html, "<tr(?: class=\"(win|fail)\")?><td class=\"n\">\\d+</td><td><code>leaves=").Count);
        Assert.Matches("<td class=\"n\">1</td><td><code>the spec&#39;s own configuration</code></td><td class=\"n\">0\\.\\d{4} [^<]+</td><td>complete[^<]*, starting point</td>", html);
        Assert.Contains("best so far by trial", html);
        Assert.Contains("score against learning_rate", html);
        Assert.Contains("Importance", html);
        Assert.Contains("Ensemble of the best trials", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal(3 + 2, Regex.Matches(html, "<svg class=\"chart\"").Count); // two best-so-far charts + one scatter per parameter

        var pngPath = Path.Combine(_project, "study.png");
        Screenshot(htmlPath, pngPath);
        var (width, height, colors) = PngProbe.Inspect(pngPath);
        Assert.Equal((1280, 2400), (width, height));
        Assert.True(colors > 50, $"screenshot has only {colors} distinct colours");
        // The charts were drawn: the best-so-far line and the scatter dots use the series blue (#3b6fb6).
        Assert.True(PngProbe.PixelsOf(pngPath, 0x3b6fb6) > 300, $"only {PngProbe.PixelsOf(pngPath, 0x3b6fb6)} pixels of the chart colour");

        // runs lists the study with its winner and honest estimate.
        var runs = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["runs"], new TunableTitanicPipeline(_project, Tuning()), runs, new StringWriter()));
        var listing = runs.ToString();
        Assert.Contains("Tuning studies:", listing);
        var study = Regex.Match(text, @"Study (\S+): 7 trial\(s\)").Groups[1].Value;
        Assert.Contains($"study {study} (random, 7 trial(s)), tuned", listing);
        Assert.Contains($"held-back auc {held.Groups[2].Value} (honest)", listing);
        Assert.Matches(@"winner trial \d: leaves=\d+", listing);
        Assert.Contains("ensemble: ", listing);
        Assert.Contains(htmlPath, listing);
    }

    private void Screenshot(string htmlPath, string pngPath)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.ChromiumPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--user-data-dir=" + Path.Combine(_project, "profile"), "--screenshot=" + pngPath, "--window-size=1280,2400",
                     new Uri(htmlPath).AbsoluteUri })
            start.ArgumentList.Add(arg);
        using var chromium = Process.Start(start)!;
        var stderr = chromium.StandardError.ReadToEndAsync();
        chromium.StandardOutput.ReadToEndAsync();
        if (!chromium.WaitForExit(60_000))
        {
            chromium.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish the screenshot within 60 s");
        }
        Assert.True(File.Exists(pngPath), $"no screenshot; chromium said: {stderr.Result}");
    }
}
