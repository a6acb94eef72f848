using System.Text;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// A trial's out-of-fold predictions on disk: <c>.pipelinegen/tune/&lt;Name&gt;/oof/&lt;study&gt;/trial-&lt;n&gt;.oof</c>, one small
/// binary file per trial (kind, row count, labels, predictions as doubles; NaN where a row has none), written atomically.
/// After a study only the files of the ensemble's candidates are kept (<see cref="Prune"/> with
/// <see cref="EnsembleBuilder.CandidatePool"/>: each trainer's best trial, then the best others).
/// </summary>
internal static class OutOfFoldStore
{
    private const int Magic = 0x504F4F46; // "FOOP"

    public static string Directory(string workDirectory, string studyId) => Path.Combine(workDirectory, "oof", studyId);

    public static string PathOf(string directory, int trial) => Path.Combine(directory, $"trial-{trial}.oof");

    public static void Write(string path, string kind, double[] predictions, double[] labels)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(kind);
            writer.Write(predictions.Length);
            foreach (var l in labels) writer.Write(l);
            foreach (var p in predictions) writer.Write(p);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Multiclass: kind <c>classes</c>, then the class names, the row count, the labels (class indices) and the
    /// probabilities row-major (rows × classes). Same magic and layout otherwise, so <see cref="TryRead"/> reads both.
    /// </summary>
    public static void WriteClasses(string path, IReadOnlyList<string> classes, double[] predictions, double[] labels)
    {
        if (predictions.Length != labels.Length * classes.Count) throw new ArgumentException("the class probabilities do not cover rows × classes.");
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write("classes");
            writer.Write(classes.Count);
            foreach (var c in classes) writer.Write(c);
            writer.Write(labels.Length);
            foreach (var l in labels) writer.Write(l);
            foreach (var p in predictions) writer.Write(p);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The stored predictions, or null when the file is missing or not one of ours (e.g. a trial journaled before a crash).</summary>
    public static (string Kind, double[] Predictions, double[] Labels)? TryRead(string path) =>
        TryReadWithClasses(path) is { } r ? (r.Kind, r.Predictions, r.Labels) : null;

    /// <summary>As <see cref="TryRead"/>, with the class names of a multiclass file (empty otherwise; predictions are rows × classes then).</summary>
    public static (string Kind, double[] Predictions, double[] Labels, string[] Classes)? TryReadWithClasses(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadInt32() != Magic) return null;
            var kind = reader.ReadString();
            var classes = new string[kind == "classes" ? reader.ReadInt32() : 0];
            for (int c = 0; c < classes.Length; c++) classes[c] = reader.ReadString();
            int n = reader.ReadInt32();
            int width = Math.Max(1, classes.Length);
            var labels = new double[n];
            var predictions = new double[n * width];
            for (int i = 0; i < n; i++) labels[i] = reader.ReadDouble();
            for (int i = 0; i < predictions.Length; i++) predictions[i] = reader.ReadDouble();
            return (kind, predictions, labels, classes);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Deletes the files of every trial not in <paramref name="keep"/>.</summary>
    public static void Prune(string directory, IReadOnlySet<int> keep)
    {
        if (!System.IO.Directory.Exists(directory)) return;
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "trial-*.oof"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(name["trial-".Length..], out int n) && !keep.Contains(n)) File.Delete(file);
        }
    }
}
