// Linked source: compiled into PipelineGen.Tool and PipelineGen.Runtime, so the build and the run refuse the same files.
using System.Runtime.InteropServices;

namespace PipelineGen.Shared;

/// <summary>What a path names, by the file system's own file type (after following symbolic links).</summary>
internal enum DataFileKind { Missing, Regular, Directory, CharacterDevice, BlockDevice, Fifo, Socket, Other }

/// <summary>
/// Refuses paths that are no regular file before anything opens them: <c>/dev/zero</c> or <c>/dev/urandom</c> never end,
/// opening a named pipe blocks until someone writes to it, a directory cannot be read. On Linux the file type comes from
/// <c>statx(2)</c> (a layout that is the same on every architecture); elsewhere only directories are told apart.
/// </summary>
internal static class DataFileCheck
{
    /// <summary>Why <paramref name="fullPath"/> cannot be read as a data file, or null when it is a regular file.</summary>
    /// <remarks>A missing file is not reported here (callers have their own "not found" message): null.</remarks>
    public static string? Problem(string fullPath)
    {
        if (SafeText.PathProblem(fullPath) is { } pathProblem) return "the path " + pathProblem + ". Write the path without it";
        return KindOf(fullPath) switch
        {
            DataFileKind.Directory => "it is a directory, not a file. Point the path at a CSV or TSV file",
            DataFileKind.CharacterDevice => "it is a character device (such as /dev/zero or a terminal), not a file: reading it may never end. Point the path at a CSV or TSV file",
            DataFileKind.BlockDevice => "it is a block device (a disk), not a file. Point the path at a CSV or TSV file",
            DataFileKind.Fifo => "it is a named pipe (FIFO): reading it would wait for a writer and could block forever. Write the data to a regular file and point the path at it",
            DataFileKind.Socket => "it is a socket, not a file. Point the path at a CSV or TSV file",
            DataFileKind.Other => "it is not a regular file. Point the path at a CSV or TSV file",
            _ => null,
        };
    }

    public static DataFileKind KindOf(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var buffer = new byte[256];
                // AT_FDCWD, follow symbolic links (flags 0), ask for the type (STATX_TYPE).
                if (Statx(-100, path, 0, 0x1, buffer) != 0)
                    return Marshal.GetLastPInvokeError() == 2 /* ENOENT */ ? DataFileKind.Missing : FallbackKind(path);
                var mode = BitConverter.ToUInt16(buffer, 28) & 0xF000; // stx_mode at offset 28
                return mode switch
                {
                    0x8000 => DataFileKind.Regular,
                    0x4000 => DataFileKind.Directory,
                    0x2000 => DataFileKind.CharacterDevice,
                    0x6000 => DataFileKind.BlockDevice,
                    0x1000 => DataFileKind.Fifo,
                    0xC000 => DataFileKind.Socket,
                    _ => DataFileKind.Other,
                };
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A libc without statx (glibc before 2.28, some musl versions): tell directories apart only.
            }
        }
        return FallbackKind(path);
    }

    private static DataFileKind FallbackKind(string path) =>
        Directory.Exists(path) ? DataFileKind.Directory : File.Exists(path) ? DataFileKind.Regular : DataFileKind.Missing;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
