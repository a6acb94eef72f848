using System.Globalization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Saves and loads models. A trained model and its card are one unit: <see cref="Commit"/> writes both into a fresh
/// version folder (<c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/model.zip</c>, <c>model.card.json</c>, <c>model.card.md</c>) and
/// then atomically replaces the pointer file <c>&lt;dir&gt;/&lt;name&gt;/current</c>. A reader that goes through
/// <see cref="Resolve"/> sees the old unit or the new one, never a model with another model's card. A model path
/// such as <c>.pipelinegen/models/Titanic.zip</c> is the logical name of the unit; when no pointer exists it is read as
/// the single-file layout of earlier versions (model and card side by side).
/// </summary>
public static class ModelStore
{
    /// <summary>Default model path: <c>&lt;project dir&gt;/.pipelinegen/models/&lt;name&gt;.zip</c> (a logical name, see <see cref="Resolve"/>).</summary>
    public static string DefaultModelPath(PipelineSettings settings) =>
        Path.Combine(settings.ResolvePath("."), ".pipelinegen", "models", settings.Name + ".zip");

    /// <summary>
    /// The model <c>predict</c> reads when no <c>--model</c> is given: the project's store when it holds this unit (a pointer
    /// or a single file), otherwise <c>&lt;name&gt;.zip</c> in the program's folder, where the build copies the current model
    /// (<c>-p:PipelineGenTrain=true</c>) and <c>dotnet publish</c> puts it. So a copied <c>bin/</c> or a publish folder
    /// predicts without the project; inside the project, a model trained since the last copy wins.
    /// </summary>
    public static string ModelPathForReading(PipelineSettings settings) => ModelPathForReading(settings, AppContext.BaseDirectory);

    /// <summary><see cref="ModelPathForReading(PipelineSettings)"/> with the program's folder given (tests).</summary>
    public static string ModelPathForReading(PipelineSettings settings, string programDirectory)
    {
        var store = DefaultModelPath(settings);
        if (File.Exists(PointerPath(store)) || File.Exists(store)) return store;
        var beside = Path.Combine(programDirectory, settings.Name + ".zip");
        return File.Exists(beside) ? beside : store;
    }

    /// <summary>File name of the model inside a version folder.</summary>
    public const string ModelFileName = "model.zip";

    /// <summary>Folder that holds the versions of the model unit named by <paramref name="modelPath"/>.</summary>
    public static string VersionsDirectory(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
    }

    /// <summary>The pointer file naming the current version folder.</summary>
    public static string PointerPath(string modelPath) => Path.Combine(VersionsDirectory(modelPath), "current");

    /// <summary>The lock file that serializes writers of the unit and of its test-set looks.</summary>
    public static string LockPath(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.lock");
    }

    /// <summary>
    /// The model file to read for <paramref name="modelPath"/>: the current version's <c>model.zip</c> when a pointer
    /// exists, otherwise <paramref name="modelPath"/> itself (single-file layout, or an explicit file).
    /// </summary>
    /// <exception cref="InvalidDataException">The pointer names a version folder that does not hold a model.</exception>
    public static string Resolve(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var pointer = PointerPath(full);
        if (!File.Exists(pointer)) return full;
        var version = File.ReadAllText(pointer).Trim();
        if (version.Length == 0 || version.IndexOfAny(['/', '\\']) >= 0 || version is "." or "..")
            throw new InvalidDataException($"The model pointer '{pointer}' does not name a version folder (content '{version}'). Run 'train' again to rewrite it.");
        var file = Path.Combine(VersionsDirectory(full), version, ModelFileName);
        if (!File.Exists(file))
            throw new InvalidDataException($"The model pointer '{pointer}' names version '{version}', but '{file}' does not exist. Run 'train' again to write a complete model.");
        return file;
    }

