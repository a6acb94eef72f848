using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>A fact that runs only where headless Chromium is installed; elsewhere it shows as skipped, with the reason.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath))
            Skip = $"{ChromiumPath} is not installed (apt-get install -y chromium); the HTML screenshot test needs it.";
    }
}
