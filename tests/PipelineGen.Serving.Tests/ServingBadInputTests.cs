using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// Every kind of bad request from the issue, over real HTTP: a 4xx with a problem-details body that says what is wrong,
/// never a 5xx, and the service keeps answering afterwards.
/// </summary>
public sealed class ServingBadInputTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(o => { o.MaxRequestBodyBytes = 64 * 1024; o.MaxBatchRows = 50; });
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, params string[] fragments)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        foreach (var fragment in fragments) Assert.Contains(fragment, body);
        Assert.DoesNotContain("   at ", body); // no stack trace
        // The service is still up and still predicts.
        using var after = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        return body;
    }

    [Fact]
    public async Task Malformed_json_is_400_with_the_position()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": "male",""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "not valid JSON", "LineNumber");
    }

    [Theory]
    [InlineData("/predict", """{"pclass": 3, "sex": "\ud800", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25}""", "sex", "'sex' is not valid Unicode text")]
    [InlineData("/predict", """{"pclass": 3, "sex": "male", "\udc00x": 1, "sibsp": 1, "parch": 0, "fare": 7.25}""", "\"$\"", "a property name is not valid Unicode text")]
    [InlineData("/predict/batch", """[{"pclass": 3, "sex": "male", "sibsp": 1, "parch": 0, "fare": 7.25}, {"pclass": 3, "sex": "male", "sibsp": 1, "parch": 0, "fare": 7.25, "embarked": "S\ud800"}]""", "rows[1].embarked", "'embarked' is not valid Unicode text")]
    public async Task A_lone_surrogate_escape_is_400_naming_the_field_not_500(string path, string json, string key, string message)
    {
        // Valid JSON syntax (the parser accepts the escape); the text it stands for is not valid Unicode.
        using var response = await _host.PostJsonAsync(path, json);
        await ExpectProblem(response, HttpStatusCode.BadRequest, key, message);
    }

    [Fact]
    public async Task Empty_body_is_400()
    {
        using var response = await _host.PostJsonAsync("/predict", "");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        using var response = await _host.Client.PostAsync("/predict", new StringContent(ServingHost.GoodRow, Encoding.UTF8, "text/plain"));
        await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json", "text/plain");
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        // Raw TCP: the answer comes before the body is sent, so a client that is still uploading cannot lose it to a reset.
        var (status, body) = await RawPost("/predict/batch", 200_000, "[" + ServingHost.GoodRow);
        Assert.Equal("413", status);
        Assert.Contains("65536 bytes", body);
        using var after = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private async Task<(string Status, string Text)> RawPost(string path, long declaredLength, string start)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_host.Address.Host, _host.Address.Port);
        using var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {declaredLength}\r\n\r\n{start}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (text.ToString().Contains("\r\n\r\n") && text.ToString().TrimEnd().EndsWith('}')) break;
            }
        }
        catch (IOException) { }
        var all = text.ToString();
        Assert.StartsWith("HTTP/1.1 ", all);
        return (all.Substring(9, 3), all);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var big = "[" + string.Join(",", Enumerable.Repeat(ServingHost.GoodRow, 2000)) + "]";
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict/batch") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _host.Client.SendAsync(request);
        await ExpectProblem(response, HttpStatusCode.RequestEntityTooLarge, "65536 bytes");
    }

    [Fact]
    public async Task Deep_nesting_is_400()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        using var response = await _host.PostJsonAsync("/predict", deep);
        await ExpectProblem(response, HttpStatusCode.BadRequest, "depth");
    }

    [Fact]
    public async Task Nested_value_in_a_column_is_400_naming_the_field()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": {"a": 1}, "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"sex\"", "must be a string");
    }

    [Fact]
    public async Task Empty_batch_is_400()
    {
        using var response = await _host.PostJsonAsync("/predict/batch", "[]");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "empty");
    }

    [Fact]
    public async Task Batch_over_the_row_limit_is_400_saying_the_limit()
    {
        var rows = "[" + string.Join(",", Enumerable.Repeat("{}", 51)) + "]";
        using var response = await _host.PostJsonAsync("/predict/batch", rows);
        await ExpectProblem(response, HttpStatusCode.BadRequest, "51 rows", "at most 50");
    }

    [Fact]
    public async Task A_million_row_batch_is_refused_before_it_is_read()
    {
        // Declared size only: the server refuses on Content-Length without reading a million rows.
        var (status, body) = await RawPost("/predict/batch", 1_000_000L * ServingHost.GoodRow.Length, "[");
        Assert.Equal("413", status);
        Assert.Contains("at most 50 per batch", body);
        using var after = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public async Task NaN_and_Infinity_literals_are_400(string literal)
    {
        using var response = await _host.PostJsonAsync("/predict", $$"""{"pclass": 3, "sex": "male", "age": {{literal}}, "sibsp": 1, "parch": 0, "fare": 7.25}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "not valid JSON", "NaN and Infinity");
    }

    [Theory]
    [InlineData("\"Infinity\"", "must be a number")]
    [InlineData("1e999", "outside the range")]
    [InlineData("1e39", "outside the range of a 32-bit float")]
    public async Task Non_finite_numbers_are_400_naming_the_field(string value, string message)
    {
        using var response = await _host.PostJsonAsync("/predict", $$"""{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": {{value}}}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"fare\"", message);
    }

    [Fact]
    public async Task Unknown_field_is_400_naming_it_and_listing_the_columns()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25, "cabin": "C85"}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"cabin\"", "not a column", "pclass, sex, age");
    }

    [Fact]
    public async Task Missing_required_field_is_400_naming_it()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"sex\"", "required");
    }

    [Fact]
    public async Task Null_for_a_required_field_is_400()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": null, "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"sex\"", "required");
    }

    [Fact]
    public async Task Wrong_type_is_400_naming_the_field()
    {
        using var response = await _host.PostJsonAsync("/predict", """{"pclass": 3, "sex": "male", "age": "old", "sibsp": 1, "parch": 0, "fare": 7.25}""");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "\"age\"", "must be a number", "a string");
    }

    [Fact]
    public async Task Batch_errors_name_the_row_and_field()
    {
        var rows = $"[{ServingHost.GoodRow}, " + """{"pclass": 3, "sex": "male", "age": true, "sibsp": 1, "parch": 0, "fare": 7.25}""" + "]";
        using var response = await _host.PostJsonAsync("/predict/batch", rows);
        await ExpectProblem(response, HttpStatusCode.BadRequest, "rows[1].age");
    }

    [Fact]
    public async Task A_row_that_is_not_an_object_is_400()
    {
        using var response = await _host.PostJsonAsync("/predict", "[1, 2, 3]");
        await ExpectProblem(response, HttpStatusCode.BadRequest, "expected a JSON object");
    }

    [Fact]
    public async Task Unknown_route_and_method_are_4xx_with_a_body()
    {
        using var missing = await _host.Client.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var method = await _host.Client.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Contains("405", await method.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Slow_sender_is_cut_off_and_the_service_stays_up()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_host.Address.Host, _host.Address.Port);
        using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"));
        // One byte a second: far below the minimum upload rate (240 B/s after a 5 s grace period).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool cut = false;
        var buffer = new byte[4096];
        var pending = stream.ReadAsync(buffer).AsTask();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (await Task.WhenAny(pending, Task.Delay(1000)) == pending) { cut = true; break; }
            try { await stream.WriteAsync(Encoding.ASCII.GetBytes(" ")); }
            catch (IOException) { cut = true; break; }
        }
        Assert.True(cut, "the slow sender was not cut off within 20 s");
        var answered = pending.IsCompletedSuccessfully ? await pending : 0;
        if (answered > 0)
            Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(buffer, 0, answered));
        using var after = await _host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
