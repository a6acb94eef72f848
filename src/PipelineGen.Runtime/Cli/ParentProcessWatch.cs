using System.Diagnostics;
using System.Globalization;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// Ends this process when the process that started it is gone. The build's training step (<c>-p:PipelineGenTrain=true</c>)
/// sets <c>PIPELINEGEN_PARENT_PID</c> to the MSBuild process's id; when that process is killed without a chance to clean up
/// (<c>kill -9</c>, an OOM kill), nothing would end the training otherwise and it would keep running on its own.
/// </summary>
/// <remarks>
/// Polling rather than <c>prctl(PR_SET_PDEATHSIG)</c>: the death signal follows the parent <em>thread</em> that forked
/// (an MSBuild worker thread may end while its child should live), and polling works on every OS. The parent is
/// identified by pid and start time, so a reused pid is not mistaken for it. Without the variable (a user running
/// <c>dotnet run -- train</c>, <c>nohup</c>) nothing is watched.
/// </remarks>
internal static class ParentProcessWatch
{
    public const string ParentPidVariable = "PIPELINEGEN_PARENT_PID";

    private static int _started;

    /// <summary>Starts watching when <c>PIPELINEGEN_PARENT_PID</c> is set; returns whether it did.</summary>
    public static bool StartIfRequested(TextWriter? error = null, TimeSpan? interval = null)
    {
        var value = Environment.GetEnvironmentVariable(ParentPidVariable);
        if (string.IsNullOrEmpty(value) || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0) return false;
        if (Interlocked.Exchange(ref _started, 1) == 1) return true;

        var parentStart = StartTimeOf(pid);
        if (parentStart is null)
        {
            Exit(error, pid);
            return true;
        }
        var period = interval ?? TimeSpan.FromMilliseconds(250);
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(period);
                if (StartTimeOf(pid) != parentStart) Exit(error, pid);
            }
        })
        { IsBackground = true, Name = "PipelineGen parent watch" };
        thread.Start();
        return true;
    }

    private static DateTime? StartTimeOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static void Exit(TextWriter? error, int pid)
    {
        try
        {
            (error ?? Console.Error).WriteLine($"PipelineGen: the build process {pid.ToString(CultureInfo.InvariantCulture)} that started this command has ended; stopping (nothing was saved by this run after that point).");
            (error ?? Console.Error).Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The parent's end of the pipe is gone: nothing to tell.
        }
        // Not Environment.Exit: it waits for other threads' finalisation and could hang behind a training thread.
        // Files the runtime writes (models, cards, run store) are written atomically or transactionally, so ending here is safe.
        Process.GetCurrentProcess().Kill();
    }
}
