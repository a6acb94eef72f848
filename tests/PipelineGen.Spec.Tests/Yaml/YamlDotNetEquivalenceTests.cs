using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Yaml;
using Xunit.Abstractions;

namespace PipelineGen.Spec.Tests.Yaml;

/// <summary>
/// The hand-written <see cref="PlainYamlReader"/> must return either null (YamlDotNet then reads the text) or exactly what
/// the YamlDotNet path returns: the same tree, values, IsQuoted flags, every span and no diagnostics. Checked over every
/// YAML file and YAML snippet in the repository, schema files the build writes, and a seeded corpus of generated documents
/// with mutations outside the subset. The fast path must also actually handle the examples and templates.
/// </summary>
public class YamlDotNetEquivalenceTests(ITestOutputHelper output)
{
    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PipelineGen.sln"))) return dir.FullName;
            throw new InvalidOperationException("PipelineGen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Null, or equal to the YamlDotNet path's result; returns whether the fast path handled the text.</summary>
    private static bool AssertNullOrEqual(string text, string what)
    {
        // As YamlTreeParser.Parse does before either reader sees the text.
        if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);
        YamlTreeParser.Result? fast;
        try { fast = PlainYamlReader.TryRead(text); }
        catch (Exception ex) { throw new Xunit.Sdk.XunitException($"{what}: the fast reader threw {ex}\n--- text ---\n{text}"); }
        YamlTreeParser.Result slow;
        try { slow = YamlDotNetReader.Read(text, "spec.yaml"); }
        catch (Exception ex)
        {
            // Parse would throw on this text; the fast path must not answer it differently.
            Assert.True(fast is null, $"{what}: YamlDotNet threw {ex.GetType().Name} but the fast path returned a tree\n--- text ---\n{text}");
            return false;
        }
        if (fast is null) return false;
        if (!fast.Equals(slow))
            Assert.Fail($"{what}: fast path differs from YamlDotNet's\n--- text ---\n{text}\n--- YamlDotNet ---\n{Dump(slow)}\n--- fast ---\n{Dump(fast)}");
        return true;
    }

    private static string Dump(YamlTreeParser.Result r)
    {
        var sb = new StringBuilder();
        foreach (var d in r.Diagnostics) sb.Append("diag ").Append(d.Id).Append(' ').Append(d.Span).Append(' ').Append(d.Message).Append('\n');
        void Node(YNode? n, int depth)
        {
            var pad = new string(' ', depth * 2);
            switch (n)
            {
                case null: sb.Append(pad).Append("(null)\n"); break;
                case YScalar s: sb.Append(pad).Append(s.IsQuoted ? "quoted " : "plain ").Append(Escape(s.Value)).Append(' ').Append(s.Span).Append('\n'); break;
                case YSequence q:
                    sb.Append(pad).Append("seq ").Append(q.Span).Append('\n');
                    foreach (var i in q.Items) Node(i, depth + 1);
                    break;
                case YMapping m:
                    sb.Append(pad).Append("map ").Append(m.Span).Append('\n');
                    foreach (var e in m.Entries) { Node(e.Key, depth + 1); Node(e.Value, depth + 2); }
                    break;
            }
        }
        Node(r.Root, 0);
        return sb.ToString();
    }

    private static string Escape(string s) =>
        "\"" + string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";