    /// <summary>Writes the model to a temporary file beside <paramref name="path"/> and then moves it over the target.</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(path, stream => ml.Model.Save(model, inputSchema, stream));
    }

    /// <summary>Loads a model saved by <see cref="Save"/> or <see cref="Commit"/>; registers this assembly so its custom mappings resolve.</summary>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var file = Resolve(path);
        if (!File.Exists(file))
            throw new FileNotFoundException($"No model at '{Path.GetFullPath(path)}'. Run the 'train' step first (or pass the model path).", path);
        ml.ComponentCatalog.RegisterAssembly(typeof(ModelStore).Assembly);
        using var stream = File.OpenRead(file);
        return ml.Model.Load(stream, out inputSchema);
    }

    /// <summary>
    /// Writes a new version of the unit: <paramref name="write"/> fills a temporary folder (it gets the path the model
    /// file must have there), the folder is renamed to its version name, and the pointer is replaced atomically.
    /// Call it while holding <see cref="AcquireLock"/>. Returns the model file of the new version. With
    /// <paramref name="makeCurrent"/> false the version is written complete but the pointer is left alone: a candidate
    /// (a model that failed its gates or was worse than the current one).
    /// </summary>
    public static string Commit(string modelPath, Action<string> write, bool makeCurrent = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        var versions = VersionsDirectory(modelPath);
        Directory.CreateDirectory(versions);
        var version = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var staging = Path.Combine(versions, $".{version}.tmp");
        var final = Path.Combine(versions, version);
        try
        {
            Directory.CreateDirectory(staging);
            write(Path.Combine(staging, ModelFileName));
            Fault("version-written");
            Directory.Move(staging, final);
            Fault("version-renamed");
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }
        var current = CurrentVersion(modelPath);
        if (makeCurrent) WritePointer(modelPath, version);
        PruneVersions(versions, makeCurrent ? version : current, version);
        return Path.Combine(final, ModelFileName);
    }

    // Temp file + rename: a reader (or a kill at any point) sees the old pointer or the new one, never a partial one.
    private static void WritePointer(string modelPath, string version)
    {
        AtomicFile.Write(PointerPath(modelPath), stream =>
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(version + "\n"));
            stream.Flush();
            Fault("pointer-temp-written");
        });
        Fault("pointer-replaced");
    }

    /// <summary>The version the pointer names, or null when there is no pointer.</summary>
    public static string? CurrentVersion(string modelPath)
    {
        var pointer = PointerPath(modelPath);
        return File.Exists(pointer) ? File.ReadAllText(pointer).Trim() is { Length: > 0 } v ? v : null : null;
    }

    /// <summary>Complete version folders of the unit, oldest first (names start with the UTC time).</summary>
    public static IReadOnlyList<string> Versions(string modelPath)
    {
        var versions = VersionsDirectory(modelPath);
        if (!Directory.Exists(versions)) return [];
        return Directory.EnumerateDirectories(versions).Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.') && File.Exists(Path.Combine(versions, n, ModelFileName)))
            .Order(StringComparer.Ordinal).ToArray()!;
    }

    /// <summary>
    /// Makes an existing complete version current (<c>models promote</c>, <c>models rollback</c>) by replacing the pointer
    /// atomically. Call it while holding <see cref="AcquireLock"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No complete version of that name.</exception>
    public static void SetCurrent(string modelPath, string version)
    {
        if (version.Length == 0 || version.IndexOfAny(['/', '\\']) >= 0 || version.StartsWith('.') || !Versions(modelPath).Contains(version))
            throw new ArgumentException($"No complete model version '{version}' under '{VersionsDirectory(modelPath)}'. List them with 'models'.");
        WritePointer(modelPath, version);
    }

    /// <summary>How many complete versions <see cref="Commit"/> keeps (the current one and the ones before it).</summary>
    public const int VersionsKept = 5;

    // Version names start with the UTC time, so ordinal order is age order. Best effort: a version another process
    // still has open (Windows) stays until a later commit.
    private static void PruneVersions(string versions, string? current, string newest)
    {
        var old = Directory.EnumerateDirectories(versions)
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.') && n != current && n != newest)
            .Order(StringComparer.Ordinal)
            .ToArray();
        int keep = VersionsKept - 1 - (current is not null && current != newest ? 1 : 0);
        foreach (var name in old.Take(Math.Max(0, old.Length - keep)))
            RemoveVersion(versions, name!);
    }

    // A recursive delete is not atomic: killed halfway it leaves a version folder without its model or its card, which
    // 'models' could list and 'models promote' could point at. The folder is first renamed (atomic) to a staging name,
    // which no reader takes for a version and CleanStale removes if the delete below never finishes.
    private static void RemoveVersion(string versions, string name)
    {
        var doomed = Path.Combine(versions, $".{name}.pruned.tmp");
        try { Directory.Move(Path.Combine(versions, name), doomed); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        Fault("version-pruning");
        TryDeleteDirectory(doomed);
    }

    /// <summary>
    /// Removes what an interrupted writer left: <c>.*.tmp</c> files beside the model and in the version folders, and
    /// staging folders that never became a version. Call it while holding <see cref="AcquireLock"/> (writers hold it
    /// while their temporary files exist). Returns how many entries were removed.
    /// </summary>
    public static int CleanStale(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        int removed = 0;
        var directory = Path.GetDirectoryName(full)!;
        var versions = VersionsDirectory(full);
        var places = new List<string> { directory };
        if (Directory.Exists(versions))
        {
            places.Add(versions);
            places.AddRange(Directory.EnumerateDirectories(versions).Where(d => !Path.GetFileName(d).StartsWith('.')));
            foreach (var staging in Directory.EnumerateDirectories(versions, ".*.tmp"))
                if (TryDeleteDirectory(staging)) removed++;
        }
        // Beside the model only this unit's own temp files (".Titanic.zip.<guid>.tmp", ".Titanic.card.json.<guid>.tmp"):
        // other units in the folder are written under their own locks.
        if (Directory.Exists(directory))
            foreach (var temp in Directory.EnumerateFiles(directory, $".{Path.GetFileNameWithoutExtension(full)}.*.tmp"))
                if (TryDeleteFile(temp)) removed++;
        foreach (var place in places.Skip(1).Where(Directory.Exists))
            foreach (var temp in Directory.EnumerateFiles(place, ".*.tmp"))
                if (TryDeleteFile(temp)) removed++;
        return removed;
    }

    /// <summary>
    /// Takes the unit's lock (an exclusive lock on <see cref="LockPath"/>, held until disposed), waiting up to
    /// <paramref name="timeout"/> while another command holds it. <paramref name="waiting"/> is called once when it has to wait.
    /// </summary>
    /// <exception cref="TimeoutException">Another command held the lock for the whole timeout.</exception>
    public static IDisposable AcquireLock(string modelPath, TimeSpan timeout, Action<string>? waiting = null)
    {
        var path = LockPath(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                if (DateTime.UtcNow >= deadline)
                    throw new TimeoutException($"Another PipelineGen command (train or test) has held the model lock '{path}' for {timeout.TotalSeconds:0} s. Wait for it to finish and run this again.", e);
                if (!told) { waiting?.Invoke($"waiting for another command that holds the model lock '{path}' ..."); told = true; }
                Thread.Sleep(50);
            }
        }
    }

    // A held lock: the exact type IOException (not a subclass such as FileNotFoundException); EWOULDBLOCK on Unix,
    // ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows.
    private static bool IsLockConflict(IOException e) =>
        e.GetType() == typeof(IOException) && (e.HResult is 11 or 35 || (e.HResult & 0xFFFF) is 32 or 33);

    /// <summary>
    /// Crash and race tests: called with a stage name between the steps of <see cref="Commit"/> ("version-written",
    /// "version-renamed", "pointer-temp-written", "pointer-replaced", and "version-pruning" once an old version was renamed
    /// away but not yet deleted), by <c>train</c> before and after fitting
    /// ("fit-started", "model-fitted", both before it takes the lock), after it saved the model into the staging folder
    /// ("model-saved") and by <see cref="ModelCard.Write"/> between the JSON and the Markdown card ("card-json-written");
    /// throwing there simulates a crash.
    /// </summary>
    public static AsyncLocal<Action<string>?> FaultInjection { get; } = new();

    /// <summary>Environment variable naming a file to which every <see cref="FaultInjection"/> stage reached is appended (test-only).</summary>
    public const string FaultMarkerVariable = "PIPELINEGEN_FAULT_MARKER";

    /// <summary>Environment variable naming the stage at which the process sleeps until it is killed (test-only; needs <see cref="FaultMarkerVariable"/>).</summary>
    public const string FaultPauseVariable = "PIPELINEGEN_FAULT_PAUSE";

    // Test-only plumbing for the kill -9 tests (tests/PipelineGen.Runtime.Tests/Training/KillDuringTrainTests.cs): a child
    // process started with PIPELINEGEN_FAULT_MARKER=<file> records each stage it reaches there, and with
    // PIPELINEGEN_FAULT_PAUSE=<stage> it sleeps at that stage (after recording it) so the test can SIGKILL it exactly there.
    // Unset (always, outside those tests) this is one environment lookup per stage.
    internal static void Fault(string stage)
    {
        FaultInjection.Value?.Invoke(stage);
        var marker = Environment.GetEnvironmentVariable(FaultMarkerVariable);
        if (string.IsNullOrEmpty(marker)) return;
        File.AppendAllText(marker, stage + "\n");
        if (Environment.GetEnvironmentVariable(FaultPauseVariable) == stage) Thread.Sleep(Timeout.Infinite);
    }

    private static bool TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) { Directory.Delete(path, recursive: true); return true; } }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }

    private static bool TryDeleteFile(string path)
    {
        try { File.Delete(path); return true; }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }
}
