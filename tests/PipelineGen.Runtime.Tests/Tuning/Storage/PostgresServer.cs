using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: Debian's server binaries (/usr/lib/postgresql/&lt;version&gt;/bin, or
/// $PG_BIN), <c>initdb</c> into a temp folder and <c>pg_ctl start</c> on a free loopback port, its socket in that
/// folder. As root (CI), both run as the 'postgres' user (initdb refuses root). Started once per test process, on first
/// use, and stopped when the process exits. Each test takes a database of its own (<see cref="NewDatabase"/>).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> Instance = new(() => new PostgresServer(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The test process's server (started on first use).</summary>
    public static PostgresServer Shared => Instance.Value;

    private readonly string? _bin;
    private readonly string _dir = "";
    private readonly string? _runAs;

    /// <summary>Why there is no server (no binaries, or it would not start); null when it runs.</summary>
    public string? Unavailable { get; }
    public int Port { get; }

    private PostgresServer()
    {
        _bin = FindBin();
        if (_bin is null)
        {
            Unavailable = "PostgreSQL's server binaries were not found under /usr/lib/postgresql/*/bin (apt-get install -y postgresql, as .ci/run does) or $PG_BIN.";
            return;
        }
        if (Environment.UserName == "root" || geteuid() == 0)
        {
            if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser")) { Unavailable = "running as root without runuser: initdb refuses root and cannot be run as 'postgres'."; return; }
            _runAs = "postgres";
        }
        RemoveStaleClusters();
        try
        {
            _dir = Directory.CreateTempSubdirectory("pg-cluster-").FullName;
            if (_runAs is not null) Run("/bin/chown", null, "-R", _runAs, _dir);
            var data = Path.Combine(_dir, "data");
            Run(Path.Combine(_bin, "initdb"), _runAs, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
            Port = FreePort();
            Run(Path.Combine(_bin, "pg_ctl"), _runAs, "-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60",
                "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        }
        catch (Exception e)
        {
            string log = File.Exists(Path.Combine(_dir, "server.log")) ? File.ReadAllText(Path.Combine(_dir, "server.log")) : "";
            Unavailable = $"the test PostgreSQL server did not start: {e.Message} {log}".Trim();
        }
    }

    /// <summary>
    /// Folders of earlier runs whose server is stopped (no postmaster.pid): a test process may be ended before its
    /// exit handler deletes the folder, and a cluster is tens of megabytes.
    /// </summary>
    private static void RemoveStaleClusters()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "pg-cluster-*"))
        {
            if (File.Exists(Path.Combine(dir, "data", "postmaster.pid"))) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    private static string? FindBin()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } given && File.Exists(Path.Combine(given, "initdb"))) return given;
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
            .OrderByDescending(d => d.Version).Select(d => d.Dir).FirstOrDefault();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, string? runAs, params string[] args)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        if (runAs is not null) { start.ArgumentList.Add("-u"); start.ArgumentList.Add(runAs); start.ArgumentList.Add("--"); start.ArgumentList.Add(program); }
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) { process.Kill(true); throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish in 2 minutes"); }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {stderr.Result} {stdout.Result}");
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=30;Command Timeout=60";

    /// <summary>A new empty database; returns its connection string. Skips the test, with the reason, where there is no server.</summary>
    public string NewDatabase()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        using (var c = new NpgsqlConnection(ConnectionString("postgres")))
        {
            c.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            create.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    private int _stopped;

    public void Dispose()
    {
        if (_bin is null || Unavailable is not null || Interlocked.Exchange(ref _stopped, 1) == 1) return;
        NpgsqlConnection.ClearAllPools();
        try { Run(Path.Combine(_bin, "pg_ctl"), _runAs, "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { /* already gone */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
