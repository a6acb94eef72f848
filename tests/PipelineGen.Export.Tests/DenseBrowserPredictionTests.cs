namespace PipelineGen.Export.Tests;

/// <summary>The binary dense spec (Specs/dense-survival.pipeline.yaml) trained once.</summary>
public sealed class TrainedDenseSurvival : IDisposable
{
    public TempPipeline Pipeline { get; } = TempPipeline.Trained(new DenseSurvivalPipeline());
    public void Dispose() => Pipeline.Delete();
}

/// <summary>
/// The browser page of a dense model (issue 15): the joined graph (ML.NET's preparation + the network's own graph,
/// DenseNetworkExport) run by onnxruntime-web in headless Chromium predicts the held-out rows as ML.NET does. Same
/// harness and tolerance as <see cref="BrowserPredictionTests"/>.
/// </summary>
[Collection("browser")]
public sealed class DenseBrowserPredictionTests(TrainedDenseSurvival dense) : IClassFixture<TrainedDenseSurvival>
{
    [BrowserFact]
    public void Dense_binary_the_browser_predicts_held_out_rows_as_MLNET_does()
    {
        var run = BrowserPredictionTests.RunInBrowser(dense.Pipeline, "titanic-holdout.csv", leaveEmpty: "sex");
        for (int i = 0; i < run.MlNet.Count; i++)
        {
            var browser = run.Browser[i]!;
            BrowserPredictionTests.AssertClose(run.MlNet[i].Score[0], browser["Score"]!.GetValue<double>(), $"row {i + 1} Score");
            BrowserPredictionTests.AssertClose(run.MlNet[i].Probability!.Value, browser["Probability"]!.GetValue<double>(), $"row {i + 1} Probability");
            Assert.True(Equals(run.MlNet[i].PredictedLabel, browser["PredictedLabel"]!.GetValue<bool>()), $"row {i + 1}: ML.NET says {run.MlNet[i].PredictedLabel}, the browser {browser["PredictedLabel"]}");
        }
        Assert.Contains(run.MlNet, p => Equals(p.PredictedLabel, true));
        Assert.Contains(run.MlNet, p => Equals(p.PredictedLabel, false));
    }
}
