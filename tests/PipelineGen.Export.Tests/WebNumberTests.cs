using System.Text.Json;

namespace PipelineGen.Export.Tests;

/// <summary>
/// The browser module reads a numeric field as predict and serve read it. It used JavaScript's <c>Number()</c>, which
/// takes '0x10' (16), '0b1010' (10) and 'Infinity', and fed 1e39 to a float32 tensor as Infinity: the page scored those
/// rows while predict refuses the cell ("'0x10' is not a number", "'Infinity' is an infinite number") and serve the
/// field. The module runs in Node.js against a stub of onnxruntime-web that records the value fed to the model.
/// </summary>
public sealed class WebNumberTests
{
    private const string Script = """
        const [dir, casesJson] = process.argv.slice(2);
        const { PipelineModel } = await import('file://' + dir + '/pipeline-model.js');
        const meta = { task: 'regression', inputs: [{ name: 'x', kind: 'numeric', tensorType: 'float32' }],
          outputs: [{ name: 'Score', graphName: 'Score.output' }] };
        let fed;
        const session = { run: async feeds => { fed = feeds.x.data[0]; return { 'Score.output': { data: new Float32Array([0]) } }; } };
        const model = new PipelineModel(meta, session);
        const results = [];
        for (const c of JSON.parse(casesJson)) {
          const value = c.infinity ? Infinity : c.value;
          try { await model.predictRows([{ x: value }]); results.push(Number.isNaN(fed) ? 'missing' : String(fed)); }
          catch (e) { results.push(e.name); }
        }
        console.log(JSON.stringify(results));
        """;


    [NodeFact]
    public void A_numeric_field_is_read_as_a_decimal_number_the_float_can_hold()
    {
        // (value sent, what the model must be fed: the float, "missing" (NaN), or the error the row must raise)
        var cases = new (object? Value, bool Infinity, string Expected)[]
        {
            (" 12 ", false, "12"), ("1.5e2", false, "150"), (".5", false, "0.5"), ("-3.", false, "-3"), (7.25, false, "7.25"),
            (null, false, "missing"), ("", false, "missing"),
            ("0x10", false, "FieldValueError"), ("0b1010", false, "FieldValueError"), ("0o17", false, "FieldValueError"),
            ("Infinity", false, "FieldValueError"), ("-Infinity", false, "FieldValueError"), ("1e39", false, "FieldValueError"),
            (1e39, false, "FieldValueError"), (null, true, "FieldValueError"), ("1_000", false, "FieldValueError"),
            ("12abc", false, "FieldValueError"), (true, false, "FieldValueError"),
        };
        var json = JsonSerializer.Serialize(cases.Select(c => new { value = c.Value, infinity = c.Infinity }));

        var (code, output) = WebModuleScript.Run(Script, json);
        Assert.True(code == 0, output);
        var fed = JsonSerializer.Deserialize<string[]>(output.Trim().Split('\n')[^1])!;
        for (int i = 0; i < cases.Length; i++)
            Assert.True(cases[i].Expected == fed[i], $"x = {(cases[i].Infinity ? "Infinity" : JsonSerializer.Serialize(cases[i].Value))}: expected {cases[i].Expected}, the page gave {fed[i]}");
    }
}
