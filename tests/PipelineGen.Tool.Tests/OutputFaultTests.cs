using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PipelineGen.Tasks;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>A test that needs to mount a small tmpfs (Linux, as root — CI runs tests as root); skipped with the reason otherwise.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason) Skip = reason;
    }
}

/// <summary>A tmpfs mounted on a fresh folder for one test, unmounted and removed after it.</summary>
internal sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts are Linux only; the disk-full and read-only tests need one.";
        try
        {
            using var probe = new Tmpfs("size=16k");
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN; CI runs tests as root): " + e.Message;
        }
    });

    public static string? Unavailable => Probe.Value;

    public Tmpfs(string options)
    {
        Directory = Path.Combine(Path.GetTempPath(), "pg-tmpfs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", Directory);
        if (code != 0)
        {
            System.IO.Directory.Delete(Directory);
            throw new InvalidOperationException($"mount -o {options} exited with {code}: {output.Trim()}");
        }
    }

    public string Directory { get; }

    /// <summary>Writes until the file system reports it is full.</summary>
    public void Fill()
    {
        using var stream = new FileStream(Path.Combine(Directory, "filler"), FileMode.Create);
        var block = new byte[4096];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
            // Full.
        }
        try { stream.Flush(); } catch (IOException) { }
    }

    public void Dispose()
    {
        Run("umount", Directory);
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>Issue #9: a full disk or a read-only folder for the schema and .deps output is a located PG0134 naming the path, never a stack trace.</summary>
public class OutputFaultTests
{
    private static (int Code, string Output, string Error) Infer(string spec, string schema)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandLine.Run(["infer", "--spec", spec, "--out", schema], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TmpfsFact]
    public void A_full_disk_is_PG0134_naming_the_schema_path()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2,y\n");
        var spec = project.WriteSpec();
        using var disk = new Tmpfs("size=64k");
        disk.Fill();
        var schema = Path.Combine(disk.Directory, "obj", "pipeline.schema.json");

        var (code, _, error) = Infer(spec, schema);

        Assert.Equal(1, code);
        Assert.Contains($"{schema}: error PG0134: PipelineGen cannot write '{schema}': the disk is full", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(disk.Directory, "obj"), "*.tmp")); // no half-written temporary left
    }

    [TmpfsFact]
    public void A_read_only_folder_is_PG0134_naming_the_path()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2,y\n");
        var spec = project.WriteSpec();
        using var readOnly = new Tmpfs("ro,size=16k");
        var schema = Path.Combine(readOnly.Directory, "pipeline.schema.json");

        var (code, _, error) = Infer(spec, schema);

        Assert.Equal(1, code);
        Assert.Contains($"{schema}: error PG0134: PipelineGen cannot write '{schema}': the file system is read-only", error);
        Assert.DoesNotContain("   at ", error);
    }

    [TmpfsFact]
    public void The_task_logs_PG0134_as_one_error_located_at_the_path()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2,y\n");
        var spec = project.WriteSpec();
        using var readOnly = new Tmpfs("ro,size=16k");
        var schema = Path.Combine(readOnly.Directory, "pipeline.schema.json");

        var (result, errors) = TaskTests.RunTask(spec, schema);

        Assert.False(result);
        var error = Assert.Single(errors);
        Assert.Equal("PG0134", error.Code);
        Assert.Equal(schema, error.File);
        Assert.Contains("read-only", error.Message);
    }

    [Fact]
    public void An_unwritable_folder_is_PG0134_without_a_mount_too()
    {
        // A plain file where the output folder should be: creating the folder fails for root as for anyone.
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2,y\n");
        var spec = project.WriteSpec();
        project.Write("obj", "not a folder");
        var schema = project.PathOf("obj/pipelinegen/pipeline.schema.json");

        var (code, _, error) = Infer(spec, schema);

        Assert.Equal(1, code);
        Assert.Contains($"{schema}: error PG0134: PipelineGen cannot write '{schema}'", error);
        Assert.DoesNotContain("   at ", error);
    }
}
