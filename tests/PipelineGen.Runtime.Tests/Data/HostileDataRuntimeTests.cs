using System.Diagnostics;
using System.Text;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Tests.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Data;

/// <summary>
/// Issue #9 at run time: the corrupt-file corpus through the runtime's data check (what every step runs before ML.NET
/// reads the file), and special paths through the command line. Each case ends in a located problem, a clear error
/// (exit code 2 on the command line) or the right answer, within a time bound.
/// </summary>
public class HostileDataRuntimeTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    // The schema the build inferred: x (numeric), flag (boolean), color (categorical), label (binary, positive "yes").
    private static PipelineSettings Settings(string path) => new()
    {
        Name = "Small",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        Columns =
        [
            TestPipeline.Column("x", 0, ColumnKind.Numeric),
            TestPipeline.Column("flag", 1, ColumnKind.Boolean),
            TestPipeline.Column("color", 2, ColumnKind.Categorical),
            TestPipeline.Column("label", 3, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    private const string H = "x,flag,color,label\n";
    private const string Good = "1,true,red,yes\n2,false,blue,no\n";

    /// <summary>
    /// Expected: <c>Kind</c> + <c>Line</c> (a located row problem), <c>Error</c> (text of a file-level error or of the
    /// exception), or neither (a clean scan, checked by <c>Check</c>). <c>"*"</c> as Error: any clear refusal.
    /// </summary>
    private sealed record Case(Func<TempDirectory, string> Make, RowProblemKind? Kind = null, long Line = 0, string? Error = null, Action<DataScan>? Check = null, int MaxLine = DataScan.DefaultMaxLineCharacters);

    private static string Text(TempDirectory d, string content) => d.Write("data.csv", content);

    private static string Bytes(TempDirectory d, byte[] content)
    {
        var path = System.IO.Path.Combine(d.Path, "data.csv");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        ["ragged_row_too_many"] = new(d => Text(d, H + Good + "3,true,red,yes,extra\n"), RowProblemKind.RaggedRow, 4),
        ["ragged_row_too_few"] = new(d => Text(d, H + Good + "3,true,red\n"), RowProblemKind.RaggedRow, 4),
        ["unbalanced_quote"] = new(d => Text(d, H + "1,true,\"red,yes\n" + Good), RowProblemKind.UnbalancedQuote, 2),
        ["wrong_separator_semicolon"] = new(d => Text(d, "x;flag;color;label\n1;true;red;yes\n2;false;blue;no\n"), RowProblemKind.HeaderMismatch, 1),
        ["wrong_separator_tab"] = new(d => Text(d, "x\tflag\tcolor\tlabel\n1\ttrue\tred\tyes\n"), RowProblemKind.HeaderMismatch, 1),
        ["non_utf8_latin1"] = new(d => Bytes(d, [.. Encoding.UTF8.GetBytes(H + "1,true,caf"), 0xE9, .. Encoding.UTF8.GetBytes(",yes\n" + Good)]),
            Check: s => Assert.Equal(3, s.RowCount)),
        ["utf16_with_bom"] = new(d => Bytes(d, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(H + Good)]), Check: s => Assert.Equal(2, s.RowCount)),
        ["utf8_bom"] = new(d => Text(d, "\uFEFF" + H + Good), Check: s => Assert.Equal(2, s.RowCount)),
        ["nul_byte_in_a_value"] = new(d => Text(d, H + "1,true,re\0d,yes\n" + Good), Check: s => Assert.Equal(3, s.RowCount)),
        ["nul_byte_in_the_header"] = new(d => Text(d, "x,fl\0ag,color,label\n" + Good), RowProblemKind.HeaderMismatch, 1, Check: s =>
            Assert.Contains("'fl\\0ag'", s.Errors[0])),
        ["binary_garbage"] = new(d => Bytes(d, Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256)).ToArray()), Error: "*"),
        ["header_only"] = new(d => Text(d, H), Error: "*"),
        ["empty_file"] = new(d => Text(d, ""), Error: "*"),
        ["one_class"] = new(d => Text(d, H + "1,true,red,yes\n2,false,blue,yes\n"), Error: "single class"),
        ["label_all_missing"] = new(d => Text(d, H + "1,true,red,\n2,false,blue,\n"), Error: "*"),
        ["junk_token_in_numeric_column"] = new(d => Text(d, H + Good + "abc,true,red,yes\n"), RowProblemKind.UnparsableNumber, 4),
        ["junk_token_in_boolean_column"] = new(d => Text(d, H + Good + "3,maybe,red,yes\n"), RowProblemKind.UnparsableBoolean, 4),
        ["duplicate_header_names"] = new(d => Text(d, "x,x,color,label\n" + Good), RowProblemKind.HeaderMismatch, 1),
        ["ten_megabyte_line"] = new(d => Text(d, H + "1,true," + new string('r', 10 * 1024 * 1024) + ",yes\n" + Good), Check: s => Assert.Equal(3, s.RowCount)),
        ["no_line_breaks_at_all"] = new(d => Text(d, new string('z', 300_000)), Error: "line 1 is longer than 100000 characters", MaxLine: 100_000),
        ["long_line_after_good_rows"] = new(d => Text(d, H + Good + new string('q', 200_000) + "\n"), Error: "line 4 is longer than 100000 characters", MaxLine: 100_000),
        ["mixed_line_endings"] = new(d => Text(d, H.TrimEnd('\n') + "\r\n1,true,red,yes\r2,false,blue,no\n3,true,red,yes"), Check: s => Assert.Equal(3, s.RowCount)),
        ["changed_since_build_renamed_column"] = new(d => Text(d, "x,flag,colour,label\n" + Good), RowProblemKind.HeaderMismatch, 1, Check: s =>
            Assert.Contains("'colour' where the pipeline expects 'color'", s.Errors[0])),
        ["changed_since_build_reordered_columns"] = new(d => Text(d, "flag,x,color,label\ntrue,1,red,yes\n"), RowProblemKind.HeaderMismatch, 1),
        ["changed_since_build_column_removed"] = new(d => Text(d, "x,flag,label\n1,true,yes\n"), RowProblemKind.HeaderMismatch, 1),
        ["changed_since_build_column_appended"] = new(d => Text(d, "x,flag,color,label,extra\n1,true,red,yes,1\n2,false,blue,no,2\n"),
            // The loader reads columns by position: an extra last column changes nothing the pipeline reads.
            Check: s => Assert.Equal(2, s.RowCount)),
        ["positive_class_absent"] = new(d => Text(d, H + "1,true,red,a\n2,false,blue,b\n"), Error: "positive class 'yes' never occurs"),
        ["three_classes_for_binary"] = new(d => Text(d, H + Good + "3,true,red,maybe\n"), Error: "has 3 classes"),
        ["terminal_escapes_in_values"] = new(d => Text(d, H + "1,true,red,\u001b[2J\u001b]0;x\u0007\n2,false,blue,\u001b[2J\u001b]0;x\u0007\n"), Error: "single class",
            Check: s => Assert.All(s.Errors, e => Assert.DoesNotContain(e, ch => char.IsControl(ch) && ch != '\n'))),
        ["quote_inside_a_value"] = new(d => Text(d, H + "1,true,re\"d,yes\n" + Good), Check: s => Assert.Equal(3, s.RowCount)),
        ["comment_and_blank_lines"] = new(d => Text(d, H + "// note\n\n" + Good), Check: s => Assert.Equal(2, s.RowCount)),
        ["missing_file"] = new(d => System.IO.Path.Combine(d.Path, "gone.csv"), Error: "Data file not found"),
        ["a_directory"] = new(d => d.Path, Error: "is a directory"),
        ["dev_zero"] = new(_ => "/dev/zero", Error: "character device"),
        ["named_pipe"] = new(d => MakeFifo(System.IO.Path.Combine(d.Path, "pipe.csv")), Error: "named pipe"),
        ["nul_in_the_path"] = new(d => System.IO.Path.Combine(d.Path, "da\0ta.csv"), Error: "contains a NUL character"),
    };

    public static TheoryData<string> CorpusNames => [.. Corpus.Keys];

    [Fact]
    public void The_corpus_has_at_least_30_files() => Assert.True(Corpus.Count >= 30, $"{Corpus.Count} cases");

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public async Task Every_corrupt_file_is_a_located_problem_a_clear_error_or_the_right_answer(string name)
    {
        if (!OperatingSystem.IsLinux() && name is "dev_zero" or "named_pipe") return;
        var c = Corpus[name];
        var path = c.Make(_dir);

        var work = Task.Run(() =>
        {
            try { return (Scan: DataScan.Run(Settings(path), path, c.MaxLine), Thrown: (DataValidationException?)null); }
            catch (DataValidationException e) { return (Scan: (DataScan?)null, Thrown: e); }
        });
        Assert.True(await Task.WhenAny(work, Task.Delay(TimeBound)) == work, $"{name}: no answer within {TimeBound.TotalSeconds} s");
        var (scan, thrown) = await work;
        var said = thrown?.Message ?? string.Join("\n", scan!.Errors.Concat(scan.Problems.Select(p => p.ToString())));

        if (c.Kind is { } kind)
        {
            Assert.True(scan is not null, $"{name}: threw {thrown?.Message}");
            var problem = scan!.Problems.FirstOrDefault(p => p.Kind == kind);
            Assert.True(problem is not null, $"{name}: expected {kind}, got:\n{said}");
            Assert.Equal(c.Line, problem!.LineNumber);
            Assert.True(problem.ColumnNumber > 0);
            Assert.Contains(path, problem.ToString());
        }
        else if (c.Error is "*")
            Assert.True(thrown is not null || scan!.Errors.Count > 0 || scan.BadRowCount > 0 || scan.RowCount == 0, $"{name}: accepted silently");
        else if (c.Error is { } error)
            Assert.Contains(error, said);
        else
        {
            Assert.True(scan is not null, $"{name}: threw {thrown?.Message}");
            Assert.True(scan!.Errors.Count == 0 && scan.BadRowCount == 0, $"{name}: expected a clean scan, got:\n{said}");
        }
        Assert.DoesNotContain(said, ch => char.IsControl(ch) && ch is not ('\n' or '\r'));
        c.Check?.Invoke(scan!);
    }

    [Fact]
    public void Header_only_and_empty_files_say_so()
    {
        // What the corpus accepts as "a clear refusal" for these two, spelled out.
        var headerOnly = _dir.Write("h.csv", H);
        var scan = DataScan.Run(Settings(headerOnly), headerOnly);
        Assert.Equal(0, scan.RowCount);
        Assert.Contains(scan.Errors, e => e.Contains("row", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("fifo", "named pipe")]
    [InlineData("dir", "is a directory")]
    public async Task Special_files_given_on_the_command_line_exit_2_without_hanging(string which, string expected)
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = which switch
        {
            "fifo" => MakeFifo(System.IO.Path.Combine(_dir.Path, "p.csv")),
            "dir" => _dir.Path,
            _ => which,
        };
        var pipeline = new BinaryPipeline(Settings(_dir.Write("train.csv", H + Good)) with { ProjectDirectory = _dir.Path });
        foreach (var args in new[] { new[] { "baseline", "--data", path }, ["explore", "--data", path], ["predict", "--input", path] })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var run = Task.Run(() => PipelineApp.Run(args, pipeline, output, error, runStorePath: System.IO.Path.Combine(_dir.Path, "runs.db")));
            Assert.True(await Task.WhenAny(run, Task.Delay(TimeBound)) == run, $"{string.Join(" ", args)}: no answer within {TimeBound.TotalSeconds} s");
            Assert.True(await run == 2, $"{string.Join(" ", args)}: exit {await run}\n{output}\n{error}");
            Assert.Contains(expected, output.ToString() + error);
            log.WriteLine($"$ {string.Join(" ", args)}\n{output}{error}");
        }
    }

    [Theory]
    [InlineData("train", "/dev/zero", "character device")]
    [InlineData("train", "fifo", "named pipe")]
    [InlineData("test", "/dev/zero", "character device")]
    [InlineData("test", "fifo", "named pipe")]
    public async Task Special_files_named_by_the_spec_stop_train_and_test_with_exit_2(string command, string which, string expected)
    {
        if (!OperatingSystem.IsLinux()) return;
        var special = which == "fifo" ? MakeFifo(System.IO.Path.Combine(_dir.Path, "p.csv")) : which;
        var train = _dir.Write("train.csv", H + Good + Good);
        var settings = Settings(command == "train" ? special : train) with { ProjectDirectory = _dir.Path, TestDataPath = command == "test" ? special : null };
        var output = new StringWriter();
        var error = new StringWriter();
        var run = Task.Run(() => PipelineApp.Run([command], new BinaryPipeline(settings), output, error, runStorePath: System.IO.Path.Combine(_dir.Path, "runs.db")));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeBound)) == run, $"{command}: no answer within {TimeBound.TotalSeconds} s");
        Assert.True(await run == 2, $"{command}: exit {await run}\n{output}\n{error}");
        Assert.Contains(expected, output.ToString() + error);
    }

    [Fact]
    public void A_NUL_in_the_specs_data_path_is_bad_input_with_a_message()
    {
        var settings = Settings("da\0ta.csv") with { ProjectDirectory = _dir.Path };
        var e = Assert.Throws<DataValidationException>(() => settings.ResolvePath(settings.TrainDataPath));
        Assert.Contains("contains a NUL character (\\0) at position 3", e.Message);
        Assert.DoesNotContain("\0", e.Message, StringComparison.Ordinal);
    }

    internal static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
