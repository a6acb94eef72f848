namespace PipelineGen.Generator.Tests.Harness;

/// <summary>
/// Generated code compared with its committed snapshot in Snapshots/ (expected output, not compiled into the tests).
/// UPDATE_SNAPSHOTS=1 rewrites the snapshot; a mismatch writes the new text beside it as *.received.cs (git-ignored)
/// and fails the test, a match removes a stale one.
/// </summary>
internal static class SnapshotFile
{
    public static string Folder
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "PipelineGen.Generator.Tests.csproj"))) dir = Path.GetDirectoryName(dir)!;
            return Path.Combine(dir, "Snapshots");
        }
    }

    /// <param name="file">The snapshot's file name, e.g. <c>Binary.g.cs</c>.</param>
    public static void AssertMatches(string file, string text)
    {
        var snapshot = Path.Combine(Folder, file);
        var received = Path.ChangeExtension(snapshot, ".received.cs");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1") File.WriteAllText(snapshot, text);
        var expected = File.Exists(snapshot) ? File.ReadAllText(snapshot) : "";
        if (expected != text) File.WriteAllText(received, text);
        else if (File.Exists(received)) File.Delete(received);
        Assert.True(expected == text, $"Generated code differs from {snapshot}; see {received}. If the change is intended, run with UPDATE_SNAPSHOTS=1.");
    }
}
