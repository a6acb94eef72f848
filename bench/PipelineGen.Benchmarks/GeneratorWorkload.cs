using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

using PipelineGen.Generator.Tests.Harness;

namespace PipelineGen.Benchmarks;

/// <summary>
/// What the compiler does in `dotnet build` for a project with one spec, with and without the generator: parse the
/// user's code, (run the generator,) bind and emit. Baseline: the same user code compiled with no generator.
/// </summary>
internal sealed class GeneratorWorkload
{
    private readonly string[] userSources;
    private readonly List<AdditionalText> files;
    private readonly Dictionary<string, string> kinds;
    private readonly string specPath;
    private readonly string specText;

    // Warm state: a compilation and a driver that has already run once over it, as in a long-lived compiler server.
    private CSharpCompilation warmCompilation = null!;
    private GeneratorDriver warmDriver = null!;
    private SyntaxTree editedTree = null!;
    private int editCounter;

    public GeneratorWorkload()
    {
        var c = BenchCases.GeneratorCase;
        // The schema is not read back here: first-run-generator measures the spec library's first YAML read in the process.
        var (spec, schemaPath, schemaText) = BenchCases.Prepare(c, checkSchema: false);
        specPath = spec;
        specText = c.Spec;
        (files, kinds) = BenchCases.AdditionalFiles(specPath, specText, schemaPath, schemaText);
        userSources = UserCode.Files;
        _ = GeneratorHarness.References.Value; // metadata read once, as the compiler server caches it
    }

    public int UserLines => userSources.Sum(s => s.Split('\n').Length);

    /// <summary>The generator's output for this spec, to compile as if it were a hand-written file (no generator).</summary>
    public string GeneratedSource { get; private set; } = "";

    /// <summary>The same code the generator produces, written by hand: what the compiler pays for the pipeline code itself.</summary>
    public byte[] ColdWithGeneratedCodeAsFile() => GeneratorHarness.EmitOrThrow(GeneratorHarness.NewCompilation(userSources.Append(GeneratedSource)));

    public byte[] ColdWithoutGenerator() => GeneratorHarness.EmitOrThrow(GeneratorHarness.NewCompilation(userSources));

    public byte[] ColdWithGenerator()
    {
        var compilation = GeneratorHarness.NewCompilation(userSources);
        var driver = GeneratorHarness.NewDriver(files, kinds).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(driver, diagnostics);
        return GeneratorHarness.EmitOrThrow(output);
    }

    /// <summary>The generator alone on a new driver (parse of its output included, no emit).</summary>
    public GeneratorDriver ColdGeneratorOnly()
    {
        var driver = GeneratorHarness.NewDriver(files, kinds).RunGeneratorsAndUpdateCompilation(warmCompilation, out _, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(driver, diagnostics);
        return driver;
    }

    /// <summary>The trivial control generator on a new driver over a new compilation (no emit).</summary>
    public void ControlGeneratorOnly()
    {
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { new ControlGenerator().AsSourceGenerator() }, files, GeneratorHarness.ParseOptions, new TestOptionsProvider(kinds, "BenchApp"),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.NewCompilation(userSources), out _, out _);
    }

    public void SetUpWarm()
    {
        warmCompilation = GeneratorHarness.NewCompilation(userSources);
        editedTree = warmCompilation.SyntaxTrees.First();
        warmDriver = GeneratorHarness.NewDriver(files, kinds).RunGeneratorsAndUpdateCompilation(warmCompilation, out _, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(warmDriver, diagnostics);
        GeneratedSource = warmDriver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
    }

    /// <summary>The user edits a method body in a file unrelated to the spec: a new compilation that differs in one tree.</summary>
    public CSharpCompilation NextCodeEdit()
    {
        var n = ++editCounter;
        var text = editedTree.GetText().ToString().Replace("return total;", $"return total + {n % 7};");
        return warmCompilation.ReplaceSyntaxTree(editedTree, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: editedTree.FilePath));
    }

    public byte[] WarmCodeEditWithoutGenerator() => GeneratorHarness.EmitOrThrow(NextCodeEdit());

    public byte[] WarmCodeEditWithGenerator()
    {
        warmDriver = warmDriver.RunGeneratorsAndUpdateCompilation(NextCodeEdit(), out var output, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(warmDriver, diagnostics);
        return GeneratorHarness.EmitOrThrow(output);
    }

    public GeneratorDriver WarmCodeEditGeneratorOnly()
    {
        warmDriver = warmDriver.RunGeneratorsAndUpdateCompilation(NextCodeEdit(), out _, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(warmDriver, diagnostics);
        return warmDriver;
    }

    /// <summary>A comment-only edit of the spec: the compiler reruns (an AdditionalFile changed) but the user's code did not.</summary>
    private GeneratorDriver NextCommentEdit()
    {
        var n = ++editCounter;
        var old = files[0];
        var edited = new InMemoryAdditionalText(specPath, $"# edit {n}\n" + specText);
        files[0] = edited;
        return warmDriver.ReplaceAdditionalText(old, edited);
    }

    public byte[] YamlCommentEditWithoutGenerator() => GeneratorHarness.EmitOrThrow((CSharpCompilation)warmCompilation.Clone());

    public byte[] YamlCommentEditWithGenerator()
    {
        warmDriver = NextCommentEdit().RunGeneratorsAndUpdateCompilation(warmCompilation.Clone(), out var output, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(warmDriver, diagnostics);
        return GeneratorHarness.EmitOrThrow(output);
    }

    public GeneratorDriver YamlCommentEditGeneratorOnly()
    {
        warmDriver = NextCommentEdit().RunGeneratorsAndUpdateCompilation(warmCompilation, out _, out var diagnostics);
        GeneratorHarness.ThrowOnGeneratorFailure(warmDriver, diagnostics);
        return warmDriver;
    }
}

/// <summary>A small but real application's code (about 1,000 lines in 8 files) that does not use the generated types, so it also compiles without the generator.</summary>
internal static class UserCode
{
    public static readonly string[] Files = Enumerable.Range(0, 8).Select(File).ToArray();

    private static string File(int index)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Globalization;\n");
        sb.AppendLine($"namespace BenchApp.Area{index};\n");
        for (var k = 0; k < 6; k++)
        {
            sb.AppendLine($$"""
                public sealed record Order{{k}}(int Id, string Customer, decimal Amount, DateTime When);

                public sealed class OrderService{{k}}
                {
                    private readonly List<Order{{k}}> orders = new();
                    private readonly Dictionary<string, decimal> totals = new(StringComparer.Ordinal);

                    public void Add(Order{{k}} order)
                    {
                        if (order.Amount < 0) throw new ArgumentOutOfRangeException(nameof(order), "negative amount");
                        orders.Add(order);
                        totals[order.Customer] = totals.TryGetValue(order.Customer, out var t) ? t + order.Amount : order.Amount;
                    }

                    public decimal Total(string customer)
                    {
                        decimal total = 0;
                        foreach (var o in orders.Where(o => o.Customer == customer)) total += o.Amount;
                        return total;
                    }

                    public IEnumerable<(string Customer, decimal Total)> Top(int n) =>
                        totals.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(n).Select(kv => (kv.Key, kv.Value));

                    public string Report() => string.Join(Environment.NewLine,
                        orders.GroupBy(o => o.When.Date).OrderBy(g => g.Key)
                              .Select(g => $"{g.Key:yyyy-MM-dd}: {g.Count()} orders, {g.Sum(o => o.Amount).ToString("F2", CultureInfo.InvariantCulture)}"));
                }
                """);
        }
        return sb.ToString();
    }
}
