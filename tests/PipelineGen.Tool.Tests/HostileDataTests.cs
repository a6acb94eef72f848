using System.Diagnostics;
using System.Text;
using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// Issue #9 at build time: a corpus of corrupt and hostile data files through the tool and the binder (what a build
/// reports), each with a clear located diagnostic or the right schema, within a time bound; paths that must not be
/// opened; data outside the project; messages that never echo more than short escaped samples.
/// </summary>
public class HostileDataTests
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(60);

    /// <summary>One corrupt file: how to make it, and what the build must say (id and 1-based line of the data file, or none).</summary>
    private sealed record Case(Func<TempProject, string> Make, string? Id, int Line = 0, Action<InferredSchema, IReadOnlyList<DiagnosticInfo>>? Check = null, SampleLimits? Limits = null);

    private static string Spec(TempProject p, string data, string kind = "multiclass", string extra = "", string train = "data.csv")
    {
        p.Write(train, data);
        return p.WriteSpec(train: train, kind: kind, dataExtra: extra);
    }

    private static string SpecBytes(TempProject p, byte[] data, string extra = "")
    {
        File.WriteAllBytes(p.PathOf("data.csv"), data);
        return p.WriteSpec(dataExtra: extra);
    }

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        ["ragged_row_too_many"] = new(p => Spec(p, "a,b,label\n1,2,x\n1,2,3,x\n4,5,y\n"), "PG0303", 3),
        ["ragged_row_too_few"] = new(p => Spec(p, "a,b,label\n1,2,x\n1,x\n4,5,y\n"), "PG0303", 3),
        ["unbalanced_quote_in_row"] = new(p => Spec(p, "a,label\n\"1,x\n2,y\n3,x\n"), "PG0307", 2),
        // RFC 4180: a quoted value spanning lines is one row with its line break; closed without making one row, PG0308.
        ["line_break_in_quoted_value"] = new(p => Spec(p, "a,label\n1,\"x\ny\"\n2,y\n3,x\n"), null, 0,
            (s, _) => Assert.Equal(["x", "x\ny", "y"], s.Find("label")!.DistinctValues.OrderBy(v => v, StringComparer.Ordinal))),
        ["quoted_value_closed_on_a_later_line_not_one_row"] = new(p => Spec(p, "a,label\n1,\"x\ny\",z\n2,y\n3,x\n"), "PG0308", 2),
        ["unbalanced_quote_in_header"] = new(p => Spec(p, "\"a,label\n1,x\n2,y\n"), "PG0307", 1),
        // The run reads the header as its first line, never joined with the next: the build does too.
        ["quoted_header_name_spanning_lines"] = new(p => Spec(p, "\"a\nb\",label\n1,x\n2,y\n"), "PG0307", 1),
        ["wrong_separator_semicolon"] = new(p => Spec(p, "a;b;label\n1;2;x\n3;4;y\n"), "PG0102", 0,
            (s, _) => Assert.Equal("a;b;label", Assert.Single(s.Columns).Name)),
        ["wrong_separator_tab_file_read_as_csv"] = new(p => Spec(p, "a\tlabel\n1\tx\n2\ty\n"), "PG0102", 0,
            (s, _) => Assert.Single(s.Columns)),
        ["declared_tab_but_comma_file"] = new(p => Spec(p, "a,label\n1,x\n2,y\n", extra: "separator: \"\\t\""), "PG0102"),
        ["non_utf8_latin1_bytes"] = new(p => SpecBytes(p, [.. "a,label\n1,caf"u8, 0xE9, .. "\n2,tea\n3,caf"u8, 0xE9, (byte)'\n']), null, 0,
            // Read as UTF-8 with the replacement character, as the run reads it: the same two classes at build and run time.
            (s, _) => Assert.Equal(["caf\uFFFD", "tea"], s.Find("label")!.DistinctValues.OrderBy(v => v, StringComparer.Ordinal))),
        ["utf16_with_bom"] = new(p => SpecBytes(p, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("a,label\n1,x\n2,y\n")]), null, 0,
            (s, _) => Assert.Equal(["a", "label"], s.Columns.Select(c => c.Name))),
        ["utf8_bom"] = new(p => Spec(p, "\uFEFFa,label\n1,x\n2,y\n"), null, 0, (s, _) => Assert.Equal("a", s.Columns[0].Name)),
        ["nul_bytes_in_values"] = new(p => Spec(p, "a,label\n1,x\0y\n2,z\n"), null, 0,
            (s, _) => Assert.Contains("x\0y", s.Find("label")!.DistinctValues)),
        ["nul_byte_in_header"] = new(p => Spec(p, "a\0,label\n1,x\n2,y\n"), null, 0, (s, _) => Assert.Equal("a\0", s.Columns[0].Name)),
        ["binary_garbage"] = new(p => SpecBytes(p, Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256)).ToArray()), "*"),
        ["header_only"] = new(p => Spec(p, "a,label\n"), "PG0302", 1),
        ["empty_file"] = new(p => Spec(p, ""), "PG0302", 1),
        ["blank_lines_only"] = new(p => Spec(p, "\n\n\r\n\n"), "PG0302", 1),
        ["one_class_multiclass"] = new(p => Spec(p, "a,label\n1,x\n2,x\n3,x\n"), "PG0107"),
        ["one_class_binary"] = new(p => Spec(p, "a,label\n1,yes\n2,yes\n", kind: "binary"), "PG0107"),
        ["label_all_missing"] = new(p => Spec(p, "a,label\n1,\n2,\n3,\n"), "PG0107"),
        ["junk_token_in_numeric_column"] = new(p => Spec(p, "a,label\n1,x\n2,y\nabc,x\n4,y\n", extra: "columns:\n  a:\n    type: numeric"), "PG0108", 4),
        ["duplicate_header_names"] = new(p => Spec(p, "a,a,label\n1,2,x\n3,4,y\n"), "PG0304", 1),
        ["duplicate_header_names_after_trim"] = new(p => Spec(p, "a, a ,label\n1,2,x\n3,4,y\n"), "PG0304", 1),
        ["ten_megabyte_line"] = new(p => Spec(p, "text,label\n" + new string('w', 10 * 1024 * 1024) + ",x\nshort,y\n"), null, 0,
            // Inside the default line limit (16 Mi characters): read, not refused. The 8 MiB sample budget ends the sample after it.
            (s, d) => { Assert.Equal(["text", "label"], s.Columns.Select(c => c.Name)); Assert.DoesNotContain(d, x => x.Id == "PG0133"); }),
        ["no_line_breaks_at_all"] = new(p => Spec(p, new string('z', 300_000)), "PG0133", 1,
            (s, d) => Assert.Contains(d, x => x.Id == "PG0302" && x.Message.Contains("too long to be a header")), new SampleLimits(MaxLineCharacters: 100_000)),
        ["long_line_after_good_rows"] = new(p => Spec(p, "a,label\n1,x\n2,y\n" + new string('q', 200_000) + "\n3,x\n"), "PG0133", 4,
            (s, _) => { Assert.Equal(2, s.RowsSampled); Assert.False(s.SampleIsComplete); }, new SampleLimits(MaxLineCharacters: 100_000)),
        ["mixed_line_endings"] = new(p => Spec(p, "a,label\r\n1,x\r2,y\n3,x"), null, 0, (s, _) => Assert.Equal(3, s.RowsSampled)),
        ["quote_inside_a_value"] = new(p => Spec(p, "a,label\n1,x\"y\n2,z\n"), null, 0, (s, _) => Assert.Contains("x\"y", s.Find("label")!.DistinctValues)),
        ["comment_line_before_header"] = new(p => Spec(p, "// exported\na,label\n1,x\n2,y\n"), null, 0, (s, _) => Assert.Equal("a", s.Columns[0].Name)),
        ["ten_thousand_columns"] = new(p => Spec(p, string.Join(",", Enumerable.Range(0, 10_000).Select(i => "c" + i)) + ",label\n"
            + string.Join(",", Enumerable.Range(0, 10_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ",x\n"
            + string.Join(",", Enumerable.Range(0, 10_000).Select(_ => "1")) + ",y\n"), null, 0, (s, _) => Assert.Equal(10_001, s.Columns.Count)),
        ["test_file_other_header"] = new(p => { p.Write("test.csv", "a,b,label\n1,2,x\n"); return Spec(p, "a,label\n1,x\n2,y\n", extra: "test: test.csv"); }, "PG0306", 1),
        ["missing_file"] = new(p => p.WriteSpec(train: "nope.csv"), "PG0301"),
        ["train_is_a_directory"] = new(p => { Directory.CreateDirectory(p.PathOf("folder.csv")); return p.WriteSpec(train: "folder.csv"); }, "PG0131"),
        ["train_is_dev_zero"] = new(p => p.WriteSpec(train: "/dev/zero"), "PG0131"),
        ["test_is_dev_urandom"] = new(p => Spec(p, "a,label\n1,x\n2,y\n", extra: "test: /dev/urandom"), "PG0131"),
        ["train_is_a_named_pipe"] = new(p => { MakeFifo(p.PathOf("pipe.csv")); return p.WriteSpec(train: "pipe.csv"); }, "PG0131"),
        ["nul_in_the_path"] = new(p => p.Write("pipeline.yaml", "version: 1\nname: Test\ntask:\n  kind: multiclass\n  label: label\ndata:\n  train: \"da\\0ta.csv\"\n"), "PG0132"),
        ["escape_character_in_the_path"] = new(p => p.Write("pipeline.yaml", "version: 1\nname: Test\ntask:\n  kind: multiclass\n  label: label\ndata:\n  train: \"da\\eta.csv\"\n"), "PG0132"),
        ["terminal_escapes_in_label_values"] = new(p => Spec(p, "a,label\n1,\u001b[31mred\u001b]0;pwned\u0007\n2,\u001b[31mred\u001b]0;pwned\u0007\n"), "PG0107", 0,
            (_, d) => Assert.All(d, x => Assert.DoesNotContain(x.Message, ch => char.IsControl(ch)))),
    };

    public static TheoryData<string> CorpusNames => [.. Corpus.Keys];

    [Fact]
    public void The_corpus_has_at_least_30_files() => Assert.True(Corpus.Count >= 30, $"{Corpus.Count} cases");

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public async Task Every_corrupt_file_gives_a_located_diagnostic_or_the_right_schema_without_crash_or_hang(string name)
    {
        var c = Corpus[name];
        if (name.Contains("pipe", StringComparison.Ordinal) && !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        using var project = new TempProject();
        var spec = c.Make(project);

        var work = Task.Run(() =>
        {
            var result = SchemaInferrer.Infer(spec, c.Limits, new DataAccessPolicy(project.Directory));
            // The schema goes through its file format and the binder exactly as in a build.
            var schema = SchemaFile.Read(SchemaFile.Write(result.Schema)) ?? throw new InvalidOperationException("schema did not round-trip");
            var bound = SpecBinder.Bind(SpecParser.Parse(File.ReadAllText(spec), spec), schema, "App");
            return (schema, all: (IReadOnlyList<DiagnosticInfo>)schema.Diagnostics.Concat(bound.Diagnostics).Distinct().ToArray());
        });
        Assert.True(await Task.WhenAny(work, Task.Delay(TimeBound)) == work, $"{name}: no answer within {TimeBound.TotalSeconds} s");
        var (schema, diagnostics) = await work;
        var listing = string.Join("\n", diagnostics);

        if (c.Id is null)
            Assert.DoesNotContain(diagnostics, d => d.Severity == Severity.Error && d.Id.StartsWith("PG03", StringComparison.Ordinal) || d.Id.StartsWith("PG013", StringComparison.Ordinal));
        else if (c.Id != "*")
        {
            var hit = diagnostics.FirstOrDefault(d => d.Id == c.Id);
            Assert.True(hit is not null, $"{name}: expected {c.Id}, got:\n{listing}");
            Assert.False(string.IsNullOrEmpty(hit!.FilePath), $"{name}: {c.Id} has no file");
            Assert.False(hit.Span.IsNone, $"{name}: {c.Id} has no position");
            if (c.Line > 0) Assert.True(c.Line == hit.Span.StartLine, $"{name}: {c.Id} at line {hit.Span.StartLine}, expected {c.Line}:\n{listing}");
        }
        // Whatever the data holds, no message echoes it raw: no control characters, no sample longer than 40 characters.
        foreach (var d in diagnostics)
        {
            Assert.DoesNotContain(d.Message, ch => char.IsControl(ch));
            Assert.True(d.Message.Length < 1200, $"{name}: message of {d.Message.Length} characters: {d.Message[..Math.Min(200, d.Message.Length)]}...");
        }
        c.Check?.Invoke(schema, diagnostics);
    }

    [Fact]
    public void Data_outside_the_project_is_a_warning_by_default_an_error_that_reads_nothing_when_opted_in_and_silent_when_allowed()
    {
        using var outside = new TempProject();
        var secret = outside.Write("secret.csv", "user,label\nroot,x\nadmin,y\n");
        using var project = new TempProject();
        var spec = project.WriteSpec(train: secret);

        var warned = SchemaInferrer.Infer(spec, policy: new DataAccessPolicy(project.Directory)).Schema;
        var warning = Assert.Single(warned.Diagnostics, d => d.Id == "PG0130");
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal((spec, 7), (warning.FilePath, warning.Span.StartLine));
        Assert.Contains("PipelineGenAllowDataOutsideProject", warning.Message);
        Assert.Equal(2, warned.Columns.Count);

        var refused = SchemaInferrer.Infer(spec, policy: new DataAccessPolicy(project.Directory, OutsideIsError: true));
        Assert.Equal(Severity.Error, Assert.Single(refused.Schema.Diagnostics, d => d.Id == "PG0130").Severity);
        Assert.Empty(refused.Schema.Columns); // not read: nothing of the file reaches the schema
        Assert.Empty(refused.DataFiles);

        var allowed = SchemaInferrer.Infer(spec, policy: new DataAccessPolicy(project.Directory, OutsideIsSilent: true)).Schema;
        Assert.DoesNotContain(allowed.Diagnostics, d => d.Id == "PG0130");
        Assert.Equal(2, allowed.Columns.Count);

        // Relative paths that climb out count too; a path inside the project does not.
        Assert.Contains(SchemaInferrer.Infer(project.WriteSpec(train: "../" + Path.GetFileName(outside.Directory) + "/secret.csv"), policy: new DataAccessPolicy(project.Directory)).Schema.Diagnostics, d => d.Id == "PG0130");
        project.Write("data.csv", "a,label\n1,x\n2,y\n");
        Assert.DoesNotContain(SchemaInferrer.Infer(project.WriteSpec(), policy: new DataAccessPolicy(project.Directory)).Schema.Diagnostics, d => d.Id == "PG0130");
    }

    [Fact]
    public void A_symbolic_link_inside_the_project_to_a_file_outside_counts_as_outside()
    {
        if (OperatingSystem.IsWindows()) return; // creating links needs privileges there
        using var outside = new TempProject();
        var secret = outside.Write("secret.csv", "user,label\nroot,x\nadmin,y\n");
        using var project = new TempProject();
        File.CreateSymbolicLink(project.PathOf("data.csv"), secret);
        Directory.CreateSymbolicLink(project.PathOf("linked"), outside.Directory);

        var viaFile = SchemaInferrer.Infer(project.WriteSpec(), policy: new DataAccessPolicy(project.Directory, OutsideIsError: true)).Schema;
        Assert.Contains(secret, Assert.Single(viaFile.Diagnostics, d => d.Id == "PG0130").Message);
        Assert.Empty(viaFile.Columns);
        var viaFolder = SchemaInferrer.Infer(project.WriteSpec(train: "linked/secret.csv"), policy: new DataAccessPolicy(project.Directory, OutsideIsError: true)).Schema;
        Assert.Single(viaFolder.Diagnostics, d => d.Id == "PG0130");
        Assert.Empty(viaFolder.Columns);
    }

    [Fact]
    public void A_label_read_from_a_system_like_file_lists_at_most_five_short_escaped_values()
    {
        // What the issue saw: data pointed at a system file, and PG0107 quoted a whole line of it as a "value found".
        using var project = new TempProject();
        var lines = Enumerable.Range(0, 30).Select(i => $"user{i}:x:{i}:{i}:A very long gecos field for user number {i}\u001b[2J:/home/user{i}:/bin/sh");
        var spec = Spec(project, "label\n" + string.Join("\n", lines) + "\n", kind: "binary");
        var schema = SchemaInferrer.Infer(spec).Schema;
        var bound = SpecBinder.Bind(SpecParser.Parse(File.ReadAllText(spec), spec), schema, "App");
        var d = Assert.Single(bound.Diagnostics, x => x.Id == "PG0107");
        Assert.Contains("and 25 more", d.Message);
        Assert.False(d.Message.Contains('\u001b'), d.Message);
        Assert.DoesNotContain("/bin/sh", d.Message); // each sample is cut at 40 characters
        var samples = System.Text.RegularExpressions.Regex.Matches(d.Message, @"'(user[^']*)'").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(5, samples.Length);
        Assert.All(samples, v => Assert.True(v.Length == 43 && v.EndsWith("...", StringComparison.Ordinal), v));
    }

    [Fact]
    public void Safe_text_escapes_control_and_bidi_characters_cuts_long_values_and_counts_the_rest()
    {
        Assert.Equal("a\\nb\\tc\\0d\\u001B[31m", Shared.SafeText.Escape("a\nb\tc\0d\u001b[31m"));
        Assert.Equal("evil\\u202Etxt", Shared.SafeText.Escape("evil\u202Etxt"));
        Assert.Equal(new string('x', 40) + "...", Shared.SafeText.Escape(new string('x', 100)));
        Assert.Equal("'a', 'b', 'c', 'd', 'e' and 2 more", Shared.SafeText.Samples(["a", "b", "c", "d", "e", "f", "g"]));
        Assert.Equal("none", Shared.SafeText.Samples([]));
        Assert.Equal("contains a NUL character (\\0) at position 3", Shared.SafeText.PathProblem("ab\0c"));
        Assert.Null(Shared.SafeText.PathProblem("data/ünïcode file.csv"));
    }

    [Fact]
    public void Special_files_are_told_apart_from_regular_files()
    {
        if (!OperatingSystem.IsLinux()) return; // statx is Linux; elsewhere only directories are told apart
        using var project = new TempProject();
        Assert.Equal(Shared.DataFileKind.Regular, Shared.DataFileCheck.KindOf(project.Write("a.csv", "x\n")));
        Assert.Equal(Shared.DataFileKind.Directory, Shared.DataFileCheck.KindOf(project.Directory));
        Assert.Equal(Shared.DataFileKind.CharacterDevice, Shared.DataFileCheck.KindOf("/dev/zero"));
        MakeFifo(project.PathOf("p"));
        Assert.Equal(Shared.DataFileKind.Fifo, Shared.DataFileCheck.KindOf(project.PathOf("p")));
        Assert.Equal(Shared.DataFileKind.Missing, Shared.DataFileCheck.KindOf(project.PathOf("nothing")));
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