    /// <summary>Every YAML file under the repository's source folders, and every ```yaml block in its Markdown.</summary>
    private static IEnumerable<(string Name, string Text)> RepositoryYaml()
    {
        var root = RepoRoot;
        bool Skip(string path) => path.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".git" or "node_modules");
        foreach (var folder in new[] { "tests", "examples", "templates", "bench", "src", "docs", "schemas" })
        {
            var dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*.*", SearchOption.AllDirectories).Where(f => !Skip(f)).Order(StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(root, file);
                if (file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal))
                    yield return (rel, File.ReadAllText(file));
            }
        }
        // Specs written inline in the tests (C# raw string literals that look like YAML), with the literal's indentation removed.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories).Where(f => !Skip(f)).Order(StringComparer.Ordinal))
        {
            var n = 0;
            foreach (Match m in Regex.Matches(File.ReadAllText(file), "\"\"\"\n(.*?)\n([ ]*)\"\"\"", RegexOptions.Singleline))
            {
                var indent = m.Groups[2].Value.Length;
                var lines = m.Groups[1].Value.Split('\n').Select(l => l.Length >= indent && l.Take(indent).All(c => c == ' ') ? l.Substring(indent) : l.TrimStart(' '));
                var yaml = string.Join('\n', lines) + "\n";
                if (yaml.Contains(": ", StringComparison.Ordinal) && !yaml.Contains('{' + "{", StringComparison.Ordinal))
                    yield return ($"{Path.GetRelativePath(root, file)} raw string {++n}", yaml);
            }
        }
        var markdown = Directory.EnumerateFiles(root, "*.md", SearchOption.TopDirectoryOnly)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "templates"), "*.md", SearchOption.AllDirectories))
            .Where(f => !Skip(f)).Order(StringComparer.Ordinal);
        foreach (var file in markdown)
        {
            var n = 0;
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"```ya?ml[^\n]*\n(.*?)```", RegexOptions.Singleline))
                yield return ($"{Path.GetRelativePath(root, file)} yaml block {++n}", m.Groups[1].Value);
        }
    }

    [Fact]
    public void Every_YAML_file_and_snippet_in_the_repository_reads_the_same_or_falls_back()
    {
        var all = RepositoryYaml().ToList();
        Assert.True(all.Count >= 20, $"expected the repository's YAML files, found {all.Count}");
        var handled = new List<string>();
        var declined = new List<string>();
        foreach (var (name, text) in all)
            (AssertNullOrEqual(text, name) ? handled : declined).Add(name);
        output.WriteLine($"fast path handled {handled.Count} of {all.Count} repository YAML texts; declined: {string.Join(", ", declined)}");

        // The point of the fast path: every example and template spec must take it, or YamlDotNet is loaded after all.
        var mustHandle = all.Where(f => f.Name.StartsWith("examples", StringComparison.Ordinal) || f.Name.StartsWith("templates", StringComparison.Ordinal))
            .Where(f => f.Name.EndsWith(".yaml", StringComparison.Ordinal)).Select(f => f.Name).ToList();
        Assert.NotEmpty(mustHandle);
        Assert.Empty(mustHandle.Except(handled));
    }

    [Fact]
    public void Schema_files_the_build_writes_read_the_same_and_take_the_fast_path()
    {
        var columns = new[]
        {
            new InferredColumn("age", 0, "numeric", 3, 40, EquatableArray<string>.Empty),
            new InferredColumn("plan \"pro\"", 1, "categorical", 0, 4, new[] { "basic", "pro\\x", "tab\there", "é ü", "line\nbreak", "" }.ToEquatableArray()),
            new InferredColumn("notes", 2, "text", 5, 110, EquatableArray<string>.Empty),
        }.ToEquatableArray();
        var diagnostics = new[] { new DiagnosticInfo("PG0301", Severity.Warning, "a 'quoted' message: with colon", "/p/data.csv", new SourceSpan(3, 1, 3, 9, 40, 48)) }
            .ToEquatableArray();
        var schemas = new[]
        {
            new InferredSchema("/p/pipeline.yaml", "/p/data.csv", 120, true, columns, diagnostics),
            new InferredSchema("/p/pipeline.yaml", "/p/data.csv", 0, false, EquatableArray<InferredColumn>.Empty, EquatableArray<DiagnosticInfo>.Empty),
        };
        foreach (var schema in schemas)
        {
            var json = SchemaFile.Write(schema);
            Assert.True(AssertNullOrEqual(json, "schema file"), "the fast path declined a schema file:\n" + json);
            Assert.Equal(schema, SchemaFile.Read(json));
        }
    }

    [Fact]
    public void A_generated_corpus_of_valid_and_broken_documents_reads_the_same_or_falls_back()
    {
        // PG_YAML_SEED=n draws a different corpus locally (the default seed keeps the test reproducible).
        var rng = new Random(int.TryParse(Environment.GetEnvironmentVariable("PG_YAML_SEED"), out var seed) ? seed : 20261130);
        var total = 0;
        var handled = 0;
        var handledUnmutated = 0;
        var unmutated = 0;
        // PG_YAML_CORPUS=n explores a larger corpus locally; the default keeps the test to a few seconds.
        var size = int.TryParse(Environment.GetEnvironmentVariable("PG_YAML_CORPUS"), out var n) ? n : 6000;
        for (var i = 0; i < size; i++)
        {
            var doc = CorpusGenerator.Document(rng);
            var mutated = rng.Next(3) != 0;
            if (mutated) doc = CorpusGenerator.Mutate(doc, rng);
            else unmutated++;
            total++;
            if (AssertNullOrEqual(doc, $"corpus document {i}{(mutated ? " (mutated)" : "")}"))
            {
                handled++;
                if (!mutated) handledUnmutated++;
            }
        }
        output.WriteLine($"generated corpus: fast path handled {handled} of {total} documents ({handledUnmutated} of {unmutated} unmutated)");
        // Not vacuous: most documents drawn from the subset's grammar must take the fast path, and some broken ones must not.
        Assert.True(handledUnmutated > unmutated * 6 / 10, $"fast path handled only {handledUnmutated} of {unmutated} unmutated documents");
        Assert.True(handled < total, "every mutated document took the fast path");
    }

    [Theory]
    [InlineData("a: 1\nb:\n  c: [x, 'y', \"z\"]\n  d: { e: 1, f: [] }\nl:\n- p: 1\n  q: 2\n- r\n")]
    [InlineData("---\nkey:   # nothing\nother: -0.5  # comment\n")]
    [InlineData("a: 1\r\nb:\r\n  - x\r\n  - \"\\u00e9\\x41\\t\"\r\n")]
    [InlineData("{\n  \"a\": [1, 2],\n  \"b\": {},\n  \"c\": []\n}")]
    [InlineData("# only a comment\n")]
    [InlineData("")]
    public void Subset_samples_take_the_fast_path_and_match(string yaml) =>
        Assert.True(AssertNullOrEqual(yaml, "sample"), "fast path declined:\n" + yaml);

    [Theory]
    [InlineData("a: |\n  text\n")]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("a: 1\na: 2\n")]
    [InlineData("a: b: c\n")]
    [InlineData("- - x\n")]
    [InlineData("a: x\n  y\n")]
    [InlineData("a: \"x\n  y\"\n")]
    [InlineData("a:\n\tb: 1\n")]
    [InlineData("? a\n: b\n")]
    [InlineData("a: 1\n...\n")]
    [InlineData("a: 1\n---\nb: 2\n")]
    [InlineData("%YAML 1.2\n---\na: 1\n")]
    [InlineData("a: [1,\n  2]\n")]
    [InlineData("a:\n  b: 1\n c: 2\n")]
    public void Outside_the_subset_the_fast_path_declines(string yaml)
    {
        Assert.Null(PlainYamlReader.TryRead(yaml));
        // Parse then gives YamlDotNet's answer (a tab is re-reported at its own position by Parse, so compare without one).
        if (!yaml.Contains('\t')) Assert.Equal(YamlDotNetReader.Read(yaml, "spec.yaml"), YamlTreeParser.Parse(yaml, "spec.yaml"));
    }

    /// <summary>The reason the fast path exists: reading an ordinary spec must not load YamlDotNet. The spec library is
    /// loaded into its own load context, which records every assembly it is asked for; the anchor spec shows the
    /// recording works (the YamlDotNet path does ask for it).</summary>
    [Theory]
    [InlineData("version: 1\nname: X\ntask: { kind: binary, label: y }\ndata:\n  train: d.csv\n  columns:\n    a: { type: text }\n", false)]
    [InlineData("version: 1\nname: &n X\n", true)]
    public void An_ordinary_spec_is_read_without_loading_YamlDotNet(string yaml, bool expectYamlDotNet)
    {
        var context = new RecordingContext(Path.GetDirectoryName(typeof(YamlTreeParser).Assembly.Location)!);
        try
        {
            var spec = context.LoadFromAssemblyName(new AssemblyName("PipelineGen.Spec"));
            var parse = spec.GetType("PipelineGen.Spec.Yaml.YamlTreeParser", throwOnError: true)!.GetMethod("Parse")!;
            var result = parse.Invoke(null, new object[] { yaml, "pipeline.yaml", YamlTreeParser.MaxDocumentBytes });
            Assert.NotNull(result);
            Assert.Equal(expectYamlDotNet, context.Requested.Contains("YamlDotNet"));
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class RecordingContext(string directory) : AssemblyLoadContext(isCollectible: true)
    {
        public readonly List<string> Requested = new();

        protected override Assembly? Load(AssemblyName name)
        {
            Requested.Add(name.Name!);
            var path = Path.Combine(directory, name.Name + ".dll");
            return name.Name is "PipelineGen.Spec" or "YamlDotNet" && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
