using System.Diagnostics;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>Renders a local HTML file with headless Chromium into a PNG of the given window size.</summary>
internal static class ChromiumScreenshot
{
    public static void Capture(string htmlPath, string pngPath, int width, int height)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.ChromiumPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     "--user-data-dir=" + Directory.CreateTempSubdirectory("pg-chromium-").FullName, "--screenshot=" + pngPath,
                     $"--window-size={width},{height}", new Uri(htmlPath).AbsoluteUri })
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
