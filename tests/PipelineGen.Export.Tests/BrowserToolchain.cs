using System.Diagnostics;
using System.Text.Json;

namespace PipelineGen.Export.Tests;

/// <summary>
/// A fact that needs Debian's Chromium and Node.js (with npm); where either is missing it shows as skipped with the
/// reason and the install command (.ci/run installs both as root).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserToolchain.WhyNot() is { } why) Skip = why;
    }
}

/// <summary>A test that runs the page's module in Node.js only (a stub runtime, no Chromium): skipped only without node.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (BrowserToolchain.WhyNoNode() is { } why) Skip = why;
    }
}

/// <summary>
/// The npm packages the browser test uses (Browser/package.json, pinned by Browser/package-lock.json): onnxruntime-web,
/// whose files the export vendors into the page, and playwright-core, which drives /usr/bin/chromium. Installed once with
/// <c>npm ci</c> into <c>artifacts/browser-node/</c> (ignored by git); never <c>playwright install</c>.
/// </summary>
public sealed class BrowserToolchain
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly Lazy<BrowserToolchain> Shared = new(() => new BrowserToolchain());

    public static BrowserToolchain Instance => Shared.Value;

    /// <summary>The folder with node_modules/ and the driver script.</summary>
    public string Directory { get; }
    public string OnnxRuntimeWeb => Path.Combine(Directory, "node_modules", "onnxruntime-web");
    public string DriverScript => Path.Combine(Directory, "browser-predict.mjs");

    private BrowserToolchain()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Browser");
        Directory = Path.Combine(RepositoryRoot(), "artifacts", "browser-node");
        System.IO.Directory.CreateDirectory(Directory);
        var lockText = File.ReadAllText(Path.Combine(source, "package-lock.json"));
        var stamp = Path.Combine(Directory, "installed-lock.json");
        // Reinstall only when the lock file changed since the last install (or node_modules went away).
        if (!File.Exists(stamp) || File.ReadAllText(stamp) != lockText || !File.Exists(Path.Combine(OnnxRuntimeWeb, "package.json")))
        {
            File.Copy(Path.Combine(source, "package.json"), Path.Combine(Directory, "package.json"), overwrite: true);
            File.WriteAllText(Path.Combine(Directory, "package-lock.json"), lockText);
            var (code, output) = Run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], Directory, TimeSpan.FromMinutes(8));
            if (code != 0) throw new InvalidOperationException($"npm ci in {Directory} failed ({code}):\n{output}");
            File.WriteAllText(stamp, lockText);
        }
        // The script imports playwright-core, which Node resolves from the script's own folder: it runs from here.
        File.Copy(Path.Combine(source, "browser-predict.mjs"), DriverScript, overwrite: true);
        using var version = JsonDocument.Parse(File.ReadAllText(Path.Combine(OnnxRuntimeWeb, "package.json")));
        Assert.Equal(WebBundle.RuntimeVersion, version.RootElement.GetProperty("version").GetString());
    }

    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public static string? WhyNot() =>
        File.Exists(ChromiumPath) ? WhyNoNode() : $"{ChromiumPath} is not installed (apt-get install -y chromium); the browser test needs Debian's Chromium.";

    /// <summary>Why Node.js tests of the page's module cannot run here, or null.</summary>
    public static string? WhyNoNode()
    {
        foreach (var tool in new[] { "node", "npm" })
            if (FindOnPath(tool) is null) return $"'{tool}' is not on PATH (apt-get install -y nodejs npm); the browser test drives Chromium with playwright-core from Node.js.";
        // playwright-core 1.65 exits at start on Node.js older than 20 (Debian 12's own nodejs is 18).
        var (code, version) = Run("node", ["--version"], Path.GetTempPath(), TimeSpan.FromSeconds(30));
        if (code != 0 || !int.TryParse(version.Trim().TrimStart('v').Split('.')[0], out var major))
            return $"'node --version' failed ({code}): {version.Trim()}";
        if (major < 20) return $"Node.js {version.Trim()} is older than 20, which playwright-core needs; install Node.js 20 or later.";
        return null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PipelineGen.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No PipelineGen.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program; returns its exit code and its standard output and error together. Kills it after the timeout.</summary>
    public static (int Code, string Output) Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{file} did not finish within {timeout.TotalSeconds:F0} s\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
