using System.Diagnostics;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// Makes a folder read-only for the test process: permissions 0555, and when the process ignores permissions (root),
/// the immutable attribute (<c>chattr +i</c>). <see cref="Dispose"/> undoes both. <see cref="Active"/> says whether the
/// folder really refuses new entries.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _mode;
    private bool _immutable;

    public ReadOnlyFolder(string path)
    {
        _path = path;
        // Unix permissions and chattr: the read-only folder tests run where CI runs (Debian), never on Windows.
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("ReadOnlyFolder needs Unix file modes.");
        _mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        if (!CanCreateIn(path) || !TryChattr("+i")) { Active = !CanCreateIn(path); return; }
        _immutable = true;
        Active = !CanCreateIn(path);
    }

    public bool Active { get; }

    public void Dispose()
    {
        if (_immutable) TryChattr("-i");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_path, _mode);
    }

    private bool TryChattr(string flag)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, _path]) { RedirectStandardError = true, RedirectStandardOutput = true });
            process!.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no chattr
    }

    public static bool CanCreateIn(string dir)
    {
        var probe = Path.Combine(dir, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException) { return false; }
        catch (IOException) { return false; }
    }
}
