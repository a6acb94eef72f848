using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The study's handle on one persistent worker process (<c>tune-worker</c>, see <see cref="TrialWorker"/>): a request
/// line to its stdin, the answer line read back from its stdout. Its stderr is drained all the time (a full pipe would
/// block the worker) and its last lines are kept to explain a worker that dies.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int KeptErrorLines = 20;
    private readonly Process _process;
    private readonly Task _stderrPump;
    private readonly Queue<string> _lastLines = new();
    private bool _disposed;

    private WorkerProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(async () =>
        {
            try
            {
                string? line;
                while ((line = await process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
                    Remember(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The process was ended and its handle released: nothing more to read.
            }
        });
    }

    public int Id => _process.Id;

    public bool HasExited => HasExitedSafe();

    /// <summary>Starts <c>&lt;command&gt; tune-worker</c>; the worker also watches this process (PIPELINEGEN_PARENT_PID) besides its stdin.</summary>
    public static WorkerProcess Start(WorkerCommand command)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in command.PrefixArguments) start.ArgumentList.Add(a);
        start.ArgumentList.Add("tune-worker");
        start.Environment[Cli.ParentProcessWatch.ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start a worker ({command.FileName}).");
        return new WorkerProcess(process);
    }

    /// <summary>
    /// Sends one trial and waits for its answer. Cancellation (the time budget) ends the process: ML.NET cannot stop a
    /// running Fit. A process that ends without answering fails the trial with its exit code and last error line.
    /// </summary>
    public async Task<TrialResponse> RunAsync(TrialRequest request, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request).AsMemory(), cancellation).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(cancellation).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The worker is gone (a broken pipe): reading its stdout below ends at once and reports how it ended.
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cancellation.Register(() => cancelled.TrySetResult());
        while (true)
        {
            // Not ReadLineAsync(token): whether a pipe read honours the token is platform detail; ending the process does.
            var read = _process.StandardOutput.ReadLineAsync(CancellationToken.None).AsTask();
            if (await Task.WhenAny(read, cancelled.Task).ConfigureAwait(false) != read)
            {
                Kill();
                try { await read.ConfigureAwait(false); } catch (IOException) { /* the pipe closed with the process */ }
                cancellation.ThrowIfCancellationRequested();
            }
            string? line = await read.ConfigureAwait(false);
            if (line is null) throw new TrialFailedException(await DiedMessage().ConfigureAwait(false));
            int at = line.IndexOf(TrialWorker.ResultMarker, StringComparison.Ordinal);
            if (at < 0)
            {
                // Something else printed to stdout (native code): kept with the error lines, not a result.
                if (line.Trim().Length > 0) Remember(line);
                continue;
            }
            return JsonSerializer.Deserialize<TrialResponse>(line.AsSpan(at + TrialWorker.ResultMarker.Length))
                ?? throw new TrialFailedException("the worker answered an empty result");
        }
    }

    private async Task<string> DiedMessage()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        // The last lines of stderr arrive shortly after the exit; do not wait forever for a pipe a grandchild may hold.
        await Task.WhenAny(_stderrPump, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        string last;
        lock (_lastLines) last = _lastLines.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no output";
        return $"the worker process exited with code {_process.ExitCode} without a result ({last})";
    }

    private void Remember(string line)
    {
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > KeptErrorLines) _lastLines.Dequeue();
        }
    }

    private void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
        catch (System.ComponentModel.Win32Exception) { /* already gone */ }
    }

    /// <summary>Ends an idle worker the polite way: its stdin closes and it returns; killed if it does not within <paramref name="grace"/>.</summary>
    public void Close(TimeSpan grace)
    {
        if (_disposed) return;
        try { _process.StandardInput.Close(); } catch (IOException) { /* already gone */ }
        if (!_process.WaitForExit(grace)) Kill();
        Dispose();
    }

    /// <summary>Ends the process if it still runs (a worker in the middle of a trial cannot be asked).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!HasExitedSafe()) Kill();
        _process.Dispose();
    }

    private bool HasExitedSafe()
    {
        try { return _process.HasExited; }
        catch (InvalidOperationException) { return true; }
    }
}
