using System.Text.Json;

namespace PipelineGen.Export.Tests;

/// <summary>
/// The browser module's binary decision is predict's: <c>(float)Probability &gt;= (float)task.threshold</c>. JavaScript
/// compared the float32 probability with the double threshold, so at P = (float)0.7 = 0.699999988 the page said
/// negative while predict, serve and the device classes (which compare floats) said positive. The module is run in
/// Node.js against a stub of onnxruntime-web that returns the probabilities under test. Without a threshold the decision
/// is ML.NET's scorer's, <c>Score &gt; scoreThreshold</c> (model.json; ModelDecision), also compared as float32.
/// </summary>
public sealed class WebDecisionTests
{
    private const string Script = """
        const [dir, casesJson] = process.argv.slice(2);
        const { PipelineModel } = await import('file://' + dir + '/pipeline-model.js');
        const results = [];
        for (const c of JSON.parse(casesJson)) {
          const meta = { task: 'binary', threshold: c.threshold, scoreThreshold: c.scoreThreshold, inputs: [{ name: 'x', kind: 'numeric', tensorType: 'float32' }],
            outputs: [{ name: 'Score', graphName: 'Score.output' }, { name: 'Probability', graphName: 'Probability.output' }] };
          const session = { run: async () => ({ 'Score.output': { data: new Float32Array([c.score]) }, 'Probability.output': { data: new Float32Array([c.probability]) } }) };
          const [p] = await new PipelineModel(meta, session).predictRows([{ x: 1 }]);
          results.push(p.PredictedLabel);
        }
        console.log(JSON.stringify(results));
        """;


    [NodeFact]
    public void The_page_decides_at_the_float_threshold_as_predict_does()
    {
        // (float)0.7 < 0.7 and (float)0.3 > 0.3: both directions of the rounding, at and just below the float threshold.
        var cases = new List<(double? Threshold, float? ScoreThreshold, float Score, float Probability, bool Expected)>();
        foreach (var t in new[] { 0.7, 0.3 })
        {
            var at = (float)t;
            cases.Add((t, null, 0.5f, at, at >= (float)t));
            cases.Add((t, null, 0.5f, MathF.BitDecrement(at), MathF.BitDecrement(at) >= (float)t));
        }
        // Without a threshold, the model's own decision: Score > 0 for a model.json without scoreThreshold ...
        cases.Add((null, null, 0f, 0.5f, false));
        cases.Add((null, null, 1e-6f, 0.5f, true));
        // ... and Score > scoreThreshold, the float the exporter wrote (where out-of-fold Platt's Probability is 1/2):
        // a Score between it and 0 is positive, one at it is not (ML.NET's scorer: strictly above).
        const float moved = -0.90345293f;
        cases.Add((null, moved, -0.5f, 0.6f, true));
        cases.Add((null, moved, moved, 0.5f, false));
        cases.Add((null, moved, MathF.BitIncrement(moved), 0.5f, true));
        var json = JsonSerializer.Serialize(cases.Select(c => new { threshold = c.Threshold, scoreThreshold = c.ScoreThreshold, score = c.Score, probability = c.Probability }));

        var (code, output) = WebModuleScript.Run(Script, json);
        Assert.True(code == 0, output);
        var labels = JsonSerializer.Deserialize<bool[]>(output.Trim().Split('\n')[^1])!;
        for (int i = 0; i < cases.Count; i++)
            Assert.True(cases[i].Expected == labels[i], $"threshold {cases[i].Threshold}, P = {cases[i].Probability:R}: predict says {cases[i].Expected}, the page {labels[i]}");
    }
}
