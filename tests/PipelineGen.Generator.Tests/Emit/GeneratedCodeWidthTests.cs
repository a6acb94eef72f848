namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// Generated code is read by people (in an editor, in a diff, in a stack trace): every line of every snapshot, and of the
/// code generated for every fixture, fits in 120 columns.
/// </summary>
public class GeneratedCodeWidthTests
{
    private const int Width = 120;

    public static TheoryData<string> Snapshots => new(Directory.GetFiles(SnapshotFile.Folder, "*.g.cs").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void Every_line_of_the_snapshot_fits_in_120_columns(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(SnapshotFile.Folder, file));
        Assert.NotEmpty(lines);
        var tooLong = lines.Select((line, i) => (Line: i + 1, line.Length, Text: line)).Where(l => l.Length > Width).ToList();
        Assert.True(tooLong.Count == 0,
            $"{file}: {tooLong.Count} line(s) longer than {Width} columns, e.g. line {tooLong.FirstOrDefault().Line} " +
            $"({tooLong.FirstOrDefault().Length}): {tooLong.FirstOrDefault().Text?.Trim()}");
    }

    [Fact]
    public void Every_line_generated_for_the_fixtures_fits_in_120_columns()
    {
        foreach (var (name, spec, schema, _) in Fixtures.All)
        {
            var run = GeneratorHarness.Run($"/specs/{name.ToLowerInvariant()}/pipeline.yaml", spec, schema);
            var text = Assert.Single(run.Result.Results.Single().GeneratedSources).SourceText.ToString();
            var longest = text.Split('\n').MaxBy(l => l.Length)!;
            Assert.True(longest.Length <= Width, $"{name}: a line of {longest.Length} columns: {longest.Trim()}");
        }
    }

    [Fact]
    public void The_check_sees_a_long_line()
    {
        // The test above must be able to fail: the widest snapshot line is measured, not skipped.
        var widest = Directory.GetFiles(SnapshotFile.Folder, "*.g.cs").SelectMany(File.ReadAllLines).Max(l => l.Length);
        Assert.InRange(widest, 60, Width);
    }
}
