using System.Net;
using System.Text.Json;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving.Tests;

/// <summary>Start-up failures, the API key, hot reload while requests run, and drift at the edge.</summary>
public sealed class ServingLifecycleTests
{
    private static int Serve(TitanicServingPipeline pipeline, out string output, out string error, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = PipelineApp.Run(["serve", "--port", "0", .. args], pipeline, stdout, stderr,
            [new ServeCommandContributor<TitanicRow, TitanicScore>()], runStorePath: Path.Combine(pipeline.Settings.ProjectDirectory, "runs.db"));
        output = stdout.ToString();
        error = stderr.ToString();
        return exit;
    }

    [Fact]
    public void Serve_without_a_model_exits_2_saying_to_train()
    {
        var pipeline = new TitanicServingPipeline(TitanicServingPipeline.NewProjectDirectory());
        var exit = Serve(pipeline, out _, out var error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("no model at", error);
        Assert.Contains("'train'", error);
    }

    [Fact]
    public void Serve_with_a_corrupt_model_exits_2_naming_the_file()
    {
        var pipeline = new TitanicServingPipeline(TitanicServingPipeline.NewProjectDirectory());
        ServingHost.Train(pipeline);
        var file = ModelStore.Resolve(ModelStore.DefaultModelPath(pipeline.Settings));
        File.WriteAllText(file, "this is not a zip");
        var exit = Serve(pipeline, out _, out var error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(file, error);
        Assert.Contains("cannot be loaded", error);
    }

    [Fact]
    public void Serve_with_a_pointer_to_a_missing_version_exits_2()
    {
        var pipeline = new TitanicServingPipeline(TitanicServingPipeline.NewProjectDirectory());
        ServingHost.Train(pipeline);
        File.WriteAllText(ModelStore.PointerPath(ModelStore.DefaultModelPath(pipeline.Settings)), "no-such-version\n");
        var exit = Serve(pipeline, out _, out var error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("no-such-version", error);
    }

    [Fact]
    public void Serve_refuses_a_host_that_is_not_an_address()
    {
        var pipeline = new TitanicServingPipeline(TitanicServingPipeline.NewProjectDirectory());
        ServingHost.Train(pipeline);
        var exit = Serve(pipeline, out _, out var error, "--host", "example.com");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("not an IP address", error);
    }

    [Fact]
    public async Task Api_key_is_required_when_set_and_probes_stay_open()
    {
        await using var host = await ServingHost.StartAsync(o => o.ApiKey = "s3cret-key");
        using (var none = await host.PostJsonAsync("/predict", ServingHost.GoodRow))
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        host.Client.DefaultRequestHeaders.Add(ServingOptions.ApiKeyHeader, "s3cret-kez");
        using (var wrong = await host.PostJsonAsync("/predict", ServingHost.GoodRow))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var drift = await host.Client.GetAsync("/drift"))
            Assert.Equal(HttpStatusCode.Unauthorized, drift.StatusCode);
        using (var health = await host.Client.GetAsync("/health"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        host.Client.DefaultRequestHeaders.Remove(ServingOptions.ApiKeyHeader);
        host.Client.DefaultRequestHeaders.Add(ServingOptions.ApiKeyHeader, "s3cret-key");
        using (var right = await host.PostJsonAsync("/predict", ServingHost.GoodRow))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task A_version_named_by_model_is_served_and_answers_name_that_version()
    {
        // Two versions: the first (30 iterations) is served by its path while the second (5 iterations) is current.
        var project = TitanicServingPipeline.NewProjectDirectory();
        var first = ServingHost.Train(new TitanicServingPipeline(project));
        var second = ServingHost.Train(new TitanicServingPipeline(project) { Iterations = 5 });
        var firstVersion = Path.GetFileName(Path.GetDirectoryName(first))!;
        Assert.NotEqual(firstVersion, Path.GetFileName(Path.GetDirectoryName(second)));
        await using var host = await ServingHost.StartAsync(o => o.ModelPath = first, train: false, project: project);

        var ready = await ServingHost.JsonOf(await host.Client.GetAsync("/ready"));
        Assert.Equal(firstVersion, ready.GetProperty("modelVersion").GetString());
        var answer = await ServingHost.JsonOf(await host.PostJsonAsync("/predict", ServingHost.GoodRow));
        Assert.Equal(firstVersion, answer.GetProperty("modelVersion").GetString());
        // And it is that version's model: the same probability as the file scored in process.
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var model = PipelineGen.Runtime.Training.ModelStore.Load(ml, first, out _);
        var expected = ml.Model.CreatePredictionEngine<TitanicRow, TitanicScore>(model)
            .Predict(new TitanicRow { Pclass = 3, Sex = "male", Age = 22, Sibsp = 1, Parch = 0, Fare = 7.25f, Embarked = "S" });
        Assert.Equal(expected.Probability, answer.GetProperty("prediction").GetProperty("probability").GetSingle());
    }

    [Fact]
    public async Task A_new_model_version_is_picked_up_without_failing_a_request()
    {
        await using var host = await ServingHost.StartAsync();
        var before = (await ServingHost.JsonOf(await host.PostJsonAsync("/predict", ServingHost.GoodRow))).GetProperty("modelVersion").GetString();

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await host.PostJsonAsync("/predict", ServingHost.GoodRow);
                statuses.Add(response.StatusCode);
            }
        })).ToArray();

        // 'train' commits a new version and replaces the pointer atomically, while the requests run.
        ServingHost.Train(new TitanicServingPipeline(host.Project) { Iterations = 5 });
        string? after = before;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (after == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = (await ServingHost.JsonOf(await host.PostJsonAsync("/predict", ServingHost.GoodRow))).GetProperty("modelVersion").GetString();
        }
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);

        Assert.NotEqual(before, after);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_broken_new_version_keeps_the_old_one_serving_and_ready_says_why()
    {
        await using var host = await ServingHost.StartAsync();
        var model = Path.Combine(host.Project, ".pipelinegen", "models", "Titanic.zip");
        File.WriteAllText(ModelStore.PointerPath(model), "missing-version\n");
        await Task.Delay(800);
        using var predict = await host.PostJsonAsync("/predict", ServingHost.GoodRow);
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        var ready = await ServingHost.JsonOf(await host.Client.GetAsync("/ready"));
        Assert.Contains("missing-version", ready.GetProperty("lastReloadError").GetString());
    }

    [Fact]
    public async Task Drift_is_stable_for_training_like_rows_and_major_for_shifted_ones()
    {
        await using var host = await ServingHost.StartAsync();
        var lines = File.ReadAllLines(Path.Combine(host.Project, "titanic_train.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        string Row(string[] f, Func<string, string>? fare = null) =>
            $$"""{"pclass": {{f[1]}}, "sex": "{{f[2]}}", "age": {{(f[3].Length == 0 ? "null" : f[3])}}, "sibsp": {{f[4]}}, "parch": {{f[5]}}, "fare": {{(fare ?? (x => x))(f[6])}}{{(f[7].Length == 0 ? "" : $", \"embarked\": \"{f[7]}\"")}}}""";

        var early = await ServingHost.JsonOf(await host.Client.GetAsync("/drift"));
        Assert.Equal("notcomputed", early.GetProperty("verdict").GetString());

        using (var batch = await host.PostJsonAsync("/predict/batch", "[" + string.Join(",", lines.Take(150).Select(f => Row(f))) + "]"))
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var same = await ServingHost.JsonOf(await host.Client.GetAsync("/drift"));
        Assert.Equal(150, same.GetProperty("rows").GetInt64());
        var fareSame = same.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "fare");
        Assert.Equal("stable", fareSame.GetProperty("verdict").GetString());

        // Fares ten times higher: PSI over the training deciles calls it major.
        await using var shifted = await ServingHost.StartAsync();
        using (var batch = await shifted.PostJsonAsync("/predict/batch", "[" + string.Join(",", lines.Take(150).Select(f => Row(f, x => (double.Parse(x, System.Globalization.CultureInfo.InvariantCulture) * 10 + 50).ToString(System.Globalization.CultureInfo.InvariantCulture)))) + "]"))
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var moved = await ServingHost.JsonOf(await shifted.Client.GetAsync("/drift"));
        var fare = moved.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "fare");
        Assert.Equal("major", fare.GetProperty("verdict").GetString());
        Assert.True(fare.GetProperty("psi").GetDouble() >= 0.25);
        Assert.True(fare.GetProperty("ksPValue").GetDouble() < 0.01);
        Assert.Equal("major", moved.GetProperty("verdict").GetString());
    }
}
