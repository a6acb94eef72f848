using Microsoft.CodeAnalysis;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Diagnostics;

/// <summary>Spec mistakes surface as compiler diagnostics located in the YAML file; broken input never crashes the generator.</summary>
public class DiagnosticTests
{
    private const string SpecPath = "/specs/binary/pipeline.yaml";

    [Fact]
    public void Spec_error_is_a_compiler_error_at_the_yaml_line_and_column()
    {
        var yaml = Fixtures.TitanicSpec.Replace("trainer: lightgbm", "trainer: lightgmb");
        var run = GeneratorHarness.Run(SpecPath, yaml, Fixtures.TitanicSchema);
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PG0201", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        var span = d.Location.GetLineSpan();
        Assert.Equal(SpecPath, span.Path);
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("lightgmb"));
        Assert.Equal(line, span.StartLinePosition.Line);
        Assert.Equal(yaml.Split('\n')[line].IndexOf("lightgmb", StringComparison.Ordinal), span.StartLinePosition.Character);
        Assert.Contains("Did you mean 'lightgbm'?", d.GetMessage());
        // Only stand-in types are emitted for a spec with errors (members throw), so user code that names them compiles
        // and the user sees the real error, not a cascade of missing types.
        var standIn = Assert.Single(run.Result.Results.Single().GeneratedSources);
        Assert.Contains("NotGeneratedReason", standIn.SourceText.ToString());
    }

    [Fact]
    public void Data_file_diagnostic_from_the_build_tool_is_reported_in_the_data_file()
    {
        var ragged = SpecDiagnostics.RaggedRow.Create("/specs/binary/titanic.csv", SourceSpan.At(42, 17), 12, 11);
        var schema = Fixtures.TitanicSchema with { Diagnostics = new[] { ragged }.ToEquatableArray() };
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec, schema);
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PG0303", d.Id);
        var span = d.Location.GetLineSpan();
        Assert.Equal(("/specs/binary/titanic.csv", 41, 16), (span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
    }

    [Fact]
    public void PG0305_without_a_schema_emits_only_stand_in_types_and_warns()
    {
        var run = GeneratorHarness.Run(SpecPath, Fixtures.TitanicSpec, schema: null);
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(("PG0305", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        var standIn = Assert.Single(run.Result.Results.Single().GeneratedSources);
        Assert.Contains("PG0305", standIn.SourceText.ToString());
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void PG0006_duplicate_pipeline_names_across_specs()
    {
        var a = new InMemoryAdditionalText("/p/a.pipeline.yaml", Fixtures.IrisSpec);
        var b = new InMemoryAdditionalText("/p/b.pipeline.yaml", Fixtures.IrisSpec);
        var schemaA = new InMemoryAdditionalText("/p/obj/a.json", SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = "/p/a.pipeline.yaml" }));
        var schemaB = new InMemoryAdditionalText("/p/obj/b.json", SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = "/p/b.pipeline.yaml" }));
        var driver = GeneratorHarness.NewDriver(new AdditionalText[] { a, b, schemaA, schemaB },
            new Dictionary<string, string> { ["/p/obj/a.json"] = "Schema", ["/p/obj/b.json"] = "Schema" });
        var run = GeneratorHarness.Run(driver, GeneratorHarness.NewCompilation("class X { }"));
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PG0006", d.Id);
        Assert.Equal("/p/b.pipeline.yaml", d.Location.GetLineSpan().Path);
        // The first spec still generates, once: no duplicate hint names, no CS0101.
        Assert.Single(run.Result.Results.Single().GeneratedSources);
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Two_specs_with_different_names_both_generate()
    {
        var a = new InMemoryAdditionalText("/p/iris.pipeline.yaml", Fixtures.IrisSpec);
        var b = new InMemoryAdditionalText("/p/titanic.pipeline.yaml", Fixtures.TitanicSpec);
        var driver = GeneratorHarness.NewDriver(new AdditionalText[]
        {
            a, b,
            new InMemoryAdditionalText("/p/obj/1.json", SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = a.Path })),
            new InMemoryAdditionalText("/p/obj/2.json", SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = b.Path })),
        }, new Dictionary<string, string> { ["/p/obj/1.json"] = "Schema", ["/p/obj/2.json"] = "Schema" });
        var run = GeneratorHarness.Run(driver, GeneratorHarness.NewCompilation("class X { }"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(2, run.Result.Results.Single().GeneratedSources.Length);
        Assert.Empty(run.CompileErrors);
    }

    /// <summary>Broken specs and schemas of every kind: each yields located PG diagnostics, never an exception (CS8785) or PG9999.</summary>
    public static TheoryData<string, string> BrokenCorpus()
    {
        var s = Fixtures.TitanicSpec;
        var data = new TheoryData<string, string>();
        void Add(string name, string yaml) => data.Add(name, yaml);
        Add("empty", "");
        Add("only comment", "# nothing here\n");
        Add("scalar document", "just a string");
        Add("list document", "- a\n- b\n");
        Add("tab indentation", s.Replace("  kind: binary", "\tkind: binary"));
        Add("unclosed quote", s.Replace("label: survived", "label: \"survived"));
        Add("unclosed flow mapping", s.Replace("name: { type: text }", "name: { type: text"));
        Add("unclosed flow sequence", s + "\n  features: [age, sex\n");
        Add("alias", s + "\nmetric: *ref\n");
        Add("anchor and alias", "version: 1\nname: &n Titanic\ntask: { kind: binary, label: *n }\ndata: { train: x.csv }\n");
        Add("two documents", s + "\n---\nversion: 1\n");
        Add("mapping key", "? [a, b]\n: c\n" + s);
        Add("null sections", "version: 1\nname: X\ntask:\ndata:\n");
        Add("task is a list", s.Replace("task:\n  kind: binary\n  label: survived", "task: [binary, survived]"));
        Add("columns is a list", s.Replace("  columns:\n", "  columns: [a]\n  cols:\n"));
        Add("huge number", s.Replace("folds: 3", "folds: 99999999999999999999"));
        Add("negative", s.Replace("folds: 3", "folds: -3"));
        Add("nan param", s.Replace("leaves: 8", "leaves: .nan"));
        Add("infinite param", s.Replace("leaves: 8", "leaves: .inf"));
        Add("bool as number", s.Replace("leaves: 8", "leaves: true"));
        Add("unknown column everywhere", s.Replace("name: { type: text }", "nmae: { type: text }").Replace("label: survived", "label: survivd"));
        Add("version string", s.Replace("version: 1", "version: one"));
        Add("version 2", s.Replace("version: 1", "version: 2"));
        Add("name with spaces", s.Replace("name: Titanic", "name: My Model"));
        Add("name keyword-ish", s.Replace("name: Titanic", "name: 123"));
        Add("params list", s.Replace("  params:\n    leaves: 8\n    iterations: 30\n    min_examples_per_leaf: 5", "  params: [1, 2]"));
        Add("tune trainers scalar", s + "\ntune: { trials: 5, trainers: 3 }\n"); // (tune without space is valid: the default space)
        Add("tune space scalar", s + "\ntune: { space: 3 }\n");
        Add("tune dim empty", s + "\ntune:\n  space:\n    leaves: {}\n");
        Add("tune unknown param", s + "\ntune:\n  space:\n    depth: { min: 1, max: 3 }\n");
        Add("deep nonsense", s + "\ndeploy: { rest: { port: { a: [1, { b: 2 }] } } }\n");
        Add("unicode", s.Replace("label: survived", "label: überlebt 🚢"));
        Add("control chars", s.Replace("label: survived", "label: \"surv\\u0000ived\""));
        Add("duplicate keys nested", s.Replace("  kind: binary\n", "  kind: binary\n  kind: regression\n"));
        Add("very long line", s.Replace("label: survived", "label: " + new string('x', 20000)));
        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenCorpus))]
    public void Broken_specs_give_located_diagnostics_and_never_crash(string name, string yaml)
    {
        var run = GeneratorHarness.Run(SpecPath, yaml, Fixtures.TitanicSchema);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "PG9999" or "CS8785");
        Assert.NotEmpty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        foreach (var d in run.GeneratorDiagnostics)
        {
            Assert.StartsWith("PG", d.Id);
            var span = d.Location.GetLineSpan();
            Assert.True(span.Path == SpecPath, $"{name}: {d} is not located in the spec");
            Assert.True(span.StartLinePosition.Line >= 0, name);
        }
        Assert.Empty(run.CompileErrors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"format\": \"1\", \"columns\": [ { \"name\": 3, \"index\": \"x\" } ]}")]
    [InlineData("{\"format\": \"99\"}")]
    [InlineData("[1, 2, 3]")]
    public void Corrupt_schema_files_are_treated_as_not_inferred(string schemaText)
    {
        var spec = new InMemoryAdditionalText(SpecPath, Fixtures.TitanicSpec);
        var schema = new InMemoryAdditionalText("/specs/binary/obj/s.json", schemaText);
        var driver = GeneratorHarness.NewDriver(new AdditionalText[] { spec, schema }, new Dictionary<string, string> { ["/specs/binary/obj/s.json"] = "Schema" });
        var run = GeneratorHarness.Run(driver, GeneratorHarness.NewCompilation("class X { }"));
        Assert.Equal("PG0305", Assert.Single(run.GeneratorDiagnostics).Id);
    }
}

/// <summary>Data with awkward column names still yields code that compiles: names are escaped and properties are valid and unique.</summary>
public class AwkwardColumnNameTests
{
    [Fact]
    public void Quotes_backslashes_line_separators_unicode_and_clashing_names_compile()
    {
        var names = new[] { "say \"hi\"", "back\\slash", "line\u2028sep", "ünïcödé", "TitanicInput", "Equals", "2nd", "Sex", "sex " };
        var columns = Fixtures.TitanicSchema.Columns.ToList();
        for (var i = 0; i < names.Length; i++)
            columns.Add(new InferredColumn(names[i], 11 + i, i % 2 == 0 ? "numeric" : "categorical", 0, 3, EquatableArray<string>.Empty));
        var schema = Fixtures.TitanicSchema with { Columns = columns.ToEquatableArray() };
        var run = GeneratorHarness.Run("/specs/binary/pipeline.yaml", Fixtures.TitanicSpec, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var source = run.Source("Titanic.PipelineGen.g.cs");
        Assert.Contains("ML::Data.ColumnName(\"say \\\"hi\\\"\")]", source);
        Assert.Contains("line\\u2028sep", source);
    }
}
