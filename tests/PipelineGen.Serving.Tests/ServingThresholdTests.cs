using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.ML;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// The service answers what <c>predict</c> answers for the same rows: the same probabilities, and labels decided at the
/// spec's <c>task.threshold</c> (ML.NET's engine decides at score 0, i.e. P = 0.5; before this was applied, every row with
/// P in [threshold, 0.5) was served as negative while <c>predict</c> called it positive).
/// </summary>
public sealed class ServingThresholdTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(0.7)]
    public async Task Served_labels_and_probabilities_equal_predicts_on_the_same_file(double threshold)
    {
        await using var host = await ServingHost.StartAsync(threshold: threshold);
        var test = Path.Combine(host.Project, "titanic_test.csv");
        var csvOut = Path.Combine(host.Project, "titanic_test.predictions.csv");
        PredictStep.PredictCsv(new MLContext(seed: 1), host.Pipeline, test, csvOut);
        var expected = File.ReadAllLines(csvOut).Skip(1).Select(line => line.Split(',')).Select(c => (Label: bool.Parse(c[^3]), Probability: float.Parse(c[^1], CultureInfo.InvariantCulture))).ToArray();

        using var response = await host.PostJsonAsync("/predict/batch", "[" + string.Join(",", File.ReadAllLines(test).Skip(1).Select(RowJson)) + "]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = (await ServingHost.JsonOf(response)).GetProperty("predictions").EnumerateArray()
            .Select(p => (Label: p.GetProperty("predictedLabel").GetBoolean(), Probability: p.GetProperty("probability").GetSingle())).ToArray();

        Assert.Equal(expected.Length, served.Length);
        for (int i = 0; i < served.Length; i++)
        {
            Assert.Equal(expected[i].Probability, served[i].Probability, 1e-6f);
            Assert.True(expected[i].Label == served[i].Label, $"row {i}: P = {served[i].Probability}, threshold {threshold}: predict says {expected[i].Label}, the service {served[i].Label}");
        }
        // The threshold must decide some rows differently from P >= 0.5, or this test would not tell the two apart.
        Assert.Contains(served, p => (p.Probability >= threshold) != (p.Probability >= 0.5f));

        // One row at a time gives the same decision as the batch.
        var between = Array.FindIndex(served, p => (p.Probability >= threshold) != (p.Probability >= 0.5f));
        using var single = await host.PostJsonAsync("/predict", RowJson(File.ReadAllLines(test)[between + 1]));
        Assert.Equal(served[between].Label, (await ServingHost.JsonOf(single)).GetProperty("prediction").GetProperty("predictedLabel").GetBoolean());
    }

    // survived,pclass,sex,age,sibsp,parch,fare,embarked -> a JSON row (empty cells are null; the label is left out).
    private static string RowJson(string line)
    {
        var c = line.Split(',');
        string Number(string s) => s.Length == 0 ? "null" : s;
        string Text(string s) => s.Length == 0 ? "null" : $"\"{s}\"";
        return new StringBuilder("{").Append($"\"pclass\": {Number(c[1])}, \"sex\": {Text(c[2])}, \"age\": {Number(c[3])}, \"sibsp\": {Number(c[4])}, ")
            .Append($"\"parch\": {Number(c[5])}, \"fare\": {Number(c[6])}, \"embarked\": {Text(c[7])}").Append('}').ToString();
    }
}
