using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Diagnostics;

/// <summary>
/// Issue #9 in CI: a corpus of hostile specs (most generated from the fixtures) and a seeded mutation fuzzer over the
/// valid specs, run in-process through the generator driver as the compiler would. Each case must give located PG
/// diagnostics or a clean build: no exception (CS8785), no PG9999, no hang (time bound), no stack overflow (1 MB stack,
/// the compiler's own), and no CS errors in the generated code.
/// </summary>
public class HostileSpecCorpusTests
{
    private const string SpecPath = "/specs/binary/pipeline.yaml";
    private const int StackBytes = 1024 * 1024;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(20);

    private enum Expect { Error, Clean, Either }

    private sealed record Case(string Yaml, Expect Expect);

    private static readonly Lazy<Dictionary<string, Case>> Corpus = new(BuildCorpus);

    public static TheoryData<string> CorpusNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Corpus.Value.Keys) data.Add(name);
        return data;
    }

    /// <summary>Every corpus spec by name (the no-symbols walk in IncrementalityTests runs over them too).</summary>
    internal static IEnumerable<(string Name, string Yaml)> CorpusSpecs() => Corpus.Value.Select(kv => (kv.Key, kv.Value.Yaml));

    [Fact]
    public void Corpus_has_at_least_150_cases()
    {
        Assert.True(Corpus.Value.Count >= 150, $"only {Corpus.Value.Count} cases");
    }

    private static Dictionary<string, Case> BuildCorpus()
    {
        var s = Fixtures.TitanicSpec;
        var lines = s.Split('\n');
        var cases = new Dictionary<string, Case>();
        void Add(string name, string yaml, Expect expect = Expect.Error) => cases.Add(name, new Case(yaml, expect));
        string WithLine(int i, string line) => string.Join("\n", lines.Select((l, k) => k == i ? line : l));
        static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

        Add("valid titanic", s, Expect.Clean);
        Add("valid with BOM", "\uFEFF" + s, Expect.Clean);
        Add("valid with CRLF", s.Replace("\n", "\r\n"), Expect.Clean);

        // Syntax errors at every level: each line broken four ways.
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            Add($"line {i + 1}: extra indentation", WithLine(i, "   " + line), Expect.Either);
            Add($"line {i + 1}: stray colon", WithLine(i, line + ": x: y"), Expect.Either);
            if (colon > 0)
            {
                Add($"line {i + 1}: unclosed quote", WithLine(i, line.Substring(0, colon + 1) + " \"unclosed" + line.Substring(colon + 1)), Expect.Error);
                Add($"line {i + 1}: colon removed", WithLine(i, line.Remove(colon, 1)), Expect.Either);
            }
            if (Indent(line) > 0)
            {
                Add($"line {i + 1}: tab indentation", WithLine(i, "\t" + line.TrimStart(' ')), Expect.Error);
                Add($"line {i + 1}: NBSP indentation", WithLine(i, new string('\u00A0', Indent(line)) + line.TrimStart(' ')), Expect.Error);
            }
        }

        // Wrong types for every scalar setting.
        foreach (var (key, value) in new[] { ("version", "1"), ("name", "Titanic"), ("kind", "binary"), ("label", "survived"), ("train", "titanic.csv"),
                     ("metric", "auc"), ("missing_indicators", "true"), ("protocol", "kfold"), ("folds", "3"), ("trainer", "lightgbm"), ("leaves", "8") })
        {
            foreach (var (kind, replacement) in new[] { ("list", "[1, 2]"), ("mapping", "{ a: 1 }"), ("empty", ""), ("number", "3.5e300"), ("quoted", "\"x\"") })
                Add($"{key} as {kind}", s.Replace($"{key}: {value}", $"{key}: {replacement}"), Expect.Either);
        }
        Add("sections as scalars", "version: 1\nname: X\ntask: 3\ndata: 4\nmodel: 5\nevaluate: 6\nprepare: 7\ntune: 8\ndeploy: 9\n");
        Add("root is a list", "- version: 1\n- name: X\n");
        Add("root is a scalar", "hello");
        Add("empty", "");
        Add("only whitespace", "   \n\n  \n");
        Add("two documents", s + "\n---\n" + s);
        Add("directive", "%YAML 1.1\n---\n" + s, Expect.Either);
        Add("unknown tag", s.Replace("folds: 3", "folds: !!binary 3"), Expect.Either);
        Add("complex key", "? [a, b]\n: c\n" + s);

        // Deep nesting: flow, block and mixed.
        Add("100k [", "version: 1\nmetric: " + new string('[', 100_000));
        Add("100k [ closed", "version: 1\nmetric: " + new string('[', 100_000) + new string(']', 100_000));
        Add("100k {", "version: 1\nmetric: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)));
        Add("100k [{ mixed", "version: 1\nmetric: " + string.Concat(Enumerable.Repeat("[{a: ", 50_000)));
        Add("100k compact sequences", "version: 1\nmetric:\n  " + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n");
        var block = new StringBuilder("version: 1\nname: X\n");
        for (var i = 0; i < 1400; i++) block.Append(' ', i).Append("a:\n");
        Add("1400 indented levels", block.ToString());
        Add("65 levels in deploy", s + "\ndeploy: " + new string('[', 65) + new string(']', 65) + "\n");
        Add("63 levels in deploy", s + "\ndeploy: " + new string('[', 63) + new string(']', 63) + "\n");

        // Anchors and alias bombs: nothing is expanded.
        var laughs = new StringBuilder(s).Append("\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++) laughs.Append($"x{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        Add("billion laughs", laughs.ToString());
        Add("alias as value", s.Replace("metric: auc", "metric: *m"));
        Add("anchor only", s.Replace("metric: auc", "metric: &m auc"), Expect.Either);
        Add("merge key", s + "\nbase: &b { folds: 3 }\nevaluate2:\n  <<: *b\n");
        Add("self-referencing alias", "a: &a [*a]\n" + s);
        Add("100k aliases", s + "\nx: &a 1\ny: [" + string.Join(",", Enumerable.Repeat("*a", 100_000)) + "]\n");

        // Huge strings.
        Add("500k value", s.Replace("label: survived", "label: " + new string('v', 500_000)));
        Add("500k quoted value", s.Replace("label: survived", "label: \"" + new string('v', 500_000) + "\""));
        Add("over 1 MiB comment", s + "\n# " + new string('c', 1_100_000) + "\n");
        Add("over 1 MiB of multibyte text", s + "\n# " + new string('é', 600_000) + "\n");
        Add("2000-char key", s + "\n" + new string('k', 2000) + ": 1\n");
        Add("1100-char name", s.Replace("name: Titanic", "name: T" + new string('x', 1100)));
        Add("100k unknown keys", s + "\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"k{i}: 1\n")));
        Add("100k duplicate keys", s + "\n" + string.Concat(Enumerable.Repeat("metric: auc\n", 80_000)));
        Add("100k list items", s.Replace("metric: auc", "metric: [" + string.Join(",", Enumerable.Repeat("a", 100_000)) + "]"));

        // Encodings, NUL and control characters.
        Add("UTF-16 LE read as UTF-8", Encoding.UTF8.GetString(Encoding.Unicode.GetBytes(s)));
        Add("UTF-16 BE read as UTF-8", Encoding.UTF8.GetString(Encoding.BigEndianUnicode.GetBytes(s)));
        Add("UTF-16 LE with BOM read as UTF-8", Encoding.UTF8.GetString(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(s)).ToArray()));
        Add("Latin-1 bytes read as UTF-8", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(s.Replace("survived", "überlebt"))));
        Add("double BOM", "\uFEFF\uFEFF" + s);
        Add("BOM mid-file", s.Replace("metric: auc", "\uFEFFmetric: auc"));
        foreach (var c in new[] { '\0', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u001B', '\u007F', '\u0080', '\u009F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00' })
            Add($"U+{(int)c:X4} in a value", s.Replace("label: survived", "label: surv" + c + "ived"));
        Add("NUL at start", "\0" + s);
        Add("NUL in a comment", s.Replace("# yaml-language-server", "# yaml\0-language-server"));
        Add("escaped control char in quotes", s.Replace("label: survived", "label: \"surv\\u0007ived\""));
        Add("emoji and RTL text", s.Replace("label: survived", "label: \"\u202Esurvived 🚢\""));
        foreach (var c in new[] { '\u2003', '\u3000', '\u200B', '\u202F' })
            Add($"U+{(int)c:X4} after a colon", s.Replace("metric: auc", "metric:" + c + "auc"));

        // Names: clashes with C#, the runtime and the emitter.
        foreach (var name in new[] { "class", "System", "Microsoft", "MLContext", "global", "_", "Pipeline", "TitanicInput", "ÄÖÜ", "名前", "a1" })
            Add($"name '{name}'", s.Replace("name: Titanic", "name: " + name), Expect.Either);
        foreach (var name in new[] { "1abc", "a-b", "a b", "a.b", "\"\"", "a\u0301", "🚢" })
            Add($"invalid name '{name}'", s.Replace("name: Titanic", "name: " + name));

        // Paths outside the project (the build tool checks them; here: no crash, no broken code).
        foreach (var path in new[] { "../../../../etc/passwd", "/etc/passwd", "C:\\\\Windows\\\\win.ini", "\\\\\\\\server\\\\share\\\\x.csv", "\"a\\\"; System.Environment.Exit(1); //.csv\"", "$(echo hi).csv", "`rm -rf /`.csv" })
            Add($"train path {path}", s.Replace("train: titanic.csv", "train: " + path), Expect.Either);
        return cases;
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Hostile_spec_gives_located_diagnostics_or_a_clean_build(string name)
    {
        var c = Corpus.Value[name];
        var run = RunBounded(c.Yaml, Fixtures.TitanicSchema, "MyApp");
        var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        AssertLocatedPgDiagnostics(name, run, Fixtures.TitanicSchema.DataPath);
        if (c.Expect == Expect.Error) Assert.True(errors.Count > 0, $"{name}: expected a PG error, got a clean build");
        if (c.Expect == Expect.Clean) Assert.True(errors.Count == 0, $"{name}: expected a clean build, got {string.Join(" | ", errors)}");
        if (errors.Count == 0) Assert.NotEmpty(run.Result.Results.Single().GeneratedSources);
        else Assert.All(run.Result.Results.Single().GeneratedSources, s => Assert.Contains("NotGeneratedReason", s.SourceText.ToString()));
        Assert.True(run.GeneratorDiagnostics.Length <= DiagnosticLimit.MaxPerSpec + 1, $"{name}: {run.GeneratorDiagnostics.Length} diagnostics");
        // Whether the generated code compiles is checked for all clean cases at once below (one compilation, not one per case).
    }

    [Fact]
    public void Generated_code_of_every_clean_corpus_case_compiles()
    {
        var trees = new List<SyntaxTree>();
        var index = 0;
        foreach (var (name, c) in Corpus.Value)
        {
            index++;
            if (c.Expect == Expect.Error) continue;
            var run = RunBounded(c.Yaml, Fixtures.TitanicSchema, $"Case{index}");
            foreach (var source in run.Result.Results.Single().GeneratedSources)
                trees.Add(CSharpSyntaxTree.ParseText(source.SourceText, GeneratorHarness.ParseOptions, path: $"{name}/{source.HintName}"));
        }
        Assert.True(trees.Count >= 10, $"only {trees.Count} clean cases generated code");
        var all = GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }").AddSyntaxTrees(trees);
        var errors = all.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"generated code does not compile: {string.Join(" | ", errors.Take(5).Select(e => $"{e.Location.SourceTree?.FilePath}: {e}"))}");
    }

    /// <summary>A broken spec's stand-in types (BrokenSpecStandInTests) must compile too: they exist so only PG errors show.</summary>
    [Fact]
    public void Stand_in_types_of_every_broken_corpus_case_compile()
    {
        var trees = new List<SyntaxTree>();
        var index = 0;
        foreach (var (name, c) in Corpus.Value)
        {
            index++;
            if (c.Expect == Expect.Clean) continue;
            var run = RunBounded(c.Yaml, Fixtures.TitanicSchema, $"Case{index}");
            if (run.GeneratorDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error)) continue;
            foreach (var source in run.Result.Results.Single().GeneratedSources)
                trees.Add(CSharpSyntaxTree.ParseText(source.SourceText, GeneratorHarness.ParseOptions, path: $"{name}/{source.HintName}"));
        }
        Assert.True(trees.Count >= 10, $"only {trees.Count} broken cases had stand-in types");
        var all = GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }").AddSyntaxTrees(trees);
        var errors = all.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"stand-in code does not compile: {string.Join(" | ", errors.Take(5).Select(e => $"{e.Location.SourceTree?.FilePath}: {e}"))}");
    }

    private static void AssertLocatedPgDiagnostics(string name, GeneratorRun run, string dataPath)
    {
        foreach (var d in run.GeneratorDiagnostics)
        {
            Assert.True(d.Id.StartsWith("PG", StringComparison.Ordinal), $"{name}: {d}");
            Assert.True(d.Id is not ("PG9999" or "CS8785"), $"{name}: {d}");
            var span = d.Location.GetLineSpan();
            Assert.True(span.Path == SpecPath || span.Path == dataPath, $"{name}: {d} is not located in the spec or its data");
            Assert.True(span.StartLinePosition.Line >= 0 && span.StartLinePosition.Character >= 0, $"{name}: {d}");
        }
    }

    /// <summary>The generator on a thread with the compiler's 1 MB stack and a time bound: a hang or a stack overflow fails here, not the host.</summary>
    private static GeneratorRun RunBounded(string yaml, InferredSchema schema, string rootNamespace, Compilation? compilation = null)
    {
        GeneratorRun? run = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                var files = new List<AdditionalText> { new InMemoryAdditionalText(SpecPath, yaml), new InMemoryAdditionalText(SpecPath + ".schema.json", SchemaFile.Write(schema with { SpecPath = SpecPath })) };
                var driver = GeneratorHarness.NewDriver(files, new Dictionary<string, string> { [SpecPath] = "Spec", [SpecPath + ".schema.json"] = "Schema" }, rootNamespace);
                run = GeneratorHarness.Run(driver, compilation ?? UserCompilation.Value);
            }
            catch (Exception ex) { error = ex; }
        }, StackBytes) { IsBackground = true };
        var watch = Stopwatch.StartNew();
        thread.Start();
        Assert.True(thread.Join(PerCase), $"the generator took more than {PerCase.TotalSeconds} s");
        if (error is not null) throw new Xunit.Sdk.XunitException($"the generator run failed: {error}");
        return run!;
    }

    private static readonly Lazy<Compilation> UserCompilation = new(() => GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }"));

    /// <summary>
    /// Seeded mutations of the three valid specs: deleted, inserted and replaced characters from YAML's syntax and from the
    /// hostile set (tab, NUL, NBSP, BOM), duplicated, dropped and swapped lines, truncation. Clean mutants' generated code is
    /// compiled together at the end (one namespace per mutant), so the check stays fast.
    /// </summary>
    [Fact]
    public void Seeded_mutation_fuzzer_over_the_valid_specs()
    {
        const int Seed = 20261130;
        const int Mutants = 240;
        var random = new Random(Seed);
        var alphabet = ":-[]{}\"'#&*!|>,?%@` \t\n\0\u00A0\uFEFFx1.";
        var generated = new List<SyntaxTree>();
        var watch = Stopwatch.StartNew();
        var clean = 0;
        for (var m = 0; m < Mutants; m++)
        {
            var (fixture, spec, schema, _) = Fixtures.All.ElementAt(m % 3);
            var yaml = spec;
            var applied = new List<string>();
            for (var k = 0; k < 1 + random.Next(3); k++)
                yaml = Mutate(yaml, random, alphabet, applied);
            var name = $"mutant {m} of {fixture} ({string.Join(", ", applied)})";
            var run = RunBounded(yaml, schema, $"Fuzz{m}");
            AssertLocatedPgDiagnostics(name, run, schema.DataPath);
            Assert.True(run.GeneratorDiagnostics.Length <= DiagnosticLimit.MaxPerSpec + 1, name);
            if (run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) continue;
            var sources = run.Result.Results.Single().GeneratedSources;
            Assert.True(sources.Length > 0, $"{name}: no errors but nothing generated");
            clean++;
            foreach (var source in sources)
                generated.Add(CSharpSyntaxTree.ParseText(source.SourceText, GeneratorHarness.ParseOptions, path: $"mutant{m}/{source.HintName}"));
        }
        Assert.True(clean > 0, "no mutant built cleanly; the fuzzer only exercises error paths");
        var all = GeneratorHarness.NewCompilation("namespace MyApp { internal static class UserCode { } }").AddSyntaxTrees(generated);
        var errors = all.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"generated code of clean mutants does not compile: {string.Join(" | ", errors.Take(5).Select(e => $"{e.Location.SourceTree?.FilePath}: {e}"))}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"fuzzer took {watch.Elapsed}");
    }

    private static string Mutate(string yaml, Random random, string alphabet, List<string> applied)
    {
        var lines = yaml.Split('\n').ToList();
        switch (random.Next(7))
        {
            case 0 when yaml.Length > 0:
                var at = random.Next(yaml.Length);
                applied.Add($"delete {at}");
                return yaml.Remove(at, 1);
            case 1:
                var pos = random.Next(yaml.Length + 1);
                var ch = alphabet[random.Next(alphabet.Length)];
                applied.Add($"insert U+{(int)ch:X4} at {pos}");
                return yaml.Insert(pos, ch.ToString());
            case 2 when yaml.Length > 0:
                var r = random.Next(yaml.Length);
                var rc = alphabet[random.Next(alphabet.Length)];
                applied.Add($"replace {r} with U+{(int)rc:X4}");
                return yaml.Remove(r, 1).Insert(r, rc.ToString());
            case 3:
                var dup = random.Next(lines.Count);
                applied.Add($"duplicate line {dup + 1}");
                lines.Insert(dup, lines[dup]);
                return string.Join("\n", lines);
            case 4 when lines.Count > 1:
                var drop = random.Next(lines.Count);
                applied.Add($"drop line {drop + 1}");
                lines.RemoveAt(drop);
                return string.Join("\n", lines);
            case 5 when lines.Count > 1:
                var a = random.Next(lines.Count);
                var b = random.Next(lines.Count);
                applied.Add($"swap lines {a + 1} and {b + 1}");
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join("\n", lines);
            default:
                var cut = random.Next(yaml.Length + 1);
                applied.Add($"truncate at {cut}");
                return yaml.Substring(0, cut);
        }
    }

    [Fact]
    public void PG0016_names_differing_only_in_case_are_a_located_error_and_the_first_still_generates()
    {
        var a = new InMemoryAdditionalText("/p/a.pipeline.yaml", Fixtures.TitanicSpec);
        var b = new InMemoryAdditionalText("/p/b.pipeline.yaml", Fixtures.TitanicSpec.Replace("name: Titanic", "name: titanic"));
        var driver = GeneratorHarness.NewDriver(new AdditionalText[]
        {
            a, b,
            new InMemoryAdditionalText("/p/obj/a.json", SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = a.Path })),
            new InMemoryAdditionalText("/p/obj/b.json", SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = b.Path })),
        }, new Dictionary<string, string> { ["/p/obj/a.json"] = "Schema", ["/p/obj/b.json"] = "Schema" });
        var run = GeneratorHarness.Run(driver, GeneratorHarness.NewCompilation("class X { }"));
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PG0016", d.Id);
        var span = d.Location.GetLineSpan();
        Assert.Equal(("/p/b.pipeline.yaml", 2, 6), (span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Contains("'titanic' differs only in case from 'Titanic'", d.GetMessage());
        var source = Assert.Single(run.Result.Results.Single().GeneratedSources);
        Assert.Equal("Titanic.PipelineGen.g.cs", source.HintName);
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Column_name_of_1000_characters_compiles_without_CS7013()
    {
        var columns = Fixtures.TitanicSchema.Columns.Append(new InferredColumn(new string('w', 1000), 11, "numeric", 0, 50, EquatableArray<string>.Empty));
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec, Fixtures.TitanicSchema with { Columns = columns.ToEquatableArray() });
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
    }

    [Theory]
    [InlineData("", "PG0120")]
    [InlineData("Label", "PG0122")]
    public void Unusable_column_names_are_build_errors_in_the_data_file(string columnName, string id)
    {
        var columns = Fixtures.TitanicSchema.Columns.Append(new InferredColumn(columnName, 11, "numeric", 0, 50, EquatableArray<string>.Empty));
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec, Fixtures.TitanicSchema with { Columns = columns.ToEquatableArray() });
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(Fixtures.TitanicSchema.DataPath, d.Location.GetLineSpan().Path);
        Assert.All(run.Result.Results.Single().GeneratedSources, s => Assert.Contains("NotGeneratedReason", s.SourceText.ToString()));
        Assert.Empty(run.CompileErrors);
    }
}
