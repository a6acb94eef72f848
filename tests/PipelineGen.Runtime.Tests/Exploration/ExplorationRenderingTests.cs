using System.Diagnostics;
using System.Text.RegularExpressions;
using PipelineGen.Runtime.Exploration;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

public class ExplorationRenderingTests
{
    [Fact]
    public void Html_is_self_contained_and_encodes_data()
    {
        var html = ExplorationHtml.Render(DataExplorer.Explore(ExplorationFixtures.Tiny(), ExplorationFixtures.Options()));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.Contains("<style>", html);
        // Nothing fetched from anywhere: no URLs, no external scripts, images, fonts or stylesheets.
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        // The data cell "<script>alert(1)</script>" arrives as text, never as markup.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Html_shows_every_section_of_a_full_report()
    {
        var html = ExplorationHtml.Render(ExplorationFixtures.TaxisShiftedReport);
        foreach (var heading in new[] { "Warnings", "Target leakage probe", "drift", "Columns", "Duplicate rows", "First 10 rows", "Distribution of the label" })
            Assert.Contains(heading, html);
        Assert.Matches(new Regex("class=\"verdict major\">major<"), html);
        Assert.Equal(14, Regex.Matches(html, "<article class=\"col\">").Count);
    }

    [Fact]
    public void Console_summary_has_the_key_lines()
    {
        var output = new StringWriter();
        ExplorationConsole.Write(ExplorationFixtures.TitanicReport, output);
        var text = output.ToString();

        Assert.Contains("Explore: titanic_300 (binary classification, label 'survived')", text);
        Assert.Contains("Rows: 300   Columns: 15   Duplicate rows: 18", text);
        Assert.Matches(new Regex(@"!! leakage\s+possible target leakage: 'alive' alone predicts the label with auc 1\.000"), text);
        Assert.Matches(new Regex(@"\n  age\s+numeric\s+feature\s+58 \(19\.3%\)\s+69\s+0\.83\s+28\s+"), text);
        Assert.Matches(new Regex(@"\n  0\s+192\s+64\.0%\s+#+"), text);
        Assert.Contains("row 48 = row 33", text);
        Assert.Matches(new Regex(@"\n  alive\s+1\.000  LEAK\?"), text);
        Assert.Contains("Drift: no comparison data", text);
        Assert.DoesNotContain("NaN", text);
    }

    [Fact]
    public void Console_summary_prints_na_not_nan_for_empty_statistics()
    {
        var output = new StringWriter();
        ExplorationConsole.Write(DataExplorer.Explore(ExplorationFixtures.Tiny(), ExplorationFixtures.Options()), output);
        var text = output.ToString();
        Assert.Matches(new Regex(@"\n  extra\s+numeric\s+feature\s+12 \(100\.0%\)\s+0"), text);
        Assert.Contains("all-missing 'extra' is missing in every row", text);
        Assert.DoesNotContain("NaN", text);
    }

    [ChromiumFact]
    public void Headless_chromium_renders_the_report()
    {
        var dir = Synthetic.Directory();
        var htmlPath = Path.Combine(dir, "report.html");
        var pngPath = Path.Combine(dir, "report.png");
        ExplorationHtml.Write(ExplorationFixtures.TaxisShiftedReport, htmlPath);

        var start = new ProcessStartInfo(ChromiumFactAttribute.ChromiumPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--user-data-dir=" + Path.Combine(dir, "profile"), "--screenshot=" + pngPath, "--window-size=1280,2000",
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
        Assert.True(new FileInfo(pngPath).Length > 20_000, $"screenshot is only {new FileInfo(pngPath).Length} bytes");
        var (width, height, colors) = PngProbe.Inspect(pngPath);
        Assert.Equal(1280, width);
        Assert.Equal(2000, height);
        // A blank or error page has a handful of colours; text, badges and charts have hundreds.
        Assert.True(colors > 50, $"screenshot has only {colors} distinct colours");
    }
}
