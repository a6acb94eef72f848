using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SampleModel.Tests;

/// <summary>
/// The web API started as its own process, exactly as 'dotnet run' starts it, on a free loopback port (Kestrel port 0;
/// the port is read from the "Now listening on" line). One per test class; stopped when the tests end.
/// </summary>
public sealed partial class ApiServer : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public ApiServer()
    {
        var metadata = typeof(ApiServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        var projectDirectory = metadata["AppProjectDirectory"];
        var assembly = metadata["AppAssembly"];
        if (!File.Exists(assembly))
            throw new InvalidOperationException($"The app is not built at {assembly}: build the solution first.");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectDirectory,   // where pipeline.yaml, data/ and .pipelinegen/models/ are
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", assembly, "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"The app stopped before it listened (exit code {process.ExitCode}). If it says there is no model, train it first: " +
            $"dotnet run --project {projectDirectory} -- train\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!listening.Task.Wait(TimeSpan.FromMinutes(2)))
        {
            Dispose();
            throw new TimeoutException("The app did not start listening within 2 minutes:\n" + Output);
        }
        BaseAddress = listening.Task.Result;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }

    public string Output { get { lock (output) return output.ToString(); } }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success) listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        Client?.Dispose();
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        process.WaitForExit(10_000);
        process.Dispose();
    }
}
