using System.Net;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// What the faster binding (UTF-8 name matching in column order, one read per value for both setting and checking, row
/// paths built only when reported) and drift sampling (Algorithm L) must keep: the same rows, warnings and errors.
/// </summary>
public sealed class ServingHotPathTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Properties_in_any_order_escaped_or_in_another_case_bind_to_the_same_prediction()
    {
        using var plain = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        // Reversed order, "f\u0061re" is "fare" escaped, "SEX" differs only in case.
        using var shuffled = await _host.PostJsonAsync("/predict", """{"embarked": "S", "f\u0061re": 7.25, "parch": 0, "sibsp": 1, "age": 22, "SEX": "male", "pclass": 3}""");
        Assert.Equal(HttpStatusCode.OK, shuffled.StatusCode);
        var expected = (await ServingHost.JsonOf(plain)).GetProperty("prediction").GetProperty("probability").GetSingle();
        var body = await ServingHost.JsonOf(shuffled);
        Assert.Equal(expected, body.GetProperty("prediction").GetProperty("probability").GetSingle());
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Batch_warnings_name_their_row_and_a_category_sent_as_a_number_is_checked()
    {
        var rows = $"[{ServingHost.GoodRow}, " + """{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": -5000, "embarked": 7}""" + "]";
        using var response = await _host.PostJsonAsync("/predict/batch", rows);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warnings = (await ServingHost.JsonOf(response)).GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, w => w.StartsWith("rows[1]: 'fare' = -5000", StringComparison.Ordinal) && w.Contains("far outside the training range"));
        Assert.Contains(warnings, w => w.StartsWith("rows[1]: 'embarked' = '7'", StringComparison.Ordinal) && w.Contains("not seen in training"));
    }

    [Fact]
    public async Task Batch_errors_are_keyed_by_row_and_field()
    {
        var rows = $"[{ServingHost.GoodRow}, {ServingHost.GoodRow}, " + """{"pclass": "first", "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "fare": 8, "cabin": "C85"}""" + "]";
        using var response = await _host.PostJsonAsync("/predict/batch", rows);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ServingHost.JsonOf(response)).GetProperty("errors");
        Assert.Contains("must be a number", errors.GetProperty("rows[2].pclass")[0].GetString());
        Assert.Contains("given twice", errors.GetProperty("rows[2].fare")[0].GetString());
        Assert.Contains("not a column of this model", errors.GetProperty("rows[2].cabin")[0].GetString());
        Assert.Equal(3, errors.EnumerateObject().Count());
    }

    [Fact]
    public void Reservoir_keeps_a_uniform_sample_of_a_long_stream()
    {
        // 100,000 values 0..99,999 into 2,000 places. A sample biased to the start (never replacing) or to the end
        // (replacing too often) fails the mean or the share from the last tenth of the stream.
        var sample = new ReservoirSample(2_000, seed: 7);
        for (int i = 0; i < 100_000; i++) sample.Add(i);
        var values = sample.Values;
        Assert.Equal(2_000, values.Count);
        Assert.Equal(2_000, values.Distinct().Count());
        // Mean of 2,000 uniform draws from [0, 100,000): 50,000 ± 645 (one standard error); allow 4.
        Assert.InRange(values.Average(), 50_000 - 4 * 645, 50_000 + 4 * 645);
        // Share from the last 10 %: 200 ± 13.4; allow 4 standard errors.
        Assert.InRange(values.Count(v => v >= 90_000), 200 - 54, 200 + 54);
        // Seeded: the same stream gives the same sample.
        var again = new ReservoirSample(2_000, seed: 7);
        for (int i = 0; i < 100_000; i++) again.Add(i);
        Assert.Equal(values, again.Values);
    }

    [Fact]
    public void Reservoir_below_its_capacity_keeps_everything()
    {
        var sample = new ReservoirSample(2_000);
        for (int i = 0; i < 1_500; i++) sample.Add(i);
        Assert.Equal(Enumerable.Range(0, 1_500).Select(i => (double)i), sample.Values);
    }
}
